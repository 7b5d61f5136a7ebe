"""@pipedream/platform works offline, and a component folder's own copy of it wins."""
from __future__ import annotations

import base64

import pytest
from aiohttp import web


@pytest.fixture
async def api_server(aiohttp_server):
    """A local HTTP API that echoes what it received; /missing answers 404 with a JSON body."""

    async def echo(request: web.Request) -> web.Response:
        body = await request.text()
        return web.json_response({
            "method": request.method,
            "path": request.path,
            "query": {key: request.query.getall(key) for key in request.query},
            "authorization": request.headers.get("Authorization"),
            "token": request.headers.get("X-Token"),
            "content_type": request.headers.get("Content-Type"),
            "body": body,
        })

    async def missing(request: web.Request) -> web.Response:
        return web.json_response({"error": "no such item"}, status=404)

    app = web.Application()
    app.router.add_route("GET", "/missing", missing)
    app.router.add_route("*", "/{tail:.*}", echo)
    return await aiohttp_server(app, host="127.0.0.1")


def axios_component(call: str) -> str:
    return """
    import { axios } from "@pipedream/platform";
    export default {
      props: { base: { type: "string" } },
      async run() {
        const result = await %s;
        this.$emit(result);
      },
    };
    """ % call


async def test_platform_exports_load_without_npm_install(host, invocation):
    code = """
    import { DEFAULT_POLLING_SOURCE_TIMER_INTERVAL, ConfigurationError, jsonStringifySafe } from "@pipedream/platform";
    export default {
      async run() {
        const circular = { a: 1 };
        circular.self = circular;
        this.$emit({
          interval: DEFAULT_POLLING_SOURCE_TIMER_INTERVAL,
          errorName: new ConfigurationError("bad").name,
          safe: jsonStringifySafe(circular),
        });
      },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"interval": 900, "errorName": "ConfigurationError", "safe": '{"a":1}'}


async def test_axios_get_sends_params_headers_and_auth_and_returns_the_data(host, invocation, api_server):
    call = """axios(this, {
          baseURL: this.base, url: "/items?page=2",
          params: { tags: ["a", "b"], skip: undefined },
          headers: { "X-Token": "t1" }, auth: { username: "u", password: "p" },
        })"""
    result = await host.invoke(invocation(axios_component(call), props={"base": str(api_server.make_url(""))}))
    assert result.outcome == "ok", result.error
    data = result.emits[0]["event"]
    assert data["method"] == "GET"
    assert data["path"] == "/items"
    assert data["query"] == {"page": ["2"], "tags[]": ["a", "b"]}
    assert data["token"] == "t1"
    assert data["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()


async def test_axios_post_sends_an_object_as_json(host, invocation, api_server):
    call = """axios(this, { method: "POST", url: `${this.base}/things`, data: { name: "x" } })"""
    result = await host.invoke(invocation(axios_component(call), props={"base": str(api_server.make_url(""))}))
    data = result.emits[0]["event"]
    assert data["method"] == "POST"
    assert data["content_type"] == "application/json"
    assert data["body"] == '{"name":"x"}'


async def test_axios_return_full_response_gives_status_and_headers(host, invocation, api_server):
    call = """axios(this, { url: `${this.base}/x`, returnFullResponse: true })
          .then(({ status, headers, data }) => ({ status, type: headers["content-type"], path: data.path }))"""
    result = await host.invoke(invocation(axios_component(call), props={"base": str(api_server.make_url(""))}))
    assert result.emits[0]["event"] == {"status": 200, "type": "application/json; charset=utf-8", "path": "/x"}


async def test_axios_throws_on_an_error_status_with_the_response_attached(host, invocation, api_server):
    call = """axios(this, { url: `${this.base}/missing` }).catch((error) => ({
          name: error.name, message: error.message, status: error.response.status, data: error.response.data,
        }))"""
    result = await host.invoke(invocation(axios_component(call), props={"base": str(api_server.make_url(""))}))
    assert result.emits[0]["event"] == {
        "name": "AxiosError - Request failed with status code 404",
        "message": '{"error":"no such item"}',
        "status": 404,
        "data": {"error": "no such item"},
    }


async def test_commonjs_require_of_the_platform_works(host, invocation):
    code = """
    const { axios, DEFAULT_POLLING_SOURCE_TIMER_INTERVAL } = require("@pipedream/platform");
    module.exports = {
      async run() { this.$emit({ axios: typeof axios, interval: DEFAULT_POLLING_SOURCE_TIMER_INTERVAL }); },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"axios": "function", "interval": 900}


async def test_the_folders_own_platform_package_wins(host, write_file, component_file):
    write_file("node_modules/@pipedream/platform/package.json", '{"name": "@pipedream/platform", "main": "index.js"}')
    write_file("node_modules/@pipedream/platform/index.js", """
        exports.provider = "the folder's own copy";
        exports.DEFAULT_POLLING_SOURCE_TIMER_INTERVAL = 60;
    """)
    inv = component_file("components/acme/sources/s.mjs", """
        import { provider, DEFAULT_POLLING_SOURCE_TIMER_INTERVAL } from "@pipedream/platform";
        export default { async run() { this.$emit({ provider, interval: DEFAULT_POLLING_SOURCE_TIMER_INTERVAL }); } };
    """)
    result = await host.invoke(inv)
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"provider": "the folder's own copy", "interval": 60}


async def test_a_component_file_without_node_modules_gets_the_offline_platform(host, write_file, component_file):
    write_file("acme/acme.app.mjs", """
        import { ConfigurationError } from "@pipedream/platform";
        export default { type: "app", app: "acme", methods: { check() { return new ConfigurationError("x").name; } } };
    """)
    inv = component_file("acme/sources/s.mjs", """
        import { DEFAULT_POLLING_SOURCE_TIMER_INTERVAL } from "@pipedream/platform";
        import acme from "../acme.app.mjs";
        export default {
          props: { acme },
          async run() { this.$emit({ interval: DEFAULT_POLLING_SOURCE_TIMER_INTERVAL, check: this.acme.check() }); },
        };
    """)
    result = await host.invoke(inv)
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"interval": 900, "check": "ConfigurationError"}


async def test_a_commonjs_file_requires_the_offline_platform(host, component_file):
    inv = component_file("legacy/source.js", """
        const { axios } = require("@pipedream/platform");
        module.exports = { async run() { this.$emit({ axios: typeof axios.create }); } };
    """)
    result = await host.invoke(inv)
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"axios": "function"}


async def test_a_platform_import_only_in_a_relative_file_still_resolves(host, write_file, component_file):
    write_file("acme/common.mjs", """
        import { DEFAULT_POLLING_SOURCE_TIMER_INTERVAL } from "@pipedream/platform";
        export const interval = DEFAULT_POLLING_SOURCE_TIMER_INTERVAL;
    """)
    inv = component_file("acme/sources/s.mjs", """
        import { interval } from "../common.mjs";
        export default { async run() { this.$emit({ interval }); } };
    """)
    result = await host.invoke(inv)
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"interval": 900}
