"""Calling a running emulator over HTTP: the rules every client shares, and the blocking client.

Every caller (the CLI, the test fixtures, the reliability harness, the benchmarks' set-up) goes
through these rules: `request_headers` (the key as a Bearer token, unless the caller sends its own
Authorization), `encode_body` (`json=` as JSON, a dict `data=` as a form, bytes and text as given),
`decode_body` (JSON when the body parses, text otherwise, None when empty) and `CallRefused`, whose
text names the method, the path, the status and the emulator's JSON error. `EmulatorClient` is the
blocking flavour (stdlib urllib: no aiohttp, so the CLI starts fast); `client/async_http` is the
aiohttp flavour over the same rules.
"""
from __future__ import annotations

import http.client
import json as jsonlib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

from emulator.client.sse import SseMessage, messages_from_lines

DEFAULT_TIMEOUT_S = 60.0
MAX_BODY_IN_MESSAGE = 500          # characters of a non-JSON error body quoted in a message


class CallRefused(Exception):
    """The emulator answered a call with a status outside 2xx."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(refusal_text(method, path, status, body))
        self.method, self.path, self.status, self.body = method, path, status, body

    @property
    def error(self) -> str | None:
        """The emulator's `error` message, when it answered with its JSON error."""
        return self.body.get("error") if isinstance(self.body, dict) else None


class NoAnswer(OSError):
    """The call got no answer: nothing listens at the URL, or the connection broke."""

    def __init__(self, method: str, path: str, base: str, reason: object) -> None:
        super().__init__(f"{method} {path}: no answer from the emulator at {base} ({reason})")
        self.method, self.path, self.base, self.reason = method, path, base, reason


class CallTimedOut(NoAnswer, TimeoutError):
    """The emulator did not answer within the client's timeout."""

    def __init__(self, method: str, path: str, base: str, timeout: float | None) -> None:
        super().__init__(method, path, base, f"no answer within {timeout:g} s" if timeout else "timed out")
        self.timeout = timeout


def request_headers(key: str | None, headers: Mapping[str, str] | None = None,
                    content_type: str | None = None) -> dict[str, str]:
    """The caller's headers, plus `Authorization: Bearer <key>` and the body's Content-Type unless it set them."""
    merged = dict(headers or {})
    present = {name.lower() for name in merged}
    if key and "authorization" not in present:
        merged["Authorization"] = f"Bearer {key}"
    if content_type and "content-type" not in present:
        merged["Content-Type"] = content_type
    return merged


def encode_body(json: Any = None, data: Any = None) -> tuple[bytes | None, str | None]:
    """The request body and its Content-Type: `json=` as JSON, a dict `data=` as a form, bytes/text as given."""
    if json is not None:
        return jsonlib.dumps(json).encode(), "application/json"
    if data is None:
        return None, None
    if isinstance(data, Mapping):
        return urllib.parse.urlencode(data, doseq=True).encode(), "application/x-www-form-urlencoded"
    if isinstance(data, str):
        return data.encode(), "text/plain; charset=utf-8"
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data), "application/octet-stream"
    return data.read(), "application/octet-stream"         # a file-like object


def decode_body(raw: bytes, charset: str | None = None) -> Any:
    """JSON when the body parses as JSON, its text otherwise; None for an empty body."""
    if not raw:
        return None
    try:
        return jsonlib.loads(raw)
    except ValueError:
        return raw.decode(charset or "utf-8", errors="replace")


def refusal_text(method: str, path: str, status: int, body: Any) -> str:
    """`POST /v1/sources answered 400: <the emulator's error> (param: name)`, or the body as it came."""
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        detail = body["error"] + (f" (param: {body['param']})" if body.get("param") else "")
    elif isinstance(body, str):
        detail = body[:MAX_BODY_IN_MESSAGE] or "(empty body)"
    else:
        detail = jsonlib.dumps(body)[:MAX_BODY_IN_MESSAGE] if body is not None else "(empty body)"
    return f"{method} {path} answered {status}: {detail}"


def with_query(url: str, params: Mapping[str, Any] | None) -> str:
    """The URL with `params` (None values left out) appended to any query it has."""
    pairs = {name: value for name, value in (params or {}).items() if value is not None}
    if not pairs:
        return url
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(pairs, doseq=True)


def is_success(status: int) -> bool:
    return 200 <= status < 300


class EmulatorClient:
    """Blocking calls to one emulator with one key: `client.call(method, path, json=…)` → (status, body).

    `ok()` answers the body of a 2xx and raises `CallRefused` otherwise; `stream()` reads an SSE route;
    `open()` gives the response itself.
    A call that cannot reach the emulator raises `NoAnswer`, one that waits longer than `timeout`
    seconds `CallTimedOut`. Proxies from the environment are ignored, as aiohttp does: the emulator
    is local.
    """

    def __init__(self, base: str, key: str | None = None, *, timeout: float | None = DEFAULT_TIMEOUT_S) -> None:
        self.base, self.key, self.timeout = base.rstrip("/"), key, timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method: str, path: str, *, key: str | None = None, json: Any = None, data: Any = None,
             params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
             timeout: float | None = None) -> tuple[int, Any]:
        """One call; any status is answered as (status, decoded body)."""
        with self._send(method, path, key=key, json=json, data=data, params=params, headers=headers,
                        timeout=timeout or self.timeout) as response:
            try:
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:
                raise self._no_answer(method, path, exc, timeout or self.timeout) from exc
            return response.status, decode_body(raw, response.headers.get_content_charset())

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """The body of a 2xx answer; any other status raises `CallRefused`."""
        status, body = self.call(method, path, **kwargs)
        if not is_success(status):
            raise CallRefused(method, path, status, body)
        return body

    def get(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.call("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.call("DELETE", path, **kwargs)

    def stream(self, path: str, *, last_event_id: str | None = None, params: Mapping[str, Any] | None = None,
               key: str | None = None) -> Iterator[SseMessage]:
        """The SSE messages of a stream route as they arrive (no timeout), until the emulator ends it."""
        headers = {"Accept": "text/event-stream", **({"Last-Event-ID": last_event_id} if last_event_id else {})}
        with self._send("GET", path, key=key, params=params, headers=headers, timeout=None) as response:
            status = response.status
            if not is_success(status):
                raise CallRefused("GET", path, status, decode_body(response.read()))
            yield from messages_from_lines(_lines_until_closed(response))

    def close(self) -> None:
        """Nothing to release (each call has its own connection); here for the callers' symmetry."""

    def open(self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any) -> Any:
        """The response itself, whatever its status (`with client.open(…) as response`), for reading headers."""
        return self._send(method, path, timeout=timeout or self.timeout, **kwargs)

    def _send(self, method: str, path: str, *, key: str | None = None, json: Any = None, data: Any = None,
              params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
              timeout: float | None) -> Any:
        """The open response, whatever its status; `timeout=None` waits as long as the emulator takes."""
        body, content_type = encode_body(json, data)
        request = urllib.request.Request(with_query(self.base + path, params), data=body, method=method,
                                         headers=request_headers(key or self.key, headers, content_type))
        try:
            return self._opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as refused:
            return refused                                    # a non-2xx answer: readable like any other
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise self._no_answer(method, path, exc, timeout) from exc

    def _no_answer(self, method: str, path: str, exc: BaseException, timeout: float | None) -> NoAnswer:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            return CallTimedOut(method, path, self.base, timeout)
        return NoAnswer(method, path, self.base, reason)


def _lines_until_closed(response: Any) -> Iterator[bytes]:
    """The response's lines; a server that goes away mid-stream simply ends it."""
    try:
        yield from response
    except (http.client.HTTPException, ConnectionError):
        return
