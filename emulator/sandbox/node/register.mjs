// Load with `node --import <abs path>/register.mjs …`: makes `@pipedream/platform` (and
// `@pipedream/types`) importable offline. A component folder's own node_modules still wins.
// Standalone on purpose: the props extractor imports components through it too.
import module from "node:module";
import { fileURLToPath } from "node:url";
import { isNotFound, offlineUrl } from "./offline-packages.mjs";
import { resolveSync } from "./resolve-hooks.mjs";

if (typeof module.registerHooks === "function") {
  module.registerHooks({ resolve: resolveSync });
} else if (typeof module.register === "function") {
  module.register("./resolve-hooks.mjs", import.meta.url);
}

// require() does not pass through module.register() hooks before Node 22.15: patch CommonJS
// resolution the same way (the real package first, ours when it is missing).
const CommonJsModule = module.createRequire(import.meta.url)("node:module");
const resolveFilename = CommonJsModule._resolveFilename;
CommonJsModule._resolveFilename = function resolveWithOfflinePackages(request, ...rest) {
  try {
    return resolveFilename.call(this, request, ...rest);
  } catch (error) {
    const fallback = isNotFound(error) && offlineUrl(request, ["require"]);
    if (!fallback) throw error;
    return fileURLToPath(fallback);
  }
};
