"""The four modes, per emulator and per source: live, offline, record, replay; HAR cassettes
with matching, ordering and redaction."""
from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ApiClient
from tests.outbound.conftest import API_KEY_SECRET, TOKEN_SECRET, Upstream, body_json, call, create_caller, emitted


async def test_offline_blocks_inside_the_component_naming_request_and_remedy(
        api: ApiClient, upstream: Upstream) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    source = await create_caller(api)
    run = await call(api, source["id"], {"client": "fetch", "url": f"{upstream.url}/a"},
                     {"client": "http", "method": "PUT", "url": f"{upstream.url}/b"})
    fetch_error, http_error = (r["error"] for r in emitted(run)["results"])
    assert fetch_error["message"].startswith(f"fetch failed: GET {upstream.url}/a was blocked")
    assert "POST /_emulator/http/stubs" in fetch_error["message"] and "cassette" in fetch_error["message"]
    assert http_error["code"] == "ECONNREFUSED" and f"PUT {upstream.url}/b was blocked" in http_error["message"]
    assert upstream.received == []
    assert [r["answered_by"] for r in run["requests"]] == ["blocked", "blocked"]
    status = await api.ok("GET", "/_emulator/http")
    assert status["data"]["mode"] == "offline" and status["data"]["counts"]["blocked"] == 2


async def test_an_uncaught_blocked_request_fails_the_run_with_the_message(api: ApiClient, upstream: Upstream) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    body = await api.ok("POST", "/v1/sources", json={"component_code": """
export default { key: "k", name: "n", version: "0.0.1", type: "source", props: {},
  async run() { await fetch("%s/items"); } };""" % upstream.url})
    run = (await api.ok("POST", f"/_emulator/sources/{body['data']['id']}/run", json={}))["data"]
    assert run["outcome"] == "error"
    assert f"GET {upstream.url}/items was blocked" in run["error"]["message"]


async def test_a_blocked_url_carrying_a_secret_is_redacted_in_the_run_and_its_logs(
        api: ApiClient, upstream: Upstream) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    account = await api.ok("POST", "/_emulator/accounts", json={"app": "service", "auth": {"api_key": API_KEY_SECRET}})
    body = await api.ok("POST", "/v1/sources", json={"configured_props": {"service": {"authProvisionId": account["id"]}},
                                                     "component_code": """
export default { key: "k", name: "n", version: "0.0.1", type: "source",
  props: { service: { type: "app", app: "service" } },
  async run() {
    const url = "%s/me?key=" + this.service.$auth.api_key;
    try { await fetch(url); } catch (error) { console.log(error.cause?.message ?? error.message); }
    await fetch(url);
  } };""" % upstream.url})
    source_id = body["data"]["id"]
    run = (await api.ok("POST", f"/_emulator/sources/{source_id}/run", json={}))["data"]
    assert f"GET {upstream.url}/me?key=[REDACTED] was blocked" in run["error"]["message"]
    assert "was blocked" in run["logs"][0]["message"]
    _, logs = await api.get(f"/_emulator/sources/{source_id}/logs")
    _, requests = await api.get("/_emulator/http/requests")
    text = json.dumps([run, logs, requests])
    assert API_KEY_SECRET not in text, text[max(0, text.find(API_KEY_SECRET) - 300):text.find(API_KEY_SECRET) + 50]


async def test_record_then_replay_with_the_server_stopped(api: ApiClient, upstream: Upstream, tmp_path: Path) -> None:
    cassette = tmp_path / "api.har"
    await api.ok("PUT", "/_emulator/http", json={"mode": "record", "cassette": str(cassette)})
    source = await create_caller(api)
    calls = [{"client": "fetch", "url": f"{upstream.url}/items?page=1&per=2"},
             {"client": "http", "method": "POST", "url": f"{upstream.url}/search",
              "headers": {"content-type": "application/json"}, "body": '{"q": "x", "limit": 5}'}]
    recorded = emitted(await call(api, source["id"], *calls))["results"]
    har = json.loads(cassette.read_text())
    assert har["log"]["version"] == "1.2" and len(har["log"]["entries"]) == 2
    await upstream.stop()

    await api.ok("PUT", "/_emulator/http", json={"mode": "replay", "cassette": str(cassette)})
    reordered = [{**calls[0], "url": f"{upstream.url}/items?per=2&page=1"},                 # query order ignored
                 {**calls[1], "body": '{"limit": 5,  "q": "x"}'}]                          # JSON compared as data
    run = await call(api, source["id"], *reordered)
    assert [body_json(r) for r in emitted(run)["results"]] == [body_json(r) for r in recorded]
    assert [r["answered_by"] for r in run["requests"]] == ["cassette", "cassette"]

    missing = await call(api, source["id"], {"client": "fetch", "url": f"{upstream.url}/items?page=2&per=2"})
    error = emitted(missing)["results"][0]["error"]
    assert f"GET {upstream.url}/items?page=2&per=2 was blocked" in error["message"]
    assert str(cassette) in error["message"]


async def test_identical_requests_replay_in_recording_order_then_the_last_repeats(
        api: ApiClient, upstream: Upstream, tmp_path: Path) -> None:
    cassette = tmp_path / "order.har"
    await api.ok("PUT", "/_emulator/http", json={"mode": "record", "cassette": str(cassette)})
    source = await create_caller(api)
    same = {"client": "fetch", "url": f"{upstream.url}/poll"}
    await call(api, source["id"], same, same)
    await api.ok("PUT", "/_emulator/http", json={"mode": "replay", "cassette": str(cassette)})
    run = await call(api, source["id"], same, same, same)
    assert [body_json(r)["n"] for r in emitted(run)["results"]] == [1, 2, 2]


async def test_secrets_reach_the_server_but_never_the_cassette_or_the_run_record(
        api: ApiClient, upstream: Upstream, tmp_path: Path) -> None:
    cassette = tmp_path / "secret.har"
    await api.ok("PUT", "/_emulator/http", json={"mode": "record", "cassette": str(cassette)})
    source = await create_caller(api)
    run = await call(api, source["id"], {
        "client": "fetch", "method": "POST", "url": f"{upstream.url}/hooks?token={TOKEN_SECRET}",
        "headers": {"Authorization": f"Bearer {API_KEY_SECRET}", "X-Api-Key": "plain-key-value",
                    "content-type": "application/json"},
        "body": json.dumps({"secret": API_KEY_SECRET, "name": "hook"})})
    seen = upstream.received[0]
    assert seen["headers"]["Authorization"] == f"Bearer {API_KEY_SECRET}"
    assert seen["query"] == f"token={TOKEN_SECRET}" and API_KEY_SECRET in seen["body"]
    assert API_KEY_SECRET in emitted(run)["results"][0]["body"]          # the component got the real answer

    text = cassette.read_text()
    record_text = json.dumps(run["requests"])
    for secret in (API_KEY_SECRET, TOKEN_SECRET, "plain-key-value", "abc123"):
        assert secret not in text and secret not in record_text
    entry = json.loads(text)["log"]["entries"][0]
    assert entry["request"]["url"].endswith("/hooks?token=[REDACTED]")
    assert {"name": "authorization", "value": "[REDACTED]"} in entry["request"]["headers"]
    assert json.loads(entry["request"]["postData"]["text"]) == {"secret": "[REDACTED]", "name": "hook"}

    # Replay matches the live request as it was recorded: redacted the same way.
    await api.ok("PUT", "/_emulator/http", json={"mode": "replay", "cassette": str(cassette)})
    replayed = await call(api, source["id"], {
        "client": "fetch", "method": "POST", "url": f"{upstream.url}/hooks?token={TOKEN_SECRET}",
        "headers": {"content-type": "application/json"}, "body": json.dumps({"secret": API_KEY_SECRET, "name": "hook"})})
    assert replayed["requests"][0]["answered_by"] == "cassette"


async def test_a_source_overrides_the_emulator_mode_until_deleted(api: ApiClient, upstream: Upstream) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    live_one, other = await create_caller(api), await create_caller(api)
    answer = await api.ok("PUT", f"/_emulator/sources/{live_one['id']}/http", json={"mode": "live"})
    assert answer["data"] == {"mode": "live", "cassette": None, "source_id": live_one["id"], "inherited": False}
    spec = {"client": "fetch", "url": f"{upstream.url}/x"}
    assert (await call(api, live_one["id"], spec))["requests"][0]["answered_by"] == "network"
    assert (await call(api, other["id"], spec))["requests"][0]["answered_by"] == "blocked"
    await api.ok("DELETE", f"/_emulator/sources/{live_one['id']}/http")
    assert (await call(api, live_one["id"], spec))["requests"][0]["answered_by"] == "blocked"
    assert (await api.ok("GET", f"/_emulator/sources/{live_one['id']}/http"))["data"]["inherited"] is True


async def test_replay_of_a_missing_cassette_is_a_400_naming_it(api: ApiClient, tmp_path: Path) -> None:
    status, body = await api.put("/_emulator/http", json={"mode": "replay", "cassette": str(tmp_path / "no.har")})
    assert status == 400 and body["param"] == "cassette" and "no.har does not exist" in body["error"]
    status, body = await api.put("/_emulator/http", json={"mode": "record"})
    assert status == 400 and body["param"] == "cassette"
    status, body = await api.put("/_emulator/http", json={"mode": "sometimes"})
    assert status == 400 and body["param"] == "mode"
    assert (await api.ok("GET", "/_emulator/http"))["data"]["mode"] == "live"


async def test_a_file_that_is_not_har_is_refused(api: ApiClient, tmp_path: Path) -> None:
    (tmp_path / "bad.har").write_text('{"not": "har"}')
    status, body = await api.put("/_emulator/http", json={"mode": "replay", "cassette": str(tmp_path / "bad.har")})
    assert status == 400 and "is not a HAR 1.2 file" in body["error"]


async def test_parallel_requests_are_all_recorded(api: ApiClient, upstream: Upstream, tmp_path: Path) -> None:
    cassette = tmp_path / "parallel.har"
    await api.ok("PUT", "/_emulator/http", json={"mode": "record", "cassette": str(cassette)})
    body = await api.ok("POST", "/v1/sources", json={"component_code": """
export default { key: "k", name: "n", version: "0.0.1", type: "source", props: {},
  async run() {
    const texts = await Promise.all([1, 2, 3, 4].map((n) => fetch("%s/p" + n).then((r) => r.text())));
    this.$emit({ n: texts.length });
  } };""" % upstream.url})
    run = (await api.ok("POST", f"/_emulator/sources/{body['data']['id']}/run", json={}))["data"]
    assert [r["answered_by"] for r in run["requests"]] == ["network"] * 4
    urls = sorted(e["request"]["url"] for e in json.loads(cassette.read_text())["log"]["entries"])
    assert urls == [f"{upstream.url}/p{n}" for n in (1, 2, 3, 4)]
