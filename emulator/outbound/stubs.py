"""Stubs: canned answers for outbound requests, matched by method, URL pattern, query and body.

The most recently added matching stub answers; one with `times` left at 0 no longer matches.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlsplit

from .exchange import NOT_JSON, OutboundRequest, OutboundResponse


class StubError(ValueError):
    """A stub definition is wrong; `field` names the offending field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Stub:
    id: str
    url: str
    method: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    has_json: bool = False
    body: str | None = None
    times: int | None = None
    source_id: str | None = None
    delay_ms: int = 0
    request_json: dict[str, Any] | None = None
    request_text: str | None = None
    origin: str | None = None            # the *.stubs.json file it came from, if any
    calls: int = 0
    _pattern: re.Pattern[str] | None = None
    _query: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts = without_default_port(urlsplit(self.url))
        base = parts._replace(query="", fragment="").geturl()
        self._pattern = url_pattern(base)
        self._query = parse_qsl(parts.query, keep_blank_values=True)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.calls >= self.times

    def matches(self, request: OutboundRequest, source_id: str | None) -> bool:
        if self.exhausted or (self.source_id and self.source_id != source_id):
            return False
        if self.method and self.method != request.method:
            return False
        parts = without_default_port(urlsplit(request.url))
        assert self._pattern is not None
        if not self._pattern.fullmatch(parts._replace(query="", fragment="").geturl()):
            return False
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(pair not in query for pair in self._query):
            return False
        if self.request_json is not None:
            body = request.json_body()
            if body is NOT_JSON or not contains(body, self.request_json):
                return False
        return self.request_text is None or self.request_text.encode() in request.body

    def response(self) -> OutboundResponse:
        headers = dict(self.headers)
        if self.has_json:
            payload = json.dumps(self.json_body).encode()
            if not any(name.lower() == "content-type" for name in headers):
                headers["Content-Type"] = "application/json"
        else:
            payload = (self.body or "").encode()
        return OutboundResponse(status=self.status, headers=list(headers.items()), body=payload)

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "method": self.method, "url": self.url, "status": self.status,
                                "headers": self.headers, "times": self.times, "source_id": self.source_id,
                                "delay_ms": self.delay_ms, "calls": self.calls}
        if self.has_json:
            data["json"] = self.json_body
        else:
            data["body"] = self.body
        if self.request_json is not None:
            data["request_json"] = self.request_json
        if self.request_text is not None:
            data["request_text"] = self.request_text
        if self.origin:
            data["file"] = self.origin
        return data


def without_default_port(parts: SplitResult) -> SplitResult:
    """`https://host:443/x` is `https://host/x`: a stub written either way matches both."""
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if default is not None and parts.netloc.endswith(f":{default}"):
        return parts._replace(netloc=parts.netloc[: -len(f":{default}")])
    return parts


def url_pattern(pattern: str) -> re.Pattern[str]:
    """`*` matches within one path segment, `**` any rest; everything else literally."""
    regex = "".join(
        "[^/?#]*" if part == "*" else ".*" if part == "**" else re.escape(part)
        for part in re.split(r"(\*\*|\*)", pattern)
    )
    return re.compile(regex)


def contains(actual: Any, expected: Any) -> bool:
    """`expected` is a subset of `actual`: objects by key (recursively), anything else equal as data."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v) for k, v in expected.items())
    return (actual == expected and type(actual) is type(expected)) or _same_number(actual, expected)


def _same_number(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool)
            and not isinstance(b, bool) and a == b)


FIELDS = {"method", "url", "status", "headers", "json", "body", "times", "source_id", "delay_ms",
          "request_json", "request_text"}


def parse_stub(data: Any, stub_id: str, *, origin: str | None = None, where: str = "") -> Stub:
    """A Stub from its JSON form; raises StubError naming the field (prefixed by `where`)."""
    def fail(name: str, message: str) -> StubError:
        return StubError(f"{where}{name}: {message}", f"{where}{name}")
    if not isinstance(data, dict):
        raise StubError(f"{where or 'stub'} must be a JSON object", where.rstrip(".") or "body")
    for name in data:
        if name not in FIELDS:
            raise fail(name, f"unknown field (known: {', '.join(sorted(FIELDS))})")
    url = data.get("url")
    if not isinstance(url, str) or not re.match(r"^https?://[^/]+", url):
        raise fail("url", "is required: an absolute http(s) URL, optionally with * or ** wildcards")
    method = data.get("method")
    if method is not None and (not isinstance(method, str) or not re.fullmatch(r"[A-Za-z]+", method)):
        raise fail("method", "must be an HTTP method such as GET or POST")
    status = data.get("status", 200)
    if not _is_int(status) or not 200 <= status <= 599:
        raise fail("status", "must be an integer from 200 to 599")
    headers = data.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise fail("headers", "must be an object of string values")
    if "json" in data and "body" in data:
        raise fail("body", "give either json or body, not both")
    body = data.get("body")
    if body is not None and not isinstance(body, str):
        raise fail("body", "must be a string (use json for structured data)")
    times = data.get("times")
    if times is not None and (not _is_int(times) or times < 1):
        raise fail("times", "must be a positive integer (leave it out for unlimited)")
    source_id = data.get("source_id")
    if source_id is not None and not isinstance(source_id, str):
        raise fail("source_id", "must be a source id string")
    delay_ms = data.get("delay_ms", 0)
    if not _is_int(delay_ms) or not 0 <= delay_ms <= 60_000:
        raise fail("delay_ms", "must be an integer from 0 to 60000")
    request_json = data.get("request_json")
    if request_json is not None and not isinstance(request_json, dict):
        raise fail("request_json", "must be an object (the keys a request's JSON body must contain)")
    request_text = data.get("request_text")
    if request_text is not None and not isinstance(request_text, str):
        raise fail("request_text", "must be a string")
    return Stub(id=stub_id, url=url, method=method.upper() if method else None, status=status, headers=headers,
                json_body=data.get("json"), has_json="json" in data, body=body, times=times, source_id=source_id,
                delay_ms=delay_ms, request_json=request_json, request_text=request_text, origin=origin)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class StubRegistry:
    """The emulator's stubs, newest last; stubs from files are replaced per file on reload."""

    def __init__(self) -> None:
        self._stubs: list[Stub] = []

    def add(self, stub: Stub) -> Stub:
        self._stubs.append(stub)
        return stub

    def all(self) -> list[Stub]:
        return list(self._stubs)

    def get(self, stub_id: str) -> Stub | None:
        return next((s for s in self._stubs if s.id == stub_id), None)

    def remove(self, stub_id: str) -> bool:
        before = len(self._stubs)
        self._stubs = [s for s in self._stubs if s.id != stub_id]
        return len(self._stubs) != before

    def clear(self) -> None:
        """Removes the stubs added through the API or the plugin; those from files stay until the file goes."""
        self._stubs = [s for s in self._stubs if s.origin]

    def replace_file(self, origin: str, stubs: list[Stub]) -> None:
        """The stubs of one file now are `stubs` (an empty list when the file is gone)."""
        self._stubs = [s for s in self._stubs if s.origin != origin] + stubs

    def match(self, request: OutboundRequest, source_id: str | None) -> Stub | None:
        """The newest stub matching the request, its `calls` counted; None when none does."""
        for stub in reversed(self._stubs):
            if stub.matches(request, source_id):
                stub.calls += 1
                return stub
        return None
