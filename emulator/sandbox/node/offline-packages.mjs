// Which bare specifiers have an offline stand-in here, and where its entry files live.
// Shared by the ESM resolve hooks and the CommonJS require patch in register.mjs.
const here = new URL("./", import.meta.url);

export const OFFLINE_PACKAGES = {
  "@pipedream/platform": {
    import: new URL("platform/index.mjs", here).href,
    require: new URL("platform/index.cjs", here).href,
  },
  "@pipedream/types": {
    import: new URL("types/index.mjs", here).href,
    require: new URL("types/index.cjs", here).href,
  },
};

export function isNotFound(error) {
  return error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "MODULE_NOT_FOUND";
}

/** The stand-in URL for `specifier`, or undefined when we provide none. */
export function offlineUrl(specifier, conditions = []) {
  const entry = OFFLINE_PACKAGES[specifier];
  if (!entry) return undefined;
  return conditions.includes("require") ? entry.require : entry.import;
}
