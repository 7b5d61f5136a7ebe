"""`/v1/sources`: deploy, read, update, pause, delete."""
from __future__ import annotations

from tests.conftest import EMITTER, ApiClient, create_source, run_source

TIMER_SOURCE = """
export default {
  key: "timer-source", name: "Timer Source", version: "0.1.0", type: "source",
  props: {
    db: "$.service.db",
    timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
    label: { type: "string", label: "Label", options: ["a", "b"] },
    size: { type: "integer", min: 1, max: 10, optional: true },
  },
  async run() { this.$emit({ label: this.label }, { summary: this.label }); },
};
"""


async def test_create_source_answers_cloud_shape(api: ApiClient) -> None:
    source = await create_source(api, TIMER_SOURCE, name="My Timer", configured_props={"label": "a"})
    assert source["id"].startswith("dc_")
    assert source["component_id"].startswith("sc_")
    assert source["name"] == "My Timer" and source["name_slug"] == "my-timer"
    assert source["active"] is True
    assert source["user_id"] == source["owner_id"]
    assert source["configured_props"] == {"db": {"type": "$.service.db"},
                                          "timer": {"cron": None, "interval_seconds": 60}, "label": "a"}


async def test_name_defaults_to_component_and_slugs_are_unique(api: ApiClient) -> None:
    first = await create_source(api)
    second = await create_source(api)
    assert first["name"] == "test-emitter"
    assert (first["name_slug"], second["name_slug"]) == ("test-emitter", "test-emitter-2")


async def test_timer_input_forms_are_normalised(api: ApiClient) -> None:
    source = await create_source(api, TIMER_SOURCE, configured_props={
        "label": "b", "timer": {"intervalSeconds": 300}})
    assert source["configured_props"]["timer"] == {"cron": None, "interval_seconds": 300}
    source = await create_source(api, TIMER_SOURCE, configured_props={"label": "b", "timer": {"cron": "*/5 * * * *"}})
    assert source["configured_props"]["timer"] == {"cron": "*/5 * * * *", "interval_seconds": None}


async def test_bad_configured_props_are_422_naming_each(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json={
        "component_code": TIMER_SOURCE, "configured_props": {"label": "zzz", "size": 50}})
    assert status == 422
    params = sorted(d["param"] for d in body["details"])
    assert params == ["configured_props.label", "configured_props.size"]
    _, listing = await api.get("/v1/users/me/sources")
    assert listing["data"] == []


async def test_missing_required_prop_is_422(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json={"component_code": TIMER_SOURCE})
    assert status == 422
    assert body["details"][0]["param"] == "configured_props.label"
    assert "required" in body["error"]


async def test_create_by_component_id_and_by_key(api: ApiClient) -> None:
    _, component = await api.post("/v1/components", json={"component_code": EMITTER})
    by_id = await api.ok("POST", "/v1/sources", json={"component_id": component["data"]["id"]})
    by_key = await api.ok("POST", "/v1/sources", json={"key": "test-emitter", "name": "k"})
    assert by_id["data"]["component_id"] == by_key["data"]["component_id"] == component["data"]["id"]


async def test_component_id_that_does_not_exist_is_404(api: ApiClient) -> None:
    status, _ = await api.post("/v1/sources", json={"component_id": "sc_missing"})
    assert status == 404


async def test_params_may_come_in_the_query_string(api: ApiClient) -> None:
    _, component = await api.post("/v1/components", json={"component_code": EMITTER})
    status, body = await api.post(f"/v1/sources?component_id={component['data']['id']}&name=from-query")
    assert status == 200
    assert body["data"]["name"] == "from-query"


async def test_update_keeps_unsent_fields_and_pauses(api: ApiClient) -> None:
    source = await create_source(api, TIMER_SOURCE, name="keep", configured_props={"label": "a"})
    _, body = await api.put(f"/v1/sources/{source['id']}", json={"active": False})
    assert body["data"]["active"] is False
    assert body["data"]["name"] == "keep"
    assert body["data"]["configured_props"]["label"] == "a"
    _, body = await api.put(f"/v1/sources/{source['id']}", json={"configured_props": {"label": "b"}, "active": True})
    assert body["data"]["configured_props"]["label"] == "b"
    assert body["data"]["active"] is True


async def test_update_keeps_id_db_and_events(api: ApiClient) -> None:
    source = await create_source(api, TIMER_SOURCE, configured_props={"label": "a"})
    await api.ok("PUT", f"/_emulator/sources/{source['id']}/db", json={"db": {"seen": 3}})
    await run_source(api, source["id"])
    _, body = await api.put(f"/v1/sources/{source['id']}", json={"component_code": TIMER_SOURCE.replace("0.1.0", "0.2.0")})
    assert body["data"]["id"] == source["id"]
    assert body["data"]["component_id"] != source["component_id"]
    _, db = await api.get(f"/_emulator/sources/{source['id']}/db")
    assert db["data"] == {"seen": 3}
    _, events = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert len(events["data"]) == 1


async def test_delete_is_204_then_404(api: ApiClient) -> None:
    source = await create_source(api)
    status, body = await api.delete(f"/v1/sources/{source['id']}")
    assert (status, body) == (204, None)
    assert (await api.delete(f"/v1/sources/{source['id']}"))[0] == 404
    assert (await api.get(f"/v1/sources/{source['id']}"))[0] == 404


async def test_get_source(api: ApiClient) -> None:
    source = await create_source(api)
    _, body = await api.get(f"/v1/sources/{source['id']}")
    assert body["data"] == source


LABELLED = """
export default {
  key: "labelled", name: "Labelled", version: "0.0.1", type: "source",
  props: {
    channel: { type: "string", label: "Channel", withLabel: true },
    users: { type: "string[]", label: "Users", withLabel: true, optional: true },
    count: { type: "integer", label: "Count", withLabel: true, optional: true, max: 5 },
  },
  async run() { this.$emit({ channel: this.channel, users: this.users ?? null }, { summary: "props" }); },
};
"""


async def test_with_label_props_take_label_and_value_and_the_run_sees_them(api: ApiClient) -> None:
    channel = {"label": "#general", "value": "C123"}
    users = {"__lv": [{"label": "Ann", "value": "U1"}, {"label": "Bob", "value": "U2"}]}
    source = await create_source(api, LABELLED, configured_props={"channel": channel, "users": users})
    assert source["configured_props"]["channel"] == channel
    run = await run_source(api, source["id"])
    assert run["events"][0]["event"] == {"channel": channel, "users": users["__lv"]}


async def test_with_label_props_still_check_the_value_inside(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json={"component_code": LABELLED, "configured_props": {
        "channel": {"__lv": {"label": "#general", "value": "C123"}}, "count": {"label": "ten", "value": 10}}})
    assert status == 422 and body["param"] == "configured_props.count" and "at most 5" in body["error"]
