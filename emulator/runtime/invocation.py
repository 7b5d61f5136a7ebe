"""One invocation end to end: sandbox call, db, dedupe, event storage, then fan-out to listeners."""
from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

from emulator.domain.db_limits import DB_BYTES_PER_SOURCE, DbSizes, run_copy, small_changes
from emulator.domain.dedupe import dedupe_key, select_emits
from emulator.domain.event_log import CHANNELS_PER_SOURCE
from emulator.domain.ids import IdFactory, parse_event_id
from emulator.domain.models import Component, Event, Source
from emulator.domain.run_log import RunLog, RunRecord
from emulator.domain.store import Store
from emulator.domain.text import clean_text
from emulator.outbound.oauth_signer import signer_uri
from emulator.outbound.redaction import secret_values
from emulator.outbound.run_errors import with_unanswered_requests
from emulator.props import prop_types
from emulator.runtime.activity_bus import ActivityBus
from emulator.runtime.configured_props import run_value
from emulator.runtime.http_responses import PendingResponses
from emulator.runtime.webhook_delivery import WebhookDelivery
from emulator.sandbox import heap_freeze
from emulator.sandbox.host import Invocation, InvocationResult, SandboxHost
from emulator.sandbox.read_roots import component_read_roots
from emulator.timing.clock import Clock
from emulator.timing.scheduler import Scheduler

MAX_CHAIN_DEPTH = 16
PACE_S = 0.003               # longest stretch of emit processing between two turns of the loop
SCHEDULED_CHANNEL = "$in"
ERRORS_CHANNEL = "$errors"
FAILED_DEPLOYS_KEPT = 200


class Runtime:
    """Runs sources and routes what they emit; the only caller of the sandbox."""

    def __init__(self, store: Store, clock: Clock, sandbox: SandboxHost, scheduler: Scheduler,
                 bus: ActivityBus, webhooks: WebhookDelivery, ids: IdFactory, *, folders: list[str],
                 responses: PendingResponses | None = None, endpoint_origins: bool = False) -> None:
        self.store, self.clock, self.sandbox, self.scheduler = store, clock, sandbox, scheduler
        self.bus, self.webhooks, self.ids = bus, webhooks, ids
        self.folders = folders
        self.base_url = ""                 # set once the server knows its address
        self.endpoint_origins = endpoint_origins
        self.runs = RunLog()
        self.db_sizes = DbSizes()
        self._locks: dict[str, asyncio.Lock] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self.responses = responses or PendingResponses()      # the sandbox answers them (on_respond)
        self.failed_deploys: dict[str, str] = {}     # source id → user id, for the runs of a failed create

    # invocation ----------------------------------------------------------------------------------
    async def invoke(self, source: Source, method: str, event: Any = None, *, trigger: str = "control",
                     depth: int = 0, respond: asyncio.Future[dict[str, Any]] | None = None) -> RunRecord:
        """Run one method of a source; emitted events are stored and delivered before this returns.

        `respond` receives `this.http.respond(...)` the moment the source calls it.
        """
        async with self._lock(source.id):
            record = RunRecord(id=self.ids.new("run_"), source_id=source.id, method=method, trigger=trigger,
                               started_at_ms=self.clock.now_ms(), event=event,
                               db_before=run_copy(source.db, self.db_sizes.total(source.id, source.db)))
            if self.store.sources.get(source.id) is not source:
                record.outcome = "skipped"          # deleted (or replaced by a state import) while queued
                return record
            component = self.store.components[source.component_id]
            if respond is not None:
                self.responses.expect(source.id, respond)
            try:
                try:
                    result = await self.sandbox.invoke(self._invocation(source, component, method, event))
                finally:
                    self.responses.forget(source.id)
                await self._apply(source, component, record, result)
                del result
            finally:
                heap_freeze.release(source.id)
        await self._fan_out(source, record, depth)
        return record

    def record_call(self, source: Source, method: str, result: InvocationResult) -> RunRecord:
        """A call made for a source outside its runs (additionalProps() at a deploy, update or reload),
        listed with its runs so its console output and requests are seen; it changes no db, emits nothing."""
        record = RunRecord(id=self.ids.new("run_"), source_id=source.id, method=method, trigger="configure",
                           started_at_ms=self.clock.now_ms(), outcome=result.outcome, logs=result.logs,
                           error=_reported_error(result), duration_ms=result.duration_ms, requests=result.requests)
        record.db_before = record.db_after = run_copy(source.db, self.db_sizes.total(source.id, source.db))
        self.store.record_usage(source.user_id, result.duration_ms)
        self.runs.add(record)
        # its user, named: at a deploy the source is not in the store yet, so the audience cannot be looked up
        self.bus.publish("run", run=_run_summary(record), user_id=source.user_id)
        return record

    def _invocation(self, source: Source, component: Component, method: str, event: Any) -> Invocation:
        return Invocation(source_id=source.id, method=method, code=component.code,
                          path=component.run_path or component.path,
                          props=self.sandbox_props(source, component), db=dict(source.db), event=event,
                          now_ms=self.clock.now_ms(), clock_speed=self.clock.run_speed,
                          env={"PD_COMPONENT": source.id}, read_roots=component_read_roots(component.path, self.folders),
                          secrets=sorted(self.secret_values(source, component)),
                          prop_definitions=source.configurable_props or [])

    def secret_values(self, source: Source, component: Component) -> set[str]:
        """What never reaches a record or a cassette: `$auth` strings and the values of `secret` props."""
        secret_props = [str(p.get("name")) for p in source.configurable(component) if p.get("secret")]
        return secret_values(self.sandbox_props(source, component), secret_props)

    async def warm_up(self, components: list[Component]) -> None:
        """Have Node processes ready for these components' sources before the first is deployed."""
        for component in components:
            await self.sandbox.prepare(Invocation(source_id="", method="run", code=component.code,
                                                  path=component.path, props={}, db={},
                                                  read_roots=component_read_roots(component.path, self.folders)))

    def sandbox_props(self, source: Source, component: Component) -> dict[str, Any]:
        """What `this.<prop>` is inside the run: app credentials, the endpoint, the timer, the values."""
        declared = {p.get("name"): p for p in source.configurable(component)}
        props: dict[str, Any] = {}
        for name, value in source.configured_props.items():
            kind = (declared.get(name) or {}).get("type")
            if kind == prop_types.APP and isinstance(value, dict):
                account = self.store.accounts.get(value.get("authProvisionId", ""))
                auth = dict(account.auth) if account else {}
                if account is not None and "oauth_consumer_key" in auth:
                    auth.setdefault("oauth_signer_uri", signer_uri(account.id))
                props[name] = {"$auth": auth}
            elif kind == prop_types.HTTP:
                props[name] = {"endpoint": self.endpoint_url(source)}
            elif kind == prop_types.DB:
                continue
            else:
                props[name] = run_value(declared.get(name), value)
        return props

    def endpoint_url(self, source: Source) -> str | None:
        """`<base>/http/<id>` (every client resolves it), or the endpoint's own origin when configured."""
        if not source.endpoint_id:
            return None
        if self.endpoint_origins:
            return self.endpoint_origin_url(source)
        return f"{self.base_url}/http/{source.endpoint_id}"

    def endpoint_origin_url(self, source: Source) -> str | None:
        """`http://<id>.localhost:<port>`: the endpoint's own origin, as `<id>.m.pipedream.net` in the cloud."""
        if not source.endpoint_id:
            return None
        base = urlsplit(self.base_url)
        port = f":{base.port}" if base.port else ""
        return f"{base.scheme or 'http'}://{source.endpoint_id}.localhost{port}"

    async def _apply(self, source: Source, component: Component, record: RunRecord,
                     result: InvocationResult) -> None:
        record.outcome, record.error, record.logs = result.outcome, _reported_error(result), result.logs
        record.duration_ms, record.http_response = result.duration_ms, result.http_response
        record.requests = result.requests
        self.store.record_usage(source.user_id, result.duration_ms)
        if result.outcome == "ok":
            self._db_within_limit(source, record, result)
        if record.outcome == "ok":
            self.db_sizes.remember(source.id, source.db, result.db, set(result.db_changes))
            source.db = result.db
            record.db_changes = small_changes(result.db_changes)
            await self._deliver_emits(source, component, record, result.emits)
        else:
            self._append(source, ERRORS_CHANNEL, {"error": record.error, "original_event": record.event},
                         {"summary": (record.error or {}).get("message", record.outcome)}, record)
        record.db_after = run_copy(source.db, self.db_sizes.total(source.id, source.db))
        self.store.changed()
        self.runs.add(record)
        self.bus.publish("run", run=_run_summary(record))

    def _db_within_limit(self, source: Source, record: RunRecord, result: InvocationResult) -> None:
        """A run that would leave the db over its limit fails whole: no db change, no emit kept."""
        size = self.db_sizes.total_after(source.id, source.db, result.db, set(result.db_changes))
        if size > DB_BYTES_PER_SOURCE:
            record.outcome = "error"
            record.error = {"name": "DbLimitError", "stack": "",
                            "message": f"this.db of source {source.id} would hold {size} bytes, over the "
                                       f"{DB_BYTES_PER_SOURCE // (1024 * 1024)} MB limit per source: "
                                       "the run's db changes and emits were not kept"}

    async def _deliver_emits(self, source: Source, component: Component, record: RunRecord,
                             emits: list[dict[str, Any]]) -> None:
        """Store each emit in order, yielding to the loop every few ms: a run emitting 100,000
        events must not hold up other clients' requests."""
        pace = LoopPacer()
        ordered = await _delivery_order(emits, pace)
        keys = []
        for emit in ordered:
            await pace()
            keys.append(dedupe_key((emit.get("metadata") or {}).get("id")))
        flags = select_emits(component.dedupe, keys, source.dedupe_state)
        now = self.clock.now_ms()
        for emit, key, keep in zip(ordered, keys, flags):
            await pace()
            meta = emit.get("metadata") or {}
            if not keep:
                reason = (f"no metadata id, so the '{component.dedupe}' dedupe strategy drops it"
                          if key is None else f"id {key} already emitted ('{component.dedupe}' dedupe)")
                record.dropped.append({"id": key, "reason": reason})
                self.bus.publish("dropped", source_id=source.id, run_id=record.id, id=key, reason=reason)
                continue
            channel = meta.get("name") or ""
            if not self.store.events.accepts_channel(source.id, str(channel)):
                reason = (f"channel {str(channel)[:80]!r} would be channel {CHANNELS_PER_SOURCE + 1} of source "
                          f"{source.id}; at most {CHANNELS_PER_SOURCE} channels per source")
                record.dropped.append({"id": key, "reason": reason})
                self.bus.publish("dropped", source_id=source.id, run_id=record.id, id=key, reason=reason)
                continue
            delivery_ts = meta.get("delivery_ts")
            if isinstance(delivery_ts, (int, float)) and delivery_ts > now:
                self._schedule(source, emit, int(delivery_ts), record)
            else:
                self._append(source, meta.get("name") or "", emit.get("event"), meta, record)

    def _append(self, source: Source, channel: str, event: Any, meta: dict[str, Any], record: RunRecord) -> Event:
        now = self.clock.now_ms()
        ts = meta.get("ts")
        metadata = {"emitter_id": source.id, "emit_id": self.ids.emit_id(now),
                    "id": dedupe_key(meta.get("id")), "name": channel,
                    "summary": clean_text(str(meta.get("summary") or "")),
                    "ts": int(ts) if isinstance(ts, (int, float)) and not isinstance(ts, bool) else now}
        stored = self.store.events.append(source.id, channel, event, metadata, now)
        if channel != ERRORS_CHANNEL:
            record.emitted.append(stored.id)
        self.bus.publish("emit", source_id=source.id, run_id=record.id, event_id=stored.id, channel=channel,
                         summary=metadata["summary"])
        return stored

    def _schedule(self, source: Source, emit: dict[str, Any], delivery_ts: int, record: RunRecord) -> None:
        meta = dict(emit.get("metadata") or {})
        meta["deliver_to"] = meta.get("name") or ""
        waiting = self._append(source, SCHEDULED_CHANNEL, emit.get("event"), meta, record)
        waiting.metadata["delivery_ts"] = delivery_ts
        waiting.metadata["deliver_to"] = meta["deliver_to"]
        record.emitted.remove(waiting.id)
        record.scheduled.append(waiting.id)
        self.schedule_delivery(source.id, waiting)

    def schedule_delivery(self, source_id: str, waiting: Event) -> None:
        """Deliver a `$in` event when the clock reaches its `delivery_ts` (also after a restart)."""
        self.scheduler.call_at(int(waiting.metadata.get("delivery_ts") or 0), f"{source_id}/{waiting.id}",
                               lambda: self.deliver_scheduled(source_id, waiting.id))

    async def deliver_scheduled(self, source_id: str, event_id: str) -> None:
        """A `delivery_ts` came due: move the event from `$in` to its channel (unless deleted meanwhile)."""
        source = self.store.sources.get(source_id)
        waiting = self.store.events.get(source_id, SCHEDULED_CHANNEL, event_id) if source else None
        if source is None or waiting is None:
            return
        position = parse_event_id(event_id)
        self.store.events.delete_range(source_id, SCHEDULED_CHANNEL, position, position)
        record = RunRecord(id=self.ids.new("run_"), source_id=source_id, method="deliver", trigger="schedule",
                           started_at_ms=self.clock.now_ms(), outcome="ok")
        meta = {k: v for k, v in waiting.metadata.items() if k not in ("delivery_ts", "deliver_to", "name")}
        self._append(source, waiting.metadata.get("deliver_to") or "", waiting.event, meta, record)
        await self._fan_out(source, record, 0)

    # fan-out ------------------------------------------------------------------------------------
    async def _fan_out(self, source: Source, record: RunRecord, depth: int) -> None:
        retained = self.store.events.by_id(source.id) if record.emitted else {}
        pace = LoopPacer()
        for event_id in list(record.emitted):
            await pace()
            event = retained.get(event_id)
            if event is None:
                continue
            for listener_id in self.store.listeners_of(source, event.channel):
                await self._deliver_to(listener_id, event, source, depth)

    async def _deliver_to(self, listener_id: str, event: Event, emitter: Source, depth: int) -> None:
        hook = self.store.webhooks.get(listener_id)
        if hook is not None:
            self.webhooks.deliver(hook, event)
            return
        listener = self.store.sources.get(listener_id)
        if listener is None or not listener.active:
            return
        if depth + 1 > MAX_CHAIN_DEPTH:
            self.bus.publish("error", source_id=listener_id,
                             message=f"subscription chain deeper than {MAX_CHAIN_DEPTH} stopped at "
                                     f"{emitter.id} → {listener_id} (event {event.id})")
            return
        await self.invoke(listener, "run", event.event, trigger="subscription", depth=depth + 1)

    # housekeeping -------------------------------------------------------------------------------
    def _lock(self, source_id: str) -> asyncio.Lock:
        return self._locks.setdefault(source_id, asyncio.Lock())

    def keep_runs_of_failed_deploy(self, source: Source) -> None:
        """A source whose deploy failed is gone, but its runs stay readable by its owner."""
        self._locks.pop(source.id, None)
        self.failed_deploys[source.id] = source.user_id
        while len(self.failed_deploys) > FAILED_DEPLOYS_KEPT:
            del self.failed_deploys[next(iter(self.failed_deploys))]

    def run_owner(self, source_id: str) -> str | None:
        """The user whose source made these runs: a live source's, or a failed deploy's."""
        source = self.store.sources.get(source_id)
        return source.user_id if source is not None else self.failed_deploys.get(source_id)

    def forget(self, source_id: str) -> None:
        self._locks.pop(source_id, None)
        self.db_sizes.forget(source_id)
        if source_id not in self.failed_deploys:
            self.runs.forget_source(source_id)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run background work (an HTTP-triggered run) that must not be lost or leak at shutdown."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def idle(self) -> None:
        """Wait for every background run (HTTP-triggered ones) to finish; tests use this."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)


class LoopPacer:
    """Awaited once per item of a long loop: lets the event loop run after every PACE_S of work.

    It yields for two turns: a request that arrived meanwhile is read in the first and its
    handler, started there, runs its first step in the second, before the long loop goes on."""

    def __init__(self) -> None:
        self._since = time.perf_counter()

    async def __call__(self) -> None:
        if time.perf_counter() - self._since >= PACE_S:
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            self._since = time.perf_counter()


async def _delivery_order(emits: list[dict[str, Any]], pace: LoopPacer) -> list[dict[str, Any]]:
    """Oldest first by `ts` when every emit has one (as the cloud documents), else call order."""
    stamps = []
    for emit in emits:
        await pace()
        ts = (emit.get("metadata") or {}).get("ts")
        if not isinstance(ts, (int, float)) or isinstance(ts, bool):
            return list(emits)
        stamps.append(ts)
    order = sorted(range(len(emits)), key=stamps.__getitem__)     # stable, like sorting the emits
    return [emits[i] for i in order]


def _reported_error(result: InvocationResult) -> dict[str, Any] | None:
    """The call's error as a record shows it: naming the request it could not make, text cleaned."""
    if not result.error:
        return None
    error = with_unanswered_requests(result.error, result.requests) if result.outcome != "ok" else result.error
    return {k: clean_text(v) if isinstance(v, str) else v for k, v in error.items()}


def _run_summary(record: RunRecord) -> dict[str, Any]:
    return {"id": record.id, "source_id": record.source_id, "method": record.method, "trigger": record.trigger,
            "outcome": record.outcome, "duration_ms": round(record.duration_ms, 1),
            "emitted": len(record.emitted), "dropped": len(record.dropped),
            "error": (record.error or {}).get("message"), "started_at_ms": record.started_at_ms,
            "logs": len(record.logs), "requests": len(record.requests),
            "blocked": sum(1 for r in record.requests if r.get("answered_by") == "blocked")}

