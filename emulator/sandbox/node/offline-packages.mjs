// Which bare specifiers have an offline stand-in here, and where its entry files live.
// Shared by the ESM resolve hooks and the CommonJS require patch in register.mjs.
// @pipedream/platform is the real published package, bundled into vendor/platform.cjs (see
// vendor/README.md); one who deletes that file (it is under Pipedream's licence, not ours) gets
// Node's own "cannot find package" instead, and installs the package into the component's folder.
import { existsSync } from "node:fs";

const here = new URL("./", import.meta.url);
const PLATFORM_BUNDLE = new URL("vendor/platform.cjs", here);
const PLATFORM_ESM = new URL("vendor/platform.mjs", here);   // requires the bundle: no export scan of 0.8 MB

export const OFFLINE_PACKAGES = {
  "@pipedream/types": {
    import: new URL("types/index.mjs", here).href,
    require: new URL("types/index.cjs", here).href,
  },
};
if (existsSync(PLATFORM_BUNDLE)) {
  OFFLINE_PACKAGES["@pipedream/platform"] = { import: PLATFORM_ESM.href, require: PLATFORM_BUNDLE.href };
}

export function isNotFound(error) {
  return error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "MODULE_NOT_FOUND";
}

/** The stand-in URL for `specifier`, or undefined when we provide none. */
export function offlineUrl(specifier, conditions = []) {
  const entry = OFFLINE_PACKAGES[specifier];
  if (!entry) return undefined;
  return conditions.includes("require") ? entry.require : entry.import;
}
