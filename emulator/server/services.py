"""The composition root: every part of one emulator, built once in dependency order, reached through one AppKey."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from aiohttp import web

from emulator.config import Config
from emulator.devserver.reloader import FolderReloader
from emulator.domain.ids import IdFactory
from emulator.domain.models import User
from emulator.domain.store import Store
from emulator.runtime.activity_audience import record_audience
from emulator.runtime.activity_bus import ActivityBus
from emulator.runtime.control_plane import ControlPlane
from emulator.runtime.http_responses import PendingResponses
from emulator.runtime.invocation import Runtime
from emulator.runtime.lifecycle import SourceLifecycle
from emulator.runtime.timers import SourceTimers
from emulator.runtime.webhook_delivery import WebhookDelivery
from emulator.sandbox.host import SandboxHost, SandboxLimits
from emulator.server.faults import FaultInjector
from emulator.timing.clock import Clock
from emulator.timing.scheduler import Scheduler


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
    timers: SourceTimers
    lifecycle: SourceLifecycle
    control: ControlPlane
    reloader: FolderReloader
    faults: FaultInjector
    folders: list[Path]
    started_wall_s: float = 0.0          # monotonic time of the start, for the health check's uptime

    def is_owner(self, user: User) -> bool:
        """The emulator's own key (the banner's): emulator-wide powers, any file:// component_url."""
        return bool(self.control.api_key) and user.api_key == self.control.api_key


SERVICES = web.AppKey("services", Services)


def services_of(request: web.Request) -> Services:
    return request.app[SERVICES]


def build_services(config: Config) -> Services:
    """Each part is built once its collaborators exist; the one loop (the runtime runs timers, the
    scheduler fires the runtime) is closed by handing the scheduler its fire callback last."""
    ids = IdFactory(config.seed)
    clock = Clock(config.clock_mode, config.speed, config.start_ms)
    store = Store(ids, clock.now_ms)
    bus = ActivityBus(audience=partial(record_audience, store))
    folders = config.folder_paths()
    responses = PendingResponses()
    sandbox = SandboxHost(SandboxLimits(timeout_s=config.run_timeout_s, memory_mb=config.memory_mb),
                          on_respond=responses.answer)
    scheduler = Scheduler(clock)
    webhooks = WebhookDelivery()
    runtime = Runtime(store, clock, sandbox, scheduler, bus, webhooks, ids, folders=[str(f) for f in folders],
                      responses=responses, endpoint_origins=config.endpoint_origins)
    timers = SourceTimers(store, runtime, scheduler)
    scheduler.fire_with(timers.fire)
    lifecycle = SourceLifecycle(store, runtime, timers, folders)
    control = ControlPlane(store, runtime, lifecycle, timers, bus)
    reloader = FolderReloader(store, lifecycle, bus, clock, folders)
    services = Services(config=config, ids=ids, clock=clock, store=store, bus=bus, scheduler=scheduler,
                        sandbox=sandbox, webhooks=webhooks, runtime=runtime, timers=timers, lifecycle=lifecycle,
                        control=control, reloader=reloader, faults=FaultInjector(), folders=folders)
    lifecycle.is_owner = services.is_owner
    return services
