"""A faulty component fails only its own run: every case is reported, and other sources keep going."""
from __future__ import annotations

import asyncio
import resource
from pathlib import Path

import pytest

from emulator.sandbox import SandboxLimits

SHORT = SandboxLimits(timeout_s=0.5)


@pytest.fixture
async def short_host(make_host, other_source_answers, invocation):
    """A host with a 0.5 s timeout where another source is already running."""
    host = await make_host(SHORT)
    await other_source_answers(host)
    return host


def permission_model_present(host) -> bool:
    major = int(host.node_version().lstrip("v").split(".")[0])
    return major >= 20


async def test_a_thrown_error_is_reported_with_name_message_and_stack(short_host, invocation, other_source_answers):
    code = """
    class FeedError extends Error { constructor(m) { super(m); this.name = "FeedError"; } }
    export default {
      props: { db: "$.service.db" },
      async run() { this.db.set("half", true); console.log("before"); throw new FeedError("feed unreachable"); },
    };
    """
    result = await short_host.invoke(invocation(code))
    assert result.outcome == "error"
    assert result.error["name"] == "FeedError"
    assert result.error["message"] == "feed unreachable"
    assert "component.mjs:5" in result.error["stack"]
    assert result.logs[0]["message"] == "before"
    await other_source_answers(short_host)


async def test_a_thrown_non_error_value_is_reported(short_host, invocation):
    result = await short_host.invoke(invocation('export default { async run() { throw "plain text"; } };'))
    assert result.outcome == "error"
    assert result.error["message"] == "plain text"


async def test_a_run_that_never_settles_times_out(short_host, invocation, other_source_answers):
    code = """
    export default { async run() { console.log("waiting"); await new Promise(() => {}); } };
    """
    result = await short_host.invoke(invocation(code))
    assert result.outcome == "timeout"
    assert "0.5 s timeout" in result.error["message"]
    assert [log["message"] for log in result.logs] == ["waiting"]
    assert 450 <= result.duration_ms < 3000
    await other_source_answers(short_host)


async def test_an_infinite_loop_is_killed_at_the_timeout(short_host, invocation, other_source_answers):
    result = await short_host.invoke(invocation("export default { async run() { while (true) {} } };"))
    assert result.outcome == "timeout"
    await other_source_answers(short_host)


async def test_a_source_stuck_in_a_loop_does_not_answer_a_ping(make_host, invocation):
    looping: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    host = await make_host(SHORT, on_respond=lambda source_id, response: looping.set_result(source_id))
    code = """
    export default {
      props: { http: "$.interface.http" },
      async run() { this.http.respond({ status: 200 }); while (true) {} },
    };
    """
    run = asyncio.create_task(host.invoke(invocation(code)))
    assert await asyncio.wait_for(looping, 5) == "dc_test"
    assert not await host.ping("dc_test")
    assert (await run).outcome == "timeout"


async def test_heap_exhaustion_is_reported_as_memory(make_host, invocation, other_source_answers):
    host = await make_host(SandboxLimits(timeout_s=20, memory_mb=64))
    await other_source_answers(host)
    code = """
    export default {
      async run() { const hoard = []; while (true) hoard.push(new Array(100000).fill({ x: 1 })); },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.outcome == "memory"
    assert "64 MB" in result.error["message"]
    await other_source_answers(host)


async def test_memory_outside_the_heap_is_caught_by_the_rss_watch(make_host, invocation, other_source_answers):
    host = await make_host(SandboxLimits(timeout_s=20, memory_mb=64))
    code = """
    export default {
      async run() {
        const buffers = [];
        while (true) {
          buffers.push(Buffer.alloc(16 * 1024 * 1024, 1));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.outcome == "memory"
    await other_source_answers(host)


async def test_process_exit_is_reported_with_its_code(short_host, invocation, other_source_answers):
    code = """
    export default { async run() { console.log("bye"); try { process.exit(3); } catch {} this.$emit({}); } };
    """
    result = await short_host.invoke(invocation(code))
    assert result.outcome == "exit"
    assert result.error["exit_code"] == 3
    assert result.emits == []
    assert result.logs[0]["message"] == "bye"
    await other_source_answers(short_host)


async def test_an_unhandled_rejection_fails_the_run(short_host, invocation, other_source_answers):
    code = """
    export default { async run() { Promise.reject(new Error("nobody caught me")); } };
    """
    result = await short_host.invoke(invocation(code))
    assert result.outcome == "error"
    assert result.error["message"] == "nobody caught me"
    await other_source_answers(short_host)


async def test_an_exception_thrown_in_a_callback_fails_the_run(short_host, invocation):
    code = """
    export default {
      async run() {
        setTimeout(() => { throw new RangeError("late failure"); }, 1);
        await new Promise((resolve) => setTimeout(resolve, 100));
      },
    };
    """
    result = await short_host.invoke(invocation(code))
    assert result.outcome == "error"
    assert (result.error["name"], result.error["message"]) == ("RangeError", "late failure")


async def test_a_hard_crash_is_reported_and_the_next_run_gets_a_new_process(short_host, invocation):
    code = """
    let runs = 0;
    export default {
      async run(event) {
        runs += 1;
        if (event === "crash") process.kill(process.pid, "SIGSEGV");
        this.$emit({ runs });
      },
    };
    """
    result = await short_host.invoke(invocation(code, event="crash"))
    assert result.outcome == "crash"
    assert "SIGSEGV" in result.error["message"]
    after = await short_host.invoke(invocation(code, event="fine"))
    assert after.emits[0]["event"] == {"runs": 1}


async def test_reading_a_file_outside_the_read_roots_is_denied(
    short_host, component_file, tmp_path, other_source_answers
):
    if not permission_model_present(short_host):
        pytest.skip("this Node has no permission model")
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("s3cret")
    inv = component_file("components/reader.mjs", """
        import fs from "node:fs";
        import { fileURLToPath } from "node:url";
        export default {
          async run(event) {
            const own = fs.readFileSync(fileURLToPath(import.meta.url), "utf8").length > 0;
            console.log(`own file readable: ${own}`);
            this.$emit({ text: fs.readFileSync(event, "utf8") });
          },
        };
    """, event=f"/{secret}", read_roots=[str(tmp_path / "components")])   # "//": not the source's own /tmp
    result = await short_host.invoke(inv)
    assert result.outcome == "error"
    assert result.error.get("code") == "ERR_ACCESS_DENIED"
    assert result.logs[0]["message"] == "own file readable: true"
    await other_source_answers(short_host)


# Readable folders under three different top folders: the set that makes Node 20 let a process read
# "/" itself (it did in CI, where the project lies outside /tmp).
THREE_TOP_FOLDERS = ["/usr", "/var"]


@pytest.mark.parametrize("attempt", [
    'fs.readdirSync("/")',
    'fs.readdirSync("../../../../../../../../../../..")',
    'fs.readdirSync(new URL("file:///"))',
    'fs.readdirSync(Buffer.from("//"))',
    'fs.opendirSync("/").readSync().name',
    'await fs.promises.readdir("/")',
    'await new Promise((ok, fail) => fs.readdir("/", (error, names) => (error ? fail(error) : ok(names))))',
    'fs.statSync("/").isDirectory()',
    '(process.chdir("/"), fs.readdirSync("."))',
], ids=["absolute", "relative", "url", "buffer", "opendir", "promises", "callback", "stat", "chdir"])
async def test_the_root_folder_cannot_be_listed(short_host, component_file, tmp_path, attempt):
    if not permission_model_present(short_host):
        pytest.skip("this Node has no permission model")
    inv = component_file("components/lister.mjs", f"""
        import fs from "node:fs";
        export default {{ async run() {{ this.$emit({{ seen: {attempt} }}); }} }};
    """, read_roots=[str(tmp_path / "components"), *THREE_TOP_FOLDERS])
    result = await short_host.invoke(inv)
    assert (result.outcome, result.emits) == ("error", []), result.emits
    assert result.error.get("code") == "ERR_ACCESS_DENIED"
    assert "reading / is denied (it is outside what this component may read" in result.error["message"]


async def test_the_root_folder_is_refused_the_way_node_refuses_any_path(short_host, component_file, tmp_path):
    """A rejection for fs.promises, the callback's error (fs.exists: false), a throw for the sync calls, as
    Node answers for /etc: code that handles Node's denials handles this one."""
    if not permission_model_present(short_host):
        pytest.skip("this Node has no permission model")
    inv = component_file("components/asker.mjs", """
        import fs from "node:fs";
        const code = (run) => { try { run(); return "none"; } catch (error) { return error.code; } };
        export default { async run() {
          const answers = {};
          for (const path of ["/", "/etc"]) {
            answers[path] = {
              promise: await fs.promises.readdir(path).then(() => "none", (error) => error.code),
              callback: await new Promise((done) => fs.readdir(path, (error) => done(error?.code ?? "none"))),
              exists: await new Promise((done) => fs.exists(path, done)),
              existsSync: code(() => fs.existsSync(path)),
              sync: code(() => fs.readdirSync(path)),
            };
          }
          this.$emit(answers);
        } };
    """, read_roots=[str(tmp_path / "components"), *THREE_TOP_FOLDERS])
    result = await short_host.invoke(inv)
    assert result.outcome == "ok", result.error
    answers = result.emits[0]["event"]
    assert answers["/"] == answers["/etc"] == {"promise": "ERR_ACCESS_DENIED", "callback": "ERR_ACCESS_DENIED",
                                               "exists": False, "existsSync": "ERR_ACCESS_DENIED",
                                               "sync": "ERR_ACCESS_DENIED"}


@pytest.mark.parametrize("attempt", [
    'import("node:fs").then((fs) => fs.writeFileSync(`${process.cwd()}/written.txt`, "x"))',
    'import("node:child_process").then((cp) => cp.execSync("echo hi"))',
    'import("node:worker_threads").then(({ Worker }) => new Worker("1", { eval: true }))',
], ids=["write-file", "child-process", "worker-thread"])
async def test_writes_child_processes_and_workers_are_denied(short_host, invocation, attempt):
    if not permission_model_present(short_host):
        pytest.skip("this Node has no permission model")
    result = await short_host.invoke(invocation(f"export default {{ async run() {{ await {attempt}; }} }};"))
    assert result.outcome == "error"
    assert result.error.get("code") == "ERR_ACCESS_DENIED"


@pytest.mark.parametrize("attempt, says", [
    ('(await import("node:trace_events")).createTracing({ categories: ["node", "v8"] }).enable()',
     "tracing with node:trace_events is denied"),
    ('(await import("node:v8")).setFlagsFromString("--allow-natives-syntax")', "changing V8's flags is denied"),
    ('(await import("node:v8")).default.setFlagsFromString("--max-old-space-size=100000")',
     "changing V8's flags is denied"),
], ids=["trace-events", "v8-flags", "v8-flags-default-export"])
async def test_tracing_and_v8_flags_are_denied(short_host, component_file, tmp_path, attempt, says):
    """Trace files would be written by Node's native code into the component's own folder, unchecked."""
    inv = component_file("components/tracer.mjs", f"""
        export default {{ async run() {{ {attempt}; for (let i = 0; i < 1e6; i++); await new Promise((r) => setTimeout(r, 50)); }} }};
    """)
    result = await short_host.invoke(inv)
    assert result.outcome == "error" and result.error.get("code") == "ERR_ACCESS_DENIED", result.error
    assert says in result.error["message"]
    assert sorted(p.name for p in (tmp_path / "components").iterdir()) == ["tracer.mjs"]


UNIX_SOCKET_ATTEMPTS = {
    "net-options": "net.connect({ path: SOCKET })",
    "net-string": "net.connect(SOCKET)",
    "socket-connect": "new net.Socket().connect(SOCKET)",
    "http-socket-path": 'http.request({ socketPath: SOCKET, path: "/containers/json" }).end()',
}


@pytest.mark.parametrize("attempt", list(UNIX_SOCKET_ATTEMPTS.values()), ids=list(UNIX_SOCKET_ATTEMPTS))
async def test_unix_sockets_are_refused_and_tcp_still_connects(short_host, invocation, tmp_path, attempt):
    """Docker's socket would be the whole machine: a component reaches other programs over TCP only."""
    connections: list[str] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append("accepted")
        writer.close()
    unix = await asyncio.start_unix_server(answer, str(tmp_path / "d.sock"))
    tcp = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = tcp.sockets[0].getsockname()[1]
    code = f"""
        import net from "node:net";
        import http from "node:http";
        const SOCKET = {str(tmp_path / "d.sock")!r};
        const outcome = (emitter) => new Promise((done) => {{
          emitter.on("error", (error) => done({{ code: error.code, message: error.message }}));
          emitter.on("connect", () => done("connected"));
          emitter.on("response", () => done("answered"));
        }});
        export default {{ async run() {{
          this.$emit({{ unix: await outcome({attempt}), tcp: await outcome(net.connect({port}, "127.0.0.1")) }});
        }} }};
    """
    try:
        result = await short_host.invoke(invocation(code))
    finally:
        unix.close()
        tcp.close()
    assert result.outcome == "ok", result.error
    answers = result.emits[0]["event"]
    assert answers["tcp"] == "connected"
    assert answers["unix"]["code"] == "ERR_ACCESS_DENIED"
    assert f"connecting to the Unix socket {tmp_path / 'd.sock'} is denied" in answers["unix"]["message"]
    await asyncio.sleep(0.05)
    assert connections == ["accepted"]                                      # the TCP one only


async def test_a_crash_leaves_no_core_dump(make_host, invocation):
    """Even where the user allows core dumps (ulimit -c), a worker gets none: it would land in the
    component's folder, past the permission model, and could be as large as its memory."""
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))      # what a worker would inherit
    try:
        host = await make_host(SHORT)
        result = await host.invoke(invocation("export default { async run() { this.$emit({ pid: process.pid }); } };"))
        pid = result.emits[0]["event"]["pid"]
        limits = Path(f"/proc/{pid}/limits").read_text()
    finally:
        resource.setrlimit(resource.RLIMIT_CORE, (soft, hard))
    core = next(line for line in limits.splitlines() if line.startswith("Max core file size"))
    assert core.split()[4:6] == ["0", "0"], core


@pytest.mark.parametrize("platform_import", ['import { axios } from "@pipedream/platform";', ""],
                         ids=["with-resolve-hooks", "without-resolve-hooks"])
async def test_worker_threads_are_denied_for_a_component_file_too(short_host, component_file, platform_import):
    """A file importing the platform loads the resolve hooks (on Node 20 a loader thread): still no workers."""
    if not permission_model_present(short_host):
        pytest.skip("this Node has no permission model")
    inv = component_file("src/spawner.mjs", platform_import + """
        import { Worker } from "node:worker_threads";
        export default { async run() { new Worker("1", { eval: true }); } };
    """)
    result = await short_host.invoke(inv)
    assert result.outcome == "error"
    assert result.error.get("code") == "ERR_ACCESS_DENIED"
