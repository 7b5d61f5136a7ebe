"""How a companion command reaches a running emulator: where it is, and a small urllib client.

The URL and key come from `--url`/`--api-key`, then `PD_EMULATOR_URL`/`PD_EMULATOR_API_KEY`, then
the `.pd-emulator.json` that `serve` leaves in its folder. Every failure becomes a CompanionError
with a hint, never a traceback.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.client.sse import messages_from_lines
from emulator.config import DEFAULT_PORT

LIST_HINT = "`pd-emulator list` shows your sources' ids and names"
CONNECTION_FILE = ".pd-emulator.json"     # what `serve` leaves for the companion commands


class CompanionError(Exception):
    """A failure to report as one line with a hint; never a traceback."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Connection:
    url: str
    api_key: str | None
    origin: str                  # where the settings came from, for hints


def resolve_connection(args: argparse.Namespace, cwd: Path | None = None) -> Connection:
    saved: dict[str, Any] = {}
    path = (cwd or Path.cwd()) / CONNECTION_FILE
    if path.is_file():
        try:
            saved = json.loads(path.read_text())
        except (OSError, ValueError):
            saved = {}
    url = args.url or os.environ.get("PD_EMULATOR_URL") or saved.get("url") or f"http://127.0.0.1:{DEFAULT_PORT}"
    key = args.api_key or os.environ.get("PD_EMULATOR_API_KEY") or saved.get("api_key")
    origin = ("--url" if args.url else "PD_EMULATOR_URL" if os.environ.get("PD_EMULATOR_URL")
              else str(path) if saved.get("url") else "the default")
    return Connection(url.rstrip("/"), key, origin)


class Client:
    """Synchronous JSON calls and SSE reads over urllib; every failure becomes a CompanionError."""

    def __init__(self, connection: Connection, timeout: float = 60.0) -> None:
        self.connection, self.timeout = connection, timeout

    def call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        with self._open(method, path, body, query, self.timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw.strip() else None

    def stream(self, path: str, last_event_id: str | None = None) -> Iterator[dict[str, Any]]:
        """Each SSE message's `data` as JSON, until the emulator ends the stream."""
        headers = {"Accept": "text/event-stream", **({"Last-Event-ID": last_event_id} if last_event_id else {})}
        with self._open("GET", path, None, None, None, headers) as response:
            for message in messages_from_lines(_lines_until_closed(response)):
                yield message.json()

    def _open(self, method: str, path: str, body: Any, query: dict[str, Any] | None, timeout: float | None,
              headers: dict[str, str] | None = None) -> Any:
        url = self.connection.url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", **(headers or {})})
        if self.connection.api_key:
            request.add_header("Authorization", f"Bearer {self.connection.api_key}")
        try:
            return urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            with exc:
                raise self._http_error(exc.code, exc.read(), path) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CompanionError(f"cannot reach the emulator at {self.connection.url} ({reason})",
                                 f"start it with `pd-emulator serve` in this folder, or pass --url / set "
                                 f"PD_EMULATOR_URL (the URL came from {self.connection.origin})") from None

    def _http_error(self, status: int, raw: bytes, path: str) -> CompanionError:
        try:
            body = json.loads(raw)
            message = body.get("error") or raw.decode()
        except (ValueError, AttributeError):
            body, message = {}, raw.decode(errors="replace") or f"HTTP {status}"
        if status == 401:
            return CompanionError(f"the emulator refused the API key: {message}",
                                  "pass --api-key or set PD_EMULATOR_API_KEY (`pd-emulator serve` prints the key)")
        hint = LIST_HINT if status == 404 and "source" in message else None
        if body.get("param"):
            hint = hint or f"check the value given for {body['param']}"
        return CompanionError(f"{message} (HTTP {status} on {path})", hint)


def _lines_until_closed(response: Any) -> Iterator[bytes]:
    """The response's lines; a server that goes away mid-stream simply ends it."""
    try:
        yield from response
    except (http.client.HTTPException, ConnectionError):
        return
