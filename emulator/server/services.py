"""Everything one emulator owns, built once per application and reached through one AppKey."""
from __future__ import annotations

import asyncio
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from emulator.runtime.activity_audience import record_audience
from emulator.runtime.activity_bus import ActivityBus
from emulator.timing.clock import Clock
from emulator.config import Config
from emulator.server.faults import FaultInjector
from emulator.domain.ids import IdFactory
from emulator.domain.models import User
from emulator.runtime.invocation import Runtime
from emulator.sandbox.host import SandboxHost, SandboxLimits
from emulator.timing.scheduler import Scheduler
from emulator.runtime.lifecycle import SourceLifecycle
from emulator.domain.store import Store
from emulator.runtime.webhook_delivery import WebhookDelivery


@dataclass
class Services:
    config: Config
    ids: IdFactory
    clock: Clock
    store: Store
    bus: ActivityBus
    scheduler: Scheduler
    sandbox: SandboxHost
    webhooks: WebhookDelivery
    runtime: Runtime
    lifecycle: SourceLifecycle
    faults: FaultInjector
    folders: list[Path]
    api_key: str = ""                    # the emulator's own key: kept through a full reset
    started_wall_s: float = 0.0
    reloads: list[dict[str, Any]] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)       # 500s answered: a bug, surfaced in tests
    streams: set[asyncio.Task[Any]] = field(default_factory=set)     # open SSE responses, ended at shutdown
    closing: bool = False                                             # shutting down: no new streams


    def is_owner(self, user: User) -> bool:
        """The emulator's own key (the banner's): emulator-wide powers, any file:// component_url."""
        return bool(self.api_key) and user.api_key == self.api_key


SERVICES = web.AppKey("services", Services)


def services_of(request: web.Request) -> Services:
    return request.app[SERVICES]


def build_services(config: Config) -> Services:
    ids = IdFactory(config.seed)
    clock = Clock(config.clock_mode, config.speed, config.start_ms)
    store = Store(ids, clock.now_ms)
    bus = ActivityBus(audience=partial(record_audience, store))
    runtime_ref: dict[str, Runtime] = {}
    sandbox = SandboxHost(SandboxLimits(timeout_s=config.run_timeout_s, memory_mb=config.memory_mb),
                          on_respond=lambda source_id, response: runtime_ref["runtime"].on_respond(source_id, response))
    webhooks = WebhookDelivery()
    folders = config.folder_paths()

    async def fire(source_id: str, timer_event: dict[str, Any]) -> dict[str, Any]:
        source = store.sources.get(source_id)
        if source is None or not source.active:
            return {"outcome": "skipped", "emitted": 0}
        record = await runtime_ref["runtime"].invoke(source, "run", timer_event, trigger="timer")
        return {"outcome": record.outcome, "emitted": len(record.emitted), "run_id": record.id}

    scheduler = Scheduler(clock, fire)
    runtime = Runtime(store, clock, sandbox, scheduler, bus, webhooks, ids, folders=[str(f) for f in folders],
                      endpoint_origins=config.endpoint_origins)
    runtime_ref["runtime"] = runtime
    lifecycle = SourceLifecycle(store, runtime, folders)
    services = Services(config=config, ids=ids, clock=clock, store=store, bus=bus, scheduler=scheduler,
                        sandbox=sandbox, webhooks=webhooks, runtime=runtime, lifecycle=lifecycle,
                        faults=FaultInjector(), folders=folders)
    lifecycle.is_owner = services.is_owner
    return services
