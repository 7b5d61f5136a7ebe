// Pipedream Connect's configure calls: a prop's options() and the component's additionalProps(),
// run with the same `this` as a run. Their result travels back as an emit named "$returned".
import { buildComponentThis } from "./component-this.mjs";

export const CONFIGURE_METHODS = new Set(["options", "additionalProps"]);
export const RETURNED = "$returned";

function propType(definition) {
  return typeof definition === "string" ? definition : definition?.type;
}

/** `{...app.propDefinitions[key], ...prop}`, and the app the definition came from. */
function resolveDefinition(definition) {
  const reference = definition?.propDefinition;
  if (!Array.isArray(reference) || !reference[0]) return { merged: definition, app: null, extra: null };
  const [app, key, extra] = reference;
  const found = app.propDefinitions?.[key] ?? {};
  const merged = { ...found, ...definition };
  delete merged.propDefinition;
  const optionsFromApp = definition.options === undefined && typeof found.options === "function";
  return { merged, app: optionsFromApp ? app : null, extra: typeof extra === "function" ? extra : null };
}

/** The component's own prop holding `app`, so options() sees that prop's `$auth`. */
function appThis(component, self, app) {
  for (const [name, definition] of Object.entries(component.props ?? {})) {
    if (definition === app || (propType(definition) === "app" && definition?.app === app.app)) return self[name];
  }
  return self;
}

function describeProps(definitions) {
  return Object.entries(definitions ?? {}).map(([name, definition]) => {
    if (typeof definition === "string") return { name, type: definition };
    const { merged } = resolveDefinition(definition);
    if (propType(merged) === "app") return { name, type: "app", app: merged.app };
    const described = { name };
    for (const [key, value] of Object.entries(merged ?? {})) {
      if (key === "name" || value === undefined) continue;
      if (key === "options" && typeof value === "function") described.remoteOptions = true;
      else if (typeof value !== "function") described[key] = value;
    }
    return described;
  });
}

async function additionalDefinitions(component, self) {
  if (typeof component.additionalProps !== "function") return null;
  return (await component.additionalProps.call(self, component.props ?? {})) ?? {};
}

async function propOptions(component, self, event) {
  const name = event.prop_name;
  let definition = component.props?.[name];
  if (definition === undefined) definition = (await additionalDefinitions(component, self))?.[name];
  const { merged, app, extra } = resolveDefinition(definition ?? {});
  if (typeof merged?.options !== "function") return null;
  const argument = { page: event.page ?? 0, prevContext: event.prevContext ?? {}, query: event.query };
  if (extra) Object.assign(argument, extra.call(self, event.configured_props ?? {}));
  return merged.options.call(app ? appThis(component, self, app) : self, argument);
}

/** Runs the configure method; its JSON result is emitted as "$returned". */
export async function callConfigure(component, method, props, run, event) {
  const self = buildComponentThis(component, props, run);
  let returned;
  if (method === "options") returned = await propOptions(component, self, event ?? {});
  else {
    const definitions = await additionalDefinitions(component, self);
    returned = definitions === null ? null : describeProps(definitions);
  }
  run.emit(returned ?? null, { name: RETURNED });
}
