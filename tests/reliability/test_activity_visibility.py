"""The activity stream (`/_emulator/stream`) never shows user B what user A's sources did.

The owner A receives HTTP requests on an endpoint, fails a deploy (its source is removed again) and
deletes a source; B, watching live and then resuming from the start with `Last-Event-ID`, sees
only its own run. Visibility is decided when a record is published: by the time B reads it, A's
failed or deleted source no longer exists to ask.
"""
from __future__ import annotations

import json
from typing import Any

from emulator.api.activity import STREAM_EPOCH
from emulator.client.async_http import AsyncEmulatorClient
from emulator.server.runner import Emulator
from tests.conftest import ApiClient, create_source, read_sse_messages

A_SECRET = "a-private-deploy-failure"
FAILING_DEPLOY = """
export default {
  key: "failing-deploy", name: "Failing Deploy", version: "0.0.1", type: "source",
  props: {}, hooks: { async deploy() { throw new Error("SECRET"); } },
  async run() {},
};
""".replace("SECRET", A_SECRET)
HTTP_SOURCE = """
export default {
  key: "a-http", name: "A HTTP", version: "0.0.1", type: "source",
  props: { http: "$.interface.http" },
  async run(event) { this.$emit(event.body, { summary: "a-http-body" }); },
};
"""


async def stream_until_marker(emu: Emulator, key: str, marker: str, headers: dict[str, str] | None = None,
                              act: Any = None) -> list[dict[str, Any]]:
    async with AsyncEmulatorClient(None, emu.url, key) as client, \
            client.open("GET", "/_emulator/stream", headers=headers) as response:
        assert response.status == 200
        await read_sse_messages(response, lambda m: m[-1]["data"].get("kind") == "hello")
        if act is not None:
            await act()
        return await read_sse_messages(response, lambda m: marker in json.dumps(m[-1]["data"]))


async def a_acts_then_b_runs(emu: Emulator, api: ApiClient, b_key: str, traces: list[str]) -> str:
    """A's HTTP request, failed deploy and deleted source (their ids go to `traces`); then B's own run."""
    http_source = await create_source(api, HTTP_SOURCE)
    endpoint_url = http_source["configured_props"]["http"]["endpoint_url"]
    traces += [http_source["id"], endpoint_url.rsplit("/", 1)[1]]
    async with api.session.post(endpoint_url + "/a-private-path", json={"a": 1}) as response:
        assert response.status == 200
    await emu.services.runtime.idle()
    status, body = await api.post("/v1/sources", json={"component_code": FAILING_DEPLOY})
    assert status == 400 and A_SECRET in body["error"]
    doomed = await create_source(api)
    traces.append(doomed["id"])
    await api.ok("DELETE", f"/v1/sources/{doomed['id']}")
    mine = (await api.ok("POST", "/v1/sources", json={"component_code": HTTP_SOURCE}, key=b_key))["data"]
    await api.ok("POST", f"/_emulator/sources/{mine['id']}/run", json={"event": {}}, key=b_key)
    return str(mine["id"])


def leaked(messages: list[dict[str, Any]], traces: list[str]) -> list[str]:
    text = json.dumps(messages)
    return [t for t in [A_SECRET, "a-private-path", *traces] if t in text]


async def test_b_sees_none_of_as_records_live_or_resumed(emu: Emulator, api: ApiClient) -> None:
    b_key = (await api.ok("POST", "/_emulator/users", json={"username": "b"}))["data"]["api_key"]
    traces: list[str] = []
    b_source: list[str] = []

    async def act() -> None:
        b_source.append(await a_acts_then_b_runs(emu, api, b_key, traces))

    live = await stream_until_marker(emu, b_key, '"kind": "run"', act=act)
    assert b_source[0] in json.dumps(live)
    assert leaked(live, traces) == []
    start = f"{emu.app[STREAM_EPOCH]}.0"
    resumed = await stream_until_marker(emu, b_key, b_source[0], headers={"Last-Event-ID": start})
    assert leaked(resumed, traces) == []
    owner_view = await stream_until_marker(emu, api.key, traces[-1], headers={"Last-Event-ID": start})
    assert A_SECRET in json.dumps(owner_view) and traces[0] in json.dumps(owner_view)


ADDS_PROPS = """
export default {
  key: "adds-props", name: "Adds Props", version: "0.0.1", type: "source",
  props: {}, async additionalProps() { console.log("ADDS-PROPS-MARK"); return {}; },
  async run() {},
};
"""


async def test_the_additional_props_run_of_a_deploy_is_its_users_live(emu: Emulator, api: ApiClient) -> None:
    """It runs before the source is in the store: its user is named when it is published, not looked up."""
    b_key = (await api.ok("POST", "/_emulator/users", json={"username": "b"}))["data"]["api_key"]
    c_key = (await api.ok("POST", "/_emulator/users", json={"username": "c"}))["data"]["api_key"]
    deployed: list[str] = []

    async def deploy() -> None:
        deployed.append((await api.ok("POST", "/v1/sources", json={"component_code": ADDS_PROPS}, key=b_key))["data"]["id"])
        mine = (await api.ok("POST", "/v1/sources", json={"component_code": HTTP_SOURCE}, key=c_key))["data"]
        await api.ok("POST", f"/_emulator/sources/{mine['id']}/run", json={"event": {}}, key=c_key)

    seen_by_b = await stream_until_marker(emu, b_key, '"method": "additionalProps"', act=deploy)
    assert seen_by_b[-1]["data"]["run"]["source_id"] == deployed[0]
    seen_by_c = await stream_until_marker(emu, c_key, '"method": "run"', headers={"Last-Event-ID": f"{emu.app[STREAM_EPOCH]}.0"})
    assert deployed[0] not in json.dumps(seen_by_c)
