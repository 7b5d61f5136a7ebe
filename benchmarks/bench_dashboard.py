"""Emit-to-visible latency of the dashboard against a bare SSE client, and its page load times.

    python benchmarks/bench_dashboard.py [--rate 50] [--seconds 10] [--loads 5]

Latency: a source emits `rate` events per second (one per run); each emit's moment is taken where
the emulator publishes it (a bus printer), and compared with (a) the moment a row with that event's
id appears in the source's events page in Chromium (a MutationObserver, wall clock) and (b) the
moment a bare aiohttp SSE client of the same `/_emulator/stream` reads it. Both watch the same
events in the same run, so the difference is the page's own cost (parse, render, DOM).

Load: 100 sources with 100 events each (seeded with PUT /_emulator/state); the time from navigation
start until the overview shows its 100 rows, and until a source's page shows its 100 events.
Needs Debian's Chromium at /usr/bin/chromium and Playwright for Python (see the README).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from emulator.client import sse
from emulator.client.async_http import AsyncEmulatorClient
from emulator.client.http import request_headers
from emulator.config import Config
from emulator.server.runner import ThreadedEmulator

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_MS = 1_700_000_000_000
WARMUP = 20
EMITTER = """export default { key: "bench", name: "Bench", version: "0.0.1", type: "source",
  async run(event) { this.$emit({ n: event.n, body: "x".repeat(200) }, { summary: `event ${event.n}` }); } };"""
ROW_WATCH = """() => {
  window.rowSeenAt = {};
  new MutationObserver((mutations) => {
    const now = performance.timeOrigin + performance.now();
    for (const m of mutations) for (const node of m.addedNodes) {
      if (node.nodeType !== 1) continue;
      for (const row of [node, ...node.querySelectorAll("[data-event-id]")]) {
        const id = row.dataset.eventId;
        if (id && !(id in window.rowSeenAt)) window.rowSeenAt[id] = now;
      }
    }
  }).observe(document, { childList: true, subtree: true });
}"""
COUNT_WATCH = """([selector, target]) => {
  const check = () => {
    if (!window.shownAt && document.querySelectorAll(selector).length >= target) window.shownAt = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
}"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Bench:
    def __init__(self, server: ThreadedEmulator, client: AsyncEmulatorClient) -> None:
        self.server, self.client = server, client
        self.emitted_at: dict[str, float] = {}
        assert server.emulator is not None
        server.emulator.services.bus.printers.append(self._record)

    def _record(self, record: dict[str, Any]) -> None:
        if record["kind"] == "emit":
            self.emitted_at[record["event_id"]] = time.time() * 1000

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        return await self.client.ok(method, path, json=body)

    async def link(self, page: Any, path: str) -> None:
        link = (await self.call("POST", "/_emulator/dashboard/links"))["data"]["url"]
        await page.goto(link)
        if path:
            await page.goto(f"{self.server.url}/dashboard/{path}")


async def bare_client(bench: Bench, seen: dict[str, float], ready: asyncio.Event) -> None:
    async with bench.client.session.get(bench.server.url + "/_emulator/stream",
                                        headers=request_headers(bench.server.api_key)) as response:
        async for message in sse.messages(response):
            data = message.json()
            if data["kind"] == "hello":
                    ready.set()
            elif data["kind"] == "emit":
                seen.setdefault(data["event_id"], time.time() * 1000)


async def emit_latency(bench: Bench, browser: Any, rate: float, seconds: float) -> dict[str, list[float]]:
    source = (await bench.call("POST", "/v1/sources", {"component_code": EMITTER}))["data"]
    page = await browser.new_page()
    await page.add_init_script(f"({ROW_WATCH})()")
    await bench.link(page, f"sources/{source['id']}")
    await page.get_by_test_id("stream-status").filter(has_text="live").wait_for()
    bare_seen: dict[str, float] = {}
    ready = asyncio.Event()
    bare = asyncio.ensure_future(bare_client(bench, bare_seen, ready))
    await ready.wait()
    count = int(rate * seconds)
    started = time.perf_counter()
    for n in range(count):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        await bench.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"n": n}})
    ids = sorted(bench.emitted_at, key=lambda i: tuple(map(int, i.split("-"))))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        page_seen = await page.evaluate("window.rowSeenAt")
        if all(i in page_seen and i in bare_seen for i in ids):
            break
        await asyncio.sleep(0.1)
    bare.cancel()
    await asyncio.gather(bare, return_exceptions=True)
    await page.close()
    measured = [i for i in ids if i in page_seen and i in bare_seen][WARMUP:]
    print(f"  {len(measured)} emits measured of {count} (page saw {len(page_seen)}, bare client {len(bare_seen)})")
    return {"page": [page_seen[i] - bench.emitted_at[i] for i in measured],
            "bare SSE client": [bare_seen[i] - bench.emitted_at[i] for i in measured]}


def seed_state(key: str, sources: int, events: int) -> dict[str, Any]:
    user = {"id": "u_bench", "api_key": key, "username": "bench", "email": "b@example.com", "created_at": 1}
    component = {"id": "sc_bench", "user_id": "u_bench", "code": "export default {}", "code_hash": "0",
                 "name": "bench", "key": "bench", "version": "0.0.1", "description": None, "type": "source",
                 "dedupe": None, "configurable_props": [], "created_at": 1, "updated_at": 1}
    all_sources = [{"id": f"dc_{i:04d}xxxx", "user_id": "u_bench", "component_id": "sc_bench", "name": f"source {i}",
                    "name_slug": f"source-{i}", "configured_props": {}, "active": True, "created_at": 1,
                    "updated_at": 1} for i in range(sources)]
    all_events = [{"id": f"{START_MS + n}-0", "source_id": s["id"], "channel": "",
                   "event": {"n": n, "title": f"event {n}", "body": "x" * 200},
                   "metadata": {"emitter_id": s["id"], "emit_id": "e" * 27, "id": str(n), "name": "",
                                "summary": f"event {n}", "ts": START_MS + n}, "indexed_at_ms": START_MS + n}
                  for s in all_sources for n in range(events)]
    return {"format": 1, "users": [user], "components": [component], "sources": all_sources, "events": all_events}


async def load_times(bench: Bench, browser: Any, loads: int) -> dict[str, list[float]]:
    await bench.call("PUT", "/_emulator/state", seed_state(bench.server.api_key, 100, 100))
    context = await browser.new_context()
    page = await context.new_page()
    await bench.link(page, "")
    results: dict[str, list[float]] = {"overview (100 sources)": [], "source page (100 events)": []}
    targets = (("overview (100 sources)", "", "table.sources tbody tr"),
               ("source page (100 events)", "sources/dc_0042xxxx", "li[data-event-id]"))
    for _ in range(loads):
        for name, path, selector in targets:
            fresh = await context.new_page()
            await fresh.add_init_script(f"({COUNT_WATCH})({json.dumps([selector, 100])})")
            await fresh.goto(f"{bench.server.url}/dashboard/{path}")
            await fresh.wait_for_function("window.shownAt !== undefined", timeout=20_000)
            results[name].append(await fresh.evaluate("window.shownAt"))
            await fresh.close()
    await context.close()
    return results


def report(title: str, figures: dict[str, list[float]], unit: str = "ms") -> None:
    print(title)
    for name, values in figures.items():
        print(f"  {name:<26} p50 {percentile(values, 0.5):7.1f} {unit}   p95 {percentile(values, 0.95):7.1f} {unit}"
              f"   mean {statistics.fmean(values):7.1f} {unit}   n={len(values)}")


async def main(rate: float, seconds: float, loads: int) -> None:
    server = ThreadedEmulator(Config(port=0, clock_mode="virtual", start_ms=START_MS, watch=False)).start()
    try:
        async with AsyncEmulatorClient(None, server.url, server.api_key) as client, async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            bench = Bench(server, client)
            print(f"emit → visible at {rate:g} emits/s for {seconds:g} s")
            latency = await emit_latency(bench, browser, rate, seconds)
            report("", latency)
            page, bare = (percentile(latency[k], 0.5) for k in ("page", "bare SSE client"))
            print(f"  ratio p50 page / bare SSE client: {page:.1f} ms / {bare:.1f} ms = {page / max(bare, 1e-9):.2f}")
            report("page load, navigation start → rows visible", await load_times(bench, browser, loads))
            await browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="emits per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--loads", type=int, default=5, help="page loads of each kind")
    options = parser.parse_args()
    if options.rate * options.seconds <= WARMUP:
        parser.error(f"--rate × --seconds must exceed the {WARMUP} warm-up emits that are not measured")
    asyncio.run(main(options.rate, options.seconds, options.loads))
