"""Every HTTP client of a component goes through the emulator: node:http, node:https, fetch and
@pipedream/platform's axios, in live mode (the host makes the real request) and answered by stubs."""
from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from emulator.server.runner import Emulator
from tests.conftest import ApiClient, emulator_config
from tests.outbound.conftest import Upstream, body_json, call, create_caller, emitted

CLIENTS = ["fetch", "http", "axios"]


@pytest.mark.parametrize("client", CLIENTS)
async def test_live_request_reaches_the_server_and_is_listed_in_the_run(
        api: ApiClient, upstream: Upstream, client: str) -> None:
    source = await create_caller(api)
    run = await call(api, source["id"], {"client": client, "method": "POST", "url": f"{upstream.url}/items?a=1",
                                         "headers": {"content-type": "application/json"}, "body": '{"x": 1}'})
    result = emitted(run)["results"][0]
    assert result["status"] == 200
    assert body_json(result)["seen"]["body"] == '{"x": 1}'
    assert upstream.received[0]["method"] == "POST" and upstream.received[0]["query"] == "a=1"
    [request] = run["requests"]
    assert request["method"] == "POST" and request["url"] == f"{upstream.url}/items?a=1"
    assert request["status"] == 200 and request["answered_by"] == "network"
    assert request["request"]["body"] == '{"x": 1}'
    assert '"seen"' in request["response"]["body"]


@pytest.mark.parametrize("client", CLIENTS)
async def test_stub_answers_without_touching_the_network(api: ApiClient, upstream: Upstream, client: str) -> None:
    source = await create_caller(api)
    stub = (await api.ok("POST", "/_emulator/http/stubs", json={
        "method": "GET", "url": f"{upstream.url}/users/*", "json": {"id": 7}, "status": 201}))["data"]
    run = await call(api, source["id"], {"client": client, "url": f"{upstream.url}/users/42"})
    result = emitted(run)["results"][0]
    assert body_json(result) == {"id": 7}
    assert upstream.received == []
    assert run["requests"][0]["answered_by"] == "stub" and run["requests"][0]["stub_id"] == stub["id"]
    assert run["requests"][0]["status"] == 201


async def test_https_to_a_local_tls_server_trusted_through_node_extra_ca_certs(
        tls_upstream: tuple[Upstream, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    server, cert_file = tls_upstream
    monkeypatch.setenv("NODE_EXTRA_CA_CERTS", str(cert_file))
    config = emulator_config(extra_ca_certs=None)
    config = type(config).from_env(**{k: v for k, v in vars(config).items() if k != "extra_ca_certs"})
    async with Emulator(config) as emulator, aiohttp.ClientSession() as session:
        api = ApiClient(session, emulator.url, emulator.api_key)
        source = await create_caller(api)
        run = await call(api, source["id"], {"client": "https", "url": f"{server.url}/secure"},
                         {"client": "fetch", "url": f"{server.url}/secure"})
    event = emitted(run)
    assert [r.get("status") for r in event["results"]] == [200, 200], event
    assert event["ca"] == str(cert_file)          # the worker inherited the variable
    assert [r["status"] for r in run["requests"]] == [200, 200]


async def test_https_to_an_untrusted_server_fails_naming_request_and_cause(
        api: ApiClient, tls_upstream: tuple[Upstream, Path]) -> None:
    server, _ = tls_upstream
    source = await create_caller(api)
    run = await call(api, source["id"], {"client": "https", "url": f"{server.url}/secure"},
                     {"client": "fetch", "url": f"{server.url}/secure"})
    for result in emitted(run)["results"]:
        assert f"GET {server.url}/secure" in result["error"]["message"]
        assert "certificate" in result["error"]["message"].lower()
    assert all(r["error"] and r["status"] is None for r in run["requests"])


async def test_refused_connection_names_method_url_and_cause(api: ApiClient, upstream: Upstream) -> None:
    source = await create_caller(api)
    url = upstream.url
    await upstream.stop()
    run = await call(api, source["id"], {"client": "fetch", "method": "DELETE", "url": f"{url}/gone"},
                     {"client": "http", "url": f"{url}/gone"})
    fetch_error, http_error = (r["error"] for r in emitted(run)["results"])
    assert fetch_error["name"] == "TypeError" and fetch_error["message"].startswith("fetch failed: ")
    assert f"DELETE {url}/gone" in fetch_error["message"] and "cannot connect" in fetch_error["message"]
    assert http_error["code"] == "ECONNREFUSED" and f"GET {url}/gone" in http_error["message"]


async def test_axios_error_for_a_4xx_carries_the_response(api: ApiClient, upstream: Upstream) -> None:
    source = await create_caller(api)
    run = await call(api, source["id"], {"client": "axios", "url": f"{upstream.url}/status/404"})
    error = emitted(run)["results"][0]["error"]
    assert error["name"] == "AxiosError - Request failed with status code 404"
    assert run["requests"][0]["status"] == 404


async def test_an_error_with_a_cause_is_reported_with_it(api: ApiClient) -> None:
    body = await api.ok("POST", "/v1/sources", json={"component_code": """
export default { key: "k", name: "n", version: "0.0.1", type: "source", props: {},
  async run() {
    const cause = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" });
    throw new TypeError("fetch failed", { cause });
  } };"""})
    run = (await api.ok("POST", f"/_emulator/sources/{body['data']['id']}/run", json={}))["data"]
    assert run["error"]["message"] == "fetch failed (cause: connect ECONNREFUSED 10.0.0.1:443)"


@pytest.mark.parametrize("client", CLIENTS)
async def test_compressed_responses_arrive_decoded(api: ApiClient, upstream: Upstream, client: str) -> None:
    source = await create_caller(api)
    run = await call(api, source["id"], {"client": client, "url": f"{upstream.url}/gzip",
                                         "headers": {"accept-encoding": "gzip"}})
    assert body_json(emitted(run)["results"][0]) == {"compressed": "x" * 2000}


async def test_fetch_follows_a_redirect_each_hop_a_request_of_its_own(api: ApiClient, upstream: Upstream) -> None:
    source = await create_caller(api)
    run = await call(api, source["id"], {"client": "fetch", "url": f"{upstream.url}/redirect"})
    assert body_json(emitted(run)["results"][0])["seen"]["path"] == "/final"
    assert [(r["url"], r["status"]) for r in run["requests"]] == [
        (f"{upstream.url}/redirect", 302), (f"{upstream.url}/final", 200)]


async def test_proxy_variables_reach_the_workers_and_route_live_requests(
        upstream: Upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", upstream.url)
    monkeypatch.setenv("HTTPS_PROXY", upstream.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with Emulator(emulator_config()) as emulator, aiohttp.ClientSession() as session:
        api = ApiClient(session, emulator.url, emulator.api_key)
        source = await create_caller(api)
        run = await call(api, source["id"], {"client": "fetch", "url": "http://api.example.test/via-proxy"})
    event = emitted(run)
    assert event["proxy"] == upstream.url
    assert body_json(event["results"][0])["seen"]["path"] == "/via-proxy"
    assert upstream.received[0]["headers"]["Host"] == "api.example.test"
