"""`/triggers/configure` and `/triggers/props`: answering a prop's options() (the calls themselves, shared with
`/v1` deploys, are in runtime/dynamic_props)."""
from __future__ import annotations

from typing import Any

from emulator.domain.models import Component
from emulator.errors import BadRequest
from emulator.runtime.dynamic_props import (
    RETURNED,
    ConfigureCall,
    error_message,
    merge_dynamic,
    observations,
    run_configure,
    sandbox_props,
)


def options_answer(returned: Any) -> dict[str, Any]:
    """options() may return an array, or {options, context}; strings only are answered as stringOptions."""
    context = None
    if isinstance(returned, dict):
        context = returned.get("context")
        returned = returned.get("options")
    items = returned if isinstance(returned, list) else []
    if items and all(isinstance(i, str) for i in items):
        return {"options": None, "stringOptions": items, "context": context}
    return {"options": [_option(i) for i in items], "stringOptions": None, "context": context}


def _option(item: Any) -> dict[str, Any]:
    if isinstance(item, dict) and "value" in item:
        return {"label": str(item.get("label", item["value"])), "value": item["value"]}
    if isinstance(item, bool):
        return {"label": "true" if item else "false", "value": item}
    return {"label": str(item), "value": item}


def prop_of(component: Component, configurable: list[dict[str, Any]], prop_name: Any) -> dict[str, Any]:
    for prop in configurable:
        if prop.get("name") == prop_name:
            return prop
    raise BadRequest(f"prop_name {prop_name!r} is not a prop of {component.key}", param="prop_name")


__all__ = ["RETURNED", "ConfigureCall", "error_message", "merge_dynamic", "observations", "options_answer",
           "prop_of", "run_configure", "sandbox_props"]
