"""Timer runs per second on a virtual clock, and how late fires are on an accelerated real clock.

    python benchmarks/bench_timers.py [--sources 100] [--hours 24] [--sandbox-runs 3000]
                                      [--real-sources 50] [--speed 600] [--real-seconds 8]

1. Throughput: an emulator (its own process, `serve --clock virtual --quiet`) with N sources whose
   60 s timers emit one event per run is advanced `--hours` emulated hours through
   POST /_emulator/clock/advance (one call per emulated hour): 100 sources × 24 h = 144,000 runs.
   Against it, the warm-run rate of direct `SandboxHost` invocations (in this process) of a source
   that emits one event: for one source, and round-robin over as many sources as the timers use
   (each source has its own Node process, and waking a different one per run costs more). The
   second ratio is what the scheduler, runtime and store add; the first adds the process switching.
2. Fire-time error: a second emulator with `--real-sources` 60 s timers staggered evenly over the
   minute runs on a real clock at `--speed` for `--real-seconds` wall seconds; each run's lateness
   against its due time, in wall ms (p50, p99, max), as the scheduler saw it (run record start)
   and as the run saw it (`Date.now()` at the top of run()). Every fire counts, coalesced ones too
   (a fire that replaced missed grid points is late from the grid point it replaced).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from loadgen import free_port, start_process, stop_process

from emulator.client.async_http import AsyncEmulatorClient
from emulator.sandbox.host import Invocation, SandboxHost, SandboxLimits

KEY = "pd_emu_benchmark_key_0123456789abcdef"
MINUTE_MS = 60_000
TICKER = """
export default {
  key: "bench-ticker", name: "Bench Ticker", version: "0.0.1", type: "source",
  props: { timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } },
  async run(event) {
    this.$emit({ start_ms: Date.now(), event }, { summary: "tick" });
  },
};
"""
SANDBOX_EMITTER = """
export default {
  async run(event) { this.$emit({ start_ms: Date.now(), event }, { summary: "tick" }); },
};
"""


class Server:
    """An emulator in its own process and an authenticated client of it."""

    def __init__(self, *serve_args: str) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = start_process(["-m", "emulator", "serve", "--no-watch", "--port", str(port),
                                      "--api-key", KEY, "--quiet", *serve_args], f"{self.url}/_emulator/health")
        self.client = AsyncEmulatorClient(None, self.url, KEY, timeout=1800)

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return await self.client.ok(method, path, json=body)

    async def create_ticker(self) -> str:
        return (await self.call("POST", "/v1/sources", {"component_code": TICKER}))["data"]["id"]

    async def close(self) -> None:
        await self.client.close()
        stop_process(self.process)


async def timer_throughput(sources: int, hours: float) -> dict[str, Any]:
    server = Server("--clock", "virtual")
    try:
        for _ in range(sources):
            await server.create_ticker()
        runs = failures = 0
        remaining_s = hours * 3600
        began = time.perf_counter()
        while remaining_s > 0:
            step = min(3600.0, remaining_s)
            answer = await server.call("POST", "/_emulator/clock/advance", {"seconds": step})
            runs += len(answer["runs"])
            failures += sum(1 for run in answer["runs"] if run["outcome"] != "ok" or run["emitted"] != 1)
            remaining_s -= step
        seconds = time.perf_counter() - began
    finally:
        await server.close()
    return {"runs": runs, "failures": failures, "seconds": seconds, "rate": runs / seconds}


async def sandbox_warm_rate(invocations: int, sources: int, rounds: int = 3) -> dict[str, Any]:
    """Warm direct invocations, round-robin over `sources` source ids (one Node process each):
    `rounds` rounds of `invocations`, the median round counts (a shared machine is noisy)."""
    async with SandboxHost(SandboxLimits()) as host:
        def invocation(n: int) -> Invocation:
            fired = 1_700_000_000_000 + n * MINUTE_MS
            return Invocation(source_id=f"dc_bench{n % sources}", method="run", code=SANDBOX_EMITTER, path=None,
                              props={}, db={}, event={"timestamp": fired // 1000, "interval_seconds": 60},
                              now_ms=fired, clock_speed=0.0)

        for n in range(max(100, 5 * sources)):               # start every Node process and warm it up
            await host.invoke(invocation(n))
        rates, failures = [], 0
        for _ in range(rounds):
            began = time.perf_counter()
            for n in range(invocations):
                result = await host.invoke(invocation(n))
                failures += result.outcome != "ok" or len(result.emits) != 1
            rates.append(invocations / (time.perf_counter() - began))
    return {"runs": invocations * rounds, "failures": failures, "rate": statistics.median(rates),
            "rates": rates}


async def fire_error(sources: int, speed: float, wall_seconds: float) -> dict[str, Any]:
    server = Server("--clock", "virtual")
    try:
        anchors: dict[str, int] = {}
        step_s = 60 / sources
        for i in range(sources):                             # staggered evenly over one minute
            if i:
                await server.call("POST", "/_emulator/clock/advance", {"seconds": step_s})
            now = (await server.call("GET", "/_emulator/clock"))["now_ms"]
            anchors[await server.create_ticker()] = now
        await server.call("PUT", "/_emulator/clock", {"mode": "real", "speed": speed})
        await asyncio.sleep(wall_seconds)
        await server.call("PUT", "/_emulator/clock", {"mode": "virtual"})
        scheduler_late: list[float] = []
        run_late: list[float] = []
        coalesced = 0
        for source_id, anchor in anchors.items():
            logs = (await server.call("GET", f"/_emulator/sources/{source_id}/logs?limit=100"))["data"]
            for record in logs:
                if record["trigger"] != "timer":
                    continue
                due, on_grid = due_time(anchor, record["event"]["timestamp"])
                coalesced += not on_grid
                scheduler_late.append((record["started_at_ms"] - due) / speed)
            events = (await server.call("GET", f"/v1/sources/{source_id}/event_summaries?expand=event&limit=100"))
            for event in events["data"]:
                due, _ = due_time(anchor, event["event"]["event"]["timestamp"])
                run_late.append((event["event"]["start_ms"] - due) / speed)
    finally:
        await server.close()
    return {"fires": len(scheduler_late), "coalesced": coalesced,
            "scheduler": percentiles(scheduler_late), "run": percentiles(run_late)}


def due_time(anchor_ms: int, timestamp_s: int) -> tuple[int, bool]:
    """The grid point (anchor + k minutes) a fire was due at, and whether the fire carried it.

    A fire coalesced after a late run carries a later time: it was due at the grid point it
    replaced (the last one at or before its time), and its lateness counts from there."""
    k = round((timestamp_s * 1000 - anchor_ms) / MINUTE_MS)
    due = anchor_ms + k * MINUTE_MS
    if due // 1000 == timestamp_s:
        return due, True
    k = (timestamp_s * 1000 - anchor_ms) // MINUTE_MS
    return anchor_ms + k * MINUTE_MS, False


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(values)
    return {"n": len(ordered), "p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], "max": ordered[-1]}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--hours", type=float, default=24.0, help="emulated hours to advance")
    parser.add_argument("--sandbox-runs", type=int, default=3000)
    parser.add_argument("--real-sources", type=int, default=50)
    parser.add_argument("--speed", type=float, default=600.0)
    parser.add_argument("--real-seconds", type=float, default=8.0)
    args = parser.parse_args()

    direct = {}
    for count in sorted({1, args.sources}):
        direct[count] = sandbox = await sandbox_warm_rate(args.sandbox_runs, count)
        rounds = ", ".join(f"{rate:.0f}" for rate in sandbox["rates"])
        print(f"direct SandboxHost, warm, round-robin over {count} source(s): median {sandbox['rate']:.0f} runs/s "
              f"(rounds of {args.sandbox_runs}: {rounds}; {sandbox['failures']} failed)")
    timers = await timer_throughput(args.sources, args.hours)
    print(f"virtual clock, {args.sources} sources × 60 s timers × {args.hours:g} h: {timers['runs']} runs in "
          f"{timers['seconds']:.1f} s = {timers['rate']:.0f} runs/s ({timers['failures']} failed)")
    for count, sandbox in direct.items():
        print(f"  ratio timer runs / direct sandbox runs over {count} source(s): {timers['rate']:.0f} / "
              f"{sandbox['rate']:.0f} runs/s = {timers['rate'] / sandbox['rate']:.2f}")
    if args.hours < 24:
        print(f"  projected for 24 h ({args.sources * 1440} runs): {args.sources * 1440 / timers['rate']:.0f} s")
    errors = await fire_error(args.real_sources, args.speed, args.real_seconds)
    print(f"real clock × {args.speed:g}, {args.real_sources} sources × 60 s timers, {args.real_seconds:g} wall s: "
          f"{errors['fires']} fires, all counted below ({errors['coalesced']} of them coalesced after a late run)")
    for label, key in (("scheduler fired (run record start)", "scheduler"), ("run() began (Date.now())", "run")):
        figures = errors[key]
        print(f"  late, {label}: p50 {figures['p50']:.2f} ms, p99 {figures['p99']:.2f} ms, "
              f"max {figures['max']:.2f} ms wall (n={figures['n']})")


if __name__ == "__main__":
    asyncio.run(main())
