// The sandbox worker: serves one source's invocations, one at a time, over the pipes given as
// argv[2] (requests in) and argv[3] (replies out). Load it after containment.mjs and register.mjs (--import).
import { openChannel } from "./runner/channel.mjs";
import { installEmulatedClock } from "./runner/clock.mjs";
import { installOutputCapture } from "./runner/capture.mjs";
import { loadComponent } from "./runner/loader.mjs";
import { buildComponentThis } from "./runner/component-this.mjs";
import { describeError } from "./runner/errors.mjs";
import { Run } from "./runner/run.mjs";
import { CONFIGURE_METHODS, callConfigure } from "./runner/configure.mjs";
import { installTimerTracking } from "./runner/leftovers.mjs";
import { installOutbound } from "./runner/outbound.mjs";
import { emitSample } from "./runner/sample.mjs";
import { preloadPlatformWhenIdle } from "./runner/preload.mjs";

const [inFd, outFd] = process.argv.slice(2, 4).map(Number);
const realExit = process.exit.bind(process);
const clock = installEmulatedClock();
const leftovers = installTimerTracking();
let current = null;
let settled = false;

const rawStderr = installOutputCapture((level, message) => {
  if (current) current.log(level, message);
  else rawStderr(`[${level} outside a run] ${message}\n`);
});

const channel = openChannel({ inFd, outFd, onMessage: dispatch, onClose: () => realExit(0) });

const settleHttp = process.env.PD_SANDBOX_INTERCEPT === "0"
  ? () => {}
  : installOutbound({ channel, currentRunId: () => current?.id ?? null });

process.exit = function exit(code) {
  const exitCode = Number(code ?? process.exitCode ?? 0) || 0;
  if (current) channel.send({ id: current.id, notice: "exit", params: { code: exitCode } });
  realExit(exitCode);
};

function failCurrentRun(reason) {
  if (current) current.fail(reason);
  else rawStderr(`[outside a run] ${reason?.stack ?? reason}\n`);
}
process.on("unhandledRejection", failCurrentRun);
process.on("uncaughtException", failCurrentRun);

function replaceEnvironment(env) {
  for (const key of Object.keys(process.env)) {
    if (!(key in env) && key !== "TZ") delete process.env[key];
  }
  Object.assign(process.env, env);
}

// A pooled process starts before it knows its component: the first request brings the module,
// and the process then works in the component's folder for the rest of its life.
function settleIn(module) {
  if (settled) return;
  if (module.cwd) process.chdir(module.cwd);
  settled = true;
}

function callMethod(component, method, self, event) {
  if (method === "sample") return emitSample(component, self);
  const target = method === "run" ? component.run : component.hooks?.[method];
  if (typeof target === "function") return target.call(self, event);
  if (method === "run") throw new TypeError("the component has no run() method");
  return undefined;
}

async function invoke(id, params) {
  const run = new Run({ id, params, clock, channel });
  clock.set(params.now_ms, params.clock_speed);
  replaceEnvironment(params.env ?? {});
  current = run;
  const started = performance.now();
  let outcome = "ok";
  let error = null;
  try {
    settleIn(params.module);
    const component = await loadComponent(params.module);
    const call = CONFIGURE_METHODS.has(params.method)
      ? callConfigure(component, params.method, params.props ?? {}, run, params.event)
      : callMethod(component, params.method, buildComponentThis(component, params.props ?? {}, run, params.prop_definitions), params.event);
    await Promise.race([call, run.failure]);
    // A rejection the run left unhandled is reported before the next macrotask: wait for it.
    await new Promise((resolve) => setImmediate(resolve));
    if (run.failedWith) throw run.failedWith.reason;
  } catch (thrown) {
    outcome = "error";
    error = describeError(thrown, params.module.display);
  } finally {
    current = null;
  }
  const stopped = leftovers.stopAll();
  if (stopped) run.log("warn", `[${stopped} timer(s) the run left pending were stopped: nothing runs after run() ends]`);
  channel.sendText(run.finish(outcome, error, performance.now() - started));
}

function dispatch(message) {
  if (message.method === "invoke") {
    invoke(message.id, message.params).catch((failure) => {
      current = null;
      channel.send({ id: message.id, error: { message: `runner failed: ${failure?.stack ?? failure}` } });
    });
  } else if (message.method === "http_reply") {
    settleHttp(message.params);
  } else if (message.method === "ping") {
    channel.send({ id: message.id, result: { pong: true } });
  } else {
    channel.send({ id: message.id, error: { message: `unknown method ${message.method}` } });
  }
}

channel.send({ notice: "ready", params: { node: process.version, permission: Boolean(process.permission) } });
preloadPlatformWhenIdle();
