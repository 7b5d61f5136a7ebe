"""The 1 KB rule: how big an event is, and how `event_summaries` lists one over 1 KB.

Differences from the cloud: the emulator lists such an event as `{"$truncated": true, "size": <n>,
"preview": "<its JSON's first 1 KB>"}` unless `expand=event`; sizes count the characters of the compact JSON.
"""
from __future__ import annotations

import json
from typing import Any, Protocol

from emulator.domain.models import Event
from emulator.domain.run_log import RunRecord

SUMMARY_LIMIT = 1024


class RetainedEvents(Protocol):
    """The event log as this module needs it (the log itself measures sizes here)."""

    def by_id(self, source_id: str) -> dict[str, Event]: ...


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


def run_with_events(record: RunRecord, events: RetainedEvents) -> dict[str, Any]:
    """A run as the API shows it after running a source: the run, and the events it emitted in full."""
    body = record.to_api()
    retained = events.by_id(record.source_id)       # one pass: a run can emit 100,000 events
    found = [retained.get(ident) for ident in record.emitted]
    body["events"] = [event_summary(e, expand=True) for e in found if e is not None]
    return body
