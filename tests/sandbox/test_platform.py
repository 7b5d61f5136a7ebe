"""@pipedream/platform works offline: the real published package, bundled; a component folder's own copy wins."""
from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from aiohttp import web

from emulator.sandbox.node_runtime import NODE_DIR

# Object.keys(require("@pipedream/platform")) of the published 3.4.0, in its order.
PLATFORM_EXPORTS = [
    "axios", "transformConfigForOauth", "cloneSafe", "jsonStringifySafe", "getFileStreamAndMetadata", "getFileStream",
    "ConfigurationError", "sqlProp", "sqlProxy", "DEFAULT_POLLING_SOURCE_TIMER_INTERVAL",
    "PD_OFFICIAL_GMAIL_OAUTH_CLIENT_ID", "SendConfigEmail", "SendConfigEmit_required", "SendConfigEmit_optional",
    "SendConfigEmit", "HTTP_METHODS", "SendConfigHTTP", "SendConfigS3", "SendConfigSQL", "SendConfigSnowflake",
    "SendConfigSSE", "sendTypeMap", "$event", "END_NEEDLE", "$send", "$sendConfigRuntimeTypeChecker", "$end",
]


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

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()                      # no Content-Length
        await response.prepare(request)
        await response.write(b"hello world")
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_route("GET", "/missing", missing)
    app.router.add_route("GET", "/chunked.txt", chunked)
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


async def test_axios_throws_the_real_packages_error_on_an_error_status(host, invocation, api_server):
    # @pipedream/platform reshapes axios's error: the body becomes the message, the request, config and
    # stack are deleted (they may hold credentials), and the response keeps status, headers and data.
    call = """axios(this, { url: `${this.base}/missing` }).catch((error) => ({
          name: error.name, message: error.message, code: error.code, status: error.status,
          isAxiosError: error.isAxiosError, hasStack: "stack" in error, hasConfig: "config" in error,
          response: { status: error.response.status, statusText: error.response.statusText,
                      type: error.response.headers["content-type"], data: error.response.data,
                      hasConfig: "config" in error.response, hasRequest: "request" in error.response },
        }))"""
    result = await host.invoke(invocation(axios_component(call), props={"base": str(api_server.make_url(""))}))
    assert result.emits[0]["event"] == {
        "name": "AxiosError - Request failed with status code 404",
        "message": '{"error":"no such item"}',
        "code": "ERR_BAD_REQUEST",
        "status": 404,
        "isAxiosError": True,
        "hasStack": False,
        "hasConfig": False,
        "response": {"status": 404, "statusText": "Not Found", "type": "application/json; charset=utf-8",
                     "data": {"error": "no such item"}, "hasConfig": False, "hasRequest": False},
    }


async def test_an_uncaught_axios_error_fails_the_run_with_the_response_body_as_message(
        host, invocation, api_server):
    result = await host.invoke(invocation(axios_component("axios(this, { url: `${this.base}/missing` })"),
                                          props={"base": str(api_server.make_url(""))}))
    assert result.outcome == "error"
    assert result.error["name"] == "AxiosError - Request failed with status code 404"
    assert result.error["message"] == '{"error":"no such item"}'


async def test_axios_debug_exports_config_and_response_onto_this_and_logs_them(host, invocation, api_server):
    # A source's `this` has no export(): the real package then sets this.debug_* and logs each export.
    code = """
    import { axios } from "@pipedream/platform";
    export default {
      props: { base: { type: "string" } },
      async run() {
        await axios(this, { url: `${this.base}/thing`, debug: true });
        this.$emit({ url: this.debug_config.url, path: this.debug_response.path });
      },
    };
    """
    result = await host.invoke(invocation(code, props={"base": str(api_server.make_url(""))}))
    assert result.outcome == "ok", result.error
    base = str(api_server.make_url(""))
    assert result.emits[0]["event"] == {"url": f"{base}/thing", "path": "/thing"}
    messages = [log["message"] for log in result.logs]
    assert any(m.startswith("export: debug_config - {") and f'"url": "{base}/thing"' in m for m in messages)
    assert any(m.startswith("export: debug_response - {") and '"path": "/thing"' in m for m in messages)


async def test_axios_debug_goes_to_an_export_function_when_the_step_has_one(host, invocation, api_server):
    # What an action's `$` offers: `$.export(key, value)`; the real package calls it instead of logging.
    call = """(async () => {
          const exported = {};
          const $ = { export: (key, value) => { exported[key] = value; } };
          await axios($, { url: `${this.base}/x`, params: { q: 1 }, debug: true });
          return { keys: Object.keys(exported), params: exported.debug_config.params, path: exported.debug_response.path };
        })()"""
    result = await host.invoke(invocation(axios_component(call), props={"base": str(api_server.make_url(""))}))
    assert result.emits[0]["event"] == {"keys": ["debug_config", "debug_response"], "params": {"q": 1}, "path": "/x"}
    assert not any(log["message"].startswith("export:") for log in result.logs)


async def test_axios_uses_nodes_http_adapter(host, invocation, api_server):
    call = """axios(this, { url: `${this.base}/x`, returnFullResponse: true })
          .then((response) => ({ request: response.request.constructor.name, adapter: response.config.adapter }))"""
    result = await host.invoke(invocation(axios_component(call), props={"base": str(api_server.make_url(""))}))
    assert result.emits[0]["event"] == {"request": "ClientRequest", "adapter": ["xhr", "http", "fetch"]}


async def test_axios_create_gives_an_instance_that_resolves_to_the_data(host, invocation, api_server):
    call = """axios.create({ baseURL: this.base, headers: { "X-Token": "t2" } }).post("/made", { a: 1 })"""
    result = await host.invoke(invocation(axios_component(call), props={"base": str(api_server.make_url(""))}))
    data = result.emits[0]["event"]
    assert (data["method"], data["path"], data["token"], data["body"]) == ("POST", "/made", "t2", '{"a":1}')


async def test_send_config_checks_are_the_real_io_ts_codecs(host, invocation):
    code = """
    import { $sendConfigRuntimeTypeChecker, SendConfigHTTP, HTTP_METHODS, transformConfigForOauth } from "@pipedream/platform";
    export default {
      async run() {
        let message = null;
        try { $sendConfigRuntimeTypeChecker.http({ method: "FETCH", url: "https://x.test" }); }
        catch (error) { message = error.message; }
        const decoded = SendConfigHTTP.decode({ method: "GET", url: "https://x.test/" });
        const oauth = transformConfigForOauth({ url: "https://x.test/a", params: { q: "it's" } });
        this.$emit({ message, tag: decoded._tag, methods: HTTP_METHODS.length, oauth });
      },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {
        "message": "$send.http: invalid value FETCH for method", "tag": "Right", "methods": 9,
        "oauth": {"method": "get", "url": "https://x.test/a?q=it%27s"},
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


async def test_a_component_file_without_node_modules_gets_the_bundled_platform(host, write_file, component_file):
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


async def test_a_commonjs_file_requires_the_bundled_platform(host, component_file):
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


async def test_every_export_of_the_real_package_is_importable_by_name_and_by_require(host, invocation):
    code = """
    import { %s } from "@pipedream/platform";
    import platform from "@pipedream/platform";
    import { createRequire } from "node:module";
    const named = { %s };
    export default {
      async run() {
        const required = createRequire(import.meta.url)("@pipedream/platform");
        this.$emit({
          named: Object.keys(named).filter((name) => named[name] === required[name]),
          required: Object.keys(required),
          defaultIsRequired: platform === required,
        });
      },
    };
    """ % (", ".join(PLATFORM_EXPORTS), ", ".join(PLATFORM_EXPORTS))
    result = await host.invoke(invocation(code))
    assert result.outcome == "ok", result.error
    event = result.emits[0]["event"]
    assert event["named"] == PLATFORM_EXPORTS
    assert sorted(event["required"]) == sorted(PLATFORM_EXPORTS)
    assert event["defaultIsRequired"] is True


def test_without_the_bundled_file_node_asks_for_the_package_itself(tmp_path: Path):
    # Whoever may not accept Pipedream's licence deletes vendor/platform.cjs: no stand-in remains, so a
    # component needs its own node_modules copy, as in any Node project.
    node_dir = tmp_path / "node"
    shutil.copytree(NODE_DIR, node_dir, ignore=shutil.ignore_patterns("platform.cjs", "interceptors.mjs"))
    (tmp_path / "s.mjs").write_text('import { axios } from "@pipedream/platform";\n')
    (tmp_path / "s.cjs").write_text('require("@pipedream/platform");\n')
    (tmp_path / "t.mjs").write_text('import { defineSource } from "@pipedream/types"; console.log(typeof defineSource);\n')
    register = f"--import={(node_dir / 'register.mjs').as_uri()}"
    for script in ("s.mjs", "s.cjs"):
        failed = subprocess.run(["node", register, script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert failed.returncode != 0
        assert "Cannot find" in failed.stderr and "@pipedream/platform" in failed.stderr, failed.stderr
    types = subprocess.run(["node", register, "t.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert types.stdout.strip() == "function", types.stderr


def test_the_types_stand_in_has_what_the_published_package_has_at_runtime(tmp_path: Path):
    (tmp_path / "t.cjs").write_text('console.log(JSON.stringify(Object.keys(require("@pipedream/types")).sort()));\n')
    register = f"--import={(NODE_DIR / 'register.mjs').as_uri()}"
    listed = subprocess.run(["node", register, "t.cjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert json.loads(listed.stdout) == ["defineAction", "defineApp", "defineSource"], listed.stderr


# Emits whether the bundle was loaded before the run began, then (maybe) imports the platform.
LOADED_PROBE = """
import { createRequire } from "node:module";
export default {
  async run() {
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((file) => file.endsWith("platform.cjs"));
    %s
    this.$emit({ loaded });
  },
};
"""


async def test_spares_for_inline_code_importing_the_platform_load_it_while_idle(host, invocation):
    importing = LOADED_PROBE % 'await import("@pipedream/platform");'
    not_importing = LOADED_PROBE % ""
    first = await host.invoke(invocation(importing, source_id="dc_learns"))     # the pool learns the shape
    assert first.outcome == "ok", first.error
    for attempt in range(40):                                                 # a spare of that shape starts
        await asyncio.sleep(0.25)
        result = await host.invoke(invocation(importing, source_id=f"dc_next{attempt}"))
        if result.emits[0]["event"]["loaded"]:
            break
    assert result.emits[0]["event"] == {"loaded": True}
    others = await host.invoke(invocation(not_importing, source_id="dc_other"))
    assert others.emits[0]["event"] == {"loaded": False}                     # other shapes never load it


async def test_spares_for_a_component_file_whose_app_imports_the_platform_load_it_while_idle(
        host, write_file, component_file):
    write_file("acme/acme.app.mjs", 'import { axios } from "@pipedream/platform";\nexport default { type: "app", app: "acme" };')
    inv = component_file("acme/sources/s.mjs", LOADED_PROBE % 'await import("../acme.app.mjs");')
    first = await host.invoke(inv)                                            # the pool learns the shape
    assert first.outcome == "ok", first.error
    for attempt in range(40):
        await asyncio.sleep(0.25)
        result = await host.invoke(dataclasses.replace(inv, source_id=f"dc_next{attempt}"))
        if result.emits[0]["event"]["loaded"]:
            break
    assert result.emits[0]["event"] == {"loaded": True}


FILE_STREAM = """
import { getFileStreamAndMetadata } from "@pipedream/platform";
export default {
  props: { base: { type: "string" } },
  async run() {
    const { stream, metadata } = await getFileStreamAndMetadata(`${this.base}/%s`);
    let text = "";
    for await (const chunk of stream) text += chunk;
    this.$emit({ text, size: metadata.size, type: metadata.contentType, name: metadata.name });
  },
};
"""


async def test_get_file_stream_and_metadata_streams_a_remote_file(host, invocation, api_server):
    result = await host.invoke(invocation(FILE_STREAM % "report.json", props={"base": str(api_server.make_url(""))}))
    assert result.outcome == "ok", result.error
    event = result.emits[0]["event"]
    assert (event["size"], event["type"], event["name"]) == (len(event["text"]), "application/json; charset=utf-8",
                                                             "report.json")


async def test_a_remote_file_without_length_goes_through_a_temp_file_in_the_sources_tmp(host, invocation, api_server):
    # As in the cloud: the package downloads such a file into os.tmpdir() first, streams it from
    # there and removes it once read; the sandbox gives every source a writable temp folder for that.
    code = """
    import fs from "node:fs";
    import { getFileStreamAndMetadata } from "@pipedream/platform";
    export default {
      props: { base: { type: "string" } },
      async run() {
        const { stream, metadata } = await getFileStreamAndMetadata(`${this.base}/%s`);
        const during = fs.readdirSync("/tmp");
        let text = "";
        for await (const chunk of stream) text += chunk;
        for (let i = 0; i < 1000 && fs.readdirSync("/tmp").length; i++) await new Promise((done) => setImmediate(done));
        this.$emit({ text, size: metadata.size, name: metadata.name, during, after: fs.readdirSync("/tmp") });
      },
    };
    """
    result = await host.invoke(invocation(code % "chunked.txt", props={"base": str(api_server.make_url(""))}))
    assert result.outcome == "ok", result.error
    event = result.emits[0]["event"]
    assert (event["text"], event["size"], event["name"]) == ("hello world", 11, "chunked.txt")
    assert len(event["during"]) == 1 and event["during"][0].startswith("file-stream-")
    assert event["after"] == []                   # the package removes its temp file once the stream was read


PIPEDREAM_NOTICE = (
    "This software is made available by Pipedream, Inc., under the terms of the Pipedream Source Available "
    "License, Version 1.0 located at https://github.com/PipedreamHQ/pipedream/blob/master/LICENSE. By installing, "
    "downloading, accessing, using or distributing the Software, you agree to the terms of such License Agreement."
)


def test_the_bundle_carries_pipedreams_notice_and_licences_and_only_axios_node_build():
    vendor = NODE_DIR / "vendor"
    bundle = (vendor / "platform.cjs").read_text(encoding="utf-8")
    assert PIPEDREAM_NOTICE in bundle[:2000]
    assert (vendor / "LICENSE-platform.txt").read_text(encoding="utf-8").startswith(
        "Pipedream Source Available License Version 1.0")
    dependencies = (vendor / "LICENSE-platform-dependencies.txt").read_text(encoding="utf-8")
    for package in ("axios@", "fp-ts@", "io-ts@", "mime-types@", "mime-db@", "uuid@", "follow-redirects@", "form-data@"):
        assert f"\n{package}" in dependencies
    assert "// node_modules/axios/dist/node/axios.cjs" in bundle and "axios/dist/browser" not in bundle
    assert PIPEDREAM_NOTICE in Path(__file__).parents[2].joinpath("README.md").read_text(encoding="utf-8").replace(
        "\n", " ")
