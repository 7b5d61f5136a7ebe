"""Who may see an activity record, decided when it is published (the source may be gone by the time
a reader asks: a failed deploy removes its source, a delete publishes after the removal)."""
from __future__ import annotations

from typing import Any

from emulator.domain.store import Store

EVERYONE = None                       # clock changes, reloads of the shared folders, resets
EMULATOR_OWNER = "$emulator-owner"    # about nothing a user owns (an unknown endpoint): the owner's console


def record_audience(store: Store, record: dict[str, Any]) -> str | None:
    """The id of the one user who may see the record, EVERYONE, or EMULATOR_OWNER."""
    if record.get("user_id"):
        return str(record["user_id"])
    if record["kind"] == "http":
        source = store.source_by_endpoint(str(record.get("endpoint_id") or ""))
    elif "source_id" in record or "run" in record:
        source_id = record.get("source_id") or (record.get("run") or {}).get("source_id")
        source = store.sources.get(source_id) if source_id else None
    else:
        return EVERYONE
    if source is None or source.id in store.connect.triggers:
        return EMULATOR_OWNER        # Connect's triggers belong to external users: the owner's key reaches them
    return source.user_id
