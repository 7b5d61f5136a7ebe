"""API latency while `--state` saves a large state, against the same API with no save running.

    python benchmarks/bench_save.py [--sizes-mb 1 50] [--seconds 6] [--probe-ms 2]

For each size, a state of about that many MB (sources with a db, 100 events each) is written to a
file and an emulator is started on it (`serve --state FILE --clock virtual --quiet`, its own
process). A probe (another process) sends `GET /v1/users/me/sources` one at a time every
`--probe-ms` and records each answer's latency: first for `--seconds` with nothing changing (no
save runs: the baseline), then for `--seconds` while a db write every 300 ms makes the emulator
save the whole state again and again. Prints both sides (p50, p99, max), the number of saves and
how long one takes (from the write to the file's replacement). Goal: p99 while saving <= 10 ms
above the baseline.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loadgen import (
    describe_latencies,
    free_port,
    p99,
    probe_latencies,
    start_latency_probe,
    start_process,
    stop_process,
)

from emulator.client.http import EmulatorClient

KEY = "pd_emu_benchmark_key_0123456789abcdef"
START_MS = 1_700_000_000_000


def state_of_size(megabytes: float) -> dict:
    """About `megabytes` of state: per source a 4 KB db and 100 events of ~1 KB."""
    per_source = 4_000 + 100 * 1_150
    sources = max(1, int(megabytes * 1_000_000 / per_source))
    user = {"id": "u_bench", "api_key": KEY, "username": "bench", "email": "b@example.com", "created_at": 1}
    component = {"id": "sc_bench", "user_id": "u_bench", "code": "export default {}", "code_hash": "0",
                 "name": "bench", "key": "bench", "version": "0.0.1", "description": None, "type": "source",
                 "dedupe": None, "configurable_props": [], "created_at": 1, "updated_at": 1}
    state = {"format": 1, "users": [user], "components": [component], "sources": [], "events": []}
    for s in range(sources):
        source_id = f"dc_{s:04d}xxxx"
        state["sources"].append({"id": source_id, "user_id": "u_bench", "component_id": "sc_bench",
                                 "name": f"s{s}", "name_slug": f"s{s}", "configured_props": {}, "active": True,
                                 "created_at": 1, "updated_at": 1, "db": {"blob": "d" * 4_000}})
        state["events"] += [{"id": f"{START_MS + n}-0", "source_id": source_id, "channel": "",
                             "event": {"n": n, "body": "x" * 1_000},
                             "metadata": {"emitter_id": source_id, "emit_id": "e" * 27, "id": str(n), "name": "",
                                          "summary": f"event {n}", "ts": START_MS + n},
                             "indexed_at_ms": START_MS + n} for n in range(100)]
    return state


def write_db(url: str, n: int) -> None:
    EmulatorClient(url, KEY).ok("PUT", "/_emulator/sources/dc_0000xxxx/db", json={"db": {"n": n}})


def measure(megabytes: float, seconds: float, probe_ms: float) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-save-") as folder:
        path = Path(folder) / "state.json"
        path.write_text(json.dumps(state_of_size(megabytes)))
        size_mb = path.stat().st_size / 1e6
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_process(["-m", "emulator", "serve", "--no-watch", "--port", str(port), "--api-key", KEY,
                                "--clock", "virtual", "--quiet", "--state", str(path)], url + "/_emulator/health",
                               timeout=300, cwd=folder)
        try:
            idle = probe_latencies(start_latency_probe(url + "/v1/users/me/sources", KEY, probe_ms / 1000, seconds))
            saves: list[float] = []
            stop = threading.Event()

            def keep_changing() -> None:
                n = 0
                while not stop.is_set():
                    n += 1
                    before = os.stat(path).st_mtime_ns
                    began = time.perf_counter()
                    write_db(url, n)
                    while os.stat(path).st_mtime_ns == before and not stop.is_set():
                        time.sleep(0.002)
                    if not stop.is_set():
                        saves.append((time.perf_counter() - began) * 1000)
                    time.sleep(0.3)

            changer = threading.Thread(target=keep_changing)
            changer.start()
            busy = probe_latencies(start_latency_probe(url + "/v1/users/me/sources", KEY, probe_ms / 1000, seconds))
            stop.set()
            changer.join()
        finally:
            stop_process(server)
    print(f"state of {size_mb:.1f} MB: {len(saves)} saves in {seconds:g} s, write → file replaced "
          f"p50 {statistics.median(saves):.0f} ms (includes up to 200 ms of save debounce)" if saves else
          f"state of {size_mb:.1f} MB: no save completed")
    print(f"  GET /v1/users/me/sources, nothing saving: {describe_latencies(idle)}")
    print(f"  the same while saving:                    {describe_latencies(busy)}")
    print(f"  p99 while saving {p99(busy):.1f} ms vs {p99(idle):.1f} ms idle: +{p99(busy) - p99(idle):.1f} ms "
          f"(goal <= 10 ms); max {busy[-1]:.1f} ms vs {idle[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes-mb", type=float, nargs="+", default=[1.0, 50.0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--probe-ms", type=float, default=2.0)
    args = parser.parse_args()
    for megabytes in args.sizes_mb:
        measure(megabytes, args.seconds, args.probe_ms)


if __name__ == "__main__":
    main()
