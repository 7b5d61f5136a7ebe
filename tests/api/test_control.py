"""The control API: clock, runs, db, users, accounts, reset, state, faults."""
from __future__ import annotations

from tests.conftest import START_MS, ApiClient, create_source, run_source

AUTH_SOURCE = """
import app from "./nothing-needed.mjs";
export default {
  key: "auth-source", name: "Auth", version: "0.0.1", type: "source",
  props: { acme: { type: "app", app: "acme" } },
  async run() { this.$emit({ token: this.acme.$auth.token }, { summary: "auth" }); },
};
""".replace('import app from "./nothing-needed.mjs";\n', "")


async def test_clock_reads_sets_and_refuses_going_back(api: ApiClient) -> None:
    _, clock = await api.get("/_emulator/clock")
    assert clock == {"mode": "virtual", "speed": 1.0, "now_ms": START_MS}
    _, clock = await api.put("/_emulator/clock", json={"now_ms": START_MS + 5000})
    assert clock["now_ms"] == START_MS + 5000
    status, body = await api.put("/_emulator/clock", json={"now_ms": START_MS})
    assert status == 400 and body["param"] == "now_ms"


async def test_advance_needs_exactly_one_target(api: ApiClient) -> None:
    status, body = await api.post("/_emulator/clock/advance", json={})
    assert status == 400
    status, body = await api.post("/_emulator/clock/advance", json={"seconds": 10})
    assert status == 200 and body["now_ms"] == START_MS + 10_000 and body["runs"] == []


async def test_run_answers_outcome_events_logs_and_db(api: ApiClient) -> None:
    source = await create_source(api)
    result = await run_source(api, source["id"], {"count": 2})
    assert result["outcome"] == "ok"
    assert [e["event"]["i"] for e in result["events"]] == [0, 1]
    assert result["emitted"] == [e["id"] for e in result["events"]]
    _, logs = await api.get(f"/_emulator/sources/{source['id']}/logs?limit=1")
    assert logs["data"][0]["id"] == result["id"]


async def test_db_can_be_seeded_and_read(api: ApiClient) -> None:
    source = await create_source(api)
    await api.put(f"/_emulator/sources/{source['id']}/db", json={"db": {"cursor": "abc"}})
    _, body = await api.get(f"/_emulator/sources/{source['id']}/db")
    assert body["data"] == {"cursor": "abc"}
    status, body = await api.put(f"/_emulator/sources/{source['id']}/db", json={"db": [1]})
    assert status == 400 and body["param"] == "db"


async def test_accounts_feed_auth_into_app_props(api: ApiClient) -> None:
    _, account = await api.post("/_emulator/accounts", json={"app": "acme", "auth": {"token": "s3cret"}})
    assert account["id"].startswith("apn_")
    assert "auth" not in account["data"]
    source = await create_source(api, AUTH_SOURCE, configured_props={"acme": {"authProvisionId": account["id"]}})
    result = await run_source(api, source["id"])
    assert result["events"][0]["event"] == {"token": "s3cret"}


async def test_app_prop_with_unknown_account_is_422(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json={"component_code": AUTH_SOURCE,
                                                       "configured_props": {"acme": {"authProvisionId": "apn_x"}}})
    assert status == 422 and "apn_x" in body["error"]


async def test_reset_empties_state_but_keeps_users(api: ApiClient) -> None:
    await create_source(api)
    _, other = await api.post("/_emulator/users", json={})
    await api.post("/_emulator/reset")
    _, listing = await api.get("/v1/users/me/sources")
    assert listing["data"] == []
    assert (await api.get("/v1/users/me", key=other["data"]["api_key"]))[0] == 200
    await api.post("/_emulator/reset", json={"all": True})
    assert (await api.get("/v1/users/me", key=other["data"]["api_key"]))[0] == 401
    assert (await api.get("/v1/users/me"))[0] == 200


async def test_state_round_trips_through_export_and_import(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 3})
    _, state = await api.get("/_emulator/state")
    await api.post("/_emulator/reset")
    _, imported = await api.put("/_emulator/state", json=state)
    assert imported["data"]["sources"] == 1 and imported["data"]["events"] == 3
    _, events = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert len(events["data"]) == 3


async def test_invalid_state_is_400_and_changes_nothing(api: ApiClient) -> None:
    source = await create_source(api)
    status, body = await api.put("/_emulator/state", json={"sources": [{"id": "dc_x"}]})
    assert (status, body["param"]) == (400, "sources.0.user_id")
    assert (await api.get(f"/v1/sources/{source['id']}"))[0] == 200


async def test_faults_fail_matching_requests_a_number_of_times(api: ApiClient) -> None:
    await api.post("/_emulator/faults", json={"path": "/v1/users/*", "status": 503, "count": 2})
    statuses = [(await api.get("/v1/users/me"))[0] for _ in range(3)]
    assert statuses == [503, 503, 200]
    await api.post("/_emulator/faults", json={"path": "/v1/*", "status": 500})
    await api.delete("/_emulator/faults")
    assert (await api.get("/v1/users/me"))[0] == 200


async def test_control_api_needs_the_key(api: ApiClient) -> None:
    assert (await api.get("/_emulator/state", key="bad"))[0] == 401
