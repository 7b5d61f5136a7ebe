"""build_app(config) → the aiohttp Application: services, middleware, routes, background work in order."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiohttp import web

from emulator.api import (
    activity,
    components,
    connect_accounts,
    connect_control,
    connect_link,
    connect_oauth,
    connect_registry,
    connect_triggers,
    control,
    dashboard,
    endpoints,
    events,
    outbound_http,
    samples,
    sources,
    sse,
    subscriptions,
    users,
)
from emulator.api.auth import authenticate
from emulator.api.connect_common import CONNECT
from emulator.api.endpoints import endpoint_host, handle_endpoint_request
from emulator.api.event_stream import STREAMS, OpenStreams
from emulator.config import Config
from emulator.connect.service import build_connect
from emulator.devserver.deploy_config import deploy_folders
from emulator.devserver.leftover_copies import describe_cleanup, remove_leftover_copies, remove_leftover_copies_beside
from emulator.devserver.state_file import StateSaver, read_state_file
from emulator.devserver.watcher import WATCHER, FolderWatcher
from emulator.server.host_guard import refuse_foreign_host
from emulator.server.middleware import INTERNAL_ERRORS, MAX_BODY_BYTES, error_middleware
from emulator.server.services import SERVICES, build_services, services_of

ROUTE_TABLES = (users.routes, components.routes, sources.routes, events.routes, sse.routes,
                subscriptions.routes, endpoints.routes, control.routes, outbound_http.routes, samples.routes, activity.routes,
                dashboard.routes,
                connect_oauth.routes, connect_registry.routes, connect_triggers.routes, connect_accounts.routes,
                connect_control.routes, connect_link.routes)


def build_app(config: Config) -> web.Application:
    """A complete emulator; nothing runs until the app is started (cleanup contexts)."""
    middlewares = [error_middleware, front_door_middleware(config.host)]
    app = web.Application(client_max_size=config.max_body_bytes, middlewares=middlewares)
    services = build_services(config)
    app[SERVICES] = services
    app[INTERNAL_ERRORS] = []
    app[MAX_BODY_BYTES] = config.max_body_bytes
    app[STREAMS] = OpenStreams(write_timeout_s=config.sse_write_timeout_s)
    state = read_state_file(Path(config.state_file)) if config.state_file else None
    services.control.load(state, config.api_key)
    app[CONNECT] = build_connect(config, services.store, services.runtime, services.lifecycle)
    add_routes(app)
    app[activity.STREAM_EPOCH] = activity.new_epoch()
    dashboard.install(app)
    # Persistence first, so it is torn down last: the final save follows every run still in flight.
    app.cleanup_ctx.extend([_persistence_ctx, _sandbox_ctx, _webhooks_ctx, _connect_ctx, _scheduler_ctx, _folders_ctx])
    app.on_shutdown.append(app[STREAMS].end_all)
    return app


def add_routes(app: web.Application) -> None:
    """Every route, also answered with a trailing slash (never redirected)."""
    for table in ROUTE_TABLES:
        for route in table:
            assert isinstance(route, web.RouteDef)
            app.router.add_route(route.method, route.path, route.handler)
            if "{tail" not in route.path:
                app.router.add_route(route.method, route.path + "/", route.handler)


def front_door_middleware(bound_host: str) -> Any:
    """What a request meets before its handler, in this order: the Host check (DNS rebinding), an
    endpoint's own origin (`<endpoint id>.localhost`, `<endpoint id>.m.pipedream.net`), injected
    faults, then the user (`api/auth`). One layer rather than four: each aiohttp middleware costs
    every request several microseconds (benchmarks/bench_api.py)."""
    @web.middleware
    async def front_door(request: web.Request, handler: Any) -> web.StreamResponse:
        refuse_foreign_host(request, bound_host)
        endpoint_id = endpoint_host(request)
        if endpoint_id:
            return await handle_endpoint_request(request, endpoint_id)
        faults = services_of(request).faults
        fault = faults.match(request) if faults.faults else None
        if fault is not None:
            response = await faults.apply(fault)
            if response is not None:
                return response
        authenticate(request)
        return await handler(request)
    return front_door


async def _sandbox_ctx(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    services.started_wall_s = time.monotonic()
    await services.sandbox.start()
    yield
    await services.runtime.close()
    await services.sandbox.close()
    await services.outbound.close()


async def _webhooks_ctx(app: web.Application) -> AsyncIterator[None]:
    await app[SERVICES].webhooks.start()
    yield
    await app[SERVICES].webhooks.close()


async def _connect_ctx(app: web.Application) -> AsyncIterator[None]:
    await app[CONNECT].delivery.start()
    yield
    await app[CONNECT].delivery.close()


async def _scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    services.timers.resume_all()
    await services.scheduler.start()
    yield
    await services.scheduler.close()


async def _folders_ctx(app: web.Application) -> AsyncIterator[None]:
    """Register the folders' components, deploy them if asked, then watch for saves."""
    services = app[SERVICES]
    if services.config.watch:
        followed = [Path(c.path) for c in services.store.components.values()
                    if c.path and not any(Path(c.path).is_relative_to(folder) for folder in services.folders)]
        for cleanup in [*await asyncio.to_thread(remove_leftover_copies, services.folders),
                        *await asyncio.to_thread(remove_leftover_copies_beside, followed)]:
            services.bus.publish("cleanup", folder=str(cleanup.folder), message=describe_cleanup(cleanup))
    await services.runtime.warm_up(await services.reloader.scan())
    if services.config.deploy:
        await deploy_folders(services.store, services.lifecycle, services.bus, services.folders)
    watcher = FolderWatcher(services.reloader, services.folders) if services.config.watch else None
    app[WATCHER] = watcher
    if watcher:
        await watcher.start()
    yield
    if watcher:
        await watcher.close()
    await services.reloader.close()


async def _persistence_ctx(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    if not services.config.state_file:
        yield
        return
    saver = StateSaver(services.store, Path(services.config.state_file),
                       report=lambda kind, data: services.bus.publish(kind, **data))
    services.saver = saver
    await saver.start()
    yield
    await saver.close()
