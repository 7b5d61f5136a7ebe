"""Save-to-live latency of hot reload against a bare watchfiles watcher noticing the same writes.

    python benchmarks/bench_reload.py [--saves 50] [--platform]

Each save rewrites a deployed component with a new version; "live" is the moment the emulator has
re-extracted it and swapped every deployed source (deactivate, new code, activate) — its reload
record. The baseline is a bare `watchfiles.awatch` on the same folder, with the same step, noticing
the same write. Both are measured in one run, on real files. With --platform the component imports
`@pipedream/platform` from a folder without node_modules, so its Node loads the resolve hooks (on
Node 20, a loader thread per process).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from watchfiles import awatch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from emulator.config import Config
from emulator.devserver.watcher import STEP_MS, WATCHER
from emulator.server.runner import Emulator

PLATFORM_IMPORT = 'import {{ axios }} from "@pipedream/platform";\n'
CODE = """export default {{ key: "bench", name: "Bench", version: "0.0.{n}", type: "source",
  props: {{ label: {{ type: "string", default: "v{n}" }} }},
  hooks: {{ async activate() {{ this.db.set("v", {n}); }} }},
  async run() {{ this.$emit({{ v: {n} }}, {{ summary: "v{n}" }}); }} }};"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


async def emulator_latencies(folder: Path, saves: int, code: str = CODE) -> list[float]:
    path = folder / "bench.mjs"
    path.write_text(code.format(n=0))
    config = Config(port=0, folders=(str(folder),), watch=True, clock_mode="virtual")
    async with Emulator(config) as emu:
        await emu.app[WATCHER].ready.wait()
        services = emu.services
        user = services.store.default_user()
        component = services.store.registry_component("bench")
        await services.lifecycle.create(user, {"component_id": component.id})
        latencies = []
        for n in range(1, saves + 1):
            seen = len(services.reloader.reloads)
            began = time.perf_counter()
            path.write_text(code.format(n=n))
            while len(services.reloader.reloads) == seen:
                await asyncio.sleep(0.001)
            latencies.append((time.perf_counter() - began) * 1000)
            assert services.reloader.reloads[-1]["kind"] == "reload", services.reloader.reloads[-1]
        return latencies


async def bare_latencies(folder: Path, saves: int) -> list[float]:
    path = folder / "bare.mjs"
    path.write_text("0")
    stop = asyncio.Event()
    noticed: asyncio.Queue[float] = asyncio.Queue()
    ready = asyncio.Event()

    async def watch() -> None:
        async for changes in awatch(folder, step=STEP_MS, stop_event=stop, rust_timeout=200, yield_on_timeout=True):
            ready.set()
            if changes:
                noticed.put_nowait(time.perf_counter())

    task = asyncio.ensure_future(watch())
    await ready.wait()
    latencies = []
    for n in range(1, saves + 1):
        began = time.perf_counter()
        path.write_text(str(n))
        latencies.append((await noticed.get() - began) * 1000)
        while not noticed.empty():
            noticed.get_nowait()
    stop.set()
    await task
    return latencies


async def main(saves: int, platform: bool) -> None:
    code = PLATFORM_IMPORT + CODE if platform else CODE
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        bare = await bare_latencies(Path(a), saves)
        emulated = await emulator_latencies(Path(b), saves, code)
    for name, values in (("bare watchfiles", bare), ("emulator save→live", emulated)):
        print(f"{name:20s} p50 {percentile(values, 50):6.1f} ms  p95 {percentile(values, 95):6.1f} ms  "
              f"mean {statistics.mean(values):6.1f} ms  ({len(values)} saves)")
    for p in (50, 95):
        print(f"ratio p{p} emulator save→live / bare watchfiles: {percentile(emulated, p):.1f} ms / "
              f"{percentile(bare, p):.1f} ms = {percentile(emulated, p) / percentile(bare, p):.2f}x")
    print("goal: live within 300 ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--platform", action="store_true", help="the component imports @pipedream/platform")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.saves, arguments.platform))
