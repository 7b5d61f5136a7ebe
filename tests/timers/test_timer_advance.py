"""POST /_emulator/clock/advance fires every due timer in time order, one complete run at a time."""
from __future__ import annotations

import itertools

from tests.conftest import ApiClient
from tests.timers.timer_sources import RECORDER, WALL_TIMED, advance, at, create_timer_source, payloads_by_fire, runs_of

# START_MS is 2023-11-14 22:13:20 UTC: an every-2-minutes cron first matches 40 s later.
EVERY_TWO_MINUTES = "*/2 * * * *"
FAILS_ONCE = """
export default {
  key: "flaky-timer", name: "Flaky Timer", version: "0.0.1", type: "source",
  props: {
    timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
    fail_at: { type: "integer", label: "The timer timestamp (epoch s) whose run throws" },
  },
  async run(event) {
    if (event.timestamp === this.fail_at) throw new Error("this run fails");
    this.$emit({ event }, { summary: "ran" });
  },
};
"""


async def test_advance_answers_the_new_time_and_each_run_with_its_outcome(api: ApiClient) -> None:
    source = await create_timer_source(api)
    answer = await advance(api, seconds=150)
    assert answer["now_ms"] == at(150)
    assert [{k: run[k] for k in ("source_id", "at_ms", "outcome", "emitted")} for run in answer["runs"]] == [
        {"source_id": source["id"], "at_ms": at(60), "outcome": "ok", "emitted": 1},
        {"source_id": source["id"], "at_ms": at(120), "outcome": "ok", "emitted": 1},
    ]
    clock = await api.ok("GET", "/_emulator/clock")
    assert clock["now_ms"] == at(150)


async def test_advance_until_ms_fires_what_falls_due_up_to_and_at_that_time(api: ApiClient) -> None:
    source = await create_timer_source(api)
    answer = await advance(api, until_ms=at(180))
    assert answer["now_ms"] == at(180)
    assert runs_of(answer) == [(source["id"], at(60)), (source["id"], at(120)), (source["id"], at(180))]


async def test_timers_of_several_sources_fire_in_time_order(api: ApiClient) -> None:
    every_minute = await create_timer_source(api)
    every_90_s = await create_timer_source(api, timer={"intervalSeconds": 90})
    cron = await create_timer_source(api, timer={"cron": EVERY_TWO_MINUTES})
    a, b, c = every_minute["id"], every_90_s["id"], cron["id"]
    answer = await advance(api, seconds=300)
    assert runs_of(answer) == [
        (c, at(40)), (a, at(60)), (b, at(90)), (a, at(120)), (c, at(160)),
        (a, at(180)), (b, at(180)),          # the same instant: in source id (creation) order
        (a, at(240)), (b, at(270)), (c, at(280)), (a, at(300)),
    ]
    assert {run["outcome"] for run in answer["runs"]} == {"ok"}


async def test_each_run_ends_before_the_next_one_starts(api: ApiClient) -> None:
    slow = {"pause_ms": 30, "slow_runs": 1000}      # every run waits 30 wall ms on a setTimeout
    first = await create_timer_source(api, WALL_TIMED, **slow)
    second = await create_timer_source(api, WALL_TIMED, timer={"cron": "* * * * *"}, **slow)
    answer = await advance(api, seconds=200)
    assert len(answer["runs"]) == 6
    by_fire = await payloads_by_fire(api, first["id"], second["id"])
    seen = [by_fire[(run["source_id"], run["at_ms"])] for run in answer["runs"]]
    for earlier, later in itertools.pairwise(seen):
        assert int(earlier["wall_end_ns"]) <= int(later["wall_start_ns"]), (earlier, later)


async def test_advance_with_nothing_due_moves_time_and_runs_nothing(api: ApiClient) -> None:
    await create_timer_source(api)
    answer = await advance(api, seconds=59)
    assert answer == {"now_ms": at(59), "runs": []}


async def test_advance_by_zero_seconds_fires_a_timer_due_right_now(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await api.ok("PUT", "/_emulator/clock", json={"now_ms": at(60)})
    answer = await advance(api, seconds=0)
    assert runs_of(answer) == [(source["id"], at(60))]
    assert answer["now_ms"] == at(60)


async def test_sources_without_a_timer_never_fire(api: ApiClient) -> None:
    plain = RECORDER.replace('timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },', "")
    await create_timer_source(api, plain)
    answer = await advance(api, seconds=3600)
    assert answer["runs"] == []


async def test_a_failing_timer_run_is_answered_as_an_error_and_the_timer_goes_on(api: ApiClient) -> None:
    source = await create_timer_source(api, FAILS_ONCE, fail_at=at(120) // 1000)
    answer = await advance(api, seconds=180)
    assert [(run["source_id"], run["outcome"], run["emitted"]) for run in answer["runs"]] == [
        (source["id"], "ok", 1), (source["id"], "error", 0), (source["id"], "ok", 1)]
