// Replaces the global Date so Date.now() and new Date() follow the emulator's clock:
// now = now_ms at the start of the invocation + real elapsed ms × clock_speed (0 = frozen).
// Date.parse, Date.UTC and `instanceof Date` keep working: it is the same prototype.
const RealDate = globalThis.Date;

export function installEmulatedClock() {
  const state = { baseMs: RealDate.now(), startedAt: performance.now(), speed: 1 };
  const now = () => Math.floor(state.baseMs + (performance.now() - state.startedAt) * state.speed);

  function Date(...args) {
    if (!new.target) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length ? args : [now()], new.target);
  }
  Object.setPrototypeOf(Date, RealDate);
  Date.prototype = RealDate.prototype;
  Object.defineProperty(Date, "length", { value: RealDate.length });
  Object.defineProperty(Date, "now", { value: now, writable: true, configurable: true });
  Object.defineProperty(RealDate.prototype, "constructor", { value: Date, writable: true, configurable: true });
  globalThis.Date = Date;

  return {
    now,
    set(nowMs, speed) {
      state.baseMs = nowMs;
      state.startedAt = performance.now();
      state.speed = speed;
    },
  };
}
