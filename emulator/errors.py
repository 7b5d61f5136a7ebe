"""Every error the API answers, and the one middleware that renders them as JSON."""
from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

log = logging.getLogger("emulator")


class ApiError(Exception):
    """An error the caller caused (or, for 5xx, one we did); rendered as `{"error", "code", ...}`."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, param: str | None = None,
                 details: list[dict[str, Any]] | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.details = details
        if code:
            self.code = code

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message, "code": self.code}
        if self.param is not None:
            body["param"] = self.param
        if self.details:
            body["details"] = self.details
        return body


class BadRequest(ApiError):
    status, code = 400, "invalid_param"


class InvalidJson(ApiError):
    status, code = 400, "invalid_json"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"

    def __init__(self, kind: str, ident: str | None = None) -> None:
        super().__init__(f"{kind} {ident} not found" if ident else f"{kind} not found")


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class Unprocessable(ApiError):
    status, code = 422, "unprocessable"


class HookFailed(ApiError):
    """A source's deploy/activate/deactivate hook threw: the cloud answers 400 with its message."""

    status, code = 400, "hook_failed"


class ServiceUnavailable(ApiError):
    status, code = 503, "unavailable"


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
