"""HTTP endpoints of sources: any method on `/http/{endpoint_id}[/sub/path]` runs the source.

Differences from the cloud: requests whose Host is `{endpoint_id}.m.pipedream.net` are routed here
too (for clients that keep cloud URLs behind a proxy); no auth is ever asked, as in the cloud.
"""
from __future__ import annotations

import asyncio
import base64
import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from emulator.errors import ApiError, NotFound
from emulator.props import prop_types
from emulator.server.services import services_of

routes = web.RouteTableDef()
CLOUD_HOST_SUFFIX = ".m.pipedream.net"
DEFAULT_BODY = ('<p><b>Success!</b></p><p>To customize this response, check out our docs '
                '<a href="https://pipedream.com/docs/workflows/steps/triggers/#customizing-the-http-response">'
                'here</a></p>')
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "*",
        "Access-Control-Allow-Headers": "*"}


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


@routes.route("*", "/http/{endpoint_id}")
@routes.route("*", "/http/{endpoint_id}/{tail:.*}")
async def http_endpoint(request: web.Request) -> web.StreamResponse:
    return await handle_endpoint_request(request, request.match_info["endpoint_id"],
                                         "/" + request.match_info.get("tail", ""))


async def handle_endpoint_request(request: web.Request, endpoint_id: str,
                                  source_path: str | None = None) -> web.StreamResponse:
    """Answer the request and say so on the console: one line per HTTP request to a source."""
    services = services_of(request)
    try:
        response = await _answer(request, endpoint_id, source_path or request.path)
    except ApiError as exc:
        services.bus.publish("http", method=request.method, path=request.path, status=exc.status,
                             endpoint_id=endpoint_id)
        raise
    services.bus.publish("http", method=request.method, path=request.path, status=response.status,
                         endpoint_id=endpoint_id)
    return response


def cloud_host_endpoint(request: web.Request) -> str | None:
    host = (request.host or "").split(":")[0].lower()
    return host[: -len(CLOUD_HOST_SUFFIX)] if host.endswith(CLOUD_HOST_SUFFIX) else None


async def _answer(request: web.Request, endpoint_id: str, source_path: str) -> web.StreamResponse:
    services = services_of(request)
    source = services.store.source_by_endpoint(endpoint_id)
    if source is None:
        raise NotFound("endpoint", endpoint_id)
    if request.method == "OPTIONS":
        return web.Response(status=200, headers=CORS)
    limit = services.config.http_max_body_bytes
    if request.content_length and request.content_length > limit:
        raise PayloadTooLarge(f"request body over {limit // 1024} KB for endpoint {endpoint_id}")
    raw = await _read_limited(request, limit, endpoint_id)
    if not source.active:
        return web.Response(status=200, text=f"source {source.id} is inactive: the event was not processed\n",
                            headers=CORS)
    event = http_event(request, raw, source_path)
    component = services.store.components[source.component_id]
    custom = any(p.get("type") == prop_types.HTTP and p.get("customResponse")
                 for p in component.configurable_props)
    runtime = services.runtime
    if not custom:
        runtime.spawn(runtime.invoke(source, "run", event, trigger="http"))
        return web.Response(status=200, text=DEFAULT_BODY, content_type="text/html", headers=CORS)
    responded: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    run = runtime.spawn(runtime.invoke(source, "run", event, trigger="http", respond=responded))
    await asyncio.wait({responded, run}, return_when=asyncio.FIRST_COMPLETED)
    if responded.done():
        return custom_response(responded.result())
    record = run.result()
    if record.outcome != "ok":
        message = (record.error or {}).get("message") or record.outcome
        return web.Response(status=400, text=f"source {source.id} failed: {message}\n")
    if record.http_response:
        return custom_response(record.http_response)
    return web.Response(status=400, text=f"source {source.id} ended without calling this.http.respond()\n")


async def _read_limited(request: web.Request, limit: int, endpoint_id: str) -> bytes:
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body over {limit // 1024} KB for endpoint {endpoint_id}")
        chunks.append(chunk)
    return b"".join(chunks)


def http_event(request: web.Request, raw: bytes, path: str) -> dict[str, Any]:
    """`path` is the part after the endpoint (`/orders/7`), as the cloud's `{id}.m.pipedream.net` host gives it."""
    body_raw = raw.decode("utf-8", errors="replace")
    return {"method": request.method, "path": path, "query": dict(request.query),
            "headers": {k.lower(): v for k, v in request.headers.items()}, "bodyRaw": body_raw,
            "body": _parse_body(request.content_type, body_raw), "url": str(request.url),
            "client_ip": request.remote or ""}


def _parse_body(content_type: str, text: str) -> Any:
    if not text:
        return None if content_type else ""
    if "json" in content_type or text.lstrip()[:1] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
    if content_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    return text


def custom_response(response: dict[str, Any]) -> web.Response:
    headers = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
    body = response.get("body")
    if response.get("body_base64") or response.get("bodyIsBase64"):
        data = base64.b64decode(body or "")
    elif body is None:
        data = b""
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    return web.Response(status=int(response.get("status") or 200), body=data, headers=headers)
