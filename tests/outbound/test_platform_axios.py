"""The bundled real `@pipedream/platform`'s axios goes through the emulator's interception like any
client: each request is in the run's list, offline blocks it naming method and URL, stubs answer it."""
from __future__ import annotations

from typing import Any

from tests.conftest import ApiClient
from tests.outbound.conftest import Upstream

# Calls event.url through platform axios (or an axios.create instance) and lets any error escape.
PLATFORM_CALLER = """
import { axios } from "@pipedream/platform";
export default {
  key: "platform-caller", name: "Platform caller", version: "0.0.1", type: "source", props: {},
  async run(event) {
    const data = event.instance
      ? await axios.create({ headers: { "X-Via": "instance" } }).get(event.url)
      : await axios(this, { method: event.method ?? "GET", url: event.url, params: event.params });
    this.$emit({ data }, { summary: "called" });
  },
};
"""


async def run_caller(api: ApiClient, event: dict[str, Any]) -> dict[str, Any]:
    source = (await api.ok("POST", "/v1/sources", json={"component_code": PLATFORM_CALLER}))["data"]
    return (await api.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": event}))["data"]


async def test_offline_a_platform_axios_request_fails_the_run_naming_method_and_url(
        api: ApiClient, upstream: Upstream) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    run = await run_caller(api, {"method": "DELETE", "url": f"{upstream.url}/items/3", "params": {"force": "yes"}})
    assert run["outcome"] == "error"
    assert run["error"]["code"] == "ECONNREFUSED"          # as axios reports a refused connection
    assert f"DELETE {upstream.url}/items/3?force=yes was blocked" in run["error"]["message"]
    assert "POST /_emulator/http/stubs" in run["error"]["message"]
    assert [(r["method"], r["url"], r["answered_by"]) for r in run["requests"]] == [
        ("DELETE", f"{upstream.url}/items/3?force=yes", "blocked")]
    assert upstream.received == []


async def test_a_stubbed_error_status_reaches_the_component_as_the_real_packages_error(api: ApiClient) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    stub = (await api.ok("POST", "/_emulator/http/stubs", json={
        "method": "GET", "url": "https://api.acme.test/v1/orders", "status": 503,
        "json": {"error": "maintenance"}}))["data"]
    run = await run_caller(api, {"url": "https://api.acme.test/v1/orders"})
    assert run["outcome"] == "error"
    assert run["error"]["name"] == "AxiosError - Request failed with status code 503"
    assert run["error"]["message"] == '{"error":"maintenance"}'
    [request] = run["requests"]
    assert (request["answered_by"], request["stub_id"], request["status"]) == ("stub", stub["id"], 503)


async def test_an_axios_create_instance_is_intercepted_too(api: ApiClient, upstream: Upstream) -> None:
    run = await run_caller(api, {"instance": True, "url": f"{upstream.url}/from-instance"})
    assert run["outcome"] == "ok", run["error"]
    assert run["events"][0]["event"]["data"]["seen"]["path"] == "/from-instance"
    assert {name.lower(): value for name, value in upstream.received[0]["headers"].items()}["x-via"] == "instance"
    [request] = run["requests"]
    assert (request["url"], request["answered_by"], request["status"]) == (
        f"{upstream.url}/from-instance", "network", 200)
