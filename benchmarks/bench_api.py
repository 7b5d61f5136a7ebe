"""Requests per second of the emulated API against a bare aiohttp handler sending the same bytes.

    (command -v wrk || apt-get install -y wrk) && python benchmarks/bench_api.py [--seconds 5] [--connections 16]

Measures GET /v1/users/me/sources (the default page of 10 of 50 sources) and
GET /v1/sources/{id}/event_summaries (100 events), each against a bare aiohttp handler answering
the very bytes the emulator answered for that request (it encodes that document per request with
orjson, as the emulator does), so the ratio is the cost of the emulator's own work (auth,
validation, store, pagination, building the answer). The same bytes sent pre-encoded are shown too,
as the floor of what aiohttp costs. Both servers run in their own
process, one at a time, driven by `wrk` (one thread, the same connection count, warmed up the
same way). Prints both sides of each ratio, the client's and the server's CPU per request, and a
warning when wrk itself is saturated. Goal: ratio >= 0.6.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, start_process, stop_process, wrk  # noqa: E402

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


def measure(seconds: float, connections: int) -> list[tuple[str, float, float]]:
    emu_port = free_port()
    emulator = start_process(["-m", "emulator", "serve", "--no-watch", "--port", str(emu_port), "--api-key", KEY,
                              "--clock", "virtual", "--quiet"], f"http://127.0.0.1:{emu_port}/_emulator/health",
                             cwd=tempfile.gettempdir())
    auth = {"Authorization": f"Bearer {KEY}"}
    results = []
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{emu_port}/_emulator/state", method="PUT",
                                         data=json.dumps(seed_state(50, 100)).encode(),
                                         headers={**auth, "Content-Type": "application/json"})
        urllib.request.urlopen(request).read()
        for name, path in (("list sources (10 of 50)", "/v1/users/me/sources"),
                           ("event_summaries (100)", "/v1/sources/dc_0000xxxx/event_summaries")):
            body = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{emu_port}{path}",
                                                                 headers=auth)).read()
            baselines = {}
            with tempfile.NamedTemporaryFile("wb", suffix=".json") as body_file:
                body_file.write(body)
                body_file.flush()
                for kind, extra in (("bare handler", []), ("pre-encoded", ["--pre-encoded"])):
                    bare_port = free_port()
                    bare = start_process([str(Path(__file__).parent / "bare_server.py"), str(bare_port),
                                          body_file.name, *extra], f"http://127.0.0.1:{bare_port}/")
                    try:
                        url = f"http://127.0.0.1:{bare_port}{path}"
                        wrk(url, headers=auth, connections=connections, seconds=1)
                        baselines[kind] = wrk(url, headers=auth, connections=connections, seconds=seconds,
                                              server_pid=bare.pid)
                    finally:
                        stop_process(bare)
            wrk(f"http://127.0.0.1:{emu_port}{path}", headers=auth, connections=connections, seconds=1)
            measured = wrk(f"http://127.0.0.1:{emu_port}{path}", headers=auth, connections=connections,
                           seconds=seconds, server_pid=emulator.pid)
            baseline, floor = baselines["bare handler"], baselines["pre-encoded"]
            assert measured.errors == baseline.errors == floor.errors == 0, "some requests failed"
            results.append((name, measured.rps, baseline.rps))
            print(f"{name} — {len(body)} bytes per answer")
            print(f"  emulator     {measured.describe()}")
            print(f"  bare handler {baseline.describe()}")
            print(f"  pre-encoded  {floor.describe()}")
            print(f"  ratio: emulator {measured.rps:.0f} req/s / bare handler {baseline.rps:.0f} req/s "
                  f"= {measured.rps / baseline.rps:.2f}   (goal >= 0.6)")
            print(f"  CPU per request: bare handler {baseline.server_us_per_request:.0f} µs / emulator "
                  f"{measured.server_us_per_request:.0f} µs = {baseline.server_us_per_request / measured.server_us_per_request:.2f}"
                  f"; pre-encoded floor {floor.server_us_per_request:.0f} µs / emulator = "
                  f"{floor.server_us_per_request / measured.server_us_per_request:.2f}")
        return results
    finally:
        stop_process(emulator)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    measure(args.seconds, args.connections)


if __name__ == "__main__":
    main()
