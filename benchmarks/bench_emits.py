"""One run emitting many events: how long it takes, and how much it delays another client.

    python benchmarks/bench_emits.py [--emits 100000] [--probe-ms 5]

An emulator (its own process, `serve --clock virtual --quiet`) runs a source whose run() emits
`--emits` small events. Meanwhile a second user's client (another process) sends
`GET /v1/users/me` every `--probe-ms`, one at a time, and records each answer's latency. The
baseline is the same probe against the same emulator while nothing runs, in the same session.
Prints the run's duration (the POST that triggers it returns when it ends) and the probe's p50,
p99 and max with the run in flight and without. Goal: max delay while emitting <= 50 ms.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loadgen import describe_latencies, free_port, probe_latencies, start_latency_probe, start_process, stop_process

from emulator.client.http import EmulatorClient

KEY = "pd_emu_benchmark_key_0123456789abcdef"
EMITTER = """export default { key: "many", name: "Many", version: "0.0.1", type: "source",
  async run(event) { for (let i = 0; i < event.n; i++) this.$emit({ i }, { summary: `e${i}` }); } };"""


def call(url: str, method: str, path: str, key: str, body: object = None) -> object:
    return EmulatorClient(url, key, timeout=600).ok(method, path, json=body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emits", type=int, default=100_000)
    parser.add_argument("--probe-ms", type=float, default=5.0)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_process(["-m", "emulator", "serve", "--no-watch", "--port", str(port), "--api-key", KEY,
                            "--clock", "virtual", "--quiet"], url + "/_emulator/health", cwd=tempfile.gettempdir())
    try:
        other = call(url, "POST", "/_emulator/users", KEY, {"username": "other"})["data"]["api_key"]
        source = call(url, "POST", "/v1/sources", KEY, {"component_code": EMITTER})["data"]["id"]
        call(url, "POST", f"/_emulator/sources/{source}/run", KEY, {"event": {"n": 10}})      # Node warm
        idle = probe_latencies(start_latency_probe(url + "/v1/users/me", other, args.probe_ms / 1000, 3.0))
        watcher = start_latency_probe(url + "/v1/users/me", other, args.probe_ms / 1000, 600.0)
        time.sleep(0.5)
        began = time.perf_counter()
        run = call(url, "POST", f"/_emulator/sources/{source}/run", KEY, {"event": {"n": args.emits}})["data"]
        took = time.perf_counter() - began
        watcher.terminate()
        busy = probe_latencies(watcher)
        assert run["outcome"] == "ok", run
    finally:
        stop_process(server)
    print(f"one run emitting {args.emits} events: {took:.2f} s ({len(run['emitted'])} listed in its record, "
          f"{args.emits / took:.0f} emits/s)")
    print(f"  another user's GET /v1/users/me every {args.probe_ms:g} ms, idle emulator:   {describe_latencies(idle)}")
    print(f"  the same, while the run emits:                        {describe_latencies(busy)}")
    print(f"  max delay while emitting {busy[-1]:.1f} ms (goal <= 50 ms); p99 {busy[int(len(busy) * 0.99)]:.1f} ms "
          f"while emitting / {idle[int(len(idle) * 0.99)]:.1f} ms idle")


if __name__ == "__main__":
    main()
