// Loaded first (`--import`) in every Node process that runs component code: the run worker and
// the props completion. Closes what Node's permission model leaves open: signals to other
// processes (the server, other workers), listening sockets, and worker threads when the hooks
// thread made --allow-worker necessary. The originals stay in this module's closure only;
// process.binding() is denied under the permission model, so they cannot be fetched again.
import { createRequire, syncBuiltinESMExports } from "node:module";

const require = createRequire(import.meta.url);
const ownPid = process.pid;

function denied(permission, what, why) {
  return Object.assign(new Error(`Access to this API has been restricted: ${what} is denied (${why})`),
    { code: "ERR_ACCESS_DENIED", permission });
}

function lockDown(target, name, value) {
  Object.defineProperty(target, name, { value, writable: false, configurable: false, enumerable: false });
}

function ownProcessOnly(name, call, original) {
  return function guarded(pid, ...rest) {
    if (Number(pid) !== ownPid) {
      throw denied("Signal", `${call}(${pid})`, `a component may signal only its own process, pid ${ownPid}`);
    }
    return Reflect.apply(original, this, [pid, ...rest]);
  };
}

// process.kill() calls process._kill(): both are guarded, so neither reaches another process.
lockDown(process, "_kill", ownProcessOnly("_kill", "process._kill", process._kill));
lockDown(process, "kill", ownProcessOnly("kill", "process.kill", process.kill));
// _debugProcess(pid) sends SIGUSR1 to another process (it ends a process with no handler).
lockDown(process, "_debugProcess", function _debugProcess(pid) {
  throw denied("Signal", `process._debugProcess(${pid})`, "a component may not signal other processes");
});

const os = require("node:os");
const setPriority = os.setPriority;
lockDown(os, "setPriority", function guardedSetPriority(pid, priority) {
  if (priority === undefined) return Reflect.apply(setPriority, os, [pid]);
  if (Number(pid) !== 0 && Number(pid) !== ownPid) {
    throw denied("Signal", `os.setPriority(${pid})`, "a component may change only its own priority");
  }
  return Reflect.apply(setPriority, os, [pid, priority]);
});

// Node's permission model has no network scope in Node 20: refuse to listen, so nothing a
// component leaves behind after run() answers on a port.
const net = require("node:net");
lockDown(net.Server.prototype, "listen", function listen() {
  throw denied("NetListen", "listening for connections", "a component may not run a server; its HTTP "
    + "interface is this.http, served by the emulator");
});
const dgram = require("node:dgram");
lockDown(dgram.Socket.prototype, "bind", function bind() {
  throw denied("NetListen", "binding a UDP socket", "a component may not receive datagrams");
});

if (process.execArgv.includes("--allow-worker")) {
  // The permission model allows workers only for the resolve hooks' loader thread (Node 20),
  // which Node starts internally: components still get none.
  const workerThreads = require("node:worker_threads");
  lockDown(workerThreads, "Worker", class Worker {
    constructor() {
      throw denied("WorkerThreads", "starting a worker thread", "a component may not start threads");
    }
  });
}
syncBuiltinESMExports();
