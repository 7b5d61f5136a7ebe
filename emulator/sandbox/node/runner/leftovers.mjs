// Timers end with the run: what a finished run left pending (an interval, a late timeout) is
// cleared when the run ends, so nothing of it keeps running in the worker between runs.
// (Listening sockets are refused outright by containment.mjs.)
import timers from "node:timers";
import { syncBuiltinESMExports } from "node:module";
import { promisify } from "node:util";

const PRUNE_AT = 1000;
const KINDS = [["setTimeout", "clearTimeout"], ["setInterval", "clearInterval"], ["setImmediate", "clearImmediate"]];

export function installTimerTracking() {
  const pending = new Map(); // handle -> clear function
  for (const [setName, clearName] of KINDS) {
    const set = globalThis[setName];
    const clear = globalThis[clearName];
    const tracked = function (...args) {
      const handle = Reflect.apply(set, this, args);
      if (pending.size >= PRUNE_AT) {
        for (const old of pending.keys()) if (old._destroyed) pending.delete(old);
      }
      pending.set(handle, clear);
      return handle;
    };
    Object.defineProperty(tracked, "name", { value: setName });
    if (set[promisify.custom]) tracked[promisify.custom] = set[promisify.custom];
    globalThis[setName] = tracked;
    timers[setName] = tracked;
  }
  syncBuiltinESMExports();
  return {
    /** Clears every timer still pending; answers how many were. */
    stopAll() {
      let stopped = 0;
      for (const [handle, clear] of pending) {
        if (!handle._destroyed) stopped += 1;
        clear(handle);
      }
      pending.clear();
      return stopped;
    },
  };
}
