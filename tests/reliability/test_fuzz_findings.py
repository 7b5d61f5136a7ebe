"""What the fuzzing found, one behaviour each: every one of these answered 500 (or did worse) before."""
from __future__ import annotations

from pathlib import Path

from emulator.server.runner import Emulator
from tests.conftest import START_MS, ApiClient, create_source, run_source


async def test_an_integer_limit_written_as_a_float_is_honoured(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 3})
    status, body = await api.get(f"/v1/sources/{source['id']}/events", json={"limit": 2.0})
    assert status == 200 and len(body["data"]) == 2
    status, body = await api.get(f"/_emulator/sources/{source['id']}/logs", json={"limit": 1.0})
    assert status == 200 and len(body["data"]) == 1
    status, body = await api.get("/_emulator/runs", json={"limit": 1.0})
    assert status == 200 and len(body["data"]) == 1


async def test_advance_until_a_time_written_as_a_float(api: ApiClient) -> None:
    status, body = await api.post("/_emulator/clock/advance", json={"until_ms": float(START_MS + 60_000)})
    assert (status, body["now_ms"]) == (200, START_MS + 60_000)


async def test_advance_racing_a_fast_real_clock_answers_400_never_500(api: ApiClient, emu: Emulator) -> None:
    await api.ok("PUT", "/_emulator/clock", json={"mode": "real", "speed": 1_000_000})
    statuses = set()
    for offset in range(0, 4_000_000, 20_000):
        now = (await api.ok("GET", "/_emulator/clock"))["now_ms"]
        statuses.add((await api.post("/_emulator/clock/advance", json={"until_ms": now + offset}))[0])
    assert statuses <= {200, 400}
    assert emu.internal_errors == []


async def test_a_clock_past_javascripts_last_date_is_refused(api: ApiClient) -> None:
    status, body = await api.put("/_emulator/clock", json={"now_ms": 8_640_000_000_000_001})
    assert (status, body["param"]) == (400, "now_ms")
    status, body = await api.post("/_emulator/clock/advance", json={"until_ms": 10**20})
    assert (status, body["param"]) == (400, "until_ms")


async def test_an_empty_component_code_is_refused_as_code_without_a_component(api: ApiClient) -> None:
    status, body = await api.post("/v1/components", json={"component_code": ""})
    assert (status, body["code"]) == (422, "invalid_component")
    status, body = await api.post("/v1/components", json={"component_url": ""})
    assert (status, body["code"]) == (422, "invalid_component")


async def test_a_component_url_naming_a_file_that_is_not_text_is_refused(api: ApiClient, tmp_path: Path) -> None:
    binary = tmp_path / "blob.mjs"
    binary.write_bytes(b"\xff\xfe\x00binary")
    status, body = await api.post("/v1/components", json={"component_url": binary.as_uri()})
    assert (status, body["param"]) == (422, "component_url")
    assert "not UTF-8 text" in body["error"]


async def test_a_body_of_only_whitespace_is_invalid_json_not_an_empty_body(api: ApiClient) -> None:
    status, body = await api.post("/_emulator/reset", data=b"\n", headers={"Content-Type": "application/json"})
    assert (status, body["code"]) == (400, "invalid_json")


async def test_a_state_with_a_badly_typed_record_is_refused_and_changes_nothing(api: ApiClient) -> None:
    source = await create_source(api)
    state = await api.ok("GET", "/_emulator/state")
    state["subscriptions"] = [{"id": "sub_1", "user_id": state["users"][0]["id"], "emitter_id": source["id"],
                               "listener_id": [["not", "an", "id"]], "event_name": "", "created_at": 1}]
    status, body = await api.put("/_emulator/state", json=state)
    assert (status, body["param"]) == (400, "subscriptions.0.listener_id")
    assert (await api.ok("GET", f"/v1/sources/{source['id']}"))["data"]["id"] == source["id"]


async def test_the_webhook_failures_operation_is_documented(api: ApiClient) -> None:
    document = await api.ok("GET", "/openapi.json")
    assert document["paths"]["/_emulator/webhooks/failures"]["get"]["operationId"] == "listWebhookFailures"
    assert (await api.get("/_emulator/webhooks/failures"))[0] == 200

