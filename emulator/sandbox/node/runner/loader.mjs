// Loads a component module once per process: ESM through import(), CommonJS through require.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const loaded = new Map();

async function importComponent(path, kind) {
  let exported;
  if (kind === "cjs") {
    try {
      exported = createRequire(path)(path);
    } catch (error) {
      if (error?.code !== "ERR_REQUIRE_ESM") throw error;
      exported = (await import(pathToFileURL(path).href)).default;
    }
  } else {
    exported = (await import(pathToFileURL(path).href)).default;
  }
  const wrapsDefault = exported?.__esModule || exported?.[Symbol.toStringTag] === "Module";
  if (wrapsDefault && exported.default) exported = exported.default;
  if (!exported || typeof exported !== "object") {
    throw new TypeError(`${path} does not export a component object`);
  }
  return exported;
}

/** The component exported by `path` ("esm" | "cjs"); a failed load is retried next time. */
export function loadComponent({ path, kind }) {
  if (!loaded.has(path)) {
    const loading = importComponent(path, kind);
    loading.catch(() => loaded.delete(path));
    loaded.set(path, loading);
  }
  return loaded.get(path);
}
