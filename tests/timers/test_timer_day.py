"""A whole emulated day of a 60 s timer on a virtual clock: every minute exactly once, and the same
day again (ids, timestamps, payloads) whenever it is replayed from the same state."""
from __future__ import annotations

from typing import Any

from tests.conftest import ApiClient
from tests.timers.timer_sources import (
    DAY_S,
    MINUTE_MS,
    advance,
    another_emulator,
    at,
    create_timer_source,
    retained_events,
)


async def a_day_of(api: ApiClient, source_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Advance 24 hours; the answer and the source's retained events (its newest 100)."""
    answer = await advance(api, seconds=DAY_S)
    return answer, await retained_events(api, source_id)


def without_random_ids(answer: dict[str, Any], events: list[dict[str, Any]]) -> tuple[list, list]:
    """What a replay from exported state must repeat: the state file keeps the id sequence but
    not the random generator, so run ids and emit ids (random suffixes) are left out."""
    runs = [{k: run[k] for k in ("source_id", "at_ms", "outcome", "emitted")} for run in answer["runs"]]
    kept = [{"id": e["id"], "indexed_at_ms": e["indexed_at_ms"], "event": e["event"],
             "metadata": {k: v for k, v in e["metadata"].items() if k != "emit_id"}} for e in events]
    return runs, kept


async def test_a_day_of_a_60_second_timer_is_1440_runs_one_per_minute(api: ApiClient) -> None:
    source = await create_timer_source(api)
    answer, events = await a_day_of(api, source["id"])
    assert answer["now_ms"] == at(DAY_S)
    assert [run["at_ms"] for run in answer["runs"]] == [at(60 * n) for n in range(1, 1441)]
    assert {(run["source_id"], run["outcome"], run["emitted"]) for run in answer["runs"]} == {(source["id"], "ok", 1)}
    assert [e["event"]["n"] for e in events] == list(range(1341, 1441))
    for event in events:
        fired_ms = at(60 * event["event"]["n"])
        assert event["id"] == f"{fired_ms}-0"
        assert event["event"]["event"] == {"timestamp": fired_ms // 1000, "interval_seconds": 60}
        assert event["event"]["date_now"] == fired_ms


async def test_two_emulators_with_the_same_seed_and_start_live_the_same_day(api: ApiClient) -> None:
    source = await create_timer_source(api)
    first_day = await a_day_of(api, source["id"])
    async with another_emulator() as twin:
        twin_source = await create_timer_source(twin)
        assert twin_source["id"] == source["id"]
        second_day = await a_day_of(twin, twin_source["id"])
    assert second_day == first_day                      # run ids and emit ids included


async def test_a_day_replayed_from_exported_state_repeats_the_original(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await advance(api, seconds=3600)                    # db, dedupe history and events to carry over
    state = await api.ok("GET", "/_emulator/state")
    original = without_random_ids(*await a_day_of(api, source["id"]))
    async with another_emulator() as fresh:
        await fresh.ok("PUT", "/_emulator/clock", json={"now_ms": at(3600)})
        await fresh.ok("PUT", "/_emulator/state", json=state)
        replayed = without_random_ids(*await a_day_of(fresh, source["id"]))
    assert len(original[0]) == 1440 and original[1][-1]["event"]["n"] == 60 + 1440
    assert replayed == original


async def test_two_replays_of_the_same_state_match_to_the_id(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await advance(api, seconds=3600)
    state = await api.ok("GET", "/_emulator/state")
    replays = []
    for _ in range(2):
        async with another_emulator() as fresh:
            await fresh.ok("PUT", "/_emulator/clock", json={"now_ms": at(3600)})
            await fresh.ok("PUT", "/_emulator/state", json=state)
            replays.append(await a_day_of(fresh, source["id"]))
    assert replays[0] == replays[1]
    assert replays[0][0]["runs"][0]["at_ms"] == at(3600) + MINUTE_MS
    assert replays[0][0]["now_ms"] == at(3600 + DAY_S)
