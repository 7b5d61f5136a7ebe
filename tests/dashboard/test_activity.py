"""The control API the dashboard reads: the activity stream, runs, replay, reloads and the overview."""
from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from tests.conftest import ApiClient, create_source, read_sse_messages, run_source

TIMED = """
export default {
  key: "timed", name: "Timed", version: "0.0.1", type: "source",
  props: { timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } },
  async run(event) { this.$emit({ at: event.timestamp }, { summary: "tick" }); },
};
"""
FAILS_ON_BAD = """
export default {
  key: "picky", name: "Picky", version: "0.0.1", type: "source",
  async run(event) { if (event.bad) throw new Error("bad event"); this.$emit(event, { summary: "fine" }); },
};
"""


def emits(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["data"]["kind"] == "emit"]


async def stream(api: ApiClient, last_event_id: str | None = None) -> aiohttp.ClientResponse:
    return await api.open("GET", "/_emulator/stream", headers={"Last-Event-ID": last_event_id} if last_event_id else {})


async def test_stream_says_hello_then_carries_runs_and_emits_with_the_event(api: ApiClient) -> None:
    source = await create_source(api)
    async with await stream(api) as response:
        [hello] = await asyncio.wait_for(read_sse_messages(response, lambda m: len(m) == 1), 10)
        assert hello["data"]["kind"] == "hello" and not hello["data"]["resumed"]
        await run_source(api, source["id"], {"count": 2})
        messages = await asyncio.wait_for(read_sse_messages(response, lambda m: m[-1]["data"]["kind"] == "run"), 10)
    kinds = [m["data"]["kind"] for m in messages]
    assert kinds[:3] == ["emit", "emit", "run"]
    assert [m["data"]["event"]["event"]["i"] for m in emits(messages)] == [0, 1]
    assert messages[2]["data"]["run"]["emitted"] == 2


async def test_reconnecting_with_last_event_id_resumes_without_loss_or_duplicates(api: ApiClient) -> None:
    source = await create_source(api)
    async with await stream(api) as response:
        await run_source(api, source["id"], {"count": 1})
        seen = await asyncio.wait_for(read_sse_messages(response, lambda m: len(emits(m)) == 1), 10)
    last_id = seen[-1]["id"]
    await run_source(api, source["id"], {"count": 3})          # while disconnected
    async with await stream(api, last_id) as response:
        messages = await asyncio.wait_for(read_sse_messages(response, lambda m: len(emits(m)) == 3), 10)
    assert messages[0]["data"] == {"kind": "hello", "epoch": last_id.split(".")[0], "resumed": True, "gap": False}
    assert [m["data"]["event"]["event"]["i"] for m in emits(messages)] == [0, 1, 2]
    seqs = [int(m["id"].split(".")[1]) for m in messages[1:]]
    assert seqs == sorted(set(seqs)) and seqs[0] > int(last_id.split(".")[1])


async def test_an_id_from_another_emulator_is_reported_as_a_gap(api: ApiClient) -> None:
    async with await stream(api, "0000beef.12") as response:
        [hello] = await asyncio.wait_for(read_sse_messages(response, lambda m: len(m) == 1), 10)
    assert hello["data"]["gap"] is True


async def test_another_users_activity_is_not_streamed(api: ApiClient) -> None:
    other = (await api.ok("POST", "/_emulator/users", json={}))["data"]["api_key"]
    mine = await create_source(api)
    status, theirs = await api.post("/v1/sources", json={"component_code": FAILS_ON_BAD}, key=other)
    assert status == 200
    async with await stream(api) as response:
        await api.ok("POST", f"/_emulator/sources/{theirs['data']['id']}/run", json={"event": {}}, key=other)
        await run_source(api, mine["id"], {"count": 1})
        messages = await asyncio.wait_for(read_sse_messages(response, lambda m: len(emits(m)) == 1), 10)
    assert {m["data"]["source_id"] for m in emits(messages)} == {mine["id"]}


async def test_runs_filter_by_source_and_outcome(api: ApiClient) -> None:
    picky = await create_source(api, FAILS_ON_BAD)
    other = await create_source(api)
    await run_source(api, picky["id"], {"bad": True})
    await run_source(api, picky["id"], {"ok": 1})
    await run_source(api, other["id"])
    failed = (await api.ok("GET", f"/_emulator/runs?source_id={picky['id']}&outcome=error"))["data"]
    assert [(r["source_id"], r["outcome"], r["error"]["message"]) for r in failed] == [(picky["id"], "error", "bad event")]
    runs = (await api.ok("GET", "/_emulator/runs?method=run&limit=2"))["data"]
    assert [r["source_id"] for r in runs] == [other["id"], picky["id"]]


async def test_a_run_by_id_has_its_logs_events_and_db(api: ApiClient) -> None:
    source = await create_source(api)
    run = await run_source(api, source["id"], {"count": 1})
    body = (await api.ok("GET", f"/_emulator/runs/{run['id']}"))["data"]
    assert body["id"] == run["id"]
    assert [e["event"]["i"] for e in body["events"]] == [0]
    assert {"logs", "db_before", "db_after", "duration_ms"} <= set(body)
    status, _ = await api.get("/_emulator/runs/run_missing")
    assert status == 404


async def test_replay_runs_the_source_again_with_a_retained_event(api: ApiClient) -> None:
    source = await create_source(api, FAILS_ON_BAD)
    await run_source(api, source["id"], {"n": 7})
    [event] = (await api.ok("GET", f"/v1/sources/{source['id']}/event_summaries"))["data"]
    replayed = (await api.ok("POST", "/_emulator/events/replay", json={"source_id": source["id"], "event_id": event["id"]}))["data"]
    assert replayed["trigger"] == "replay"
    assert replayed["event"] == {"n": 7}
    assert replayed["events"][0]["event"] == {"n": 7}


async def test_replaying_an_error_event_replays_the_original_event(api: ApiClient) -> None:
    source = await create_source(api, FAILS_ON_BAD)
    await run_source(api, source["id"], {"bad": True})
    [error] = (await api.ok("GET", f"/v1/sources/{source['id']}/event_summaries?event_name=$errors"))["data"]
    replayed = (await api.ok("POST", "/_emulator/events/replay", json={"source_id": source["id"], "event_id": error["id"]}))["data"]
    assert replayed["event"] == {"bad": True}
    assert replayed["outcome"] == "error"


async def test_replay_of_an_unknown_event_is_404(api: ApiClient) -> None:
    source = await create_source(api)
    status, body = await api.post("/_emulator/events/replay", json={"source_id": source["id"], "event_id": "1-0"})
    assert status == 404 and "event 1-0" in body["error"]


async def test_overview_lists_schedule_next_fire_last_run_and_channels(api: ApiClient) -> None:
    source = await create_source(api, TIMED, configured_props={"timer": {"intervalSeconds": 60}})
    clock = await api.ok("GET", "/_emulator/clock")
    await api.ok("POST", "/_emulator/clock/advance", json={"seconds": 60})
    overview = await api.ok("GET", "/_emulator/overview")
    [status] = overview["sources"]
    assert status["id"] == source["id"] and status["active"] is True
    assert status["schedule"]["interval_seconds"] == 60
    assert status["next_fire_ms"] == clock["now_ms"] + 120_000
    assert status["last_run"]["outcome"] == "ok" and status["last_run"]["trigger"] == "timer"
    assert status["channels"] == {"": 1}
    assert overview["upcoming"] == [{"source_id": source["id"], "at_ms": clock["now_ms"] + 120_000}]


async def test_overview_of_one_source_lists_only_that_source(api: ApiClient) -> None:
    wanted, _ = await create_source(api), await create_source(api)
    single = await api.ok("GET", f"/_emulator/overview?source_id={wanted['id']}")
    assert [s["id"] for s in single["sources"]] == [wanted["id"]]
    status, _ = await api.get("/_emulator/overview?source_id=dc_missing")
    assert status == 404


async def test_reloads_are_listed_with_their_errors(api: ApiClient) -> None:
    body = await api.ok("GET", "/_emulator/reloads")
    assert body == {"data": [], "failures": [], "components": [], "folders": []}
