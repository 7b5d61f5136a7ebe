"""Source timers: which timer drives a source, starting and stopping it, and what a fire runs."""
from __future__ import annotations

from typing import Any

from emulator.domain.models import Component, Source
from emulator.domain.store import Store
from emulator.props.prop_types import driving_timer
from emulator.runtime.invocation import SCHEDULED_CHANNEL, Runtime
from emulator.timing.scheduler import Scheduler


class SourceTimers:
    """Keeps the scheduler in step with the sources; the scheduler fires `fire`."""

    def __init__(self, store: Store, runtime: Runtime, scheduler: Scheduler) -> None:
        self.store, self.runtime, self.scheduler = store, runtime, scheduler

    def start(self, source: Source, component: Component) -> None:
        """After a deploy or an update: the driving timer starts now (a new anchor), or none runs."""
        timer = driving_timer(source.configurable(component), source.configured_props)
        if source.active and timer:
            source.timer_anchor_ms = self.runtime.clock.now_ms()
            self.store.changed()
            self.scheduler.set_timer(source.id, timer, anchor_ms=source.timer_anchor_ms)
        else:
            self.scheduler.remove_timer(source.id)

    def stop(self, source_id: str) -> None:
        self.scheduler.remove_timer(source_id)

    def resume_all(self) -> None:
        """After a start or a state import: every active source's timer keeps its anchor, and pending
        delayed deliveries are scheduled again (no hooks run)."""
        for source in self.store.sources.values():
            for waiting in self.store.events.newest_first(source.id, SCHEDULED_CHANNEL):
                self.runtime.schedule_delivery(source.id, waiting)
            component = self.store.components.get(source.component_id)
            if component is None or not source.active:
                continue
            timer = driving_timer(source.configurable(component), source.configured_props)
            if timer:
                self.scheduler.set_timer(source.id, timer, anchor_ms=source.timer_anchor_ms)

    async def fire(self, source_id: str, timer_event: dict[str, Any]) -> dict[str, Any]:
        """One timer fire: a `run` of the source, unless it was deleted or deactivated meanwhile."""
        source = self.store.sources.get(source_id)
        if source is None or not source.active:
            return {"outcome": "skipped", "emitted": 0}
        record = await self.runtime.invoke(source, "run", timer_event, trigger="timer")
        return {"outcome": record.outcome, "emitted": len(record.emitted), "run_id": record.id}
