"""The requests additionalProps() makes at a /v1 deploy are under the same control as a run's: modes, redaction."""
from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ApiClient
from tests.outbound.conftest import TOKEN_SECRET, Upstream

ASKS_THE_API = """
export default {
  key: "asks-the-api", name: "Asks The API", version: "0.0.1", type: "source",
  props: { acme: { type: "app", app: "acme" } },
  async additionalProps() {
    const answer = await fetch("%s/me?token=" + this.acme.$auth.token, { headers: { "x-acme-token": this.acme.$auth.token } });
    const me = await answer.json();
    return me.seen ? { http: "$.interface.http" } : {};
  },
  async run() {},
};
"""


async def _deploy(api: ApiClient, upstream: Upstream) -> tuple[int, dict]:
    account = await api.ok("POST", "/_emulator/accounts", json={"app": "acme", "auth": {"token": TOKEN_SECRET}})
    return await api.post("/v1/sources", json={"component_code": ASKS_THE_API % upstream.url,
                                               "configured_props": {"acme": {"authProvisionId": account["id"]}}})


async def test_recorded_additional_props_requests_hold_no_secret(api: ApiClient, upstream: Upstream,
                                                                 tmp_path: Path) -> None:
    cassette = tmp_path / "props.har"
    await api.ok("PUT", "/_emulator/http", json={"mode": "record", "cassette": str(cassette)})
    status, body = await _deploy(api, upstream)
    assert status == 200, body
    assert "http" in body["data"]["configured_props"]
    assert upstream.received[0]["headers"]["x-acme-token"] == TOKEN_SECRET      # the API got the real one
    text = cassette.read_text()
    assert TOKEN_SECRET not in text
    assert json.loads(text)["log"]["entries"][0]["request"]["url"].endswith("/me?token=[REDACTED]")


async def test_offline_a_blocked_request_is_a_400_naming_it_and_no_source(api: ApiClient, upstream: Upstream) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    status, body = await _deploy(api, upstream)
    assert status == 400 and body["code"] == "additional_props_failed"
    assert f"GET {upstream.url}/me?token=" in body["error"] and "was blocked" in body["error"]
    assert TOKEN_SECRET not in json.dumps(body)
    assert upstream.received == []
    _, listing = await api.get("/v1/users/me/sources")
    assert listing["data"] == []


async def test_the_requests_of_additional_props_are_listed_with_the_sources_runs(api: ApiClient,
                                                                                upstream: Upstream) -> None:
    status, body = await _deploy(api, upstream)
    assert status == 200, body
    runs = (await api.ok("GET", f"/_emulator/sources/{body['data']['id']}/logs"))["data"]
    call = next(run for run in runs if run["method"] == "additionalProps")
    assert (call["trigger"], call["outcome"], call["emitted"]) == ("configure", "ok", [])
    [request] = call["requests"]
    assert request["url"] == f"{upstream.url}/me?token=[REDACTED]" and request["status"] == 200
    assert TOKEN_SECRET not in json.dumps(runs)


async def test_a_failed_deploy_names_the_run_that_lists_the_blocked_request(api: ApiClient,
                                                                           upstream: Upstream) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    status, body = await _deploy(api, upstream)
    assert status == 400 and body["run_id"].startswith("run_") and body["source_id"].startswith("dc_")
    runs = (await api.ok("GET", f"/_emulator/runs?source_id={body['source_id']}"))["data"]
    assert [(run["id"], run["method"], run["outcome"]) for run in runs] == [(body["run_id"], "additionalProps", "error")]
    run = (await api.ok("GET", f"/_emulator/runs/{body['run_id']}"))["data"]
    assert run["requests"][0]["answered_by"] == "blocked"
    assert f"GET {upstream.url}/me?token=[REDACTED]" in run["error"]["message"]
