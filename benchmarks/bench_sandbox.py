"""Warm sandbox run() throughput and latency, against a bare Node echo over the same transport.

    python benchmarks/bench_sandbox.py [--count 3000] [--rounds 2]

The echo is the floor: the same pipes, framing and request matching, with Node doing nothing
but answering. The sandbox adds building `this`, the emulated clock, capture, db and $emit.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator.sandbox import Invocation, SandboxHost, SandboxLimits
from emulator.sandbox.node_runtime import NODE_DIR, find_node
from emulator.sandbox.transport import NodeProcess

ECHO_RUNNER = """
import {{ openChannel }} from "{channel}";
const [inFd, outFd] = process.argv.slice(2, 4).map(Number);
const channel = openChannel({{
  inFd, outFd,
  onMessage: (message) => channel.send({{ id: message.id, result: message.params }}),
  onClose: () => process.exit(0),
}});
channel.send({{ notice: "ready", params: {{}} }});
"""

EMIT_ONE = """
export default {
  async run(event) { this.$emit({ n: event.n }, { id: event.n, summary: `item ${event.n}` }); },
};
"""

WARMUP = 200


async def timed(call: Callable[[int], Awaitable[object]], count: int) -> list[float]:
    """Latency of each of `count` sequential calls, in ms (after a warm-up)."""
    for n in range(WARMUP):
        await call(n)
    latencies = []
    for n in range(count):
        started = time.perf_counter()
        await call(n)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "per_s": len(ordered) / (sum(ordered) / 1000),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


async def echo_latencies(count: int, workdir: Path) -> list[float]:
    runtime = await find_node()
    assert runtime is not None, "Node.js not found"
    script = workdir / "echo.mjs"
    script.write_text(ECHO_RUNNER.format(channel=(NODE_DIR / "runner" / "channel.mjs").as_uri()))
    node = NodeProcess("echo")
    await node.spawn(lambda in_fd, out_fd: [runtime.executable, str(script), str(in_fd), str(out_fd)],
                     cwd=str(workdir), env={"TZ": "UTC"})
    await node.wait_ready(15)
    assert node.connection is not None
    connection = node.connection
    try:
        return await timed(lambda n: connection.request("echo", {"n": n}, call="echo"), count)
    finally:
        await node.stop()


async def sandbox_latencies(count: int) -> list[float]:
    async with SandboxHost(SandboxLimits()) as host:

        async def run(n: int) -> None:
            result = await host.invoke(Invocation("dc_bench", "run", EMIT_ONE, None, {}, {}, event={"n": n}))
            assert result.outcome == "ok" and len(result.emits) == 1, result.error

        return await timed(run, count)


async def main(count: int, rounds: int) -> None:
    host = SandboxHost()
    await host.start()
    print(f"node {host.node_version()}, {count} sequential calls per measurement, {rounds} round(s)")
    await host.close()
    with tempfile.TemporaryDirectory() as workdir:
        for round_number in range(1, rounds + 1):
            echo = summary(await echo_latencies(count, Path(workdir)))
            sandbox = summary(await sandbox_latencies(count))
            print(f"\nround {round_number}")
            print(f"  {'':22}{'calls/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
            for name, figures in (("bare echo", echo), ("sandbox run() + emit", sandbox)):
                print(f"  {name:22}{figures['per_s']:>10.0f}{figures['p50']:>10.3f}{figures['p99']:>10.3f}")
            print(f"  sandbox / echo: throughput x{sandbox['per_s'] / echo['per_s']:.2f}, "
                  f"p50 x{sandbox['p50'] / echo['p50']:.1f}, p99 x{sandbox['p99'] / echo['p99']:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.count, arguments.rounds))
