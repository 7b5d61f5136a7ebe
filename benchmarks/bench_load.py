"""API clients and SSE subscribers against one emulator running timer sources: errors, lost or
duplicated events, and the API's latency.

    python benchmarks/bench_load.py [--sources 100] [--clients 200] [--subscribers 50] [--seconds 20]
                                    [--speed 30] [--max-requests 300000] [--client-processes 2]

The emulator runs in its own process (`serve --clock virtual --no-watch --quiet`). N sources share
one ticker component whose 60 s timer emits one event per run (deployed once, the rest imported
through `PUT /_emulator/state`); one advance of the virtual clock starts every Node process. Then
the subscribers open `/sources/{id}/sse` (spread over the sources), the clock switches to real
time at --speed (every timer fires every 60/speed wall seconds), and the clients loop over a mix
of reads and writes for --seconds (or until --max-requests). The clock then goes back to virtual
and each subscriber must have received exactly the events its source emitted meanwhile, once
each, in order. Everything is on loopback and bounded in time and count. Prints one JSON report.
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loadgen import free_port

from emulator.client import sse
from emulator.client.async_http import AsyncEmulatorClient
from emulator.client.http import NoAnswer

KEY = "pd_emu_load_benchmark_key_0123456789"
TICKER = """
export default {
  key: "load-ticker", name: "Load Ticker", version: "0.0.1", type: "source",
  props: { db: "$.service.db", timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } },
  async run(event) { this.$emit({ fired: Date.now() }, { summary: "tick" }); },
};
"""
EVENTS_KEPT = 100            # per source: the check compares with what the source still holds


@dataclass
class LoadReport:
    sources: int
    clients: int
    subscribers: int
    seconds: float
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    requests_per_s: float = 0.0
    timer_runs: int = 0              # events emitted by all sources' timers during the load
    timer_events: int = 0            # of those, the events of the sources someone subscribed to
    sse_messages: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    client_processes: int = 0
    client_us_per_request: float = 0.0   # the clients' own CPU per request
    client_busy: float = 0.0             # their CPU over their processes' capacity: near 1, they limit the rate
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


@asynccontextmanager
async def served_emulator() -> AsyncIterator[str]:
    """`python -m emulator serve` on a free loopback port, in a scratch folder; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="pd-load-") as scratch:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "emulator", "serve", "--clock", "virtual", "--no-watch", "--quiet",
            "--port", str(port), "--api-key", KEY, cwd=scratch, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        try:
            await _wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _wait_healthy(url: str, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 30
    async with AsyncEmulatorClient(None, url) as client:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"the emulator exited with {process.returncode}")
            try:
                if (await client.get("/_emulator/health"))[0] == 200:
                    return
            except NoAnswer:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the emulator did not answer at {url}")


async def deploy_tickers(client: AsyncEmulatorClient, count: int) -> list[str]:
    """One ticker deployed through the API, cloned through a state import, all Node processes warm."""
    first = (await client.ok("POST", "/v1/sources", json={"component_code": TICKER, "name": "ticker-0"}))["data"]
    state = await client.ok("GET", "/_emulator/state")
    template = next(s for s in state["sources"] if s["id"] == first["id"])
    state["sources"] += [{**template, "id": f"dc_load{n:04d}", "name": f"ticker-{n}", "name_slug": f"ticker-{n}"}
                         for n in range(1, count)]
    await client.ok("PUT", "/_emulator/state", json=state)
    await client.ok("POST", "/_emulator/clock/advance", json={"seconds": 60})
    return [first["id"]] + [f"dc_load{n:04d}" for n in range(1, count)]


async def event_ids(client: AsyncEmulatorClient, source_id: str) -> list[str]:
    page = await client.ok("GET", f"/v1/sources/{source_id}/event_summaries", params={"limit": EVENTS_KEPT})
    return sorted((e["id"] for e in page["data"]), key=_event_order)


def _event_order(event_id: str) -> tuple[int, ...]:
    return tuple(map(int, event_id.split("-")))


class Subscriber:
    """One SSE stream of one source: the ids it received, in order."""

    def __init__(self, session: aiohttp.ClientSession, url: str, source_id: str) -> None:
        self.session, self.url, self.source_id = session, url, source_id
        self.received: list[str] = []
        self.ready = asyncio.Event()
        self.task = asyncio.ensure_future(self._listen())

    async def _listen(self) -> None:
        async with self.session.get(f"{self.url}/sources/{self.source_id}/sse") as stream:
            if stream.status != 200:
                raise RuntimeError(f"SSE of {self.source_id} answered {stream.status}")
            async for message in sse.messages(stream, comments=True):
                if message.comment == "sse-handshake":
                    self.ready.set()
                elif message.id is not None:
                    self.received.append(message.id)

    async def close(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def api_client(session: aiohttp.ClientSession, url: str, sources: list[str], deadline: float,
                     budget: list[int], latencies: list[float], report: LoadReport, chooser: random.Random) -> None:
    """A closed loop over reads (most) and writes (db updates, webhooks) until time or budget runs out."""
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        source = chooser.choice(sources)
        pick = chooser.random()
        if pick < 0.2:
            method, path, body = "GET", "/v1/users/me", None
        elif pick < 0.4:
            method, path, body = "GET", "/v1/users/me/sources?limit=20", None
        elif pick < 0.6:
            method, path, body = "GET", f"/v1/sources/{source}", None
        elif pick < 0.8:
            method, path, body = "GET", f"/v1/sources/{source}/event_summaries?limit=10", None
        elif pick < 0.9:
            method, path, body = "GET", "/_emulator/clock", None
        elif pick < 0.98:
            method, path, body = "PUT", f"/_emulator/sources/{source}/db", {"db": {"n": budget[0]}}
        else:
            method, path, body = "POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/never-called"}
        started = time.perf_counter()
        try:
            async with session.request(method, url + path, json=body) as answer:
                await answer.read()
                failed = answer.status >= 300
                what = f"{method} {path} → {answer.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            failed, what = True, f"{method} {path} → {type(exc).__name__}: {exc}"
        latencies.append((time.perf_counter() - started) * 1000)
        if failed:
            report.errors += 1
            if len(report.error_samples) < 10:
                report.error_samples.append(what)


def client_group(url: str, sources: list[str], seconds: float, clients: int, max_requests: int,
                 seed: float) -> tuple[list[float], int, list[str], float, float]:
    """One client process: `clients` closed loops; its latencies, errors, CPU and wall seconds."""
    report = LoadReport(sources=len(sources), clients=clients, subscribers=0, seconds=seconds)
    latencies: list[float] = []
    cpu_before = time.process_time()

    async def run() -> None:
        connector = aiohttp.TCPConnector(limit=clients + 5)
        async with aiohttp.ClientSession(connector=connector, headers={"Authorization": f"Bearer {KEY}"},
                                         timeout=aiohttp.ClientTimeout(total=None, sock_read=60)) as session:
            chooser = random.Random(seed)
            deadline = time.perf_counter() + seconds
            budget = [max_requests]
            await asyncio.gather(*(api_client(session, url, sources, deadline, budget, latencies, report,
                                              random.Random(chooser.random())) for _ in range(clients)))

    began = time.perf_counter()
    asyncio.run(run())
    return latencies, report.errors, report.error_samples, time.process_time() - cpu_before, \
        time.perf_counter() - began


async def run_client_processes(url: str, sources: list[str], seconds: float, clients: int, max_requests: int,
                               processes: int, seed: int, report: LoadReport) -> tuple[list[float], float, float]:
    """The API clients spread over `processes` processes, so one Python client is not the ceiling."""
    loop = asyncio.get_running_loop()
    chooser = random.Random(seed)
    with concurrent.futures.ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        shares = [clients // processes + (n < clients % processes) for n in range(processes)]
        results = await asyncio.gather(*(loop.run_in_executor(pool, client_group, url, sources, seconds, share,
                                                              max_requests // processes, chooser.random())
                                         for share in shares))
    latencies: list[float] = []
    cpu = wall = 0.0
    for group_latencies, errors, samples, group_cpu, group_wall in results:
        latencies += group_latencies
        report.errors += errors
        report.error_samples += samples[: 10 - len(report.error_samples)]
        cpu += group_cpu
        wall = max(wall, group_wall)
    return latencies, cpu, wall


def percentile(ordered: list[float], p: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 1) if ordered else 0.0


async def measure_load(url: str, *, sources: int, clients: int, subscribers: int, seconds: float, speed: float,
                       max_requests: int, seed: int = 1, processes: int = 0) -> LoadReport:
    """The whole scenario against a running emulator (the one whose key is KEY)."""
    report = LoadReport(sources=sources, clients=clients, subscribers=subscribers, seconds=seconds)
    connector = aiohttp.TCPConnector(limit=clients + subscribers + 10)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     headers={"Authorization": f"Bearer {KEY}"}) as session:
        setup = AsyncEmulatorClient(session, url, KEY)
        source_ids = await deploy_tickers(setup, sources)
        watched = [source_ids[n % sources] for n in range(subscribers)]
        before = {s: set(await event_ids(setup, s)) for s in source_ids}
        streams = [Subscriber(session, url, source_id) for source_id in watched]
        await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in streams)), 30)

        await setup.ok("PUT", "/_emulator/clock", json={"mode": "real", "speed": speed})
        began = time.perf_counter()
        if processes:
            latencies, client_cpu_s, elapsed = await run_client_processes(url, source_ids, seconds, clients,
                                                                          max_requests, processes, seed, report)
        else:                       # in this process (the suite's short run): its CPU includes the SSE readers
            latencies, cpu_before, chooser, budget = [], time.process_time(), random.Random(seed), [max_requests]
            await asyncio.gather(*(api_client(session, url, source_ids, began + seconds, budget, latencies, report,
                                              random.Random(chooser.random())) for _ in range(clients)))
            client_cpu_s = time.process_time() - cpu_before
            elapsed = time.perf_counter() - began
        await setup.ok("PUT", "/_emulator/clock", json={"mode": "virtual"})

        emitted = {s: [i for i in await _settled_event_ids(setup, s) if i not in before[s]] for s in before}
        expected = {s: emitted[s] for s in set(watched)}
        report.timer_runs = sum(len(ids) for ids in emitted.values())
        await _until_delivered(streams, expected)
        for stream in streams:
            await stream.close()
            wanted = expected[stream.source_id]
            report.sse_messages += len(stream.received)
            report.lost += len(set(wanted) - set(stream.received))
            report.duplicated += len(stream.received) - len(set(stream.received))
            report.out_of_order += stream.received != sorted(stream.received, key=_event_order)
        report.timer_events = sum(len(ids) for ids in expected.values())

    ordered = sorted(latencies)
    report.requests = len(latencies)
    report.requests_per_s = round(len(latencies) / elapsed, 1)
    report.client_processes = processes or 1
    report.client_us_per_request = round(client_cpu_s / max(1, len(latencies)) * 1e6, 1)
    report.client_busy = round(client_cpu_s / (elapsed * (processes or 1)), 2)
    if report.client_busy > 0.9:
        report.warnings.append("the API clients were saturated: requests_per_s is their ceiling, not the emulator's")
    report.p50_ms, report.p99_ms = percentile(ordered, 50), percentile(ordered, 99)
    report.max_ms = percentile(ordered, 100)
    return report


async def _settled_event_ids(client: AsyncEmulatorClient, source_id: str) -> list[str]:
    """A source's events once runs in flight when the clock stopped have finished (two equal reads)."""
    previous: list[str] | None = None
    while True:
        current = await event_ids(client, source_id)
        if current == previous:
            return current
        previous = current
        await asyncio.sleep(0.2)


async def _until_delivered(streams: list[Subscriber], expected: dict[str, list[str]], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(set(expected[s.source_id]) <= set(s.received) for s in streams):
            return
        await asyncio.sleep(0.05)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--speed", type=float, default=30.0, help="every 60 s timer fires every 60/speed wall s")
    parser.add_argument("--max-requests", type=int, default=300_000)
    parser.add_argument("--client-processes", type=int, default=2)
    args = parser.parse_args(argv)
    async with served_emulator() as url:
        report = await measure_load(url, sources=args.sources, clients=args.clients, subscribers=args.subscribers,
                                    seconds=args.seconds, speed=args.speed, max_requests=args.max_requests,
                                    processes=args.client_processes)
    print(report.to_json())
    return 0 if report.errors == report.lost == report.duplicated == report.out_of_order == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
