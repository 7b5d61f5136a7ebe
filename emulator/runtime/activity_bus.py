"""The activity stream: runs, emits, reloads, clock changes and errors, for the console and SSE."""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger("emulator")
ACTIVITY_KEPT = 1000
SUBSCRIBER_QUEUE_MAX = 1000           # records waiting for one slow reader before it is dropped
OVERFLOW = {"seq": -1, "kind": "$overflow"}   # the last item a dropped reader gets: end the stream


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
            try:
                printer(record)
            except Exception:            # a broken console must not break the run that published
                log.exception("printing activity record %s failed", record["kind"])
        for queue in list(self._queues):
            try:
                queue.put_nowait(record)
            except asyncio.QueueFull:
                self._drop(queue)
        return record

    def _drop(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """A reader that fell SUBSCRIBER_QUEUE_MAX records behind: free its backlog and tell it to stop."""
        self._queues.discard(queue)
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(OVERFLOW)

    def since(self, seq: int) -> list[dict[str, Any]]:
        return [r for r in self._recent if r["seq"] > seq]

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)

    def subscribe(self, maxsize: int = SUBSCRIBER_QUEUE_MAX) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._queues.discard(queue)
