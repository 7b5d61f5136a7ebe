"""Load generation shared by the benchmarks: `wrk` (a C load generator, the one that measures
throughput) with its CPU accounted, a small aiohttp closed loop for latency probes, and server
processes started and stopped by the benchmark.

`wrk` comes from Debian: `apt-get install -y wrk` (the README's benchmark command does it).
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import aiohttp


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else 0.0


async def load(url: str, *, headers: dict[str, str] | None = None, concurrency: int = 16,
               seconds: float = 3.0) -> LoadResult:
    """Keep `concurrency` requests in flight for `seconds`; count answers and errors."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers or {}) as session:
        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                async with session.get(url) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append((time.perf_counter() - start) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return LoadResult(len(latencies), elapsed, errors, latencies)


WRK_INSTALL = "apt-get install -y wrk"
SATURATED = 0.9         # a client busier than this share of its threads' CPU may be the bottleneck


@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: int
    latency_ms: dict[str, float]          # p50, p90, p99 as wrk measured them
    client_cpu_s: float                    # wrk's user + system CPU
    server_cpu_s: float | None             # the server process's CPU over the same run
    threads: int
    connections: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def client_us_per_request(self) -> float:
        return self.client_cpu_s / max(1, self.requests) * 1e6

    @property
    def server_us_per_request(self) -> float | None:
        return None if self.server_cpu_s is None else self.server_cpu_s / max(1, self.requests) * 1e6

    @property
    def client_busy(self) -> float:
        """wrk's CPU over its threads' capacity: near 1, the client may be what limits the rate."""
        return self.client_cpu_s / (self.seconds * self.threads)

    def describe(self) -> str:
        server = "" if self.server_cpu_s is None else f", server {self.server_us_per_request:.0f} µs CPU/req"
        text = (f"{self.rps:8.0f} req/s  p50 {self.latency_ms['p50']:.2f} ms  p99 {self.latency_ms['p99']:.2f} ms  "
                f"(wrk {self.threads} thread(s), {self.connections} connections; client {self.client_us_per_request:.0f} "
                f"µs CPU/req, {self.client_busy:.0%} busy{server})")
        if self.client_busy > SATURATED:
            text += "\n    ⚠ the client is saturated: this figure is the load generator's ceiling, not the server's"
        return text


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(f"wrk (a C HTTP load generator) is needed: {WRK_INSTALL}")
    return path


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, *, headers: dict[str, str] | None = None, connections: int = 16, threads: int = 1,
        seconds: float = 5.0, server_pid: int | None = None) -> WrkResult:
    """Run wrk against `url`; its CPU comes from wait4, the server's from /proc over the same span."""
    args = [require_wrk(), "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    server_before = process_cpu_s(server_pid) if server_pid else None
    process = subprocess.Popen([*args, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    server_cpu = process_cpu_s(server_pid) - server_before if server_pid and server_before is not None else None
    if process.returncode != 0 or "requests in" not in output:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{output}")
    requests, took, unit = re.search(r"(\d+) requests in ([\d.]+)(\w+),", output).groups()
    seconds_taken = float(took) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx[1]) if non_2xx else 0
    latency = {f"p{p}": _wrk_ms(re.search(rf"^\s+{p}%\s+([\d.]+\w+)", output, re.M)[1]) for p in (50, 90, 99)}
    return WrkResult(int(requests), seconds_taken, errors, latency, usage.ru_utime + usage.ru_stime, server_cpu,
                     threads, connections)


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def ratio_line(name: str, measured: float, baseline: float, unit: str, what: str) -> str:
    """Both sides of a ratio, then the ratio."""
    return f"  {name}: {measured:.1f} {unit} / {baseline:.1f} {unit} ({what}) = {measured / baseline:.2f}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_process(args: list[str], health_url: str, timeout: float = 30.0, **popen: object) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               **popen)  # type: ignore[call-overload]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(health_url, timeout=1).read()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{args} did not answer {health_url} within {timeout} s")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()


_LATENCY_PROBE = """
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


def start_latency_probe(url: str, key: str, period_s: float, seconds: float) -> subprocess.Popen[str]:
    """Another client, in its own process: GET `url` one request at a time every `period_s`."""
    return subprocess.Popen([sys.executable, "-c", _LATENCY_PROBE, url, key, str(period_s), str(seconds)],
                            stdout=subprocess.PIPE, text=True)


def probe_latencies(process: subprocess.Popen[str]) -> list[float]:
    """The probe's latencies in ms, sorted."""
    out, _ = process.communicate()
    return sorted(float(line) for line in out.split())


def p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def describe_latencies(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):6.2f} ms  p99 {p99(values):6.2f} ms  max {values[-1]:7.2f} ms  "
            f"(n={len(values)})")
