"""The one middleware that renders every error the API answers as JSON, aiohttp's own included."""
from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from emulator.errors import ApiError

log = logging.getLogger("emulator")


def error_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(body, status=status, headers=headers)


INTERNAL_ERRORS: web.AppKey[list[str]] = web.AppKey("internal_errors", list)
_AIOHTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


@web.middleware
async def error_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Render ApiError and aiohttp's own HTTP errors as JSON; log and hide anything unexpected."""
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.body())
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = _describe_http_exception(request, exc)
        code = _AIOHTTP_CODES.get(exc.status, "http_error")
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        return error_response(exc.status, {"error": message, "code": code}, headers)
    except Exception as exc:
        log.exception("internal error on %s %s", request.method, request.path)
        sink = request.app.get(INTERNAL_ERRORS)
        if sink is not None:
            sink.append(f"{request.method} {request.path}: {type(exc).__name__}: {exc}")
        return error_response(500, {"error": f"internal error in the emulator on {request.method} {request.path}",
                                    "code": "internal"})


def _describe_http_exception(request: web.Request, exc: web.HTTPException) -> str:
    if exc.status == 404:
        return f"no route {request.method} {request.path}"
    if exc.status == 405:
        return f"method {request.method} not allowed on {request.path}"
    if exc.status == 413:
        return f"request body too large for {request.path}"
    return exc.reason or f"HTTP {exc.status}"
