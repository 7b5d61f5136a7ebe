"""HAR 1.2 cassettes: requests with their responses, recorded redacted and replayed in order.

A request matches an entry by method, URL (scheme, host, port, path; query as a multiset) and, when
either has one, body (JSON compared as data). Identical requests get their responses in recording
order; after the last, the last repeats.
"""
from __future__ import annotations

import base64
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from emulator.version import __version__

from .exchange import NOT_JSON, OutboundRequest, OutboundResponse, parse_json
from .redaction import Redactor

DROPPED_RESPONSE_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}


class CassetteError(ValueError):
    """The cassette file cannot be used (missing in replay, not HAR)."""


def request_key(method: str, url: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and parts.port != default_port else None
    origin = f"{parts.scheme}://{host}{f':{port}' if port else ''}{parts.path or '/'}"
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return method.upper(), origin, query


def _same_body(recorded: bytes, incoming: bytes) -> bool:
    if not recorded and not incoming:
        return True
    left, right = parse_json(recorded), parse_json(incoming)
    if left is not NOT_JSON and right is not NOT_JSON:
        return bool(left == right)
    return recorded == incoming


@dataclass
class _Entry:
    key: tuple[Any, ...]
    body: bytes
    response: OutboundResponse


@dataclass
class Cassette:
    path: Path
    document: dict[str, Any]
    entries: list[_Entry] = field(default_factory=list)
    _played: Counter[tuple[int, ...]] = field(default_factory=Counter)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool) -> Cassette:
        """Reads the HAR file; a missing one is an empty cassette when `create`, else an error."""
        file = Path(path).expanduser().resolve()
        if not file.exists():
            if not create:
                raise CassetteError(f"cassette {file} does not exist (record it first: mode \"record\")")
            return cls(file, _empty_har())
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
            har_entries = document["log"]["entries"]
            entries = [_entry_from_har(entry) for entry in har_entries]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise CassetteError(f"cassette {file} is not a HAR 1.2 file: {error}") from None
        return cls(file, document, entries)

    @classmethod
    def empty(cls, path: str | os.PathLike[str]) -> Cassette:
        """A cassette that starts empty; its first recording replaces whatever the file held."""
        return cls(Path(path).expanduser().resolve(), _empty_har())

    def find(self, request: OutboundRequest, redactor: Redactor) -> OutboundResponse | None:
        """The response recorded for this request (compared as it was recorded: redacted)."""
        key = request_key(request.method, redactor.text(request.url))
        body = redactor.body(request.body)
        same = [index for index, entry in enumerate(self.entries)
                if entry.key == key and _same_body(entry.body, body)]
        if not same:
            return None
        group = tuple(same)
        position = min(self._played[group], len(same) - 1)
        self._played[group] += 1
        return self.entries[same[position]].response

    def rewind(self) -> None:
        self._played.clear()

    def append(self, request: OutboundRequest, response: OutboundResponse, *, started: datetime,
               duration_ms: float, redactor: Redactor) -> None:
        """Adds one exchange, redacted, and writes the file (temp file + rename)."""
        har = _entry_to_har(request, response, started, duration_ms, redactor)
        self.document["log"]["entries"].append(har)
        self.entries.append(_entry_from_har(har))
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".cassette-", dir=self.path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(self.document, out, indent=2, ensure_ascii=False)
        os.replace(temporary, self.path)

    def to_api(self) -> dict[str, Any]:
        return {"path": str(self.path), "entries": len(self.entries)}


def _empty_har() -> dict[str, Any]:
    return {"log": {"version": "1.2", "creator": {"name": "pd-emulator", "version": __version__}, "entries": []}}


def _mime(headers: list[tuple[str, str]]) -> str:
    return next((v for k, v in headers if k.lower() == "content-type"), "")


def _content(body: bytes, headers: list[tuple[str, str]]) -> dict[str, Any]:
    content: dict[str, Any] = {"size": len(body), "mimeType": _mime(headers)}
    try:
        content["text"] = body.decode()
    except UnicodeDecodeError:
        content["text"] = base64.b64encode(body).decode()
        content["encoding"] = "base64"
    return content


def _entry_to_har(request: OutboundRequest, response: OutboundResponse, started: datetime, duration_ms: float,
                  redactor: Redactor) -> dict[str, Any]:
    url = redactor.text(request.url)
    pairs = lambda headers: [{"name": n, "value": v} for n, v in redactor.headers(headers)]  # noqa: E731
    har_request: dict[str, Any] = {
        "method": request.method, "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
        "headers": pairs(request.headers),
        "queryString": [{"name": n, "value": v} for n, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)],
        "headersSize": -1, "bodySize": len(request.body),
    }
    if request.body:
        body = redactor.body(request.body)
        content = _content(body, request.headers)
        har_request["postData"] = {"mimeType": content["mimeType"], "text": content["text"],
                                   **({"encoding": "base64"} if "encoding" in content else {})}
    body = redactor.body(response.body)
    return {
        "startedDateTime": started.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": round(duration_ms, 3), "request": har_request,
        "response": {"status": response.status, "statusText": response.status_text, "httpVersion": "HTTP/1.1",
                     "cookies": [], "headers": pairs(response.headers), "content": _content(body, response.headers),
                     "redirectURL": next((v for k, v in response.headers if k.lower() == "location"), ""),
                     "headersSize": -1, "bodySize": len(body)},
        "cache": {}, "timings": {"send": 0, "wait": round(duration_ms, 3), "receive": 0},
    }


def _decode(text: str, encoding: str | None) -> bytes:
    return base64.b64decode(text) if encoding == "base64" else text.encode()


def _entry_from_har(entry: dict[str, Any]) -> _Entry:
    request, response = entry["request"], entry["response"]
    post = request.get("postData") or {}
    content = response.get("content") or {}
    headers = [(h["name"], h["value"]) for h in response.get("headers", [])
               if h["name"].lower() not in DROPPED_RESPONSE_HEADERS]
    return _Entry(key=request_key(request["method"], request["url"]),
                  body=_decode(post.get("text", ""), post.get("encoding")),
                  response=OutboundResponse(status=int(response["status"]), headers=headers,
                                            body=_decode(content.get("text", ""), content.get("encoding")),
                                            status_text=response.get("statusText", "")))
