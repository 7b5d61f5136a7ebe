// Every HTTP(S) request the component makes (node:http, node:https, global fetch, hence axios,
// got, node-fetch and vendor SDKs) is sent to the host, which answers it: a stub, a cassette, the
// network (the host makes the real request), or a refusal that fails inside the component as the
// network error a refused connection raises, its message naming the request and the way to answer it.
import { ClientRequestInterceptor, FetchInterceptor } from "../vendor/interceptors.mjs";
import { applySocketFixes } from "./socket-fixes.mjs";

const MAX_BODY_BYTES = 32 * 1024 * 1024;

function networkError(kind, { message, code }) {
  const cause = Object.assign(new Error(message), { code: code ?? "ECONNREFUSED" });
  // undici rejects fetch with TypeError("fetch failed", {cause}); ours names the request as well.
  if (kind === "fetch") return new TypeError(`fetch failed: ${message}`, { cause });
  return cause;
}

async function readBody(request) {
  if (request.body === null) return null;
  const bytes = Buffer.from(await request.clone().arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw new Error(`the request body is over ${MAX_BODY_BYTES} bytes`);
  return bytes.length ? bytes.toString("base64") : null;
}

/**
 * Installs the interceptors; `currentRunId()` is the invocation a request belongs to (null between
 * runs). Returns `settle(params)`, which the runner calls with each `http_reply` from the host.
 */
export function installOutbound({ channel, currentRunId }) {
  const waiting = new Map();
  let lastSeq = 0;

  function ask(runId, params) {
    const seq = ++lastSeq;
    return new Promise((resolve) => {
      waiting.set(seq, resolve);
      channel.send({ id: runId, notice: "http", params: { seq, ...params } });
    });
  }

  async function answer(kind, { request, controller }) {
    const runId = currentRunId();
    const what = `${request.method} ${request.url}`;
    if (runId === null) {
      controller.errorWith(networkError(kind, {
        message: `${what} was made outside a run (after it ended?): the emulator answers requests only while deploy, activate, run or deactivate runs`,
      }));
      return;
    }
    let body;
    try {
      body = await readBody(request);
    } catch (error) {
      controller.errorWith(networkError(kind, { message: `${what}: ${error.message}`, code: "ERR_INVALID_ARG_VALUE" }));
      return;
    }
    const reply = await ask(runId, {
      kind, method: request.method, url: request.url, headers: [...request.headers], body_base64: body,
    });
    if (reply.passthrough) return;               // not answered: the request goes to the network
    if (reply.error) {
      controller.errorWith(networkError(kind, reply.error));
      return;
    }
    const payload = reply.body_base64 ? Buffer.from(reply.body_base64, "base64") : null;
    const nullBody = [101, 204, 205, 304].includes(reply.status) || request.method === "HEAD";
    controller.respondWith(new Response(nullBody ? null : payload, {
      status: reply.status, statusText: reply.status_text ?? "", headers: reply.headers ?? [],
    }));
  }

  for (const [kind, interceptor] of [["http", new ClientRequestInterceptor()], ["fetch", new FetchInterceptor()]]) {
    interceptor.apply();
    interceptor.on("request", (args) => answer(kind, args));
  }
  applySocketFixes();

  return function settle(params) {
    const resolve = waiting.get(params.seq);
    if (!resolve) return;
    waiting.delete(params.seq);
    resolve(params);
  };
}
