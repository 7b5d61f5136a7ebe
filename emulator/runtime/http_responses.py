"""HTTP requests to sources waiting for `this.http.respond(...)`: the runtime registers them, the sandbox answers."""
from __future__ import annotations

import asyncio
from typing import Any


class PendingResponses:
    """One waiting response per source at a time (runs of a source are serialised)."""

    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def expect(self, source_id: str, future: asyncio.Future[dict[str, Any]]) -> None:
        self._waiting[source_id] = future

    def forget(self, source_id: str) -> None:
        self._waiting.pop(source_id, None)

    def answer(self, source_id: str, response: dict[str, Any]) -> None:
        """The sandbox saw `this.http.respond(...)`: answer the waiting HTTP request now."""
        waiter = self._waiting.get(source_id)
        if waiter is not None and not waiter.done():
            waiter.set_result(response)
