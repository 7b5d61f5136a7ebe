"""The cost of putting every outbound request of a component under control.

    python benchmarks/bench_outbound.py [--count 1000]

Sandbox hosts in one process run the same sources on warm Node workers, as the emulator's runtime
calls them (the part of a run that interception touches; storing and fanning out events is the same
either way). Interception is on as in the emulator (answered by the emulator's own OutboundHttp) or
off (`intercept_http=False`: the interceptors are not even loaded in Node).
0. the same run on two hosts with interception off: the resolution of the measurement here;
1. a run that makes no request: interception on vs off (goal: <= 1.05x);
2. a run whose one `fetch` is answered by a stub, vs the same run with interception off, its
   request going straight from Node to a local aiohttp server on loopback;
3. the same stubbed request vs the request answered by that loopback server through the emulator
   (`live` mode): a stub should be faster than a loopback server.
The two sides of a comparison alternate run by run, so load on the machine hits both alike; figures
are medians (and 90th percentiles) of all runs' wall time, and the CPU each run cost (this process
plus the source's Node worker), which load on a shared machine disturbs less than wall time.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator.outbound.control import OutboundHttp
from emulator.outbound.runner_bridge import answer_runner_request
from emulator.outbound.stubs import parse_stub
from emulator.sandbox import Invocation, SandboxHost, SandboxLimits

QUIET = """
export default {
  async run(event) { this.$emit({ n: event.n }, { id: event.n, summary: "quiet" }); },
};
"""

CALLER = """
export default {
  async run(event) {
    const response = await fetch(event.url);
    const { items } = await response.json();
    this.$emit({ n: event.n, items: items.length }, { id: event.n, summary: "called" });
  },
};
"""

ANSWER = {"items": [{"id": i, "name": f"item {i}"} for i in range(10)]}
WARMUP = 100


async def local_api() -> tuple[web.AppRunner, str]:
    """An aiohttp server on loopback answering what the stub answers."""
    async def items(_request: web.Request) -> web.Response:
        return web.json_response(ANSWER)

    app = web.Application()
    app.router.add_get("/items", items)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/items"


def emulator_host(outbound: OutboundHttp | None) -> SandboxHost:
    """A host as the emulator builds it (answered by `outbound`), or with interception off."""
    if outbound is None:
        return SandboxHost(SandboxLimits(), intercept_http=False)

    async def on_http(invocation: Any, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        return await answer_runner_request(outbound, invocation, params)

    return SandboxHost(SandboxLimits(), on_http=on_http)


def node_cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Side:
    """One source's runs on one host: each run's wall time (ms) and the CPU it cost (Python + Node)."""

    def __init__(self, label: str, host: SandboxHost, source_id: str, code: str, url: str) -> None:
        self.label, self.host, self.source_id, self.code, self.url = label, host, source_id, code, url
        self.latencies: list[float] = []
        self.python_cpu_s = self.node_cpu_s = 0.0

    def node_pid(self) -> int:
        # The benchmark reads the worker's pid to measure its CPU; nothing else reaches into the host.
        return self.host._workers[self.source_id].pooled.process.pid  # type: ignore[return-value]

    def cpu_ms_per_run(self) -> float:
        return (self.python_cpu_s + self.node_cpu_s) * 1000 / len(self.latencies)

    async def run_once(self, n: int) -> float:
        invocation = Invocation(self.source_id, "run", self.code, None, {}, {}, event={"n": n, "url": self.url})
        started, cpu_started = time.perf_counter(), time.process_time()
        result = await self.host.invoke(invocation)
        elapsed = (time.perf_counter() - started) * 1000
        self.python_cpu_s += time.process_time() - cpu_started
        if result.outcome != "ok" or len(result.emits) != 1:
            raise RuntimeError(f"{self.label}: {result.outcome} {result.error}")
        return elapsed

    def median(self) -> float:
        return statistics.median(self.latencies)

    def p90(self) -> float:
        return sorted(self.latencies)[int(len(self.latencies) * 0.9)]


def verdict(ratio: float, goal: str) -> str:
    """'met' or 'MISSED' for a goal written '<= 1.05x' or '< 1x'; '-' when there is none."""
    if not goal.startswith("<"):
        return "-"
    limit = float(goal.split()[1].rstrip("x"))
    return "met" if (ratio <= limit if goal.startswith("<=") else ratio < limit) else "MISSED"


async def compare(name: str, goal: str, first: Side, second: Side, count: int) -> dict[str, Any]:
    for side in (first, second):
        for n in range(WARMUP):
            await side.run_once(n)
    for side in (first, second):
        side.python_cpu_s = 0.0
    node_started = {side.label: node_cpu_s(side.node_pid()) for side in (first, second)}
    # Run by run, in alternating order: a burst of load on this shared machine hits both sides alike.
    for n in range(count):
        pair = (first, second) if n % 2 == 0 else (second, first)
        for side in pair:
            side.latencies.append(await side.run_once(n))
    for side in (first, second):
        side.node_cpu_s = node_cpu_s(side.node_pid()) - node_started[side.label]
    ratio = first.median() / second.median()
    result = verdict(ratio, goal)
    print(f"\n{name}")
    for side in (first, second):
        print(f"  {side.label:<46} median {side.median():7.3f} ms   p90 {side.p90():7.3f} ms   "
              f"CPU {side.cpu_ms_per_run():6.3f} ms/run")
    cpu_ratio = first.cpu_ms_per_run() / second.cpu_ms_per_run()
    print(f"  ratio {ratio:.3f}x (CPU per run {cpu_ratio:.3f}x)   goal {goal}: {result}")
    return {"ratio": round(ratio, 3), "cpu_ratio": round(cpu_ratio, 3),
            "ms": [round(first.median(), 3), round(second.median(), 3)],
            "cpu_ms": [round(first.cpu_ms_per_run(), 3), round(second.cpu_ms_per_run(), 3)], "goal": result}


async def main(count: int) -> int:
    server, url = await local_api()
    offline = OutboundHttp(mode="offline", new_id=lambda prefix: f"{prefix}bench")
    offline.stubs.add(parse_stub({"method": "GET", "url": url, "json": ANSWER}, "hs_bench"))
    live = OutboundHttp(mode="live", new_id=lambda prefix: f"{prefix}bench")
    hosts = {"on": emulator_host(offline), "off": emulator_host(None), "off2": emulator_host(None),
             "live": emulator_host(live)}
    for host in hosts.values():
        await host.start()
    print(f"node {hosts['on'].node_version()}; {count} measured runs per side, alternating")
    try:
        results = {
            "noise_floor": await compare(
                "0. the noise floor: the same run on two hosts with interception off", "reported",
                Side("interception off (host A)", hosts["off2"], "dc_quiet_a", QUIET, url),
                Side("interception off (host B)", hosts["off"], "dc_quiet_b", QUIET, url), count),
            "no_request": await compare(
                "1. a run that makes no request", "<= 1.05x",
                Side("interception on", hosts["on"], "dc_quiet_on", QUIET, url),
                Side("interception off", hosts["off"], "dc_quiet_off", QUIET, url), count),
            "stubbed_vs_off": await compare(
                "2. a run whose fetch is answered", "reported",
                Side("interception on, answered by a stub", hosts["on"], "dc_call_on", CALLER, url),
                Side("interception off, Node -> loopback server", hosts["off"], "dc_call_off", CALLER, url),
                count),
            "stub_vs_loopback": await compare(
                "3. a stubbed request vs a loopback server", "< 1x",
                Side("answered by a stub", hosts["on"], "dc_call_stub", CALLER, url),
                Side("live: the emulator asks the loopback server", hosts["live"], "dc_call_live", CALLER, url),
                count),
        }
    finally:
        for host in hosts.values():
            await host.close()
        for outbound in (offline, live):
            await outbound.close()
        await server.cleanup()
    print(results)
    return 0 if all(r["goal"] != "MISSED" for r in results.values()) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="measured runs per side and comparison")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.count)))
