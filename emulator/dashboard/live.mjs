// The one SSE stream of the emulator's activity: reconnects by itself, resumes where it left off,
// and tells its listeners when records were lost (a "gap": reload your snapshot).
import { createContext, useContext, useEffect, useState } from "./lib.mjs";

const RETRY_MS = [1000, 2000, 5000];

export class LiveStream {
  constructor(url = "/_emulator/stream") {
    this.url = url;
    this.listeners = new Set();
    this.statusListeners = new Set();
    this.status = "connecting";        // connecting | live | reconnecting | ended
    this.lastEventId = "";
    this.failures = 0;
    this.source = null;
  }

  start() {
    const url = this.lastEventId ? `${this.url}?last_event_id=${encodeURIComponent(this.lastEventId)}` : this.url;
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    source.onmessage = (message) => this.receive(message);
    source.onerror = () => this.lost(source);
  }

  receive(message) {
    const record = JSON.parse(message.data);
    if (message.lastEventId) this.lastEventId = message.lastEventId;
    if (record.kind === "hello") {
      this.failures = 0;
      this.setStatus("live");
      if (record.gap || (!record.resumed && this.everLive)) this.emit({ kind: "gap" });
      this.everLive = true;
      return;
    }
    this.emit(record);
  }

  async lost(source) {
    if (source.readyState !== EventSource.CLOSED) {
      this.setStatus("reconnecting");   // EventSource retries with Last-Event-ID on its own
      return;
    }
    // The browser gave up on an error status: a 401 means the session ended (the emulator restarted).
    this.failures += 1;
    this.setStatus(await sessionEnded() ? "ended" : "reconnecting");
    const delay = RETRY_MS[Math.min(this.failures - 1, RETRY_MS.length - 1)];
    setTimeout(() => { if (this.source === source) this.start(); }, delay);
  }

  emit(record) {
    for (const listener of this.listeners) {
      try { listener(record); } catch (error) { console.error("live listener failed", error); }
    }
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

async function sessionEnded() {
  try {
    return (await fetch("/_emulator/clock", { credentials: "same-origin" })).status === 401;
  } catch {
    return false;
  }
}

export const LiveContext = createContext(null);

/** Calls `onRecord` for every activity record while the component is mounted. */
export function useRecords(onRecord, deps = []) {
  const live = useContext(LiveContext);
  useEffect(() => live.subscribe(onRecord), [live, ...deps]);
}

export function useStreamStatus() {
  const live = useContext(LiveContext);
  const [status, setStatus] = useState(live.status);
  useEffect(() => {
    live.statusListeners.add(setStatus);
    setStatus(live.status);
    return () => live.statusListeners.delete(setStatus);
  }, [live]);
  return status;
}
