"""HTTP endpoints of sources: any method on `/http/{endpoint_id}[/sub/path]` runs the source.

Each endpoint also has its own origin, as in the cloud: requests whose Host is
`{endpoint_id}.localhost` (browsers resolve every `*.localhost` to this machine) or
`{endpoint_id}.m.pipedream.net` are routed here whatever their path. On the `/http/…` path the
answer shares the dashboard's origin, so it gets `Content-Security-Policy: sandbox` (its page runs
in an opaque origin) and loses any `Set-Cookie`.

Differences from the cloud: the `/http/…` path exists only here (API clients and components that
cannot resolve `*.localhost` use it); no auth is ever asked, as in the cloud.

The event's `client_ip` is the address the request came from, as the cloud's edge gives it. Every
header, `x-forwarded-for` included, is in `event.headers` unchanged. A request that reaches the
emulator through a local proxy or tunnel (ngrok, cloudflared: the peer is a loopback address) has
`client_ip` the sender the proxy saw, the last address of `X-Forwarded-For`: sources that accept
only their app's addresses (Linear's) work behind one. From any other peer the header is not trusted.
"""
from __future__ import annotations

import asyncio
import base64
import functools
import ipaddress
import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from emulator.domain.json_depth import loads_bounded
from emulator.errors import ApiError, NotFound
from emulator.props import prop_types
from emulator.server.services import services_of

routes = web.RouteTableDef()
ENDPOINT_HOST_SUFFIXES = (".m.pipedream.net", ".localhost")
SHARED_ORIGIN_HEADERS = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}
DEFAULT_BODY = ('<p><b>Success!</b></p><p>To customize this response, check out our docs '
                '<a href="https://pipedream.com/docs/workflows/steps/triggers/#customizing-the-http-response">'
                'here</a></p>')
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "*",
        "Access-Control-Allow-Headers": "*"}


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class EndpointUnused(ApiError):
    status, code = 404, "not_found"


@routes.route("*", "/http/{endpoint_id}")
@routes.route("*", "/http/{endpoint_id}/{tail:.*}")
async def http_endpoint(request: web.Request) -> web.StreamResponse:
    response = await handle_endpoint_request(request, request.match_info["endpoint_id"],
                                             "/" + request.match_info.get("tail", ""))
    return on_shared_origin(response)


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


def on_shared_origin(response: web.StreamResponse) -> web.StreamResponse:
    """A source's answer served on the dashboard's origin may neither script it nor set its cookies."""
    response.headers.popall("Set-Cookie", None)
    response.headers.update(SHARED_ORIGIN_HEADERS)
    return response


def endpoint_host(request: web.Request) -> str | None:
    """The endpoint id when the request's Host is an endpoint's own origin (`<id>.localhost`, …)."""
    return _endpoint_of_host(request.headers.get("Host", ""))


@functools.lru_cache(maxsize=256)        # every request asks; a client sends the same few Hosts
def _endpoint_of_host(header: str) -> str | None:
    host = header.rpartition(":")[0] if ":" in header and not header.endswith("]") else header
    host = host.strip().lower().rstrip(".")
    for suffix in ENDPOINT_HOST_SUFFIXES:
        label = host[: -len(suffix)] if host.endswith(suffix) else ""
        if label and "." not in label:
            return label
    return None


async def _answer(request: web.Request, endpoint_id: str, source_path: str) -> web.StreamResponse:
    services = services_of(request)
    source = services.store.source_by_endpoint(endpoint_id)
    if source is None:
        raise NotFound("endpoint", endpoint_id)
    component = services.store.components[source.component_id]
    if not prop_types.has_prop_of_type(source.configurable(component), prop_types.HTTP):
        # Anyone may call an endpoint: the answer names no source.
        raise EndpointUnused(f"endpoint {endpoint_id} is not in use: its source's code declares no "
                             "$.interface.http prop now (the endpoint comes back with one)")
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
    custom = any(p.get("type") == prop_types.HTTP and p.get("customResponse")
                 for p in source.configurable(component))
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
            "client_ip": client_ip(request)}


def client_ip(request: web.Request) -> str:
    """The peer's address; from a loopback peer (a local proxy or tunnel), the last of X-Forwarded-For."""
    peer = request.remote or ""
    forwarded = request.headers.getall("X-Forwarded-For", [])
    if not forwarded or not _is_loopback(peer):
        return peer
    last = ",".join(forwarded).split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return peer


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _parse_body(content_type: str, text: str) -> Any:
    if not text:
        return None if content_type else ""
    if "json" in content_type or text.lstrip()[:1] in "{[":
        try:
            return loads_bounded(text, "body")
        except json.JSONDecodeError:
            pass
    if content_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    return text


def custom_response(response: dict[str, Any]) -> web.Response:
    headers = {str(k): str(v) for k, v in (response.get("headers") or {}).items()
               if not (str(k).lower() == "set-cookie" and "domain=" in str(v).lower())}
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
