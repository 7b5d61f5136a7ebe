"""Each source's timer comes from its configured timer prop and follows the source's life:
PUT with a new timer reschedules, pausing stops it, resuming restarts it, deleting removes it."""
from __future__ import annotations

from tests.conftest import ApiClient
from tests.timers.timer_sources import DAY_S, advance, at, create_timer_source, runs_of

# START_MS is Tuesday 2023-11-14 22:13:20 UTC.
WEEKDAYS_AT_NINE_UTC = "0 9 * * 1-5"


async def update(api: ApiClient, source_id: str, **params: object) -> dict:
    return (await api.ok("PUT", f"/v1/sources/{source_id}", json=params))["data"]


async def test_the_timer_props_default_interval_applies_when_none_is_configured(api: ApiClient) -> None:
    source = await create_timer_source(api)
    assert source["configured_props"]["timer"] == {"cron": None, "interval_seconds": 60}
    answer = await advance(api, seconds=180)
    assert runs_of(answer) == [(source["id"], at(60)), (source["id"], at(120)), (source["id"], at(180))]


async def test_a_configured_interval_overrides_the_default(api: ApiClient) -> None:
    source = await create_timer_source(api, timer={"intervalSeconds": 900})
    answer = await advance(api, seconds=3600)
    assert runs_of(answer) == [(source["id"], at(s)) for s in (900, 1800, 2700, 3600)]


async def test_a_cron_timer_fires_on_its_utc_matches(api: ApiClient) -> None:
    source = await create_timer_source(api, timer={"cron": WEEKDAYS_AT_NINE_UTC})
    answer = await advance(api, seconds=7 * DAY_S)
    nine_utc = [1_700_038_800_000 + day * 86_400_000 for day in range(7)]   # Wed 15 … Tue 21 Nov, 09:00 UTC
    assert runs_of(answer) == [(source["id"], ms) for i, ms in enumerate(nine_utc) if i not in (3, 4)]


async def test_put_with_a_new_interval_reschedules_from_that_moment(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await advance(api, seconds=150)
    await update(api, source["id"], configured_props={"timer": {"intervalSeconds": 300}})
    answer = await advance(api, until_ms=at(800))
    assert runs_of(answer) == [(source["id"], at(450)), (source["id"], at(750))]


async def test_put_with_a_cron_replaces_an_interval(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await advance(api, seconds=30)
    await update(api, source["id"], configured_props={"timer": {"cron": "0 * * * *"}})
    answer = await advance(api, seconds=2 * 3600)
    assert runs_of(answer) == [(source["id"], 1_700_002_800_000), (source["id"], 1_700_006_400_000)]  # 23:00, 00:00


async def test_put_without_a_timer_change_keeps_the_schedule(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await advance(api, seconds=90)
    await update(api, source["id"], name="Renamed")
    answer = await advance(api, seconds=90)
    assert runs_of(answer) == [(source["id"], at(120)), (source["id"], at(180))]


async def test_a_paused_source_does_not_fire(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await advance(api, seconds=60)
    paused = await update(api, source["id"], active=False)
    assert paused["active"] is False
    answer = await advance(api, seconds=3600)
    assert answer["runs"] == []


async def test_a_resumed_source_fires_again_one_interval_after_resuming(api: ApiClient) -> None:
    source = await create_timer_source(api)
    await update(api, source["id"], active=False)
    await advance(api, seconds=1000)
    await update(api, source["id"], active=True)
    answer = await advance(api, seconds=130)
    assert runs_of(answer) == [(source["id"], at(1060)), (source["id"], at(1120))]


async def test_a_deleted_source_never_fires_and_the_others_go_on(api: ApiClient) -> None:
    doomed = await create_timer_source(api)
    survivor = await create_timer_source(api, timer={"intervalSeconds": 90})
    await advance(api, seconds=60)
    await api.ok("DELETE", f"/v1/sources/{doomed['id']}")
    answer = await advance(api, seconds=300)
    assert runs_of(answer) == [(survivor["id"], at(s)) for s in (90, 180, 270, 360)]


async def test_timers_of_sources_in_an_imported_state_resume(api: ApiClient) -> None:
    source = await create_timer_source(api)
    state = await api.ok("GET", "/_emulator/state")
    await api.ok("POST", "/_emulator/reset")
    assert (await advance(api, seconds=60))["runs"] == []
    await api.ok("PUT", "/_emulator/state", json=state)
    answer = await advance(api, seconds=60)
    assert runs_of(answer) == [(source["id"], at(120))]
