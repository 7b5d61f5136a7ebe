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
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, start_process, stop_process  # noqa: E402

KEY = "pd_emu_benchmark_key_0123456789abcdef"
EMITTER = """export default { key: "many", name: "Many", version: "0.0.1", type: "source",
  async run(event) { for (let i = 0; i < event.n; i++) this.$emit({ i }, { summary: `e${i}` }); } };"""
PROBE = """
import sys, time, urllib.request
url, key, period, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    began = time.perf_counter()
    urllib.request.urlopen(request).read()
    took = time.perf_counter() - began
    print(f"{took * 1000:.3f}", flush=True)
    time.sleep(max(0.0, period - took))
"""


def call(url: str, method: str, path: str, key: str, body: object = None) -> object:
    request = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body is not None
                                     else None, headers={"Authorization": f"Bearer {key}",
                                                         "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read() or b"null")


def probe(url: str, key: str, period_s: float, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", PROBE, url + "/v1/users/me", key, str(period_s), str(seconds)],
                            stdout=subprocess.PIPE, text=True)


def latencies(process: subprocess.Popen[str]) -> list[float]:
    out, _ = process.communicate()
    return sorted(float(line) for line in out.split())


def describe(values: list[float]) -> str:
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return f"p50 {statistics.median(values):6.2f} ms  p99 {p99:6.2f} ms  max {values[-1]:6.2f} ms  (n={len(values)})"


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
        idle = latencies(probe(url, other, args.probe_ms / 1000, 3.0))
        watcher = probe(url, other, args.probe_ms / 1000, 600.0)
        time.sleep(0.5)
        began = time.perf_counter()
        run = call(url, "POST", f"/_emulator/sources/{source}/run", KEY, {"event": {"n": args.emits}})["data"]
        took = time.perf_counter() - began
        watcher.terminate()
        busy = latencies(watcher)
        assert run["outcome"] == "ok", run
    finally:
        stop_process(server)
    print(f"one run emitting {args.emits} events: {took:.2f} s ({len(run['emitted'])} listed in its record, "
          f"{args.emits / took:.0f} emits/s)")
    print(f"  another user's GET /v1/users/me every {args.probe_ms:g} ms, idle emulator:   {describe(idle)}")
    print(f"  the same, while the run emits:                        {describe(busy)}")
    print(f"  max delay while emitting {busy[-1]:.1f} ms (goal <= 50 ms); p99 {busy[int(len(busy) * 0.99)]:.1f} ms "
          f"while emitting / {idle[int(len(idle) * 0.99)]:.1f} ms idle")


if __name__ == "__main__":
    main()
