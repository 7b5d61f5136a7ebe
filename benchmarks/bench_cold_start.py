"""Cold start: from `POST /v1/sources` to the source's first emitted event, against a bare Node start.

    python benchmarks/bench_cold_start.py [--sources 20]

Each source is new code, so each pays for a Node process, the component import, the deploy hook
(which emits) and activate. Measured two ways, each in its own emulator:
- true cold start: no spare Node process (`node_spares=0`), so each deploy starts Node; against
  the same machine starting `node -e ""` and waiting for it to exit (cold vs cold);
- the pooled path (the default): a spare Node started ahead of the deploy is taken; against the
  same bare Node start, which shows what the pool hides.
The component imports `@pipedream/platform` (the bundled real package, ~0.8 MB), as real sources do.
What that costs is measured too: a true cold start of the same component without the import.
The four are measured in turn, round after round, so a busy moment hits each alike.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from emulator.client.async_http import AsyncEmulatorClient
from emulator.config import Config
from emulator.server.runner import Emulator

EMITS_ON_DEPLOY = """
import { axios } from "@pipedream/platform";
export default {
  key: "cold-N", name: "Cold", version: "0.0.1", type: "source",
  hooks: { async deploy() { this.$emit({ n: N }, { summary: "first" }); } },
  async run() {},
};
"""

WITHOUT_PLATFORM = EMITS_ON_DEPLOY.replace('import { axios } from "@pipedream/platform";\n', "")


async def bare_node() -> float:
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec("node", "-e", "")
    await process.wait()
    return (time.perf_counter() - began) * 1000


async def first_event(client: AsyncEmulatorClient, n: int, code: str = EMITS_ON_DEPLOY) -> float:
    """One deploy of new code, to its first event, in ms."""
    began = time.perf_counter()
    source = (await client.ok("POST", "/v1/sources", json={"component_code": code.replace("N", str(n))}))["data"]
    events = (await client.ok("GET", f"/v1/sources/{source['id']}/event_summaries"))["data"]
    assert len(events) == 1, events
    return (time.perf_counter() - began) * 1000


def line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    return (f"{name:34s} p50 {statistics.median(ordered):7.1f} ms  "
            f"p95 {ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]:7.1f} ms")


async def main(count: int) -> None:
    bare: list[float] = []
    cold: list[float] = []
    pooled: list[float] = []
    cold_plain: list[float] = []
    async with Emulator(Config(port=0, watch=False, clock_mode="virtual", node_spares=0)) as no_spares, \
            Emulator(Config(port=0, watch=False, clock_mode="virtual")) as with_pool:
        clients = [AsyncEmulatorClient(None, emu.url, emu.api_key) for emu in (no_spares, with_pool)]
        try:
            await first_event(clients[1], -1)                  # the pool learns the shape
            for n in range(count):
                bare.append(await bare_node())
                cold.append(await first_event(clients[0], n))
                cold_plain.append(await first_event(clients[0], n, WITHOUT_PLATFORM))
                await asyncio.sleep(0.3)                         # the pool starts its next spare
                pooled.append(await first_event(clients[1], n))
        finally:
            for client in clients:
                await client.close()
    print(line("bare `node -e ''` start + exit", bare))
    print(line("true cold: POST → first event", cold))
    print(line("pooled: POST → first event", pooled))
    print(line("true cold, no platform import", cold_plain))
    b, c, p, w = (statistics.median(v) for v in (bare, cold, pooled, cold_plain))
    print(f"ratio true cold / bare Node, p50: {c:.1f} ms / {b:.1f} ms = {c / b:.2f}x")
    print(f"ratio pooled / bare Node, p50:    {p:.1f} ms / {b:.1f} ms = {p / b:.2f}x")
    print(f"ratio true cold with / without the platform import, p50: {c:.1f} ms / {w:.1f} ms = {c / w:.2f}x "
          f"(loading the bundle: {c - w:+.1f} ms; pooled spares load it while idle)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=20)
    asyncio.run(main(parser.parse_args().sources))
