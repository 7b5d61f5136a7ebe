"""Control-plane operations on a whole emulator: reset, state import, restart of timers."""
from __future__ import annotations

from typing import Any

from emulator.runtime.invocation import SCHEDULED_CHANNEL
from emulator.server.services import Services
from emulator.domain.state_document import apply_state, parse_state


async def stop_all_sources(services: Services) -> None:
    for source_id in list(services.store.sources):
        services.scheduler.remove_timer(source_id)
        await services.sandbox.evict(source_id)
        services.runtime.forget(source_id)


def start_timers(services: Services) -> None:
    """Resume every active source's timer, and pending delayed deliveries, from the state (no hooks run)."""
    for source in services.store.sources.values():
        for waiting in services.store.events.newest_first(source.id, SCHEDULED_CHANNEL):
            services.runtime.schedule_delivery(source.id, waiting)
        component = services.store.components.get(source.component_id)
        if component is None or not source.active:
            continue
        for prop in component.configurable_props:
            timer = source.configured_props.get(prop.get("name", ""))
            if prop.get("type") == "$.interface.timer" and timer:
                services.scheduler.set_timer(source.id, timer, anchor_ms=source.timer_anchor_ms)


async def reset(services: Services, *, keep_users: bool) -> None:
    await stop_all_sources(services)
    services.store.reset(keep_users=keep_users)
    services.runtime.runs.clear()
    if not services.store.users:
        services.store.create_user(username="dev", api_key=services.api_key)
    services.bus.publish("reset", keep_users=keep_users)


async def replace_state(services: Services, state: Any) -> None:
    """Import a state document (already schema-checked); timers resume from it."""
    parsed = parse_state(services.store, state)
    await stop_all_sources(services)
    apply_state(services.store, parsed)
    services.runtime.runs.clear()
    if services.store.user_for_key(services.api_key) is None:
        # The emulator's own key keeps working: it is what the banner and the fixtures hand out.
        services.store.create_user(username="dev", api_key=services.api_key)
    refresh_endpoint_urls(services)
    start_timers(services)
    services.bus.publish("state_imported", sources=len(services.store.sources))


def refresh_endpoint_urls(services: Services) -> None:
    """Stored endpoint URLs follow the server's current address (a restart may change the port)."""
    for source in services.store.sources.values():
        for name, value in source.configured_props.items():
            if isinstance(value, dict) and set(value) == {"endpoint_url"}:
                source.configured_props[name] = {"endpoint_url": services.runtime.endpoint_url(source)}
