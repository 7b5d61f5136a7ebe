"""Deployed triggers run as sources: hooks, native HTTP and timer triggers, events, and the registry's rules."""
from __future__ import annotations

import requests

from tests.connect.conftest import advance, control

USER = "user-1"


def events(api, trigger_id: str, **params) -> list[dict]:
    return api.ok("GET", f"/deployed-triggers/{trigger_id}/events", params={"external_user_id": USER, **params})["data"]


def test_the_registry_pages_by_key_and_filters(api) -> None:
    first = api.ok("GET", "/triggers", params={"limit": 2})
    assert [c["key"] for c in first["data"]] == ["acme-failing-options", "acme-hooks"]
    rest = api.ok("GET", "/triggers", params={"limit": 100, "after": first["page_info"]["end_cursor"]})
    assert [c["key"] for c in rest["data"]] == ["acme-new-item", "http-new-requests", "schedule-custom-interval"]
    last = api.ok("GET", "/triggers", params={"after": rest["page_info"]["end_cursor"]})
    assert last["data"] == [] and last["page_info"]["end_cursor"] is None
    assert [c["key"] for c in api.ok("GET", "/triggers", params={"app": "acme"})["data"]] == ["acme-new-item"]
    assert [c["key"] for c in api.ok("GET", "/triggers", params={"q": "INTERVAL"})["data"]] == [
        "schedule-custom-interval"]
    assert api.call("GET", "/triggers", params={"registry": "mine"})[0] == 400


def test_a_version_other_than_the_emulators_is_not_found(api) -> None:
    status, answer = api.call("GET", "/triggers/acme-new-item", params={"version": "9.9.9"})
    assert status == 404 and "0.1.2" in answer["error"]
    assert api.call("GET", "/triggers/nope")[0] == 404


def test_configure_answers_errors_and_console_output_of_a_throwing_options(api) -> None:
    answer = api.ok("POST", "/triggers/configure", json={"id": "acme-failing-options", "external_user_id": USER,
                                                         "prop_name": "repo"})
    assert answer["options"] is None and answer["stringOptions"] is None
    assert answer["errors"] == ["the Acme API said 401"]
    assert [o["k"] for o in answer["observations"]] == ["console.log", "error"]
    assert answer["observations"][1]["err"]["message"] == "the Acme API said 401"


def test_configure_string_options_static_options_and_props_without_options(api) -> None:
    strings = api.ok("POST", "/triggers/configure", json={"id": "acme-new-item", "external_user_id": USER,
                                                          "prop_name": "labels"})
    assert (strings["options"], strings["stringOptions"]) == (None, ["bug", "feature"])
    static = api.ok("POST", "/triggers/configure", json={"id": "acme-new-item", "external_user_id": USER,
                                                         "prop_name": "color"})
    assert static["stringOptions"] == ["red", "blue"]
    none = api.ok("POST", "/triggers/configure", json={"id": "acme-hooks", "external_user_id": USER,
                                                       "prop_name": "failDeploy"})
    assert none["errors"] == ["prop failDeploy has no options"]
    status, unknown = api.call("POST", "/triggers/configure", json={"id": "acme-hooks", "external_user_id": USER,
                                                            "prop_name": "nope"})
    assert (status, unknown["param"]) == (400, "prop_name")


def test_a_prop_definitions_extra_function_feeds_the_apps_options(api) -> None:
    answer = api.ok("POST", "/triggers/configure", json={"id": "acme-new-item", "external_user_id": USER,
                                                         "prop_name": "channel", "configured_props": {"projectId": 7}})
    assert answer["stringOptions"] == ["7-general", "7-random"] and answer["errors"] == []


def test_reload_props_reports_a_throw_without_dynamic_props(api) -> None:
    answer = api.ok("POST", "/triggers/props", json={"id": "acme-failing-options", "external_user_id": USER})
    assert answer["dynamicProps"] is None and answer["errors"] == ["additionalProps broke"]


def test_dynamic_props_of_another_user_are_refused_at_deploy(api) -> None:
    account = api.account("someone")
    dynamic = api.ok("POST", "/triggers/props", json={"id": "acme-new-item", "external_user_id": "someone",
                                                      "configured_props": {"acme": {"authProvisionId": account}}})
    status, answer = api.call("POST", "/triggers/deploy", json={"id": "acme-new-item", "external_user_id": USER,
                                                        "dynamic_props_id": dynamic["dynamicProps"]["id"]})
    assert (status, answer["param"]) == (400, "dynamic_props_id")


def test_a_throwing_deploy_hook_answers_400_and_leaves_nothing(api, emu) -> None:
    status, answer = api.call("POST", "/triggers/deploy", json={"id": "acme-hooks", "external_user_id": USER,
                                                        "configured_props": {"failDeploy": True},
                                                        "webhook_url": "http://127.0.0.1:9/h"})
    assert (status, answer["error"]) == (400, "deploy refused by the component")
    assert api.ok("GET", "/deployed-triggers", params={"external_user_id": USER})["data"] == []
    assert emu.services.store.connect.webhooks == {} and emu.services.store.sources == {}


def test_a_throwing_additional_props_at_deploy_answers_400_naming_it_and_leaves_nothing(api, emu) -> None:
    status, body = api.call("POST", "/triggers/deploy", json={"id": "acme-failing-options", "external_user_id": USER})
    assert (status, body["code"], body["param"]) == (400, "additional_props_failed", "id")
    assert body["error"].startswith("additionalProps() of acme-failing-options failed at deploy: additionalProps broke")
    assert body["location"].endswith("acme-failing-options.mjs:10:35") and body["location"] in body["error"]
    assert api.ok("GET", "/deployed-triggers", params={"external_user_id": USER})["data"] == []
    assert emu.services.store.sources == {}


def test_delete_keeps_a_trigger_whose_deactivate_throws_unless_told_to_ignore(api) -> None:
    deployed = api.deploy(USER, "acme-hooks", {"failDeactivate": True})
    path = f"/deployed-triggers/{deployed['id']}"
    status, refused = api.call("DELETE", path, params={"external_user_id": USER})
    assert (status, refused["error"]) == (400, "deactivate refused by the component")
    assert api.ok("GET", path, params={"external_user_id": USER})["data"]["id"] == deployed["id"]
    status, gone = api.call("DELETE", path, params={"external_user_id": USER, "ignore_hook_errors": "true"})
    assert (status, gone) == (204, None)
    assert api.call("DELETE", path, params={"external_user_id": USER})[0] == 404


def test_events_take_n_up_to_100_and_refuse_a_bad_one(api, emu) -> None:
    deployed = api.deploy(USER, "acme-hooks")
    for _ in range(3):
        control(emu).ok("POST", f"/_emulator/sources/{deployed['id']}/run", json={"event": {}})
    assert len(events(api, deployed["id"], n=2)) == 2
    assert len(events(api, deployed["id"], n=500)) == 4
    assert api.call("GET", f"/deployed-triggers/{deployed['id']}/events",
                    params={"external_user_id": USER, "n": 0})[0] == 400


def test_native_http_trigger_answers_at_once_and_emits_the_request(api, emu) -> None:
    deployed = api.deploy(USER, "http-new-requests")
    assert deployed["type"] == "HttpInterface" and deployed["id"].startswith("hi_")
    answer = requests.post(deployed["endpoint_url"], json={"hello": "world"}, timeout=30)
    assert answer.status_code == 200 and "Success" in answer.text
    emu.control(emu.services.runtime.idle())
    [event] = events(api, deployed["id"])
    assert event["e"]["body"] == {"hello": "world"} and event["e"]["method"] == "POST"
    listed = api.ok("GET", "/deployed-triggers", params={"external_user_id": USER, "emitter_type": "http"})
    assert [t["id"] for t in listed["data"]] == [deployed["id"]]
    assert api.ok("GET", "/deployed-triggers", params={"external_user_id": USER})["data"] == []   # source: dc_ only


def test_native_timer_trigger_fires_on_the_emulators_clock_and_can_be_rescheduled(api, emu) -> None:
    deployed = api.deploy(USER, "schedule-custom-interval", {"cron": {"intervalSeconds": 120}})
    assert (deployed["type"], deployed["interval_seconds"], deployed["timezone"]) == ("TimerInterface", 120, "UTC")
    advance(emu, 240)
    fired = events(api, deployed["id"])
    assert [set(e["e"]) for e in fired] == [{"timestamp", "interval_seconds"}] * 2
    updated = api.ok("PUT", f"/deployed-triggers/{deployed['id']}", params={"external_user_id": USER},
                     json={"configured_props": {"cron": {"cron": "0 * * * *", "timezone": "Europe/Paris"}}})["data"]
    assert (updated["cron"], updated["interval_seconds"], updated["timezone"]) == ("0 * * * *", None, "Europe/Paris")
    status, missing = api.call("POST", "/triggers/deploy",
                               json={"id": "schedule-custom-interval", "external_user_id": USER})
    assert (status, missing["param"]) == (400, "configured_props.cron")


def test_control_api_reaches_triggers_with_the_emulator_key(api, emu) -> None:
    deployed = api.deploy(USER, "acme-hooks")
    as_emulator = control(emu)
    run = as_emulator.ok("POST", f"/_emulator/sources/{deployed['id']}/run", json={"event": {"x": 1}})["data"]
    assert run["outcome"] == "ok"
    runs = as_emulator.ok("GET", "/_emulator/runs", params={"source_id": deployed["id"]})["data"]
    assert run["id"] in {r["id"] for r in runs}
    as_emulator.ok("POST", "/_emulator/events/replay", json={"source_id": deployed["id"], "event_id": run["emitted"][0]})
    rows = as_emulator.ok("GET", "/_emulator/connect/triggers", params={"external_user_id": USER})["data"]
    assert [(r["id"], r["environment"], r["component_key"]) for r in rows] == [
        (deployed["id"], "development", "acme-hooks")]
    v1 = as_emulator.ok("GET", "/v1/users/me/sources")["data"]
    assert v1 == []                                                   # not part of any user's /v1 lists


def test_events_of_a_trigger_with_pipelines_are_noted_as_not_delivered_to_workflows(api, emu) -> None:
    deployed = api.deploy(USER, "acme-hooks", workflow_id="p_abc123")
    assert api.ok("GET", f"/deployed-triggers/{deployed['id']}/pipelines",
                  params={"external_user_id": USER}) == {"workflow_ids": ["p_abc123"]}
    control(emu).ok("POST", f"/_emulator/sources/{deployed['id']}/run", json={"event": {}})
    [run, *_] = control(emu).ok("GET", f"/_emulator/sources/{deployed['id']}/logs")["data"]
    assert "not delivered to workflow p_abc123 (no workflows in the emulator)" in run["logs"][-1]["message"]
    status, bad = api.call("PUT", f"/deployed-triggers/{deployed['id']}/pipelines", params={"external_user_id": USER},
                   json={"workflow_ids": ["wf-1"]})
    assert (status, bad["param"]) == (400, "workflow_ids")


DYNAMIC_INTERFACES = """
export default {
  key: "acme-dynamic-interfaces", name: "Dynamic Interfaces", version: "0.0.1", type: "source",
  props: { db: "$.service.db" },
  async additionalProps() {
    return { http: "$.interface.http", timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } };
  },
  async run(event) { this.$emit({ endpoint: this.http.endpoint, method: event.method ?? null }, { summary: "run" }); },
};
"""


def test_an_http_or_timer_prop_added_by_additional_props_gives_the_trigger_an_endpoint_and_a_schedule(api, emu) -> None:
    control(emu).ok("POST", "/v1/components", json={"component_code": DYNAMIC_INTERFACES})
    deployed = api.deploy(USER, "acme-dynamic-interfaces")
    endpoint = deployed["configured_props"]["http"]["endpoint_url"]
    assert deployed["configured_props"]["timer"] == {"cron": None, "interval_seconds": 60}
    assert [p["name"] for p in deployed["configurable_props"]] == ["db", "http", "timer"]
    assert [run["source_id"] for run in advance(emu, 61)["runs"]] == [deployed["id"]]
    assert requests.post(endpoint, json={}, timeout=30).status_code == 200
    emu.control(emu.services.runtime.idle())
    assert [e["e"] for e in events(api, deployed["id"])] == [{"endpoint": endpoint, "method": "POST"},
                                                              {"endpoint": endpoint, "method": None}]
