"""Timers and one-shot calls on the clock: due order, coalescing, virtual and accelerated time."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from emulator.timing.clock import Clock, ClockError
from emulator.timing.scheduler import ScheduleError, Scheduler, validate_timer

JAN_1_2024_MS = 1_704_067_200_000  # a Monday, 00:00 UTC
MINUTE_MS = 60_000
DAY_MS = 86_400_000


class Fires:
    """A fire callback that records what it was given, and can be told to misbehave."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls: list[tuple[str, dict, int]] = []
        self.running = 0
        self.most_running: dict[str, int] = {}
        self.behaviour: Callable[[str, dict], Awaitable[dict | None]] | None = None
        self._running_by_source: dict[str, int] = {}

    async def __call__(self, source_id: str, event: dict) -> dict:
        self.calls.append((source_id, event, self.clock.now_ms()))
        count = self._running_by_source.get(source_id, 0) + 1
        self._running_by_source[source_id] = count
        self.most_running[source_id] = max(count, self.most_running.get(source_id, 0))
        try:
            result = await self.behaviour(source_id, event) if self.behaviour else None
        finally:
            self._running_by_source[source_id] -= 1
        return result or {"outcome": "ok", "emitted": 1}

    def timestamps(self, source_id: str) -> list[int]:
        return [event["timestamp"] for sid, event, _ in self.calls if sid == source_id]


@pytest.fixture
async def schedulers() -> AsyncIterator[list[Scheduler]]:
    """Schedulers a test makes; each is closed afterwards."""
    made: list[Scheduler] = []
    yield made
    for scheduler in made:
        await scheduler.close()


@pytest.fixture
def virtual(schedulers: list[Scheduler]) -> tuple[Scheduler, Clock, Fires]:
    clock = Clock("virtual", now_ms=JAN_1_2024_MS)
    fires = Fires(clock)
    scheduler = Scheduler(clock, fires)
    schedulers.append(scheduler)
    return scheduler, clock, fires


@pytest.fixture
async def accelerated(schedulers: list[Scheduler]) -> tuple[Scheduler, Clock, Fires]:
    """A started scheduler on a real clock running 1000 times faster than the wall clock."""
    clock = Clock("real", speed=1000, now_ms=JAN_1_2024_MS)
    fires = Fires(clock)
    scheduler = Scheduler(clock, fires)
    schedulers.append(scheduler)
    await scheduler.start()
    return scheduler, clock, fires


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.002)


# -- validating timer configs ---------------------------------------------------------------


def test_validate_timer_reads_the_camel_case_interval_of_component_code() -> None:
    assert validate_timer({"intervalSeconds": 900}) == {"cron": None, "interval_seconds": 900}


def test_validate_timer_keeps_a_cron_expression() -> None:
    assert validate_timer({"cron": "0 9 * * 1-5", "interval_seconds": None}) == {
        "cron": "0 9 * * 1-5",
        "interval_seconds": None,
    }


@pytest.mark.parametrize("interval", [0, -60, 1.5, "60", True])
def test_validate_timer_refuses_an_interval_below_one_second_or_not_whole(interval: object) -> None:
    with pytest.raises(ScheduleError, match="interval_seconds"):
        validate_timer({"interval_seconds": interval})


@pytest.mark.parametrize("cron", ["61 * * * *", "* * * *", "0 0 9 * * 1-5", "@hourly", "often", 5])
def test_validate_timer_refuses_anything_but_a_valid_five_field_cron(cron: object) -> None:
    with pytest.raises(ScheduleError, match="cron"):
        validate_timer({"cron": cron})


def test_validate_timer_needs_exactly_one_schedule() -> None:
    with pytest.raises(ScheduleError, match="needs cron or interval_seconds"):
        validate_timer({})
    with pytest.raises(ScheduleError, match="not both"):
        validate_timer({"cron": "* * * * *", "interval_seconds": 60})


def test_set_timer_refuses_an_invalid_config(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, _ = virtual
    with pytest.raises(ScheduleError, match="interval_seconds"):
        scheduler.set_timer("dc_a", {"interval_seconds": 0})
    assert scheduler.next_fire_ms("dc_a") is None


# -- virtual time ---------------------------------------------------------------------------


async def test_a_60_second_timer_fires_1440_times_a_day_on_the_minute(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, fires = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    result = await scheduler.advance(seconds=86_400)
    assert [run["at_ms"] for run in result["runs"]] == [JAN_1_2024_MS + k * MINUTE_MS for k in range(1, 1441)]
    assert result["now_ms"] == clock.now_ms() == JAN_1_2024_MS + DAY_MS


async def test_an_hourly_interval_fires_168_times_a_week(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"intervalSeconds": 3600})
    await scheduler.advance(seconds=7 * 86_400)
    assert fires.timestamps("dc_a") == [JAN_1_2024_MS // 1000 + k * 3600 for k in range(1, 169)]


async def test_timer_events_carry_the_fire_time_in_epoch_seconds_and_the_interval(
    virtual: tuple[Scheduler, Clock, Fires],
) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 90})
    await scheduler.advance(seconds=180)
    assert [event for _, event, _ in fires.calls] == [
        {"timestamp": JAN_1_2024_MS // 1000 + 90, "interval_seconds": 90},
        {"timestamp": JAN_1_2024_MS // 1000 + 180, "interval_seconds": 90},
    ]


async def test_a_run_sees_the_clock_at_its_fire_time(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    await scheduler.advance(seconds=150)
    assert [now for _, _, now in fires.calls] == [JAN_1_2024_MS + MINUTE_MS, JAN_1_2024_MS + 2 * MINUTE_MS]


async def test_cron_every_15_minutes_fires_96_times_a_day(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"cron": "*/15 * * * *"})
    await scheduler.advance(seconds=86_400)
    assert fires.timestamps("dc_a") == [JAN_1_2024_MS // 1000 + k * 900 for k in range(1, 97)]
    assert fires.calls[0][1] == {"timestamp": JAN_1_2024_MS // 1000 + 900, "cron": "*/15 * * * *"}


async def test_cron_on_weekdays_at_nine_utc_fires_five_times_a_week(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"cron": "0 9 * * 1-5"})
    await scheduler.advance(seconds=7 * 86_400)
    nine_am = JAN_1_2024_MS // 1000 + 9 * 3600
    assert fires.timestamps("dc_a") == [nine_am + day * 86_400 for day in range(5)]


async def test_cron_with_a_timezone_fires_at_nine_in_that_zone(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"cron": "0 9 * * *", "timezone": "America/New_York"})
    await scheduler.advance(seconds=2 * 86_400)
    nine_am_new_york = JAN_1_2024_MS // 1000 + 14 * 3600          # EST is UTC-5 in January
    assert fires.timestamps("dc_a") == [nine_am_new_york, nine_am_new_york + 86_400]


def test_validate_timer_refuses_an_unknown_timezone() -> None:
    with pytest.raises(ScheduleError, match="IANA"):
        validate_timer({"cron": "0 9 * * *", "timezone": "Mars/Olympus"})


async def test_cron_first_fires_at_the_next_match_after_now(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, _ = virtual
    clock.set(now_ms=JAN_1_2024_MS + 7 * MINUTE_MS + 30_000)
    scheduler.set_timer("dc_a", {"cron": "*/15 * * * *"})
    assert scheduler.next_fire_ms("dc_a") == JAN_1_2024_MS + 15 * MINUTE_MS


async def test_runs_record_what_the_fire_callback_returned(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual

    async def emit_two(source_id: str, event: dict) -> dict:
        return {"outcome": "ok", "emitted": 2}

    fires.behaviour = emit_two
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    result = await scheduler.advance(seconds=60)
    assert result["runs"] == [{"source_id": "dc_a", "at_ms": JAN_1_2024_MS + MINUTE_MS, "outcome": "ok", "emitted": 2}]


async def test_timers_due_at_the_same_instant_fire_in_source_id_order(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, _ = virtual
    for source_id in ["dc_c", "dc_a", "dc_b"]:
        scheduler.set_timer(source_id, {"interval_seconds": 60})
    result = await scheduler.advance(seconds=120)
    assert [run["source_id"] for run in result["runs"]] == ["dc_a", "dc_b", "dc_c"] * 2


async def test_each_run_completes_before_the_next_starts(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    in_flight: list[int] = []

    async def slow(source_id: str, event: dict) -> None:
        in_flight.append(fires.running)
        fires.running += 1
        await asyncio.sleep(0)
        fires.running -= 1

    fires.behaviour = slow
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    scheduler.set_timer("dc_b", {"interval_seconds": 60})
    await scheduler.advance(seconds=600)
    assert len(in_flight) == 20 and set(in_flight) == {0}


async def test_advance_until_ms_includes_a_fire_at_the_target_and_stops_there(
    virtual: tuple[Scheduler, Clock, Fires],
) -> None:
    scheduler, clock, _ = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    result = await scheduler.advance(until_ms=JAN_1_2024_MS + 3 * MINUTE_MS)
    assert [run["at_ms"] for run in result["runs"]] == [JAN_1_2024_MS + k * MINUTE_MS for k in (1, 2, 3)]
    assert clock.now_ms() == JAN_1_2024_MS + 3 * MINUTE_MS
    assert scheduler.next_fire_ms("dc_a") == JAN_1_2024_MS + 4 * MINUTE_MS


async def test_advance_with_nothing_due_only_moves_time(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, _ = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 3600})
    assert await scheduler.advance(seconds=59.5) == {"now_ms": JAN_1_2024_MS + 59_500, "runs": []}


async def test_advance_never_goes_backwards(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, _ = virtual
    with pytest.raises(ClockError, match="until_ms"):
        await scheduler.advance(until_ms=JAN_1_2024_MS - 1)
    with pytest.raises(ClockError, match="seconds"):
        await scheduler.advance(seconds=-1)
    assert clock.now_ms() == JAN_1_2024_MS


async def test_advance_takes_seconds_or_until_ms(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, _ = virtual
    with pytest.raises(ClockError, match="seconds or until_ms"):
        await scheduler.advance()


async def test_set_timer_again_reschedules_from_now(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    await scheduler.advance(seconds=30)
    scheduler.set_timer("dc_a", {"interval_seconds": 100})
    await scheduler.advance(seconds=200)
    assert fires.timestamps("dc_a") == [JAN_1_2024_MS // 1000 + 130, JAN_1_2024_MS // 1000 + 230]


async def test_set_timer_can_switch_an_interval_to_cron(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    scheduler.set_timer("dc_a", {"cron": "0 * * * *"})
    await scheduler.advance(seconds=7200)
    assert [event for _, event, _ in fires.calls] == [
        {"timestamp": JAN_1_2024_MS // 1000 + 3600, "cron": "0 * * * *"},
        {"timestamp": JAN_1_2024_MS // 1000 + 7200, "cron": "0 * * * *"},
    ]


async def test_a_removed_timer_never_fires(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    scheduler.set_timer("dc_b", {"interval_seconds": 60})
    scheduler.remove_timer("dc_a")
    await scheduler.advance(seconds=600)
    assert fires.timestamps("dc_a") == [] and len(fires.timestamps("dc_b")) == 10
    assert scheduler.next_fire_ms("dc_a") is None


async def test_a_timer_removed_during_its_run_fires_no_more(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual

    async def remove_own_timer(source_id: str, event: dict) -> None:
        scheduler.remove_timer(source_id)

    fires.behaviour = remove_own_timer
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    result = await scheduler.advance(seconds=86_400)
    assert len(result["runs"]) == 1
    assert scheduler.upcoming() == []


async def test_a_failing_run_is_recorded_as_an_error_and_the_timer_goes_on(
    virtual: tuple[Scheduler, Clock, Fires],
) -> None:
    scheduler, _, fires = virtual

    async def fail(source_id: str, event: dict) -> None:
        raise RuntimeError("source exploded")

    fires.behaviour = fail
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    result = await scheduler.advance(seconds=180)
    assert [run["outcome"] for run in result["runs"]] == ["error"] * 3
    assert result["runs"][0]["error"] == "source exploded"


async def test_upcoming_lists_each_timers_next_fire_soonest_first(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, _ = virtual
    scheduler.set_timer("dc_slow", {"interval_seconds": 3600})
    scheduler.set_timer("dc_fast", {"interval_seconds": 60})
    scheduler.set_timer("dc_cron", {"cron": "*/15 * * * *"})
    await scheduler.advance(seconds=60)
    assert scheduler.upcoming() == [
        {"source_id": "dc_fast", "at_ms": JAN_1_2024_MS + 2 * MINUTE_MS},
        {"source_id": "dc_cron", "at_ms": JAN_1_2024_MS + 15 * MINUTE_MS},
        {"source_id": "dc_slow", "at_ms": JAN_1_2024_MS + 60 * MINUTE_MS},
    ]
    assert scheduler.upcoming(limit=1) == [{"source_id": "dc_fast", "at_ms": JAN_1_2024_MS + 2 * MINUTE_MS}]


async def test_timers_overdue_after_the_clock_jumps_fire_once_at_the_new_time(
    virtual: tuple[Scheduler, Clock, Fires],
) -> None:
    scheduler, clock, _ = virtual
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    clock.set(now_ms=JAN_1_2024_MS + 10 * MINUTE_MS + 5_000)
    result = await scheduler.advance(seconds=60)
    assert [run["at_ms"] for run in result["runs"]] == [JAN_1_2024_MS + 10 * MINUTE_MS + 5_000, JAN_1_2024_MS + 11 * MINUTE_MS]


async def test_the_same_start_state_gives_identical_records(schedulers: list[Scheduler]) -> None:
    async def simulate() -> dict:
        clock = Clock("virtual", now_ms=JAN_1_2024_MS)
        scheduler = Scheduler(clock, Fires(clock))
        schedulers.append(scheduler)
        for n, interval in enumerate([60, 60, 90, 300, 3600]):
            scheduler.set_timer(f"dc_{n}", {"interval_seconds": interval})
        scheduler.set_timer("dc_cron", {"cron": "*/15 * * * *"})
        return await scheduler.advance(seconds=86_400)

    first, second = await simulate(), await simulate()
    assert len(first["runs"]) == 1440 * 2 + 960 + 288 + 24 + 96
    assert first == second


# -- one-shot calls ------------------------------------------------------------------------


async def test_calls_and_timers_run_in_time_order(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, fires = virtual
    order: list[str] = []

    async def timer_run(source_id: str, event: dict) -> None:
        order.append(f"timer@{clock.now_ms() - JAN_1_2024_MS}")

    def delivery(name: str) -> Callable[[], Awaitable[None]]:
        async def deliver() -> None:
            order.append(f"{name}@{clock.now_ms() - JAN_1_2024_MS}")

        return deliver

    fires.behaviour = timer_run
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    scheduler.call_at(JAN_1_2024_MS + 90_000, "late", delivery("late"))
    scheduler.call_at(JAN_1_2024_MS + 30_000, "early", delivery("early"))
    scheduler.call_at(JAN_1_2024_MS + 60_000, "tie", delivery("tie"))
    await scheduler.advance(seconds=120)
    assert order == ["early@30000", "tie@60000", "timer@60000", "late@90000", "timer@120000"]


async def test_a_cancelled_call_never_runs(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, _ = virtual
    ran: list[str] = []

    async def deliver() -> None:
        ran.append("delivered")

    scheduler.call_at(JAN_1_2024_MS + 1000, "evt_1", deliver)
    scheduler.cancel_call("evt_1")
    await scheduler.advance(seconds=10)
    assert ran == []


async def test_a_call_with_the_same_key_replaces_the_earlier_one(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, _ = virtual
    ran: list[int] = []

    async def deliver() -> None:
        ran.append(clock.now_ms() - JAN_1_2024_MS)

    scheduler.call_at(JAN_1_2024_MS + 1000, "evt_1", deliver)
    scheduler.call_at(JAN_1_2024_MS + 5000, "evt_1", deliver)
    await scheduler.advance(seconds=10)
    assert ran == [5000]


async def test_a_call_already_due_runs_on_the_next_advance(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, _ = virtual
    ran: list[int] = []

    async def deliver() -> None:
        ran.append(clock.now_ms())

    scheduler.call_at(JAN_1_2024_MS - 5000, "evt_1", deliver)
    await scheduler.advance(seconds=0)
    assert ran == [JAN_1_2024_MS]


async def test_a_failing_call_does_not_stop_the_advance(virtual: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = virtual

    async def fail() -> None:
        raise RuntimeError("delivery failed")

    scheduler.call_at(JAN_1_2024_MS + 1000, "evt_1", fail)
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    result = await scheduler.advance(seconds=60)
    assert len(result["runs"]) == 1


# -- real time --------------------------------------------------------------------------------


async def test_at_speed_1000_a_60_second_timer_fires_about_every_60_ms(
    accelerated: tuple[Scheduler, Clock, Fires],
) -> None:
    scheduler, clock, fires = accelerated
    start = clock.now_ms()
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    await wait_until(lambda: clock.now_ms() >= start + 10 * MINUTE_MS)  # ~0.6 s of wall time
    count = len(fires.calls)
    assert 3 <= count <= 10  # never more than the due times; a loaded machine may coalesce some
    stamps = fires.timestamps("dc_a")
    assert all(later - earlier >= 60 for earlier, later in zip(stamps, stamps[1:]))


async def test_a_run_outlasting_its_interval_is_followed_by_one_coalesced_fire(
    accelerated: tuple[Scheduler, Clock, Fires],
) -> None:
    scheduler, clock, fires = accelerated
    start = clock.now_ms()
    first_run_ends_at = start + 5 * MINUTE_MS + 30_000

    async def first_run_is_slow(source_id: str, event: dict) -> None:
        if len(fires.calls) == 1:
            await wait_until(lambda: clock.now_ms() >= first_run_ends_at)

    fires.behaviour = first_run_is_slow
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    await wait_until(lambda: len(fires.calls) >= 3)
    first, coalesced, resumed = fires.timestamps("dc_a")[:3]
    assert first >= (start + MINUTE_MS) // 1000
    assert coalesced >= first_run_ends_at // 1000  # one fire after the run, not a burst of the 4 missed
    assert resumed >= (start + 6 * MINUTE_MS) // 1000  # back on the schedule after the coalesced fire
    assert fires.most_running["dc_a"] == 1


async def test_sources_run_concurrently_on_a_real_clock(accelerated: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = accelerated
    b_started = asyncio.Event()

    async def a_waits_for_b(source_id: str, event: dict) -> None:
        if source_id == "dc_a":
            await asyncio.wait_for(b_started.wait(), 5)
        else:
            b_started.set()

    fires.behaviour = a_waits_for_b
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    scheduler.set_timer("dc_b", {"interval_seconds": 90})
    await wait_until(lambda: b_started.is_set())


async def test_a_timer_set_again_during_a_run_waits_for_that_run(accelerated: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, fires = accelerated
    release = asyncio.Event()

    async def first_run_waits(source_id: str, event: dict) -> None:
        if len(fires.calls) == 1:
            await release.wait()

    fires.behaviour = first_run_waits
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    await wait_until(lambda: len(fires.calls) == 1)
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    overdue = clock.now_ms() + 3 * MINUTE_MS
    await wait_until(lambda: clock.now_ms() >= overdue)
    assert len(fires.calls) == 1
    release.set()
    await wait_until(lambda: len(fires.calls) >= 2)
    assert fires.most_running["dc_a"] == 1


async def test_changing_the_speed_replans_a_sleeping_timer(accelerated: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, fires = accelerated
    clock.set(speed=1)
    scheduler.set_timer("dc_a", {"interval_seconds": 3600})  # an hour of wall time at speed 1
    clock.set(speed=1_000_000)
    await wait_until(lambda: len(fires.calls) >= 1)
    assert fires.timestamps("dc_a")[0] >= (JAN_1_2024_MS + 3_600_000) // 1000


async def test_switching_from_virtual_to_real_starts_firing(schedulers: list[Scheduler]) -> None:
    clock = Clock("virtual", speed=1000, now_ms=JAN_1_2024_MS)
    fires = Fires(clock)
    scheduler = Scheduler(clock, fires)
    schedulers.append(scheduler)
    await scheduler.start()
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    clock.set(mode="real")
    await wait_until(lambda: len(fires.calls) >= 2)


async def test_the_real_time_loop_survives_a_failing_run(accelerated: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = accelerated

    async def fail(source_id: str, event: dict) -> None:
        raise RuntimeError("source exploded")

    fires.behaviour = fail
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    await wait_until(lambda: len(fires.calls) >= 3)


async def test_the_real_time_loop_runs_calls_when_due(accelerated: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, clock, _ = accelerated
    delivered_at: list[int] = []
    due = clock.now_ms() + 30_000

    async def deliver() -> None:
        delivered_at.append(clock.now_ms())

    scheduler.call_at(due, "evt_1", deliver)
    await wait_until(lambda: len(delivered_at) == 1)
    assert delivered_at[0] >= due


async def test_advance_on_a_real_clock_jumps_and_fires_what_fell_due(
    accelerated: tuple[Scheduler, Clock, Fires],
) -> None:
    scheduler, clock, _ = accelerated
    clock.set(speed=1)
    start = clock.now_ms()
    scheduler.set_timer("dc_a", {"interval_seconds": 3600})
    result = await scheduler.advance(seconds=3 * 3600)
    assert [run["at_ms"] for run in result["runs"]] == [start + k * 3_600_000 for k in (1, 2, 3)]
    assert clock.mode == "real" and result["now_ms"] >= start + 3 * 3_600_000


async def test_close_waits_for_a_run_in_flight(accelerated: tuple[Scheduler, Clock, Fires]) -> None:
    scheduler, _, fires = accelerated
    release = asyncio.Event()
    finished: list[str] = []

    async def wait_for_release(source_id: str, event: dict) -> None:
        await release.wait()
        finished.append(source_id)

    fires.behaviour = wait_for_release
    scheduler.set_timer("dc_a", {"interval_seconds": 60})
    await wait_until(lambda: len(fires.calls) == 1)
    closing = asyncio.create_task(scheduler.close())
    for _ in range(5):
        await asyncio.sleep(0)
    assert not closing.done()
    release.set()
    await closing
    assert finished == ["dc_a"]
