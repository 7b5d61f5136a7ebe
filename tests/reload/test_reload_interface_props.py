"""A saved component's interface props follow the new code: an http prop gets its endpoint (the same one
when it comes back), a timer its default schedule, one removed is gone; values the user set stay."""
from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.conftest import ApiClient, create_source
from tests.reload.conftest import Watched, eventually


def poller(version: str, props: str) -> str:
    return f"""export default {{
  key: "poller", name: "Poller", version: "{version}", type: "source",
  props: {{ label: {{ type: "string", default: "x" }}, {props} }},
  async run(event) {{ this.$emit({{ got: event?.body ?? null, endpoint: this.http?.endpoint ?? null }}); }},
}};
"""


EVERY_MINUTE = 'timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } }'
EVERY_TWO = 'timer: { type: "$.interface.timer", default: { intervalSeconds: 120 } }'
HTTP = 'http: "$.interface.http"'
START = {"poller.mjs": poller("0.0.1", EVERY_MINUTE)}


async def _save(watched: Watched, version: str, props: str) -> None:
    watched.write("poller.mjs", poller(version, props))

    async def live() -> bool:
        _, body = await watched.api.get("/v1/components/registry/poller")
        done = [r for r in watched.reloads() if r["kind"] == "reload" and version in r["message"]]
        return body["data"]["version"] == version and bool(done)
    await eventually(live)


async def _configured(api: ApiClient, source_id: str) -> dict[str, Any]:
    return (await api.ok("GET", f"/v1/sources/{source_id}"))["data"]["configured_props"]


async def _post(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.post(url, json={"n": 1}) as response:
        return response.status


async def _fired(api: ApiClient, seconds: int) -> int:
    return len((await api.ok("POST", "/_emulator/clock/advance", json={"seconds": seconds}))["runs"])


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_interface_props_follow_each_save(watched: Watched) -> None:
    api = watched.api
    source = (await api.ok("POST", "/v1/sources", json={"key": "poller", "configured_props": {"label": "mine"}}))["data"]

    await _save(watched, "0.0.2", f"{EVERY_MINUTE}, {HTTP}")
    props = await _configured(api, source["id"])
    endpoint = props["http"]["endpoint_url"]
    assert await _post(endpoint) == 200
    await watched.emu.services.runtime.idle()
    run = (await api.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {}}))["data"]
    assert run["events"][0]["event"]["endpoint"] == endpoint       # the run sees it too

    await _save(watched, "0.0.3", EVERY_TWO)
    props = await _configured(api, source["id"])
    assert props == {"label": "mine", "timer": {"cron": None, "interval_seconds": 120}}
    status = await _post(endpoint)
    assert status == 404
    assert await _fired(api, 65) == 0 and await _fired(api, 60) == 1     # the new default drives it

    await _save(watched, "0.0.4", f"{EVERY_TWO}, {HTTP}")
    assert (await _configured(api, source["id"]))["http"]["endpoint_url"] == endpoint   # the same URL again
    assert await _post(endpoint) == 200


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_schedule_the_user_set_stays_when_the_default_changes(watched: Watched) -> None:
    api = watched.api
    source = (await api.ok("POST", "/v1/sources", json={
        "key": "poller", "configured_props": {"timer": {"intervalSeconds": 30}}}))["data"]
    await _save(watched, "0.0.2", EVERY_TWO)
    assert (await _configured(api, source["id"]))["timer"] == {"cron": None, "interval_seconds": 30}
    await _save(watched, "0.0.3", 'note: { type: "string", optional: true }')
    assert "timer" not in await _configured(api, source["id"])
    assert await _fired(api, 3600) == 0                                  # no timer, no run


async def test_an_update_to_code_without_the_http_prop_retires_the_endpoint(api: ApiClient) -> None:
    source = await create_source(api, poller("0.0.1", HTTP).replace("key: \"poller\", ", ""))
    endpoint = source["configured_props"]["http"]["endpoint_url"]
    updated = await api.ok("PUT", f"/v1/sources/{source['id']}", json={"component_code": poller("0.0.2", EVERY_MINUTE)})
    assert "http" not in updated["data"]["configured_props"]
    async with aiohttp.ClientSession() as session, session.post(endpoint, json={}) as response:
        body = await response.json()
    assert response.status == 404 and body["code"] == "not_found"
    assert body["error"] == (f"endpoint {endpoint.rsplit('/', 1)[1]} is not in use: its source's code declares "
                             "no $.interface.http prop now (the endpoint comes back with one)")
    assert source["id"] not in body["error"]              # anyone may call an endpoint: no source is named


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_deleted_file_pauses_its_source_with_a_note_that_a_return_of_the_file_keeps(watched: Watched) -> None:
    """The source stays paused until its user resumes it: the note says why it is."""
    api = watched.api
    source = (await api.ok("POST", "/v1/sources", json={"key": "poller"}))["data"]
    (watched.folder / "poller.mjs").unlink()

    async def paused() -> dict | None:
        now = (await api.ok("GET", f"/v1/sources/{source['id']}"))["data"]
        return now if now.get("status_note") == "component file was deleted" and not now["active"] else None
    await eventually(paused)
    await _save(watched, "0.0.2", EVERY_TWO)
    now = (await api.ok("GET", f"/v1/sources/{source['id']}"))["data"]
    assert (now["active"], now.get("status_note")) == (False, "component file was deleted")
    assert now["configured_props"]["timer"] == {"cron": None, "interval_seconds": 120}   # its props followed
