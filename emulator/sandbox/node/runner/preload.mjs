// A spare whose next source will import the bundled @pipedream/platform (the host sets
// PD_SANDBOX_PRELOAD_PLATFORM for that shape) loads it while it waits: the ~0.8 MB bundle then
// costs the source's first run nothing. The component's import finds it in require's cache.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const BUNDLE = fileURLToPath(new URL("../vendor/platform.cjs", import.meta.url));

export function preloadPlatformWhenIdle() {
  if (process.env.PD_SANDBOX_PRELOAD_PLATFORM !== "1") return;
  delete process.env.PD_SANDBOX_PRELOAD_PLATFORM;
  setImmediate(() => {
    try {
      createRequire(import.meta.url)(BUNDLE);
    } catch {
      // Not there (deleted) or failing: the component's own import reports it.
    }
  });
}
