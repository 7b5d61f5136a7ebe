"""The one middleware that renders every error the API answers as JSON, aiohttp's own included."""
from __future__ import annotations

import logging
import re
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from emulator.errors import ApiError
from emulator.server.parse_errors import describe_parse_error

log = logging.getLogger("emulator")


def error_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(body, status=status, headers=headers)


INTERNAL_ERRORS: web.AppKey[list[str]] = web.AppKey("internal_errors", list)
MAX_BODY_BYTES: web.AppKey[int] = web.AppKey("max_body_bytes", int)
_AIOHTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


@web.middleware
async def error_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Render ApiError and aiohttp's own HTTP errors as JSON; log and hide anything unexpected."""
    limit = request.app.get(MAX_BODY_BYTES)
    if limit is not None and (request.content_length or 0) > limit:
        return _declared_too_large(request, limit)
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.body())
    except (web.RequestPayloadError, HttpProcessingError) as exc:
        if not isinstance(exc, web.RequestPayloadError) and request.content.exception() is None:
            return _internal_error(request, exc)        # not this request's body: a parser of ours failed
        # The body broke off mid-way: bad chunked encoding, a Content-Encoding it does not decode as.
        error = describe_parse_error(exc)
        response = error_response(error.status, error.body())
        response.force_close()
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = _describe_http_exception(request, exc)
        code = _AIOHTTP_CODES.get(exc.status, "http_error")
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        return error_response(exc.status, {"error": message, "code": code}, headers)
    except ConnectionResetError as exc:
        if request.transport is not None and not request.transport.is_closing():
            return _internal_error(request, exc)
        # The client left while its body was read: nobody to answer, and no bug of ours.
        log.debug("client left during %s %s", request.method, request.path)
        return error_response(400, {"error": "the client closed the connection before its request was read",
                                    "code": "client_closed"})
    except Exception as exc:
        return _internal_error(request, exc)


def _declared_too_large(request: web.Request, limit: int) -> web.Response:
    """A Content-Length over the limit is refused before any of the body is read (aiohttp would read up
    to the limit first); the connection closes, since the unread body would follow."""
    response = error_response(413, {"error": _too_large_text(request, str(limit)), "code": "payload_too_large",
                                    "param": "Content-Length"})
    response.force_close()
    return response


def _too_large_text(request: web.Request, limit: str | None) -> str:
    return f"request body too large for {request.path}" + (f" (max {limit} bytes)" if limit else "")


def _internal_error(request: web.Request, exc: Exception) -> web.Response:
    log.exception("internal error on %s %s", request.method, request.path, exc_info=exc)
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
        limit = re.search(r"size (\d+)", exc.text or "")
        return _too_large_text(request, limit[1] if limit else None)
    return exc.reason or f"HTTP {exc.status}"
