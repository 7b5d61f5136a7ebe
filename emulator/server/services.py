"""The composition root: every part of one emulator, built once in dependency order, reached through one AppKey."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web

from emulator.config import Config
from emulator.devserver.reloader import FolderReloader
from emulator.domain.ids import IdFactory
from emulator.domain.models import User
from emulator.domain.store import Store
from emulator.outbound.control import OutboundHttp
from emulator.outbound.exchange import Exchange
from emulator.outbound.runner_bridge import answer_runner_request
from emulator.outbound.stub_files import load_stub_file
from emulator.runtime.activity_audience import record_audience
from emulator.runtime.activity_bus import ActivityBus
from emulator.runtime.control_plane import ControlPlane
from emulator.runtime.http_responses import PendingResponses
from emulator.runtime.invocation import Runtime
from emulator.runtime.lifecycle import SourceLifecycle
from emulator.runtime.timers import SourceTimers
from emulator.runtime.webhook_delivery import WebhookDelivery
from emulator.sandbox.containment import emulator_files
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
    outbound: OutboundHttp
    folders: list[Path]
    started_wall_s: float = 0.0          # monotonic time of the start, for the health check's uptime
    saver: Any = None                    # the --state StateSaver, while the app runs with one

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

    def sandbox_trouble(source_id: str, message: str) -> None:
        bus.publish("error", source_id=source_id, message=message)

    folders = config.folder_paths()
    responses = PendingResponses()
    outbound = build_outbound(config, ids, store, bus)

    async def on_http(invocation: Any, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        return await answer_runner_request(outbound, invocation, params)

    sandbox = SandboxHost(SandboxLimits(timeout_s=config.run_timeout_s, memory_mb=config.memory_mb,
                                         tmp_mb=config.tmp_mb),
                          denied=emulator_files(state_file=config.state_file, connection_folder=os.getcwd()),
                          on_trouble=sandbox_trouble, on_respond=responses.answer, on_http=on_http,
                          intercept_http=config.http_interception, spares=config.node_spares)
    scheduler = Scheduler(clock)
    webhooks = WebhookDelivery()
    runtime = Runtime(store, clock, sandbox, scheduler, bus, webhooks, ids, folders=[str(f) for f in folders],
                      responses=responses, endpoint_origins=config.endpoint_origins)
    timers = SourceTimers(store, runtime, scheduler)
    scheduler.fire_with(timers.fire)
    lifecycle = SourceLifecycle(store, runtime, timers, folders, follow_files=config.watch)
    control = ControlPlane(store, runtime, lifecycle, timers, bus)
    control.on_reset.append(outbound.reset)
    reloader = FolderReloader(store, lifecycle, bus, clock, folders,
                              load_stub_file=lambda path: load_stub_file(outbound.stubs, path, ids.new))
    services = Services(config=config, ids=ids, clock=clock, store=store, bus=bus, scheduler=scheduler,
                        sandbox=sandbox, webhooks=webhooks, runtime=runtime, timers=timers, lifecycle=lifecycle,
                        control=control, reloader=reloader, faults=FaultInjector(), outbound=outbound,
                        folders=folders)
    lifecycle.is_owner = services.is_owner
    return services


def build_outbound(config: Config, ids: IdFactory, store: Store, bus: ActivityBus) -> OutboundHttp:
    """The components' outbound HTTP: its mode, each request on the activity stream, and the
    accounts the OAuth 1 signer may sign with (only the requesting source's owner's)."""
    def account_auth(source_id: str, account_id: str) -> dict[str, Any] | None:
        source, account = store.sources.get(source_id), store.accounts.get(account_id)
        if source is None or account is None or account.user_id != source.user_id:
            return None
        return dict(account.auth)

    outbound = OutboundHttp(mode=config.http_mode, cassette=config.cassette, extra_ca_certs=config.extra_ca_certs,
                            new_id=ids.new, credentials=account_auth)

    def publish_exchange(source_id: str, exchange: Exchange) -> None:
        bus.publish("outbound", source_id=source_id, **exchange.summary())

    outbound.listeners.append(publish_exchange)
    return outbound
