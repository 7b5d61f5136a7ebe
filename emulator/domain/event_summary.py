"""The 1 KB rule: how big an event is, and how `event_summaries` lists one over 1 KB.

Differences from the cloud: the emulator lists such an event as `{"$truncated": true, "size": <n>,
"preview": "<its JSON's first 1 KB>"}` unless `expand=event`; sizes count the characters of the compact JSON.
"""
from __future__ import annotations

import json
from typing import Any

from emulator.domain.models import Event

SUMMARY_LIMIT = 1024


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def json_size(value: Any) -> int:
    """What the rule measures: the length of the value's compact JSON."""
    return len(compact_json(value))


def event_summary(event: Event, *, expand: bool) -> dict[str, Any]:
    """The event as listed: whole when expanded or within the limit, else a truncated preview."""
    if expand or event.size <= SUMMARY_LIMIT:
        return event.to_summary(event.event)
    preview = compact_json(event.event)[:SUMMARY_LIMIT]
    return event.to_summary({"$truncated": True, "size": event.size, "preview": preview})
