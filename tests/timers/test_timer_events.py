"""What a timer run is given and what it leaves: the timer event, `Date` inside the run, and the
emulated timestamps of the events it emits."""
from __future__ import annotations

import datetime

from tests.conftest import ApiClient
from tests.timers.timer_sources import advance, at, create_timer_source, retained_events


def iso(ms: int) -> str:
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


async def test_an_interval_timer_event_carries_the_fire_time_in_seconds_and_the_interval(api: ApiClient) -> None:
    source = await create_timer_source(api, timer={"intervalSeconds": 90})
    await advance(api, seconds=180)
    events = await retained_events(api, source["id"])
    assert [e["event"]["event"] for e in events] == [
        {"timestamp": at(90) // 1000, "interval_seconds": 90},
        {"timestamp": at(180) // 1000, "interval_seconds": 90},
    ]


async def test_a_cron_timer_event_carries_the_fire_time_and_the_cron(api: ApiClient) -> None:
    source = await create_timer_source(api, timer={"cron": "*/15 * * * *"})
    await advance(api, seconds=1000)
    events = await retained_events(api, source["id"])
    assert [e["event"]["event"] for e in events] == [        # 22:15:00 and 22:30:00 UTC
        {"timestamp": 1_700_000_100, "cron": "*/15 * * * *"},
        {"timestamp": 1_700_001_000, "cron": "*/15 * * * *"},
    ]


async def test_date_inside_a_run_reads_the_emulated_time_of_its_fire(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await advance(api, seconds=3 * 3600)
    events = await retained_events(api, source["id"])
    assert [e["event"]["n"] for e in events] == list(range(81, 181))   # the newest 100 of 180 runs
    for event in events:
        fired_ms = at(60 * event["event"]["n"])
        assert event["event"]["date_now"] == fired_ms
        assert event["event"]["new_date"] == iso(fired_ms)


async def test_emitted_events_are_stamped_with_the_emulated_fire_time(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await advance(api, seconds=120)
    events = await retained_events(api, source["id"])
    assert [(e["id"], e["indexed_at_ms"], e["metadata"]["ts"]) for e in events] == [
        (f"{at(60)}-0", at(60), at(60)),
        (f"{at(120)}-0", at(120), at(120)),
    ]


async def test_event_ids_keep_following_the_clock_after_it_is_set_forward(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await api.ok("PUT", "/_emulator/clock", json={"now_ms": at(3600)})
    answer = await advance(api, seconds=60)
    events = await retained_events(api, source["id"])
    assert [run["at_ms"] for run in answer["runs"]] == [at(3600), at(3660)]
    assert [e["id"] for e in events] == [f"{at(3600)}-0", f"{at(3660)}-0"]
