"""How a companion command reaches a running emulator: where it is, and its errors as one line with a hint.

The URL and key come from `--url`/`--api-key`, then `PD_EMULATOR_URL`/`PD_EMULATOR_API_KEY`, then
the `.pd-emulator.json` that `serve` leaves in its folder. Every failure becomes a CompanionError
with a hint, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.client.http import CallRefused, EmulatorClient, NoAnswer
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
    """The companion commands' calls (`client/http`'s blocking client); every failure becomes a CompanionError."""

    def __init__(self, connection: Connection, timeout: float = 60.0) -> None:
        self.connection, self.timeout = connection, timeout
        self.http = EmulatorClient(connection.url, connection.api_key, timeout=timeout)

    def call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        try:
            return self.http.ok(method, path, json=body, params=query)
        except CallRefused as refused:
            raise self._refusal(refused) from None
        except NoAnswer as exc:
            raise self._unreachable(exc) from None

    def stream(self, path: str, last_event_id: str | None = None) -> Iterator[dict[str, Any]]:
        """Each SSE message's `data` as JSON, until the emulator ends the stream."""
        try:
            for message in self.http.stream(path, last_event_id=last_event_id):
                yield message.json()
        except CallRefused as refused:
            raise self._refusal(refused) from None
        except NoAnswer as exc:
            raise self._unreachable(exc) from None

    def _unreachable(self, exc: NoAnswer) -> CompanionError:
        return CompanionError(f"cannot reach the emulator at {self.connection.url} ({exc.reason})",
                              f"start it with `pd-emulator serve` in this folder, or pass --url / set "
                              f"PD_EMULATOR_URL (the URL came from {self.connection.origin})")

    def _refusal(self, refused: CallRefused) -> CompanionError:
        body, status = refused.body, refused.status
        message = refused.error or (body if isinstance(body, str) and body else None) or \
            (json.dumps(body) if body is not None else f"HTTP {status}")
        if status == 401:
            return CompanionError(f"the emulator refused the API key: {message}",
                                  "pass --api-key or set PD_EMULATOR_API_KEY (`pd-emulator serve` prints the key)")
        hint = LIST_HINT if status == 404 and "source" in message else None
        if isinstance(body, dict) and body.get("param"):
            hint = hint or f"check the value given for {body['param']}"
        return CompanionError(f"{message} (HTTP {status} on {refused.path})", hint)
