"""Requests per second of the emulated API against a bare aiohttp handler sending the same bytes.

    (command -v wrk || apt-get install -y wrk) && python benchmarks/bench_api.py [--seconds 3] [--rounds 3]

Measures GET /v1/users/me/sources (the default page of 10 of 50 sources) and
GET /v1/sources/{id}/event_summaries (100 events), each against a bare aiohttp handler answering
the very bytes the emulator answered for that request (it encodes that document per request with
orjson, as the emulator does), so the ratio is the cost of the emulator's own work (auth,
validation, store, pagination, building the answer). The same bytes sent pre-encoded are shown too,
as the floor of what aiohttp costs. Both servers run in their own
process, driven by `wrk` (one thread, the same connection count, warmed up the same way) in
alternating rounds, so a busy moment of a shared machine hits every side alike; medians are shown. Prints both sides of each ratio, the client's and the server's CPU per request, and a
warning when wrk itself is saturated. Goal: ratio >= 0.6.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loadgen import WrkResult, free_port, start_process, stop_process, wrk

from emulator.client.http import EmulatorClient, request_headers

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


def measure(seconds: float, connections: int, rounds: int) -> list[tuple[str, float, float]]:
    emu_port = free_port()
    emulator = start_process(["-m", "emulator", "serve", "--no-watch", "--port", str(emu_port), "--api-key", KEY,
                              "--clock", "virtual", "--quiet"], f"http://127.0.0.1:{emu_port}/_emulator/health",
                             cwd=tempfile.gettempdir())
    auth = request_headers(KEY)                  # wrk sends it with every request
    results = []
    try:
        client = EmulatorClient(f"http://127.0.0.1:{emu_port}", KEY)
        client.ok("PUT", "/_emulator/state", json=seed_state(50, 100))
        for name, path in (("list sources (10 of 50)", "/v1/users/me/sources"),
                           ("event_summaries (100)", "/v1/sources/dc_0000xxxx/event_summaries")):
            with client.open("GET", path) as answer:             # the bare servers answer the same bytes
                body = answer.read()
            with tempfile.NamedTemporaryFile("wb", suffix=".json") as body_file:
                body_file.write(body)
                body_file.flush()
                servers = {"emulator": (emulator, emu_port)}
                for kind, extra in (("bare handler", []), ("pre-encoded", ["--pre-encoded"])):
                    port = free_port()
                    servers[kind] = (start_process([str(Path(__file__).parent / "bare_server.py"), str(port),
                                                    body_file.name, *extra], f"http://127.0.0.1:{port}/"), port)
            try:
                runs = compare(servers, path, auth, connections, seconds, rounds)
            finally:
                for kind, (process, _) in servers.items():
                    if kind != "emulator":
                        stop_process(process)
            measured, baseline, floor = (runs[k] for k in ("emulator", "bare handler", "pre-encoded"))
            results.append((name, median_of(measured, "rps"), median_of(baseline, "rps")))
            print(f"{name} — {len(body)} bytes per answer; {rounds} alternating rounds of {seconds:g} s, medians")
            for kind, figures in runs.items():
                print(f"  {kind:13s} {figures[len(figures) // 2].describe()}")
            emu_rps, bare_rps = median_of(measured, "rps"), median_of(baseline, "rps")
            emu_cpu, bare_cpu = median_of(measured, "server_us_per_request"), median_of(baseline, "server_us_per_request")
            floor_cpu = median_of(floor, "server_us_per_request")
            print(f"  ratio: emulator {emu_rps:.0f} req/s / bare handler {bare_rps:.0f} req/s = {emu_rps / bare_rps:.2f}"
                  f"   (goal >= 0.6)")
            print(f"  CPU per request: bare handler {bare_cpu:.0f} µs / emulator {emu_cpu:.0f} µs = "
                  f"{bare_cpu / emu_cpu:.2f}; pre-encoded floor {floor_cpu:.0f} µs / emulator {emu_cpu:.0f} µs = "
                  f"{floor_cpu / emu_cpu:.2f}")
        return results
    finally:
        stop_process(emulator)


def compare(servers: dict[str, tuple[subprocess.Popen[bytes], int]], path: str, auth: dict[str, str],
            connections: int, seconds: float, rounds: int) -> dict[str, list[WrkResult]]:
    """Each server in turn, round after round, so a busy moment of the machine hits every side alike."""
    runs: dict[str, list[WrkResult]] = {kind: [] for kind in servers}
    for _, port in servers.values():
        wrk(f"http://127.0.0.1:{port}{path}", headers=auth, connections=connections, seconds=1)   # warm up
    for _ in range(rounds):
        for kind, (process, port) in servers.items():
            runs[kind].append(wrk(f"http://127.0.0.1:{port}{path}", headers=auth, connections=connections,
                                  seconds=seconds, server_pid=process.pid))
            assert runs[kind][-1].errors == 0, f"{kind}: {runs[kind][-1].errors} failed requests"
    for figures in runs.values():
        figures.sort(key=lambda r: r.rps)
    return runs


def median_of(results: list[WrkResult], attribute: str) -> float:
    return statistics.median(getattr(r, attribute) for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    measure(args.seconds, args.connections, args.rounds)


if __name__ == "__main__":
    main()
