"""HTTP endpoints of sources: default and custom responses, any method and sub-path, CORS, limits."""
from __future__ import annotations

from typing import Any

import aiohttp

from tests.conftest import ApiClient, create_source

CUSTOM = """
export default {
  key: "custom", name: "Custom", version: "0.0.1", type: "source",
  props: { http: { type: "$.interface.http", customResponse: true } },
  async run(event) {
    if (event.query.mode === "throw") throw new Error("bad request body");
    if (event.query.mode === "silent") return;
    this.http.respond({ status: event.query.status || "201", headers: { "x-echo": event.method },
                        body: { got: event.body, path: event.path } });
    this.$emit(event, { summary: `${event.method} ${event.path}` });
  },
};
"""
DEFAULT = """
export default {
  key: "default", name: "Default", version: "0.0.1", type: "source",
  props: { http: "$.interface.http" },
  async run(event) { this.$emit(event.body, { summary: "got it" }); },
};
"""


async def _endpoint(source: dict[str, Any]) -> str:
    return source["configured_props"]["http"]["endpoint_url"]


async def test_http_prop_gets_an_endpoint_url(api: ApiClient) -> None:
    source = await create_source(api, CUSTOM)
    url = await _endpoint(source)
    assert url.startswith(api.base + "/http/en")


async def test_custom_response_is_what_respond_gave(api: ApiClient) -> None:
    source = await create_source(api, CUSTOM)
    async with aiohttp.ClientSession() as session:
        async with session.put(await _endpoint(source) + "/orders/7?x=1", json={"id": 7}) as response:
            assert response.status == 201
            assert response.headers["x-echo"] == "PUT"
            assert await response.json() == {"got": {"id": 7}, "path": "/orders/7"}   # as the cloud gives it


async def test_http_event_has_the_documented_fields(api: ApiClient, emu: Any) -> None:
    source = await create_source(api, CUSTOM)
    async with aiohttp.ClientSession() as session, session.post(await _endpoint(source) + "?a=b", data="x=1&y=2",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}) as response:
        assert response.status == 201
    await emu.services.runtime.idle()          # the answer came at respond(); the emit follows it
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    event = body["data"][0]["event"]
    assert set(event) == {"method", "path", "query", "headers", "bodyRaw", "body", "url", "client_ip"}
    assert event["body"] == {"x": "1", "y": "2"} and event["bodyRaw"] == "x=1&y=2"
    assert event["query"] == {"a": "b"} and event["client_ip"] == "127.0.0.1"


async def test_a_run_that_throws_answers_400(api: ApiClient) -> None:
    source = await create_source(api, CUSTOM)
    async with aiohttp.ClientSession() as session:
        async with session.post(await _endpoint(source) + "?mode=throw", json={}) as response:
            assert response.status == 400
            assert "bad request body" in await response.text()


async def test_a_run_that_never_responds_answers_400_saying_so(api: ApiClient) -> None:
    source = await create_source(api, CUSTOM)
    async with aiohttp.ClientSession() as session:
        async with session.get(await _endpoint(source) + "?mode=silent") as response:
            assert response.status == 400
            assert "respond" in await response.text()


async def test_without_custom_response_the_answer_is_200_at_once(api: ApiClient, emu: Any) -> None:
    source = await create_source(api, DEFAULT)
    async with aiohttp.ClientSession() as session, session.post(await _endpoint(source), json={"n": 1}) as response:
        assert response.status == 200
        assert "Success!" in await response.text()
    await emu.services.runtime.idle()
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert body["data"][0]["event"] == {"n": 1}


async def test_options_answers_cors(api: ApiClient) -> None:
    source = await create_source(api, DEFAULT)
    async with aiohttp.ClientSession() as session, session.options(await _endpoint(source)) as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"


async def test_unknown_endpoint_is_404_and_too_large_body_is_413(api: ApiClient) -> None:
    source = await create_source(api, DEFAULT)
    async with aiohttp.ClientSession() as session:
        async with session.post(api.base + "/http/enNOPE", json={}) as response:
            assert response.status == 404
        async with session.post(await _endpoint(source), data=b"x" * (512 * 1024 + 1)) as response:
            assert response.status == 413


async def test_an_inactive_source_answers_200_without_running(api: ApiClient) -> None:
    source = await create_source(api, DEFAULT)
    await api.put(f"/v1/sources/{source['id']}", json={"active": False})
    async with aiohttp.ClientSession() as session, session.post(await _endpoint(source), json={"n": 1}) as response:
        assert response.status == 200
        assert "inactive" in await response.text()
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert body["data"] == []


async def test_cloud_style_host_reaches_the_endpoint(api: ApiClient) -> None:
    source = await create_source(api, CUSTOM)
    endpoint_id = (await _endpoint(source)).rsplit("/", 1)[1]
    async with aiohttp.ClientSession() as session:
        async with session.post(api.base + "/", json={"k": 1},
                                headers={"Host": f"{endpoint_id}.m.pipedream.net"}) as response:
            assert response.status == 201
            assert (await response.json())["got"] == {"k": 1}
        async with session.get(api.base + "/orders/7", headers={"Host": f"{endpoint_id}.m.pipedream.net"}) as response:
            assert (await response.json())["path"] == "/orders/7"
        async with session.get(await _endpoint(source)) as response:
            assert (await response.json())["path"] == "/"
