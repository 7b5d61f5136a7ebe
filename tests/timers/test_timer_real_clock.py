"""Timers on a real clock accelerated 1000 times (`--clock real --speed 1000`): fire rate, and
a source never running twice at once, fires missed during a long run coalesced into one."""
from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from tests.conftest import ApiClient
from tests.timers.timer_sources import MINUTE_MS, WALL_TIMED, advance, create_timer_source, wait_for_events

accelerated = pytest.mark.emulator_config(clock_mode="real", speed=1000)


@dataclass
class Gate:
    """An HTTP endpoint a run fetches; the request is held until the test releases it."""

    url: str = ""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        self.arrived.set()
        await self.release.wait()
        return web.Response(text="open")


@pytest.fixture
async def gate() -> AsyncIterator[Gate]:
    held = Gate()
    app = web.Application()
    app.router.add_get("/gate", held.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    held.url = f"http://127.0.0.1:{runner.addresses[0][1]}/gate"
    yield held
    held.release.set()
    await runner.cleanup()


def wall_ms(event: dict, end: str) -> float:
    return int(event["event"][f"wall_{end}_ns"]) / 1e6


@accelerated
async def test_at_speed_1000_a_60_second_timer_fires_about_every_60_wall_ms(api: ApiClient) -> None:
    source = await create_timer_source(api, WALL_TIMED)
    events = (await wait_for_events(api, source["id"], 11))[:11]
    mean_interval_ms = (wall_ms(events[-1], "start") - wall_ms(events[0], "start")) / 10
    # The schedule is anchored, so lateness does not accumulate: only the first and last fires'
    # delays move the mean. 60 s at 1x would be 60,000 ms; a missing speed factor fails at once.
    assert 30 <= mean_interval_ms <= 200, f"mean interval {mean_interval_ms:.1f} wall ms"
    stamps = [e["event"]["event"]["timestamp"] for e in events]
    assert stamps == sorted(stamps)          # a fire coalesced after a late run may share a second with the next


@accelerated
async def test_events_emitted_on_an_accelerated_clock_are_stamped_with_emulated_time(api: ApiClient) -> None:
    source = await create_timer_source(api, WALL_TIMED)
    events = await wait_for_events(api, source["id"], 3)
    for event, following in itertools.pairwise(events):
        assert event["id"] == f"{event['indexed_at_ms']}-0"
        assert event["event"]["end_ms"] <= event["indexed_at_ms"] <= following["event"]["start_ms"]


@accelerated
async def test_runs_of_one_source_never_overlap_and_fires_missed_by_a_slow_run_are_not_replayed(
        api: ApiClient) -> None:
    # Each of the first three runs waits 250 wall ms on a setTimeout: 250 emulated seconds, more
    # than four intervals, so four fires fall due while it is still running.
    source = await create_timer_source(api, WALL_TIMED, pause_ms=250, slow_runs=3)
    events = await wait_for_events(api, source["id"], 5)
    for earlier, later in itertools.pairwise(events):
        assert wall_ms(earlier, "end") <= wall_ms(later, "start"), "two runs of one source overlapped"
        assert later["event"]["event"]["timestamp"] >= earlier["event"]["event"]["timestamp"]
    for slow, after in itertools.pairwise(events[:4]):
        # Date inside the run follows the accelerated clock (a timer may wake a ms early: Node's loop time).
        assert slow["event"]["end_ms"] - slow["event"]["start_ms"] >= 240_000
        # One fire stands for all the missed ones, and it carries the time it fired: after the slow run.
        assert after["event"]["event"]["timestamp"] >= slow["event"]["end_ms"] // 1000


@accelerated
async def test_fires_missed_while_a_run_is_held_become_one_fire_at_the_current_time(
        api: ApiClient, gate: Gate) -> None:
    source = await create_timer_source(api, WALL_TIMED, gate_url=gate.url)
    await asyncio.wait_for(gate.arrived.wait(), 10)
    held_since = (await api.ok("GET", "/_emulator/clock"))["now_ms"]
    while (await api.ok("GET", "/_emulator/clock"))["now_ms"] < held_since + 5 * MINUTE_MS:
        await asyncio.sleep(0.01)                        # five more fires fall due meanwhile
    frozen_at = (await api.ok("PUT", "/_emulator/clock", json={"mode": "virtual"}))["now_ms"]
    gate.release.set()

    coalesced = await advance(api, seconds=0)            # waits for the held run, then fires what is due
    after = await advance(api, seconds=120)

    assert [(r["source_id"], r["at_ms"]) for r in coalesced["runs"]] == [(source["id"], frozen_at)]
    grid = [r["at_ms"] for r in after["runs"]]                   # then back on its schedule
    assert len(grid) == 2 and grid[1] - grid[0] == MINUTE_MS and frozen_at < grid[0] <= frozen_at + MINUTE_MS
