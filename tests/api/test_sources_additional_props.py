"""`/v1/sources` with a component whose additionalProps() adds props: run at deploy and update, in real Node."""
from __future__ import annotations

from typing import Any

import aiohttp

from tests.conftest import ApiClient, create_source

# Like Linear's sources: an `http` prop (webhook) or a `timer` prop (polling), chosen from the account.
DYNAMIC = """
export default {
  key: "dynamic-source", name: "Dynamic Source", version: "0.1.0", type: "source",
  props: {
    acme: { type: "app", app: "acme" },
    db: "$.service.db",
  },
  async additionalProps() {
    if (this.acme.$auth.plan !== "admin") {
      return { timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } };
    }
    return {
      http: { type: "$.interface.http", customResponse: true },
      greeting: { type: "string", label: "Greeting", default: "hello" },
    };
  },
  async run(event) {
    if (this.http) {
      this.http.respond({ status: 202, body: { endpoint: this.http.endpoint, greeting: this.greeting } });
      this.$emit({ via: "http", client_ip: event.client_ip }, { summary: "webhook" });
    } else {
      this.$emit({ via: "timer", interval: this.timer.intervalSeconds ?? this.timer.interval_seconds },
                 { summary: "poll" });
    }
  },
};
"""
THROWING = """
export default {
  key: "throwing-props", name: "Throwing Props", version: "0.1.0", type: "source",
  props: { acme: { type: "app", app: "acme" } },
  async additionalProps() {
    console.log("asking acme who I am");
    throw new Error("acme said 401");
  },
  async run() {},
};
"""


async def account(api: ApiClient, plan: str) -> dict[str, str]:
    created = await api.ok("POST", "/_emulator/accounts", json={"app": "acme", "auth": {"plan": plan}})
    return {"authProvisionId": created["id"]}


async def test_dynamic_http_prop_gets_an_endpoint_that_runs_with_it(api: ApiClient, emu: Any) -> None:
    source = await create_source(api, DYNAMIC, configured_props={"acme": await account(api, "admin")})
    got = (await api.ok("GET", f"/v1/sources/{source['id']}"))["data"]
    endpoint = got["configured_props"]["http"]["endpoint_url"]
    assert endpoint.startswith(api.base + "/http/en")
    assert got["configured_props"]["greeting"] == "hello"
    assert [p["name"] for p in got["configurable_props"]] == ["acme", "db", "http", "greeting"]
    assert got["configurable_props"][2] == {"name": "http", "type": "$.interface.http", "customResponse": True}
    async with aiohttp.ClientSession() as session, session.post(endpoint, json={"x": 1}) as response:
        assert response.status == 202            # customResponse of the added prop: respond() is there
        assert await response.json() == {"endpoint": endpoint, "greeting": "hello"}
    await emu.services.runtime.idle()
    _, events = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert events["data"][0]["event"] == {"via": "http", "client_ip": "127.0.0.1"}


async def test_dynamic_timer_prop_drives_the_source(api: ApiClient) -> None:
    source = await create_source(api, DYNAMIC, configured_props={"acme": await account(api, "free")})
    assert source["configured_props"]["timer"] == {"cron": None, "interval_seconds": 60}
    assert "http" not in source["configured_props"]
    answer = await api.ok("POST", "/_emulator/clock/advance", json={"seconds": 130})
    assert [run["source_id"] for run in answer["runs"]] == [source["id"], source["id"]]
    _, events = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert [e["event"] for e in events["data"]] == [{"via": "timer", "interval": 60}] * 2


async def test_update_runs_additional_props_again_for_the_new_props(api: ApiClient) -> None:
    source = await create_source(api, DYNAMIC, configured_props={"acme": await account(api, "free")})
    admin = await account(api, "admin")
    updated = (await api.ok("PUT", f"/v1/sources/{source['id']}", json={"configured_props": {"acme": admin}}))["data"]
    assert "http" in updated["configured_props"]
    assert [p["name"] for p in updated["configurable_props"]] == ["acme", "db", "http", "greeting"]


async def test_a_throwing_additional_props_is_400_naming_component_and_error_and_leaves_nothing(
        api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json={"component_code": THROWING,
                                                       "configured_props": {"acme": await account(api, "admin")}})
    assert status == 400, body
    assert body["code"] == "additional_props_failed" and body["param"] == "component_id"
    assert "additionalProps() of throwing-props failed at deploy: acme said 401" in body["error"]
    assert body["location"] and f"{body['location']}" in body["error"]          # file:line:column of the throw
    assert body["location"].split(":")[-2] == "7"                                  # the `throw` line
    assert body["component_id"].startswith("sc_")
    assert [log["message"] for log in body["logs"]] == ["asking acme who I am"]
    _, listing = await api.get("/v1/users/me/sources")
    assert listing["data"] == []


async def test_static_props_are_checked_before_additional_props_sees_an_account(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json={"component_code": THROWING,
                                                       "configured_props": {"acme": {"authProvisionId": "apn_nope"}}})
    assert status == 422 and body["param"] == "configured_props.acme"


async def test_a_failing_update_keeps_the_source_as_it_was(api: ApiClient) -> None:
    source = await create_source(api, DYNAMIC, configured_props={"acme": await account(api, "free")})
    status, body = await api.put(f"/v1/sources/{source['id']}", json={"component_code": THROWING})
    assert status == 400 and body["code"] == "additional_props_failed"
    assert "failed at update" in body["error"]
    got = (await api.ok("GET", f"/v1/sources/{source['id']}"))["data"]
    assert got["component_id"] == source["component_id"]
    assert got["configured_props"] == source["configured_props"]


async def test_x_forwarded_for_from_a_local_proxy_is_the_client_ip(api: ApiClient, emu: Any) -> None:
    source = await create_source(api, DYNAMIC, configured_props={"acme": await account(api, "admin")})
    endpoint = source["configured_props"]["http"]["endpoint_url"]
    async with aiohttp.ClientSession() as session:
        for forwarded in ("35.231.147.226", "10.0.0.1, 35.243.134.228", "not-an-address"):
            async with session.post(endpoint, json={}, headers={"X-Forwarded-For": forwarded}) as response:
                assert response.status == 202
    await emu.services.runtime.idle()
    _, events = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert [e["event"]["client_ip"] for e in reversed(events["data"])] == [
        "35.231.147.226", "35.243.134.228", "127.0.0.1"]


async def test_dynamic_props_survive_a_state_export_and_import(api: ApiClient) -> None:
    source = await create_source(api, DYNAMIC, configured_props={"acme": await account(api, "free")})
    state = await api.ok("GET", "/_emulator/state")
    saved = next(s for s in state["sources"] if s["id"] == source["id"])
    assert [p["name"] for p in saved["configurable_props"]] == ["acme", "db", "timer"]
    await api.ok("POST", "/_emulator/reset")
    await api.ok("PUT", "/_emulator/state", json=state)
    got = (await api.ok("GET", f"/v1/sources/{source['id']}"))["data"]
    assert got["configurable_props"] == saved["configurable_props"]
    answer = await api.ok("POST", "/_emulator/clock/advance", json={"seconds": 61})
    assert [run["source_id"] for run in answer["runs"]] == [source["id"]]    # the added timer resumed
