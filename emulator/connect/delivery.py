"""Signed POSTs of deployed triggers' events to their webhooks and the project's default webhook.

Per webhook one queue, so events arrive in emit order; each event gets up to 5 attempts, and the
outcome moves the webhook's delivery state (happy → penalty → life_support → deactivated).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from emulator.domain.connect_models import TriggerWebhook
from emulator.domain.connect_state import ConnectState
from emulator.domain.models import Event
from emulator.domain.run_log import RunLog

log = logging.getLogger("emulator")
MAX_ATTEMPTS = 5
FIRST_BACKOFF_S = 0.2
ATTEMPT_TIMEOUT_S = 10
PENALTY, LIFE_SUPPORT, DEACTIVATED = 1, 5, 10
FAILURES_KEPT = 200


@dataclass(frozen=True)
class Delivery:
    emitter_id: str
    event_id: str
    body: bytes


def signature(signing_key: str, timestamp: str, body: bytes) -> str:
    """`v1=<hex HMAC-SHA256 over "<timestamp>.<raw body>">` (the emulator's scheme; the cloud's is undocumented)."""
    digest = hmac.new(signing_key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


class ConnectDelivery:
    def __init__(self, connect: ConnectState, *, first_backoff_s: float = FIRST_BACKOFF_S,
                 publish: Callable[..., Any] | None = None, runs: RunLog | None = None) -> None:
        self.connect = connect
        self.runs = runs
        self.publish = publish or (lambda kind, **data: None)      # the activity bus: console and dashboard
        self.first_backoff_s = first_backoff_s
        self.quiet: set[str] = set()                  # emitter ids whose events are not delivered (emit_on_deploy)
        self.failures: deque[dict[str, Any]] = deque(maxlen=FAILURES_KEPT)
        self._queues: dict[str, asyncio.Queue[Delivery]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._session: aiohttp.ClientSession | None = None
        connect.on_webhook_removed.append(self.forget)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=ATTEMPT_TIMEOUT_S))

    async def close(self) -> None:
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._workers.clear()
        if self._session:
            await self._session.close()
            self._session = None

    async def idle(self) -> None:
        """Until every queued delivery succeeded or gave up (tests use this)."""
        for queue in list(self._queues.values()):
            await queue.join()

    def on_event(self, event: Event) -> None:
        """EventLog listener: queue a stored event of a deployed trigger for each of its webhooks."""
        trigger = self.connect.triggers.get(event.source_id)
        if self._session is None or trigger is None or event.channel != "" or event.source_id in self.quiet:
            return
        if trigger.workflow_ids:
            asyncio.get_running_loop().call_soon(self._note_workflows, trigger.id, event.id, list(trigger.workflow_ids))
        body = json.dumps(event.event, separators=(",", ":")).encode()
        hooks = self.connect.webhooks_of(trigger)
        default = self.connect.default_webhook(trigger.project_id, trigger.environment)
        for hook in hooks + ([default] if default else []):
            self._queue(hook.id).put_nowait(Delivery(trigger.id, event.id, body))

    def _note_workflows(self, trigger_id: str, event_id: str, workflow_ids: list[str]) -> None:
        """The run that emitted the event says where it did not go (the run is logged once it ends)."""
        record = next((r for r in (self.runs.of_source(trigger_id, 10) if self.runs else []) if event_id in r.emitted),
                      None)
        for workflow_id in workflow_ids:
            message = f"event {event_id} not delivered to workflow {workflow_id} (no workflows in the emulator)"
            if record is not None:
                record.logs.append({"level": "info", "message": message, "ts": self.connect.now_ms()})

    def forget(self, webhook_id: str) -> None:
        self._queues.pop(webhook_id, None)
        task = self._workers.pop(webhook_id, None)
        if task is not None:
            task.cancel()

    def _queue(self, webhook_id: str) -> asyncio.Queue[Delivery]:
        if webhook_id not in self._queues:
            self._queues[webhook_id] = asyncio.Queue()
            self._workers[webhook_id] = asyncio.ensure_future(self._work(webhook_id, self._queues[webhook_id]))
        return self._queues[webhook_id]

    async def _work(self, webhook_id: str, queue: asyncio.Queue[Delivery]) -> None:
        while True:
            delivery = await queue.get()
            try:
                hook = self.connect.webhooks.get(webhook_id)
                if hook is not None:
                    await self._deliver(hook, delivery)
            except Exception:
                log.exception("delivery to webhook %s failed unexpectedly", webhook_id)
            finally:
                queue.task_done()

    async def _deliver(self, hook: TriggerWebhook, delivery: Delivery) -> None:
        if not hook.active:
            hook.delivery_state["sheds"] += 1
            self.connect.changed()
            return
        problem = ""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            problem = await self._attempt(hook, delivery, attempt)
            if not problem:
                self._succeeded(hook)
                return
            if attempt < MAX_ATTEMPTS:
                await asyncio.sleep(self.first_backoff_s * 2 ** (attempt - 1))
        self._failed(hook, delivery, problem)

    async def _attempt(self, hook: TriggerWebhook, delivery: Delivery, attempt: int) -> str:
        """'' on a 2xx, else what went wrong."""
        assert self._session is not None
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-PD-Emitter-Id": delivery.emitter_id,
                   "X-PD-Event-Id": delivery.event_id, "X-PD-Webhook-Id": hook.id,
                   "X-PD-Delivery-Attempt": str(attempt), "X-PD-Timestamp": timestamp,
                   "X-PD-Signature": signature(hook.signing_key, timestamp, delivery.body)}
        try:
            async with self._session.post(hook.url, data=delivery.body, headers=headers) as response:
                return "" if 200 <= response.status < 300 else f"HTTP {response.status}"
        except aiohttp.ClientConnectorError:
            return "connection refused"
        except TimeoutError:
            return f"timed out after {ATTEMPT_TIMEOUT_S} s"
        except (aiohttp.ClientError, ValueError) as exc:
            return f"{type(exc).__name__}: {exc}"

    def _succeeded(self, hook: TriggerWebhook) -> None:
        state = hook.delivery_state
        if state["state"] != "happy" or state["consecutive_failures"]:
            state.update(state="happy", since=self.connect.now_s(), consecutive_failures=0)
            self.connect.changed()
            self.publish("connect_delivery", webhook_id=hook.id, url=hook.url, state="happy", error=None)

    def _failed(self, hook: TriggerWebhook, delivery: Delivery, problem: str) -> None:
        state = hook.delivery_state
        failures = state["consecutive_failures"] + 1
        level = ("deactivated" if failures >= DEACTIVATED else "life_support" if failures >= LIFE_SUPPORT
                 else "penalty")
        if level != state["state"]:
            state["since"] = self.connect.now_s()
        state.update(state=level, consecutive_failures=failures, last_error=problem)
        if level == "deactivated":
            hook.active = False
        self.connect.changed()
        self.publish("connect_delivery", webhook_id=hook.id, url=hook.url, state=level, error=problem,
                     event_id=delivery.event_id, emitter_id=delivery.emitter_id)
        self.failures.append({"webhook_id": hook.id, "url": hook.url, "event_id": delivery.event_id,
                              "emitter_id": delivery.emitter_id, "attempts": MAX_ATTEMPTS, "error": problem})


class Notifier:
    """One-shot POSTs (Connect tokens' `webhook_uri`): best effort, in the background, never blocking."""

    def __init__(self, delivery: ConnectDelivery) -> None:
        self.delivery = delivery
        self._tasks: set[asyncio.Task[None]] = set()

    def post(self, url: str, payload: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self._post(url, payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, url: str, payload: dict[str, Any]) -> None:
        session = self.delivery._session
        if session is None:
            return
        try:
            async with session.post(url, json=payload) as response:
                log.info("connect webhook_uri %s answered %s", url, response.status)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            log.warning("connect webhook_uri %s failed: %s", url, exc)
