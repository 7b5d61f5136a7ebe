"""Control-plane operations on a whole emulator: reset, state import, restart of timers."""
from __future__ import annotations

from typing import Any

from emulator.services import Services
from emulator.state import import_state


async def stop_all_sources(services: Services) -> None:
    for source_id in list(services.store.sources):
        services.scheduler.remove_timer(source_id)
        await services.sandbox.evict(source_id)
        services.runtime.forget(source_id)


def start_timers(services: Services) -> None:
    """Resume every active source's timer from its stored configuration (no hooks run)."""
    for source in services.store.sources.values():
        component = services.store.components.get(source.component_id)
        if component is None or not source.active:
            continue
        for prop in component.configurable_props:
            timer = source.configured_props.get(prop.get("name"))
            if prop.get("type") == "$.interface.timer" and timer:
                services.scheduler.set_timer(source.id, timer)


async def reset(services: Services, *, keep_users: bool) -> None:
    await stop_all_sources(services)
    services.store.reset(keep_users=keep_users)
    services.runtime.runs.clear()
    if not services.store.users:
        services.store.create_user(username="dev", api_key=services.api_key)
    services.bus.publish("reset", keep_users=keep_users)


async def replace_state(services: Services, state: Any) -> None:
    """Import a state document (already schema-checked); timers resume from it."""
    await stop_all_sources(services)
    import_state(services.store, state)
    services.runtime.runs.clear()
    if not services.store.users:
        services.store.create_user(username="dev", api_key=services.api_key)
    start_timers(services)
    services.bus.publish("state_imported", sources=len(services.store.sources))
