"""this.http.respond(...): normalised, reported in the result and the moment it is called."""
from __future__ import annotations

import asyncio
import base64

import pytest
from aiohttp import web


def responding(response_js: str) -> str:
    return """
    export default {
      props: { http: { type: "$.interface.http", customResponse: true } },
      async run() { this.http.respond(%s); },
    };
    """ % response_js


async def test_a_numeric_string_status_and_object_body_are_normalised(host, invocation):
    code = responding('{ status: "200", headers: { "X-Count": 2 }, body: { ok: true } }')
    result = await host.invoke(invocation(code, props={"http": {"endpoint": "http://localhost/e"}}))
    assert result.outcome == "ok", result.error
    assert result.http_response == {
        "status": 200,
        "headers": {"X-Count": "2", "Content-Type": "application/json"},
        "body": '{"ok":true}',
        "body_base64": False,
    }


async def test_a_buffer_body_comes_back_as_base64(host, invocation):
    result = await host.invoke(invocation(responding('{ status: 201, body: Buffer.from([0, 255, 1]) }')))
    assert result.http_response["status"] == 201
    assert result.http_response["body_base64"] is True
    assert base64.b64decode(result.http_response["body"]) == bytes([0, 255, 1])


@pytest.mark.parametrize("status", ["700", "99", '"abc"'])
async def test_a_status_outside_100_to_599_fails_the_run(host, invocation, status):
    result = await host.invoke(invocation(responding(f"{{ status: {status}, body: 'x' }}")))
    assert result.outcome == "error"
    assert "invalid status" in result.error["message"]
    assert result.http_response is None


async def test_the_endpoint_url_is_on_this_http(host, invocation):
    code = """
    export default {
      props: { http: "$.interface.http" },
      async run() { this.$emit({ endpoint: this.http.endpoint }); },
    };
    """
    result = await host.invoke(invocation(code, props={"http": {"endpoint": "http://127.0.0.1:1/http/e_1"}}))
    assert result.emits[0]["event"] == {"endpoint": "http://127.0.0.1:1/http/e_1"}


async def test_on_respond_fires_while_the_run_is_still_going(make_host, invocation, aiohttp_server):
    responded: asyncio.Future[tuple[str, dict]] = asyncio.get_running_loop().create_future()
    release = asyncio.Event()

    async def hold(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="released")

    app = web.Application()
    app.router.add_get("/hold", hold)
    server = await aiohttp_server(app, host="127.0.0.1")
    host = await make_host(on_respond=lambda source_id, response: responded.set_result((source_id, response)))
    code = """
    export default {
      props: { http: "$.interface.http", hold: { type: "string" } },
      async run() {
        this.http.respond({ status: 202, body: "accepted" });
        const text = await (await fetch(this.hold)).text();
        this.$emit({ text });
      },
    };
    """
    run = asyncio.create_task(host.invoke(invocation(code, props={"hold": str(server.make_url("/hold"))})))
    source_id, response = await asyncio.wait_for(responded, 5)
    assert not run.done()
    assert (source_id, response["status"], response["body"]) == ("dc_test", 202, "accepted")
    release.set()
    result = await run
    assert result.emits[0]["event"] == {"text": "released"}
    assert result.http_response["status"] == 202
