"""Requests per second of the emulated API against a bare aiohttp handler, same load generator.

    python benchmarks/bench_api.py [--seconds 3] [--concurrency 16]

Measures GET /v1/users/me/sources (50 sources) and GET /v1/sources/{id}/event_summaries (100
events), each against a bare aiohttp handler answering a constant JSON body, all over loopback,
with servers in their own processes. The bare handler answers the very bytes the emulator answered
for that endpoint, so the ratio is the cost of the emulator's work (auth, validation, store,
pagination, rendering). Prints each figure and the ratio (goal: >= 0.6).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, load, start_process, stop_process  # noqa: E402

KEY = "pd_emu_benchmark_key_0123456789abcdef"
START_MS = 1_700_000_000_000


def seed_state(sources: int, events: int) -> dict:
    user = {"id": "u_bench", "api_key": KEY, "username": "bench", "email": "b@example.com", "created_at": 1}
    component = {"id": "sc_bench", "user_id": "u_bench", "code": "export default {}", "code_hash": "0",
                 "name": "bench", "key": "bench", "version": "0.0.1", "description": None, "type": "source",
                 "dedupe": None, "configurable_props": [], "created_at": 1, "updated_at": 1}
    all_sources = [{"id": f"dc_{i:04d}xxxx", "user_id": "u_bench", "component_id": "sc_bench", "name": f"s{i}",
                    "name_slug": f"s{i}", "configured_props": {}, "active": True, "created_at": 1, "updated_at": 1}
                   for i in range(sources)]
    all_events = [{"id": f"{START_MS + n}-0", "source_id": "dc_0000xxxx", "channel": "",
                   "event": {"n": n, "title": f"event {n}", "body": "x" * 200},
                   "metadata": {"emitter_id": "dc_0000xxxx", "emit_id": "e" * 27, "id": str(n), "name": "",
                                "summary": f"event {n}", "ts": START_MS + n}, "indexed_at_ms": START_MS + n}
                  for n in range(events)]
    return {"format": 1, "users": [user], "components": [component], "sources": all_sources, "events": all_events}


async def measure(seconds: float, concurrency: int) -> list[tuple[str, float, float]]:
    emu_port = free_port()
    emulator = start_process(["-m", "emulator", "serve", "--no-watch", "--port", str(emu_port), "--api-key", KEY,
                              "--clock", "virtual", "--quiet"], f"http://127.0.0.1:{emu_port}/_emulator/health")
    auth = {"Authorization": f"Bearer {KEY}"}
    results = []
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{emu_port}/_emulator/state", method="PUT",
                                         data=json.dumps(seed_state(50, 100)).encode(),
                                         headers={**auth, "Content-Type": "application/json"})
        urllib.request.urlopen(request).read()
        for name, path in (("list sources (50)", "/v1/users/me/sources"),
                           ("event_summaries (100)", "/v1/sources/dc_0000xxxx/event_summaries")):
            body = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{emu_port}{path}",
                                                                 headers=auth)).read()
            bare_port = free_port()
            with tempfile.NamedTemporaryFile("wb", suffix=".json") as body_file:
                body_file.write(body)
                body_file.flush()
                bare = start_process([str(Path(__file__).parent / "bare_server.py"), str(bare_port), body_file.name],
                                     f"http://127.0.0.1:{bare_port}/")
            try:
                await load(f"http://127.0.0.1:{bare_port}/", concurrency=concurrency, seconds=0.5)   # warm up
                baseline = await load(f"http://127.0.0.1:{bare_port}/", concurrency=concurrency, seconds=seconds)
            finally:
                stop_process(bare)
            await load(f"http://127.0.0.1:{emu_port}{path}", headers=auth, concurrency=concurrency, seconds=0.5)
            measured = await load(f"http://127.0.0.1:{emu_port}{path}", headers=auth, concurrency=concurrency,
                                  seconds=seconds)
            assert measured.errors == 0, f"{measured.errors} errors on {path}"
            results.append((name, measured.rps, baseline.rps))
            print(f"{name:24s} {measured.rps:8.0f} req/s (p50 {measured.percentile(50):.1f} ms, "
                  f"p99 {measured.percentile(99):.1f} ms) vs bare handler {baseline.rps:8.0f} req/s "
                  f"({len(body)} bytes each) → ratio {measured.rps / baseline.rps:.2f}")
        return results
    finally:
        stop_process(emulator)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(measure(args.seconds, args.concurrency))


if __name__ == "__main__":
    main()
