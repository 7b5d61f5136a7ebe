"""The registry `/triggers` answers: every keyed source component the emulator knows, plus the natives."""
from __future__ import annotations

import functools
from typing import Any

from emulator.connect.natives import NATIVE_OWNER, NATIVES, native_of
from emulator.domain.models import Component
from emulator.domain.store import Store
from emulator.errors import NotFound
from emulator.props.extract import ExtractionError, extract_code
from emulator.runtime import dynamic_props

REGISTRY_VALUES = ("public", "private", "all")


def trigger_components(store: Store) -> list[Component]:
    """Sorted by key; on a key clash the watched folder's component, else the newest."""
    by_key: dict[str, Component] = {}
    for component in store.components.values():
        if not component.key or component.type != "source":
            continue
        current = by_key.get(component.key)
        if current is None or _rank(component) > _rank(current):
            by_key[component.key] = component
    return [by_key[key] for key in sorted(by_key)]


def _rank(component: Component) -> tuple[int, str]:
    folder = component.user_id is None and component.path is not None
    return (2 if folder else 1 if component.user_id == NATIVE_OWNER else 0, component.id)


def find_trigger(store: Store, ident: str, version: str | None = None) -> Component:
    """By key or `sc_` id; a version other than the one the emulator has is a 404 naming it."""
    found = next((c for c in trigger_components(store) if ident in (c.key, c.id)), None)
    if found is None:
        raise NotFound("trigger", ident)
    have = component_version(found)
    if version not in (None, "", have):
        raise NotFound(f"trigger {found.key} version {version} (the emulator has version {have})")
    return found


def component_version(component: Component) -> str:
    return component.version or "0.0.1"


def display_name(component: Component) -> str:
    """The component's `name` (Component.name prefers the key, as /v1 shows it)."""
    native = native_of(component)
    if native:
        return native["name"]
    return _extracted_name(component.code, component.path) or component.name


@functools.lru_cache(maxsize=512)
def _extracted_name(code: str, path: str | None) -> str | None:
    try:
        return extract_code(code, path=path).name
    except ExtractionError:
        return None


def matches(component: Component, q: str | None, app: str | None) -> bool:
    if q:
        text = " ".join(filter(None, (component.key, display_name(component), component.description))).lower()
        if q.lower() not in text:
            return False
    if app:
        return any(p.get("type") == "app" and p.get("app") == app for p in component.configurable_props)
    return True


def to_api(component: Component) -> dict[str, Any]:
    native = native_of(component)
    return {"key": component.key, "name": display_name(component), "version": component_version(component),
            "description": component.description, "component_type": "trigger",
            "configurable_props": native["configurable_props"] if native else component.configurable_props}


def uses_additional_props(component: Component) -> bool:
    return native_of(component) is None and dynamic_props.uses_additional_props(component)


__all__ = ["NATIVES", "find_trigger", "to_api", "trigger_components"]
