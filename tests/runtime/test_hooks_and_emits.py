"""Hooks in the cloud's order, emits with channels, ordering, $errors and delayed delivery."""
from __future__ import annotations

import asyncio

from tests.conftest import START_MS, ApiClient, create_source, run_source

HOOKS = """
export default {
  key: "hooks", name: "Hooks", version: "0.0.1", type: "source",
  props: { n: { type: "integer", default: 1 } },
  hooks: {
    async deploy() { this.db.set("calls", [...(this.db.get("calls") || []), "deploy"]); },
    async activate() { this.db.set("calls", [...(this.db.get("calls") || []), `activate ${this.n}`]); },
    async deactivate() { this.db.set("calls", [...(this.db.get("calls") || []), "deactivate"]); },
  },
  async run() {},
};
"""


async def _calls(api: ApiClient, source_id: str) -> list[str]:
    _, body = await api.get(f"/_emulator/sources/{source_id}/db")
    return body["data"]["calls"]


async def test_create_runs_deploy_then_activate(api: ApiClient) -> None:
    source = await create_source(api, HOOKS)
    assert await _calls(api, source["id"]) == ["deploy", "activate 1"]


async def test_update_runs_deactivate_then_activate_with_new_props(api: ApiClient) -> None:
    source = await create_source(api, HOOKS)
    await api.put(f"/v1/sources/{source['id']}", json={"configured_props": {"n": 2}})
    assert await _calls(api, source["id"]) == ["deploy", "activate 1", "deactivate", "activate 2"]


async def test_pause_runs_deactivate_and_resume_runs_activate(api: ApiClient) -> None:
    source = await create_source(api, HOOKS)
    await api.put(f"/v1/sources/{source['id']}", json={"active": False})
    await api.put(f"/v1/sources/{source['id']}", json={"active": True})
    assert (await _calls(api, source["id"]))[-2:] == ["deactivate", "activate 1"]


async def test_delete_runs_deactivate(api: ApiClient, emu) -> None:
    source = await create_source(api, HOOKS)
    await api.delete(f"/v1/sources/{source['id']}")
    hooks = [r.method for r in emu.services.runtime.runs._all if r.source_id == source["id"]]
    assert hooks == ["deploy", "activate", "deactivate"]


async def test_a_throwing_deploy_hook_fails_the_create_and_leaves_nothing(api: ApiClient) -> None:
    code = HOOKS.replace('async deploy() {', 'async deploy() { throw new Error("feed unreachable");')
    status, body = await api.post("/v1/sources", json={"component_code": code})
    assert status == 400
    assert body["error"] == "feed unreachable"
    _, listing = await api.get("/v1/users/me/sources")
    assert listing["data"] == []


async def test_a_failed_deploy_answers_its_stack_and_console_output_and_its_run_stays_listed(api: ApiClient) -> None:
    code = HOOKS.replace('async deploy() {', 'async deploy() { console.log("checking the feed");\n'
                                               '    throw new Error("feed unreachable");')
    status, body = await api.post("/v1/sources", json={"component_code": code})
    assert status == 400 and body["error"] == "feed unreachable"
    assert "feed unreachable" in body["stack"] and "component.mjs:" in body["stack"]
    assert [log["message"] for log in body["logs"]] == ["checking the feed"]
    status, run = await api.get(f"/_emulator/runs/{body['run_id']}")
    assert status == 200 and run["data"]["method"] == "deploy" and run["data"]["outcome"] == "error"
    _, runs = await api.get(f"/_emulator/runs?source_id={body['source_id']}")
    assert [r["id"] for r in runs["data"]] == [body["run_id"]]
    _, other = await api.post("/_emulator/users", json={"username": "intruder"})
    status, _ = await api.get(f"/_emulator/runs/{body['run_id']}", key=other["data"]["api_key"])
    assert status == 404                     # still its owner's only


CHANNELS = """
export default {
  key: "channels", name: "Channels", version: "0.0.1", type: "source",
  async run(event) {
    for (const e of event.emits) this.$emit(e.body, e.meta);
    if (event.fail) throw new TypeError("broken after emitting");
  },
};
"""


async def test_named_channels_are_listed_apart(api: ApiClient) -> None:
    source = await create_source(api, CHANNELS)
    await run_source(api, source["id"], {"emits": [{"body": 1, "meta": {"name": "alerts"}}, {"body": 2, "meta": {}}]})
    _, default = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    _, alerts = await api.get(f"/v1/sources/{source['id']}/event_summaries?event_name=alerts")
    assert [e["event"] for e in default["data"]] == [2]
    assert [e["event"] for e in alerts["data"]] == [1]
    assert alerts["data"][0]["metadata"]["name"] == "alerts"


async def test_emits_of_one_run_are_delivered_oldest_first_by_ts(api: ApiClient) -> None:
    source = await create_source(api, CHANNELS)
    emits = [{"body": "b", "meta": {"ts": 2000}}, {"body": "a", "meta": {"ts": 1000}}, {"body": "c", "meta": {"ts": 3000}}]
    run = await run_source(api, source["id"], {"emits": emits})
    assert [e["event"] for e in run["events"]] == ["a", "b", "c"]
    assert [e["metadata"]["ts"] for e in run["events"]] == [1000, 2000, 3000]


async def test_a_failed_run_records_an_errors_event_and_keeps_no_db_changes(api: ApiClient) -> None:
    source = await create_source(api, CHANNELS)
    run = await run_source(api, source["id"], {"emits": [{"body": 1, "meta": {}}], "fail": True})
    assert run["outcome"] == "error"
    assert run["error"]["name"] == "TypeError" and run["error"]["message"] == "broken after emitting"
    _, errors = await api.get(f"/v1/sources/{source['id']}/event_summaries?event_name=$errors")
    assert errors["data"][0]["event"]["error"]["message"] == "broken after emitting"
    assert errors["data"][0]["event"]["original_event"]["fail"] is True
    _, default = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert default["data"] == []


async def test_delivery_ts_waits_on_the_in_channel_until_the_clock_reaches_it(api: ApiClient) -> None:
    source = await create_source(api, CHANNELS)
    later = START_MS + 60_000
    await run_source(api, source["id"], {"emits": [{"body": "later", "meta": {"delivery_ts": later}}]})
    _, waiting = await api.get(f"/v1/sources/{source['id']}/event_summaries?event_name=$in")
    assert [e["event"] for e in waiting["data"]] == ["later"]
    await api.post("/_emulator/clock/advance", json={"seconds": 59})
    _, default = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert default["data"] == []
    await api.post("/_emulator/clock/advance", json={"seconds": 1})
    _, default = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert [e["event"] for e in default["data"]] == ["later"]
    _, waiting = await api.get(f"/v1/sources/{source['id']}/event_summaries?event_name=$in")
    assert waiting["data"] == []


async def test_a_scheduled_event_deleted_from_in_is_never_delivered(api: ApiClient) -> None:
    source = await create_source(api, CHANNELS)
    await run_source(api, source["id"], {"emits": [{"body": "x", "meta": {"delivery_ts": START_MS + 1000}}]})
    await api.delete(f"/v1/sources/{source['id']}/events?event_name=$in")
    await api.post("/_emulator/clock/advance", json={"seconds": 5})
    _, default = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert default["data"] == []


SLOW = """
export default {
  key: "slow", name: "Slow", version: "0.0.1", type: "source",
  async run(event) { await new Promise((done) => setTimeout(done, 300)); this.$emit({ n: event.n }); },
};
"""


async def test_a_run_queued_behind_a_delete_does_not_bring_the_source_back(api: ApiClient, emu) -> None:
    source = await create_source(api, SLOW)
    record = emu.services.store.sources[source["id"]]
    running = asyncio.ensure_future(emu.services.runtime.invoke(record, "run", {"n": 1}))
    await asyncio.sleep(0.05)
    deleting = asyncio.ensure_future(api.delete(f"/v1/sources/{source['id']}"))
    await asyncio.sleep(0.05)                      # the delete's deactivate now waits behind the slow run
    queued = asyncio.ensure_future(emu.services.runtime.invoke(record, "run", {"n": 2}))
    await asyncio.gather(running, deleting, queued)
    assert deleting.result()[0] == 204
    assert queued.result().outcome == "skipped"
    assert emu.services.store.events.count(source["id"]) == 0


MANY = """export default { key: "many", name: "Many", version: "0.0.1", type: "source",
  async run(event) { for (let i = 0; i < event.n; i++) this.$emit({ i }, { summary: `e${i}` }); } };"""


async def test_thousands_of_emits_of_one_run_arrive_complete_and_in_call_order(api: ApiClient) -> None:
    source = await create_source(api, MANY)
    run = await run_source(api, source["id"], {"n": 2500})          # several frames from Node
    assert run["outcome"] == "ok" and len(run["emitted"]) == 2500
    _, page = await api.get(f"/v1/sources/{source['id']}/event_summaries?limit=100")
    assert [e["event"]["i"] for e in page["data"]] == list(range(2499, 2399, -1))


async def test_other_requests_are_answered_while_a_run_stores_its_emits(api: ApiClient) -> None:
    source = await create_source(api, MANY)
    running = asyncio.ensure_future(run_source(api, source["id"], {"n": 20000}))
    while True:
        _, page = await api.get(f"/v1/sources/{source['id']}/event_summaries?limit=1")
        if page["data"] or running.done():
            break
        await asyncio.sleep(0.01)
    assert page["data"], "the run ended before any request saw its events"
    assert page["data"][0]["event"]["i"] < 19999, "events appeared only once the whole run was stored"
    assert len((await running)["emitted"]) == 20000
