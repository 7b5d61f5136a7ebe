// Module resolve hooks: a package the component's folder provides always wins; only when
// resolution fails does an offline stand-in (the bundled @pipedream/platform, …) answer.
import { isNotFound, offlineUrl } from "./offline-packages.mjs";

/** Asynchronous form, for module.register() (hooks run on a loader thread). */
export async function resolve(specifier, context, nextResolve) {
  const fallback = offlineUrl(specifier, context.conditions);
  if (!fallback) return nextResolve(specifier, context);
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return { url: fallback, shortCircuit: true };
  }
}

/** Synchronous form, for module.registerHooks() (Node >= 22.15 / 23.5, same thread). */
export function resolveSync(specifier, context, nextResolve) {
  const fallback = offlineUrl(specifier, context.conditions);
  if (!fallback) return nextResolve(specifier, context);
  try {
    return nextResolve(specifier, context);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return { url: fallback, shortCircuit: true };
  }
}
