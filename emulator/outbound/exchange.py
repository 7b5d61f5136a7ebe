"""One outbound request as the host sees it, and the record of how it was answered."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .redaction import Redactor

DETAIL_BODY_BYTES = 64 * 1024
ANSWERED_BY = ("network", "stub", "cassette", "blocked")


@dataclass
class OutboundRequest:
    """What the component sent: method, absolute URL, headers in order, raw body."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes = b""

    @classmethod
    def from_runner(cls, params: dict[str, Any]) -> OutboundRequest:
        body = base64.b64decode(params["body_base64"]) if params.get("body_base64") else b""
        headers = [(str(name), str(value)) for name, value in params.get("headers") or []]
        return cls(method=str(params.get("method") or "GET").upper(), url=str(params.get("url") or ""),
                   headers=headers, body=body)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    @property
    def describe(self) -> str:
        return f"{self.method} {self.url}"

    def json_body(self) -> Any:
        """The body parsed as JSON, or a sentinel `NOT_JSON` when it is not JSON."""
        return parse_json(self.body)

    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)


NOT_JSON = object()


def parse_json(body: bytes) -> Any:
    if not body:
        return NOT_JSON
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return NOT_JSON


@dataclass
class OutboundResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    status_text: str = ""

    def to_runner(self) -> dict[str, Any]:
        return {"status": self.status, "status_text": self.status_text, "headers": [list(h) for h in self.headers],
                "body_base64": base64.b64encode(self.body).decode() if self.body else None}


@dataclass
class Exchange:
    """A request and how it ended: answered (status) or failed (error); what a run lists."""

    request: OutboundRequest
    answered_by: str
    duration_ms: float = 0.0
    response: OutboundResponse | None = None
    error: str | None = None
    error_code: str | None = None
    stub_id: str | None = None
    redactor: Redactor = field(default_factory=Redactor)

    def to_runner(self) -> dict[str, Any]:
        """The answer the Node side turns into a response or a network error."""
        if self.response is None:
            return {"error": {"message": self.error or f"{self.request.describe} failed",
                              "code": self.error_code or "ECONNREFUSED"}}
        return self.response.to_runner()

    def summary(self) -> dict[str, Any]:
        """What a list shows: method, URL, status, time, who answered (and why it failed)."""
        redact = self.redactor
        entry: dict[str, Any] = {
            "method": self.request.method, "url": redact.text(self.request.url),
            "status": self.response.status if self.response else None,
            "duration_ms": round(self.duration_ms, 3), "answered_by": self.answered_by,
        }
        if self.stub_id:
            entry["stub_id"] = self.stub_id
        if self.error:
            entry["error"] = redact.text(self.error)
        return entry

    def to_api(self) -> dict[str, Any]:
        """The summary and the detail: headers and bodies, secrets redacted, bodies cut at 64 KB."""
        redact = self.redactor
        entry = self.summary()
        entry["request"] = {"headers": redact.headers(self.request.headers),
                            **_detail_body(redact.body(self.request.body))}
        if self.response is not None:
            entry["response"] = {"headers": redact.headers(self.response.headers),
                                 **_detail_body(redact.body(self.response.body))}
        return entry


def _detail_body(body: bytes) -> dict[str, Any]:
    cut = body[:DETAIL_BODY_BYTES]
    try:
        text, encoding = cut.decode(), None
    except UnicodeDecodeError:
        if len(body) > DETAIL_BODY_BYTES:    # a multi-byte character cut in half
            text, encoding = cut.decode(errors="ignore"), None
        else:
            text, encoding = base64.b64encode(cut).decode(), "base64"
    detail: dict[str, Any] = {"body": text, "body_size": len(body)}
    if encoding:
        detail["body_encoding"] = encoding
    if len(body) > DETAIL_BODY_BYTES:
        detail["body_truncated"] = True
    return detail
