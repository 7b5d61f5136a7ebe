// The state of one invocation: db (JSON text per key), emits, the HTTP response, and logs
// streamed to the host as they happen (so they survive a timeout or a crash), within caps.
import { normalizeHttpResponse } from "./http-response.mjs";
import { MAX_JSON_DEPTH, jsonDepth } from "./json-depth.mjs";

function utf8Prefix(text, maxBytes) {
  return Buffer.from(text, "utf8").subarray(0, maxBytes).toString("utf8");
}

function jsonObject(entries) {
  return `{${entries.map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(",")}}`;
}

const EMITS_PER_FRAME = 1000;

export class Run {
  constructor({ id, params, clock, channel }) {
    this.id = id;
    this.clock = clock;
    this.channel = channel;
    this.maxLogBytes = params.limits.max_log_bytes;
    this.maxEventBytes = params.limits.max_event_bytes;
    this.maxReplyBytes = params.limits.max_reply_bytes ?? Infinity;
    this.logBytes = 0;
    this.logsTruncated = false;
    this.open = true;
    this.emits = [];
    this.response = null;
    this.values = new Map(Object.entries(params.db ?? {}).map(([key, value]) => [key, JSON.stringify(value)]));
    this.changed = new Set();
    this.failedWith = null;
    this.failure = new Promise((_, reject) => {
      this.fail = (reason) => {
        this.failedWith ??= { reason };
        reject(reason);
      };
    });
    this.failure.catch(() => {});
    this.db = { get: (key) => this.dbGet(key), set: (key, value) => this.dbSet(key, value) };
    this.emit = (event, metadata) => this.addEmit(event, metadata);
    this.respond = (response) => this.setResponse(response);
  }

  log(level, message) {
    if (this.logsTruncated) return;
    const bytes = Buffer.byteLength(message, "utf8");
    if (this.logBytes + bytes > this.maxLogBytes) {
      const remaining = this.maxLogBytes - this.logBytes;
      if (remaining > 0) this.sendLog(level, utf8Prefix(message, remaining));
      this.logsTruncated = true;
      this.sendLog("warn", `[logs truncated: this run logged more than ${this.maxLogBytes} bytes]`);
      return;
    }
    this.logBytes += bytes;
    this.sendLog(level, message);
  }

  sendLog(level, message) {
    this.channel.send({ id: this.id, notice: "log", params: { level, message, ts: this.clock.now() } });
  }

  warnClosed(what) {
    process.emitWarning(`${what} after the run ended was ignored`);
  }

  dbGet(key) {
    const json = this.values.get(String(key));
    return json === undefined ? undefined : JSON.parse(json);
  }

  dbSet(key, value) {
    if (!this.open) return this.warnClosed("db.set()");
    const name = String(key);
    const json = JSON.stringify(value);
    if (json !== undefined && jsonDepth(json) > MAX_JSON_DEPTH) {
      throw new RangeError(`db.set(${JSON.stringify(name)}): the value nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    if (json === undefined) this.values.delete(name);
    else this.values.set(name, json);
    this.changed.add(name);
  }

  addEmit(event, metadata) {
    if (!this.open) return this.warnClosed("$emit()");
    let eventJson;
    let metadataJson;
    try {
      eventJson = JSON.stringify(event === undefined ? null : event);
      metadataJson = JSON.stringify(metadata ?? {});
    } catch (error) {
      this.log("error", `$emit rejected: the event is not JSON-serialisable (${error.message})`);
      return;
    }
    if (jsonDepth(eventJson) > MAX_JSON_DEPTH || jsonDepth(metadataJson) > MAX_JSON_DEPTH) {
      this.log("error", `$emit rejected: the event or its metadata nests deeper than ${MAX_JSON_DEPTH} levels`);
      return;
    }
    const bytes = Buffer.byteLength(eventJson, "utf8");
    if (bytes > this.maxEventBytes) {
      this.log("error", `$emit rejected: the event is ${bytes} bytes, over the ${this.maxEventBytes}-byte limit`);
      return;
    }
    this.emits.push(`{"event":${eventJson},"metadata":${metadataJson}}`);
  }

  setResponse(input) {
    const response = normalizeHttpResponse(input);
    if (!this.open) return this.warnClosed("http.respond()");
    if (this.response) {
      this.log("warn", "http.respond() was called more than once; the first response stands");
      return;
    }
    this.response = response;
    this.channel.send({ id: this.id, notice: "respond", params: response });
  }

  /** Ends the run and returns its reply frame as JSON text (emits and db go in as written).
   * Past EMITS_PER_FRAME emits, the earlier ones go first as "emits" notices: the host parses
   * each frame in one go, and a single frame of 100,000 emits would stall it. */
  finish(outcome, error, durationMs) {
    this.open = false;
    const changes = [...this.changed].map((key) => [key, this.values.get(key) ?? "null"]);
    const head = `{"id":${this.id},"result":{"outcome":${JSON.stringify(outcome)},`
      + `"error":${JSON.stringify(error)},"duration_ms":${durationMs},"emits":[`;
    const tail = `],"db":${jsonObject([...this.values])},`
      + `"db_changes":${jsonObject(changes)},"http_response":${JSON.stringify(this.response)}}}`;
    const bytes = Buffer.byteLength(head, "utf8") + Buffer.byteLength(tail, "utf8")
      + this.emits.reduce((total, emit) => total + Buffer.byteLength(emit, "utf8") + 1, 0);
    if (bytes <= this.maxReplyBytes) {
      while (this.emits.length > EMITS_PER_FRAME) {
        const batch = this.emits.splice(0, EMITS_PER_FRAME);
        this.channel.sendText(`{"id":${this.id},"notice":"emits","params":{"emits":[${batch.join(",")}]}}`);
      }
      return head + this.emits.join(",") + tail;
    }
    // The host refuses (and kills) a process that sends more: fail the run instead, keeping nothing.
    const tooLarge = { name: "ReplyTooLarge", stack: "", message: `the run's result (${this.emits.length} emits `
      + `and the db) is ${bytes} bytes, over the ${this.maxReplyBytes}-byte limit; nothing was kept` };
    return `{"id":${this.id},"result":{"outcome":"error","error":${JSON.stringify(tooLarge)},`
      + `"duration_ms":${durationMs},"emits":[],"db":{},"db_changes":{},"http_response":${JSON.stringify(this.response)}}}`;
  }
}
