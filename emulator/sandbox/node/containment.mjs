// Loaded first (`--import`) in every Node process that runs component code: the run worker and
// the props completion. Closes what Node's permission model leaves open: signals to other
// processes (the server, other workers), listening sockets, and worker threads when the hooks
// thread made --allow-worker necessary. The originals stay in this module's closure only;
// process.binding() is denied under the permission model, so they cannot be fetched again.
import { createRequire, syncBuiltinESMExports } from "node:module";

const require = createRequire(import.meta.url);
const path = require("node:path");
const ownPid = process.pid;
const GENERIC_DENIAL = "Access to this API has been restricted";
const OUTSIDE_READ_SCOPE = "it is outside what this component may read, which is its folder and the files "
  + "and packages it imports, wherever they really are";
// path -> why, for the emulator's own files (set by the host; gone before any component loads).
const reasons = new Map(Object.entries(JSON.parse(process.env.PD_SANDBOX_DENIED || "{}")));
delete process.env.PD_SANDBOX_DENIED;
// The process's private temp folder (the only place it may write), or undefined (props completion).
const tempFolder = process.env.PD_SANDBOX_TMP || undefined;
const tempLimitMb = process.env.PD_SANDBOX_TMP_MB || undefined;
delete process.env.PD_SANDBOX_TMP;
delete process.env.PD_SANDBOX_TMP_MB;
const WRITE_DENIAL = tempFolder
  ? "a component may write only under /tmp, which is os.tmpdir(); keep state in this.db"
  : "a component cannot write files (keep state in this.db)";

/** Completes Node's bare permission error with what was denied and why (in place; returns it). */
export function explainDenial(error) {
  if (error?.code !== "ERR_ACCESS_DENIED" || error.message !== GENERIC_DENIAL) return error;
  const { permission } = error;
  const resource = typeof error.resource === "string" ? path.resolve(error.resource) : undefined;
  let what;
  let why;
  if (permission === "FileSystemRead" && resource) {
    what = `reading ${resource}`;
    why = reasons.has(resource) ? `it is ${reasons.get(resource)}` : OUTSIDE_READ_SCOPE;
  } else if (permission === "FileSystemWrite") {
    [what, why] = [`writing ${resource ?? "a file"}`, WRITE_DENIAL];
  } else if (permission === "ChildProcess") {
    [what, why] = ["starting a child process", "a component runs without child processes"];
  } else if (permission === "WorkerThreads") {
    [what, why] = ["starting a worker thread", "a component may not start threads"];
  } else {
    [what, why] = [`${permission ?? "this operation"}${resource ? ` on ${resource}` : ""}`, "the sandbox denies it"];
  }
  const message = `${GENERIC_DENIAL}: ${what} is denied (${why})`;
  try {
    if (typeof error.stack === "string") error.stack = error.stack.replace(GENERIC_DENIAL, message);
    error.message = message;
  } catch {
    // a frozen error keeps Node's words
  }
  return error;
}

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
// Nor does it cover Unix sockets (Docker's, a database's, an agent's: the machine's own services, which
// the cloud does not have): connecting to one fails as a refused connection does, with an 'error' event.
const socketConnect = net.Socket.prototype.connect;
const isPipeName = (value) => typeof value === "string" && !(Number(value) >= 0);
lockDown(net.Socket.prototype, "connect", function connect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const pipe = first !== null && typeof first === "object" ? first.path : isPipeName(first) ? first : undefined;
  if (!pipe) return Reflect.apply(socketConnect, this, args);
  const refusal = denied("NetConnect", `connecting to the Unix socket ${pipe}`, "a component reaches other "
    + "programs over the network only (TCP, HTTP), as in the cloud");
  process.nextTick(() => this.destroy(refusal));
  return this;
});
const dgram = require("node:dgram");
lockDown(dgram.Socket.prototype, "bind", function bind() {
  throw denied("NetListen", "binding a UDP socket", "a component may not receive datagrams");
});

// Node's native code writes trace files into the working folder (the component's own) past the
// permission model; and V8 flags changed at run time could loosen the sandbox's own. Neither is allowed.
lockDown(require("node:trace_events"), "createTracing", function createTracing() {
  throw denied("TraceEvents", "tracing with node:trace_events", "Node would write its trace files past the "
    + "sandbox's file permissions");
});
lockDown(require("node:v8"), "setFlagsFromString", function setFlagsFromString() {
  throw denied("V8Flags", "changing V8's flags", "they could undo the sandbox's limits");
});

// `/tmp` of the component is its temp folder: fs calls' paths under /tmp are mapped into it, except
// what the process may read where it is (a component folder under /tmp keeps its real paths), the
// emulator's files it is denied, and the host's sandbox folder (those keep their explained denials).
const READ_PATHS = process.execArgv.filter((arg) => arg.startsWith("--allow-fs-read="))
  .flatMap((arg) => { const value = arg.slice("--allow-fs-read=".length); return [value, ...value.split(",")]; });
const unmapped = [
  ...READ_PATHS,
  ...reasons.keys(),
  ...(tempFolder ? [path.dirname(tempFolder)] : []),
];
const inside = (file, folder) => file === folder || file.startsWith(folder.endsWith("/") ? folder : `${folder}/`);
const { fileURLToPath } = require("node:url");

// Node 20's permission model lets a process read "/" itself (list it, stat it) for some sets of readable
// paths, ours among them whenever the project is outside /tmp (a bug in its radix tree; what lies
// under "/" stays enforced). So "/" is refused here, as Node means to refuse it.
const rootAllowed = READ_PATHS.includes("/");

function namesRoot(file) {
  let text = file;
  try {
    if (file instanceof URL) text = file.protocol === "file:" ? fileURLToPath(file) : undefined;
    else if (file instanceof Uint8Array) text = Buffer.from(file).toString();
    return typeof text === "string" && text !== "" && path.resolve(text) === "/";
  } catch {
    return false;   // not a usable path: Node itself refuses it
  }
}

function refuseRoot(name, args) {
  if (rootAllowed) return;
  for (const index of TWO_PATHS.has(name) ? [0, 1] : [0]) {
    if (namesRoot(args[index])) {
      throw Object.assign(denied("FileSystemRead", "reading /", OUTSIDE_READ_SCOPE), { resource: "/" });
    }
  }
}

function inTemp(file) {
  if (typeof file !== "string") {
    if (file instanceof URL && file.protocol === "file:") {
      const local = fileURLToPath(file);
      const mapped = inTemp(local);
      return mapped === local ? file : mapped;
    }
    return file;
  }
  if (!tempFolder || !file.startsWith("/tmp") || !(file === "/tmp" || file.startsWith("/tmp/"))) return file;
  const normal = path.posix.normalize(file);
  if (!(normal === "/tmp" || normal.startsWith("/tmp/")) || unmapped.some((root) => inside(normal, root))) return file;
  return tempFolder + normal.slice("/tmp".length);
}

/** A write refused by the file size limit (RLIMIT_FSIZE, set by the host) says which limit. */
function explainTooLarge(error) {
  if (error?.code !== "EFBIG" || !tempLimitMb) return error;
  try {
    const note = ` (a file in /tmp may hold at most ${tempLimitMb} MB, the sandbox's limit for a source's /tmp)`;
    if (typeof error.stack === "string") error.stack = error.stack.replace(error.message, error.message + note);
    error.message += note;
  } catch {
    // a frozen error keeps Node's words
  }
  return error;
}

/** Names the path the component used (/tmp/...) instead of the temp folder's real one. */
function asComponentSees(error) {
  if (!error || typeof error !== "object") return error;
  try {
    for (const field of ["message", "path", "dest"]) {
      if (typeof error[field] === "string") error[field] = error[field].replaceAll(tempFolder, "/tmp");
    }
    if (typeof error.stack === "string") error.stack = error.stack.replaceAll(tempFolder, "/tmp");
  } catch {
    // a frozen error keeps Node's words
  }
  return error;
}

const TWO_PATHS = new Set(["rename", "renameSync", "copyFile", "copyFileSync", "link", "linkSync", "symlink",
  "symlinkSync", "cp", "cpSync"]);

// Every fs function names what it was denied and why, also to a component that catches the error.
const fs = require("node:fs");
function explained(original, name, promised) {
  const wrapper = function (...args) {
    let mapped = false;
    for (const index of TWO_PATHS.has(name) ? [0, 1] : [0]) {
      const file = inTemp(args[index]);
      if (file !== args[index]) [args[index], mapped] = [file, true];
    }
    const explain = mapped ? (error) => asComponentSees(explainTooLarge(explainDenial(error)))
      : (error) => explainTooLarge(explainDenial(error));
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last];
      args[last] = function (error, ...rest) { return Reflect.apply(callback, this, [explain(error), ...rest]); };
    }
    try {
      refuseRoot(name, args);
    } catch (error) {
      return refused(error, name, args, promised);
    }
    let result;
    try {
      result = Reflect.apply(original, this, args);
    } catch (error) {
      throw explain(error);
    }
    return result instanceof Promise ? result.catch((error) => { throw explain(error); }) : result;
  };
  Object.defineProperties(wrapper, Object.getOwnPropertyDescriptors(original));
  return wrapper;
}
/** A refusal delivered as Node delivers its own: a rejection, the callback's error (fs.exists: false), a throw. */
function refused(error, name, args, promised) {
  if (promised) return Promise.reject(error);
  const callback = args.at(-1);
  if (typeof callback !== "function") throw error;
  process.nextTick(callback, name === "exists" ? false : error);
  return undefined;
}
// Streams and watchers only have their path mapped (their errors come as events).
function pathMapped(original, name) {
  const wrapper = function (file, ...rest) {
    refuseRoot(name, [file]);
    return Reflect.apply(original, this, [inTemp(file), ...rest]);
  };
  Object.defineProperties(wrapper, Object.getOwnPropertyDescriptors(original));
  return wrapper;
}
for (const target of [fs, fs.promises]) {
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== "function" || !/^[a-z]/.test(name)) continue;
    if (name.endsWith("Stream") || name === "watch" || name === "watchFile" || name === "unwatchFile") {
      target[name] = pathMapped(value, name);
    } else {
      target[name] = explained(value, name, target === fs.promises);
    }
  }
}
if (tempFolder) {
  lockDown(os, "tmpdir", function tmpdir() { return tempFolder; });
}
const chdir = process.chdir;
process.chdir = function (directory) {
  refuseRoot("chdir", [directory]);
  try { return Reflect.apply(chdir, process, [inTemp(directory)]); } catch (error) { throw explainDenial(error); }
};

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
