"""POSTs of emitted events to webhook listeners: retried with backoff, never blocking anything else."""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

import aiohttp

from emulator.domain.models import Event, Webhook

log = logging.getLogger("emulator")
MAX_ATTEMPTS = 5
FIRST_BACKOFF_S = 0.2
FAILURES_KEPT = 200


class WebhookDelivery:
    def __init__(self, *, max_attempts: int = MAX_ATTEMPTS, first_backoff_s: float = FIRST_BACKOFF_S) -> None:
        self.max_attempts = max_attempts
        self.first_backoff_s = first_backoff_s
        self.failures: deque[dict[str, Any]] = deque(maxlen=FAILURES_KEPT)
        self.delivered = 0
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session:
            await self._session.close()

    def deliver(self, hook: Webhook, event: Event) -> None:
        """POST the emitted event itself (the cloud delivers events "directly"); its id and channel in headers."""
        task = asyncio.ensure_future(self._deliver(hook, event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every delivery under way has succeeded or given up (tests use this)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver(self, hook: Webhook, event: Event) -> None:
        assert self._session is not None
        problem = ""
        headers = {"X-PD-Event-Id": event.id, "X-PD-Emitter-Id": event.source_id,
                   "X-PD-Event-Name": event.channel}
        for attempt in range(1, self.max_attempts + 1):
            try:
                async with self._session.post(hook.url, json=event.event, headers=headers) as response:
                    if 200 <= response.status < 300:
                        self.delivered += 1
                        return
                    problem = f"HTTP {response.status}"
            except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if attempt < self.max_attempts:
                await asyncio.sleep(self.first_backoff_s * 2 ** (attempt - 1))
        log.warning("webhook %s gave up after %d attempts: %s", hook.id, self.max_attempts, problem)
        self.failures.append({"webhook_id": hook.id, "url": hook.url, "event_id": event.id,
                              "attempts": self.max_attempts, "error": problem})
