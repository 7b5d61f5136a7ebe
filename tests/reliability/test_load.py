"""A small load run, seconds long: API clients and SSE subscribers against an emulator (its own
process) whose timer sources fire on an accelerated real clock. No request fails, and every SSE
stream gets each event its source emitted exactly once, in order. The full run (200 clients, 50
subscribers, 100 sources) is `python benchmarks/bench_load.py`."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.harness import SUMMARY_LINES

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_load.py"


@pytest.fixture(scope="module")
def bench_load() -> Any:
    spec = importlib.util.spec_from_file_location("bench_load", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module             # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


async def test_under_load_no_request_fails_and_no_sse_event_is_lost_or_repeated(
        bench_load: Any, pytestconfig: pytest.Config) -> None:
    async with bench_load.served_emulator() as url:
        report = await bench_load.measure_load(url, sources=10, clients=20, subscribers=5, seconds=3.0, speed=60.0,
                                               max_requests=20_000)
    assert report.errors == 0, report.error_samples
    assert (report.lost, report.duplicated, report.out_of_order) == (0, 0, 0)
    assert report.timer_events >= report.subscribers, "the timers hardly fired: the SSE check saw nothing"
    assert report.requests > 0
    pytestconfig.stash[SUMMARY_LINES] = [
        *pytestconfig.stash.get(SUMMARY_LINES, []),
        f"load: {report.requests} requests, {report.errors} errors, p50 {report.p50_ms} ms, p99 {report.p99_ms} ms; "
        f"{report.timer_events} timer events streamed to {report.subscribers} subscribers, none lost or repeated"]
