"""The activity stream: runs, emits, reloads, clock changes and errors, for the console and SSE."""
from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

ACTIVITY_KEPT = 1000


class ActivityBus:
    """Numbered activity records; subscribers get every record after the one they last saw."""

    def __init__(self, audience: Callable[[dict[str, Any]], str | None] | None = None) -> None:
        self.audience = audience           # who may see a record, fixed when it is published
        self._sequence = 0
        self._recent: deque[dict[str, Any]] = deque(maxlen=ACTIVITY_KEPT)
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self.printers: list[Callable[[dict[str, Any]], None]] = []

    def publish(self, kind: str, **data: Any) -> dict[str, Any]:
        self._sequence += 1
        record = {"seq": self._sequence, "kind": kind, **data}
        record["audience"] = self.audience(record) if self.audience else None
        self._recent.append(record)
        for printer in self.printers:
            printer(record)
        for queue in self._queues:
            queue.put_nowait(record)
        return record

    def since(self, seq: int) -> list[dict[str, Any]]:
        return [r for r in self._recent if r["seq"] > seq]

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._queues.discard(queue)
