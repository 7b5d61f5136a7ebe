"""How a deployed trigger looks in the API: a DeployedComponent, an HttpInterface or a TimerInterface."""
from __future__ import annotations

from typing import Any

from emulator.domain.connect_models import DeployedTrigger
from emulator.domain.models import Source


def emitter_to_api(trigger: DeployedTrigger, source: Source, endpoint_url: str | None) -> dict[str, Any]:
    common = {"id": trigger.id, "type": trigger.type}
    if trigger.type == "HttpInterface":
        return {**common, "key": source.endpoint_id, "endpoint_url": endpoint_url, "custom_response": True,
                "active": source.active, "created_at": source.created_at, "updated_at": source.updated_at}
    if trigger.type == "TimerInterface":
        timer = source.configured_props.get("cron") or {}
        return {**common, "interval_seconds": timer.get("interval_seconds"), "cron": timer.get("cron"),
                "timezone": trigger.timezone, "schedule_changed_at": trigger.schedule_changed_at,
                "active": source.active, "created_at": source.created_at, "updated_at": source.updated_at}
    return {**common, "owner_id": trigger.owner_id, "component_id": source.component_id,
            "component_key": trigger.component_key, "configurable_props": trigger.configurable_props,
            "configured_props": source.configured_props, "active": source.active,
            "created_at": source.created_at, "updated_at": source.updated_at, "name": source.name,
            "name_slug": source.name_slug, "emit_on_deploy": trigger.emit_on_deploy,
            "callback_observations": None}
