// Captures console.* and process.stdout/stderr writes as log entries for the current run.
import { Console } from "node:console";
import { Writable } from "node:stream";
import { formatWithOptions } from "node:util";

const LEVELS = ["log", "info", "warn", "error", "debug"];

function withoutFinalNewline(text) {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

function chunkText(chunk, encoding) {
  if (typeof chunk === "string") return chunk;
  return Buffer.from(chunk).toString(Buffer.isEncoding(encoding) ? encoding : "utf8");
}

function captureWrites(stream, level, sink) {
  stream.write = (chunk, encoding, callback) => {
    sink(level, withoutFinalNewline(chunkText(chunk, encoding)));
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") process.nextTick(done);
    return true;
  };
}

/** Routes every console method and stdout/stderr write to `sink(level, message)`.
 * Returns the original stderr writer, for output that belongs to no run. */
export function installOutputCapture(sink) {
  const rawStderr = process.stderr.write.bind(process.stderr);
  const streamTo = (level) => new Writable({
    decodeStrings: false,
    write(chunk, encoding, done) {
      sink(level, withoutFinalNewline(chunkText(chunk, encoding)));
      done();
    },
  });
  const captured = new Console({ stdout: streamTo("log"), stderr: streamTo("error"), colorMode: false });
  for (const name of Object.keys(console)) {
    if (typeof captured[name] === "function") console[name] = captured[name];
  }
  for (const level of LEVELS) {
    console[level] = (...args) => sink(level, formatWithOptions({ colors: false }, ...args));
  }
  captureWrites(process.stdout, "log", sink);
  captureWrites(process.stderr, "error", sink);
  return rawStderr;
}
