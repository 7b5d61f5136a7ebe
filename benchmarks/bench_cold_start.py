"""Cold start: from `POST /v1/sources` to the source's first emitted event, against a bare Node start.

    python benchmarks/bench_cold_start.py [--sources 20]

Each source is new, so each pays for a fresh Node process, the component import, the deploy
hook (which emits) and activate. The baseline is the same machine starting `node -e ""` and
waiting for it to exit, measured in the same run.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from emulator.config import Config  # noqa: E402
from emulator.server.runner import Emulator  # noqa: E402

EMITS_ON_DEPLOY = """
import { axios } from "@pipedream/platform";
export default {
  key: "cold-N", name: "Cold", version: "0.0.1", type: "source",
  hooks: { async deploy() { this.$emit({ n: N }, { summary: "first" }); } },
  async run() {},
};
"""


async def bare_node(count: int) -> list[float]:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        process = await asyncio.create_subprocess_exec("node", "-e", "")
        await process.wait()
        times.append((time.perf_counter() - began) * 1000)
    return times


async def cold_starts(count: int) -> list[float]:
    times = []
    async with Emulator(Config(port=0, watch=False, clock_mode="virtual")) as emu:
        headers = {"Authorization": f"Bearer {emu.api_key}"}
        async with aiohttp.ClientSession(emu.url, headers=headers) as session:
            for n in range(count):
                began = time.perf_counter()
                async with session.post("/v1/sources", json={"component_code": EMITS_ON_DEPLOY.replace("N", str(n))}) as response:
                    source = (await response.json())["data"]
                async with session.get(f"/v1/sources/{source['id']}/event_summaries") as response:
                    events = (await response.json())["data"]
                times.append((time.perf_counter() - began) * 1000)
                assert len(events) == 1, events
    return times


def line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    return (f"{name:34s} p50 {statistics.median(ordered):7.1f} ms  "
            f"p95 {ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]:7.1f} ms")


async def main(count: int) -> None:
    bare = await bare_node(count)
    cold = await cold_starts(count)
    print(line("bare `node -e ''` start + exit", bare))
    print(line("POST /v1/sources → first event", cold))
    print(f"ratio p50 {statistics.median(cold) / statistics.median(bare):.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=20)
    asyncio.run(main(parser.parse_args().sources))
