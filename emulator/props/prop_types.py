"""The prop types the emulator gives meaning to, and the rules that read them from a component's props."""
from __future__ import annotations

from typing import Any

TIMER = "$.interface.timer"
HTTP = "$.interface.http"
DB = "$.service.db"
APP = "app"
APPHOOK = "$.interface.apphook"
SSE = "$.interface.sse"
ALERT = "alert"
NO_VALUE_TYPES = frozenset({ALERT, APPHOOK, SSE})   # informational: a source configures no value for them


def has_prop_of_type(configurable_props: list[dict[str, Any]], kind: str) -> bool:
    return any(prop.get("type") == kind for prop in configurable_props)


def driving_timer(configurable_props: list[dict[str, Any]], configured_props: dict[str, Any]) -> Any | None:
    """The timer that drives a source: its first timer prop, in declaration order, that has a value.

    The cloud runs one schedule per source; every place that starts, resumes or shows a source's timer
    (deploy, update, restart, state import, the dashboard) asks this function.
    """
    for prop in configurable_props:
        if prop.get("type") == TIMER and configured_props.get(prop.get("name", "")):
            return configured_props[prop["name"]]
    return None
