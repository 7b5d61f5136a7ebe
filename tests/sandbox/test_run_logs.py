"""console.* and stdout/stderr writes become the run's logs, capped per run."""
from __future__ import annotations

from emulator.sandbox import SandboxLimits


async def test_each_console_level_is_captured(host, invocation):
    code = """
    export default {
      async run() {
        console.log("a", 1, { b: 2 });
        console.info("info");
        console.warn("warn");
        console.error(new Error("shown").message);
        console.debug("debug %d", 5);
      },
    };
    """
    result = await host.invoke(invocation(code))
    assert [(log["level"], log["message"]) for log in result.logs] == [
        ("log", "a 1 { b: 2 }"), ("info", "info"), ("warn", "warn"), ("error", "shown"), ("debug", "debug 5"),
    ]


async def test_stdout_and_stderr_writes_are_logs(host, invocation):
    code = """
    export default {
      async run() {
        process.stdout.write("to stdout\\n");
        process.stderr.write(Buffer.from("to stderr"));
        console.table([{ a: 1 }]);
      },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.logs[0] == {"level": "log", "message": "to stdout", "ts": result.logs[0]["ts"]}
    assert result.logs[1]["level"] == "error" and result.logs[1]["message"] == "to stderr"
    assert "┌" in result.logs[2]["message"]


async def test_logs_stop_at_the_cap_with_a_truncation_note(make_host, invocation):
    host = await make_host(SandboxLimits(timeout_s=5, max_log_bytes=200))
    code = """
    export default {
      async run() { for (let i = 0; i < 100; i++) console.log(`line ${String(i).padStart(3, "0")} ........`); },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.outcome == "ok"
    logged = sum(len(log["message"].encode()) for log in result.logs[:-1])
    assert logged == 200
    assert result.logs[-1]["level"] == "warn"
    assert "truncated" in result.logs[-1]["message"]
    assert len(result.logs) < 20
