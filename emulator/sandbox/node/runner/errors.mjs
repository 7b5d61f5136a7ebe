// Turns whatever a component threw into {name, message, stack[, code]} for the host.
import { inspect } from "node:util";
import { fileURLToPath } from "node:url";
import { explainDenial } from "../containment.mjs";

const RUNNER_DIR = fileURLToPath(new URL("../", import.meta.url));
const RUNNER_FRAME = new RegExp(`\\(?(file://)?${RUNNER_DIR.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(runner/|runner\\.mjs|vendor/)`);

/** Drops the runner's own frames and Node internals; shows `display.to` for a temp file path. */
function cleanStack(stack, display) {
  let lines = stack.split("\n").filter((line) => !RUNNER_FRAME.test(line) && !line.includes("(node:internal/")
    && !/^\s+at node:internal\//.test(line));
  if (display) {
    lines = lines.map((line) => line.split(display.url).join(display.to).split(display.from).join(display.to));
  }
  return lines.join("\n");
}

/** "fetch failed" alone says nothing: the cause (a refused connection, a TLS error) goes with it. */
function withCause(message, cause) {
  const text = cause instanceof Error ? cause.message : typeof cause === "string" ? cause : "";
  return text && !message.includes(text) ? `${message} (cause: ${text})` : message;
}

export function describeError(error, display) {
  // Node's permission errors name the denied file only in properties: say what and why in the message.
  explainDenial(error);
  if (error instanceof Error || (error !== null && typeof error === "object" && "message" in error)) {
    let message = String(error.message ?? "");
    const unexplained = !message.includes(" is denied (");       // a frozen error keeps Node's words
    if (error.code === "ERR_ACCESS_DENIED" && error.resource && unexplained) {
      message += ` (${error.permission}: ${error.resource})`;
    }
    const described = {
      name: String(error.name ?? "Error"),
      message: withCause(message, error.cause),
      stack: cleanStack(String(error.stack ?? ""), display),
    };
    if (typeof error.code === "string") described.code = error.code;
    if (typeof error.permission === "string") described.permission = error.permission;
    if (typeof error.resource === "string") described.resource = error.resource;
    return described;
  }
  const message = typeof error === "string" ? error : inspect(error, { depth: 2 });
  return { name: "Error", message, stack: "" };
}
