"""`serve --deploy`: deploy every component of the folders, with props from `pd-emulator.json`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.domain.models import Component
from emulator.domain.store import Store
from emulator.errors import ApiError
from emulator.runtime.activity_bus import ActivityBus
from emulator.runtime.lifecycle import SourceLifecycle

CONFIG_FILE = "pd-emulator.json"


def folder_settings(folder: Path) -> dict[str, Any]:
    """The folder's pd-emulator.json: component key or relative path → {configured_props, name}."""
    path = folder / CONFIG_FILE
    if not path.exists():
        return {}
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    if not isinstance(settings, dict):
        raise ValueError(f"{path}: must map component keys or paths to settings")
    return settings


def settings_for(component: Component, folder: Path, settings: dict[str, Any]) -> dict[str, Any]:
    relative = str(Path(component.path or "").relative_to(folder)) if component.path else None
    found = settings.get(component.key or "") or (settings.get(relative) if relative else None) or {}
    return found if isinstance(found, dict) else {}


async def deploy_folders(store: Store, lifecycle: SourceLifecycle, bus: ActivityBus,
                         folders: list[Path]) -> list[dict[str, Any]]:
    """Deploy each registry component not yet deployed; report what could not be, and why."""
    user = store.default_user()
    deployed = {s.component_id for s in store.sources.values()}
    outcomes = []
    for folder in folders:
        try:
            settings = folder_settings(folder)
        except ValueError as exc:
            bus.publish("error", source_id="", message=str(exc))
            settings = {}
        for component in store.registry_components():
            if not component.path or not component.path.startswith(str(folder)) or component.id in deployed:
                continue
            if component.type not in (None, "source"):
                continue
            wanted = settings_for(component, folder, settings)
            params = {"component_id": component.id, "configured_props": wanted.get("configured_props") or {},
                      "name": wanted.get("name")}
            try:
                source = await lifecycle.create(user, params)
            except ApiError as exc:
                problems = [d["error"] for d in exc.details] if exc.details else [exc.message]
                outcomes.append({"component": component.name, "deployed": False, "problems": problems})
                bus.publish("error", source_id=component.name,
                                     message=f"not deployed: {'; '.join(problems)} (set them in "
                                             f"{folder / CONFIG_FILE})")
                continue
            outcomes.append({"component": component.name, "deployed": True, "source_id": source.id})
            bus.publish("deployed", source_id=source.id, component=component.name)
    return outcomes
