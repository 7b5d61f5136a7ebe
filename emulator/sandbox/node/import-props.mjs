// Imports component files and prints, for each, one line "@@pd-props <json>" with the metadata and
// configurable_props Node computes at runtime, by the same rules as the static extractor (emulator/props).
// Usage (see emulator/sandbox/props_import.py): node <containment flags> import-props.mjs FILE...
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { explainDenial } from "./containment.mjs";

const MARKER = "@@pd-props ";
const FIELDS = ["key", "name", "version", "description", "type", "dedupe"];
const MAX_DEFINITION_DEPTH = 10;

function withDefinition(prop, depth) {
  const reference = prop.propDefinition;
  if (reference === undefined || reference === null || depth > MAX_DEFINITION_DEPTH) return prop;
  let definition = {};
  if (Array.isArray(reference) && reference.length) {
    const found = reference[0]?.propDefinitions?.[reference[1]];
    if (found && typeof found === "object" && !Array.isArray(found)) definition = withDefinition(found, depth + 1);
  }
  const merged = { ...definition, ...prop };
  delete merged.propDefinition;
  return merged;
}

function describeProp(name, value) {
  if (typeof value === "string") return { name, type: value };
  if (!value || typeof value !== "object" || Array.isArray(value)) return { name };
  if (value.type === "app") return { name, type: "app", app: value.app };
  const prop = withDefinition(value, 0);
  const described = { name, type: prop.type };
  for (const [key, attribute] of Object.entries(prop)) {
    if (key === "name" || key === "type") continue;
    if (key === "options" && typeof attribute === "function") described.remoteOptions = true;
    else described[key] = attribute;
  }
  return described;
}

function toJSON(value) {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined; // cycles, BigInt: as absent, like the static side
  }
}

async function describeFile(file) {
  const module = await import(pathToFileURL(resolve(file)).href);
  const component = module.default;
  if (!component || typeof component !== "object") throw new Error("no component export");
  const result = { file, ok: true };
  for (const field of FIELDS) result[field] = typeof component[field] === "string" ? component[field] : null;
  const props = component.props && typeof component.props === "object" ? component.props : {};
  result.configurable_props = Object.entries(props).map(([name, value]) => toJSON(describeProp(name, value)));
  return result;
}

const write = (line) => new Promise((done) => process.stdout.write(line, done));
for (const name of ["log", "info", "debug", "warn"]) console[name] = console.error; // keep stdout ours
// A module may start work that fails after its import returned (a native addon loaded lazily, a
// connection): that is said on stderr, naming the file, and the other files are still described.
let importing = "(none yet)";
for (const event of ["unhandledRejection", "uncaughtException"]) {
  process.on(event, (error) => {
    console.error(`import-props: ${event} while or after importing ${importing}: ${explainDenial(error)?.message ?? error}`);
  });
}
for (const file of process.argv.slice(2)) {
  importing = file;
  let result;
  try {
    result = await describeFile(file);
  } catch (error) {
    explainDenial(error);
    result = { file, ok: false, error: String(error?.stack ?? error).split("\n").slice(0, 3).join("\n") };
  }
  await write(MARKER + JSON.stringify(result) + "\n");
}
process.exit(0); // a module may leave timers or sockets open
