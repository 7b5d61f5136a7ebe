// Builds `this` for one invocation: methods bound to it, each prop's configured value, and
// the interfaces (db, http, $emit) backed by the current run.
const DB = "$.service.db";
const HTTP = "$.interface.http";
const TIMER = "$.interface.timer";

function propType(definition) {
  return typeof definition === "string" ? definition : definition?.type;
}

function bindMethods(target, methods) {
  for (const [name, method] of Object.entries(methods ?? {})) {
    if (typeof method === "function") target[name] = method.bind(target);
  }
  return target;
}

/** An app prop: the app file's methods bound to it, plus `$auth` from the configured account. */
function appInstance(app, value) {
  const instance = bindMethods({}, app.methods);
  Object.assign(instance, value ?? {});
  instance.$auth ??= {};
  return instance;
}

function propValue(definition, value, run) {
  switch (propType(definition)) {
    case "app":
      return appInstance(definition, value);
    case DB:
      return run.db;
    case HTTP: {
      const configured = typeof value === "string" ? { endpoint: value } : value ?? {};
      return { ...configured, endpoint: configured.endpoint ?? null, respond: run.respond };
    }
    case TIMER:
      return value ?? definition?.default ?? {};
    default:
      return value !== undefined ? value : definition?.default;
  }
}

/** `definitions`: the source's props as additionalProps() completed them (described, `{name, type, …}`);
 * those the code does not declare take their value by their type, as declared ones do. */
export function buildComponentThis(component, props, run, definitions = []) {
  const self = bindMethods({}, component.methods);
  const declared = component.props ?? {};
  for (const [name, definition] of Object.entries(declared)) {
    self[name] = propValue(definition, props[name], run);
  }
  const added = new Set();
  for (const definition of definitions ?? []) {
    const name = definition?.name;
    if (typeof name !== "string" || name in declared) continue;
    self[name] = propValue(definition, props[name], run);
    added.add(name);
  }
  for (const [name, value] of Object.entries(props)) {
    if (!(name in declared) && !added.has(name)) self[name] = value;
  }
  self.db ??= run.db;
  self.$emit = run.emit;
  return self;
}
