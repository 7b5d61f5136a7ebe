"""The cost of putting every outbound request of a component under control.

    python benchmarks/bench_outbound.py [--count 400] [--rounds 3]

Two emulators in one process, one with interception on and one with it off (Config
http_interception=False: the interceptor is not even loaded in Node), each running sources on
warm Node processes through the runtime (the same path as a timer fire or "run now"):
1. a run that makes no request: on vs off (goal: <= 1.05x);
2. a run whose one `fetch` is answered by a stub, vs the same run with interception off, its
   request going straight from Node to a local aiohttp server on loopback;
3. the stubbed request vs the same request sent by the emulator to that local server (live mode):
   a stub should answer faster than a loopback server.
Rounds alternate between the sides so drift hits both equally; each figure is the median run.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator.testing.fixtures import PdEmulator, fixture_config

QUIET = """
export default {
  key: "bench-quiet", name: "Quiet", version: "0.1.0", type: "source",
  async run(event) { this.$emit({ n: event.n }, { summary: "quiet" }); },
};
"""

CALLER = """
export default {
  key: "bench-caller", name: "Caller", version: "0.1.0", type: "source",
  props: { url: { type: "string", label: "URL" } },
  async run(event) {
    const response = await fetch(this.url);
    const { n } = await response.json();
    this.$emit({ n, asked: event.n }, { summary: "called" });
  },
};
"""

ANSWER = {"n": 1, "items": [{"id": i, "name": f"item {i}"} for i in range(10)]}
WARMUP = 50


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
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/items"


class Side:
    """One source on one emulator, run through the runtime as a timer fire would run it."""

    def __init__(self, label: str, emulator: PdEmulator, source_id: str) -> None:
        self.label, self.emulator, self.source_id = label, emulator, source_id
        self.latencies: list[float] = []

    async def run_once(self, n: int) -> float:
        services = self.emulator.services
        source = services.store.sources[self.source_id]
        started = time.perf_counter()
        record = await services.runtime.invoke(source, "run", {"n": n}, trigger="timer")
        elapsed = (time.perf_counter() - started) * 1000
        if record.outcome != "ok":
            raise RuntimeError(f"{self.label}: run failed: {record.error}")
        return elapsed

    async def measure(self, count: int) -> None:
        for n in range(count):
            self.latencies.append(await self.run_once(n))

    def median(self) -> float:
        return statistics.median(self.latencies)

    def per_s(self) -> float:
        return 1000 / statistics.mean(self.latencies)


async def deploy(emulator: PdEmulator, code: str, **props: Any) -> str:
    source = await emulator.deploy(code, configured_props=props)
    return source["id"]


async def compare(name: str, goal: str, first: Side, second: Side, count: int, rounds: int,
                  check: Callable[[float], bool]) -> dict[str, Any]:
    for side in (first, second):
        for n in range(WARMUP):
            await side.run_once(n)
    per_round = max(1, count // rounds)
    for _ in range(rounds):
        await first.measure(per_round)
        await second.measure(per_round)
    ratio = first.median() / second.median()
    verdict = "ok" if check(ratio) else "MISSED"
    print(f"{name}\n  {first.label:<44} median {first.median():7.3f} ms  {first.per_s():7.0f} runs/s"
          f"\n  {second.label:<44} median {second.median():7.3f} ms  {second.per_s():7.0f} runs/s"
          f"\n  ratio {ratio:.3f}x  (goal {goal}: {verdict})")
    return {"name": name, "ratio": round(ratio, 3), "first_ms": round(first.median(), 3),
            "second_ms": round(second.median(), 3), "goal_met": verdict == "ok"}


async def main(count: int, rounds: int) -> int:
    server, url = await local_api()
    on = await PdEmulator(fixture_config(http_mode="offline")).start()
    off = await PdEmulator(fixture_config(http_interception=False)).start()
    live = await PdEmulator(fixture_config(http_mode="live")).start()
    try:
        await on.call("POST", "/_emulator/http/stubs", json={"method": "GET", "url": url, "json": ANSWER})
        results = [
            await compare("1. a run that makes no request", "<= 1.05x",
                          Side("interception on", on, await deploy(on, QUIET)),
                          Side("interception off", off, await deploy(off, QUIET)),
                          count, rounds, lambda r: r <= 1.05),
            await compare("2. a run whose fetch is answered", "reported",
                          Side("interception on, answered by a stub", on, await deploy(on, CALLER, url=url)),
                          Side("interception off, Node -> loopback server", off, await deploy(off, CALLER, url=url)),
                          count, rounds, lambda r: True),
            await compare("3. a stubbed request vs a loopback server", "< 1x",
                          Side("answered by a stub", on, await deploy(on, CALLER, url=url)),
                          Side("live: emulator -> loopback server", live, await deploy(live, CALLER, url=url)),
                          count, rounds, lambda r: r < 1),
        ]
    finally:
        for emulator in (on, off, live):
            await emulator.close()
        await server.cleanup()
    print({r["name"].split(".")[0]: {k: v for k, v in r.items() if k != "name"} for r in results})
    return 0 if all(r["goal_met"] for r in results) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400, help="measured runs per side and comparison")
    parser.add_argument("--rounds", type=int, default=4, help="alternations between the two sides")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.count, args.rounds)))
