"""Every error the API answers: raised where the problem is found, rendered by server.middleware."""
from __future__ import annotations

from typing import Any


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


class MalformedRequest(ApiError):
    """A request aiohttp's HTTP parser refused (server/parse_errors.py says what was wrong)."""
    status, code = 400, "malformed_request"


class RequestLineTooLong(ApiError):
    status, code = 414, "request_line_too_long"


class HeaderFieldsTooLarge(ApiError):
    status, code = 431, "header_fields_too_large"


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
    """A source's deploy/activate/deactivate hook threw: the cloud answers 400 with its message.

    The answer also carries the hook's run: its id (still listed), the stack and the console output."""

    status, code = 400, "hook_failed"

    def __init__(self, message: str, *, code: str | None = None, run: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code)
        self.run = run or {}

    def body(self) -> dict[str, Any]:
        body = super().body()
        if self.run:
            body.update(run_id=self.run.get("id"), source_id=self.run.get("source_id"),
                        stack=(self.run.get("error") or {}).get("stack"), logs=self.run.get("logs", []))
        return body


class AdditionalPropsFailed(HookFailed):
    """A component's additionalProps() threw while a source was deployed, updated or reloaded: 400 naming
    the component, the message and where it was thrown, with the stack and the console output. A kind of
    HookFailed, so a code reload keeps the last good version for it as for a failing activate."""

    code = "additional_props_failed"

    def __init__(self, message: str, *, param: str, component_id: str, error: dict[str, Any],
                 logs: list[dict[str, Any]], location: str | None, run: dict[str, Any] | None = None) -> None:
        super().__init__(message, run={**(run or {}), "error": error, "logs": logs})
        self.param = param
        self.component_id, self.error, self.logs, self.location = component_id, error, logs, location

    def body(self) -> dict[str, Any]:
        """With the run_id and source_id of its run, when it ran for a /v1 source (Connect's has neither)."""
        body = {**ApiError.body(self), "component_id": self.component_id, "location": self.location,
                "stack": self.error.get("stack"), "logs": self.logs}
        if self.run.get("id"):
            body.update(run_id=self.run["id"], source_id=self.run.get("source_id"))
        return body


class ServiceUnavailable(ApiError):
    status, code = 503, "unavailable"
