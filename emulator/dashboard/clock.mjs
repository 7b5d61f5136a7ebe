// The emulated clock as the page knows it: the last reading plus, for a real clock, time since.
import { createContext, useContext, useEffect, useState } from "./lib.mjs";
import { get } from "./api.mjs";
import { useRecords } from "./live.mjs";

export const ClockContext = createContext(null);

export function reading(clock) {
  return { ...clock, receivedAt: performance.now() };
}

export function emulatedNow(clock) {
  if (!clock) return Date.now();
  if (clock.mode !== "real") return clock.now_ms;
  return Math.round(clock.now_ms + (performance.now() - clock.receivedAt) * clock.speed);
}

/** The app's clock state, kept current from the stream's clock records. */
export function useClockState() {
  const [clock, setClock] = useState(null);
  const refresh = () => get("/_emulator/clock").then((c) => setClock(reading(c))).catch(() => {});
  useEffect(() => { refresh(); }, []);
  useRecords((record) => {
    if (record.kind === "clock" && record.clock) setClock(reading(record.clock));
    else if (record.kind === "gap" || record.kind === "reset" || record.kind === "state_imported") refresh();
  });
  return [clock, setClock];
}

/** The emulated time now, re-rendering the caller as it passes (a virtual clock only moves on advance). */
export function useNow(everyMs = 500) {
  const { clock } = useContext(ClockContext);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!clock || clock.mode !== "real") return undefined;
    const timer = setInterval(() => tick((n) => n + 1), everyMs);
    return () => clearInterval(timer);
  }, [clock, everyMs]);
  return emulatedNow(clock);
}
