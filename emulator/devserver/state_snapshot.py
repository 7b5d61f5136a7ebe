"""A consistent snapshot of the store, taken on the event loop in a few milliseconds, serialised
to the `--state` format off it.

Taking the snapshot serialises the small records at once (users, components, subscriptions, …,
and each source without its `db`) and keeps references to the large, never-mutated parts: each
source's `db` (a run or a db write replaces it, never edits it) and each event (immutable once
stored; the per-channel lists are copied). The bulk is then serialised in a worker thread in
batches, so the loop waits for the GIL at most one batch at a time.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from emulator.domain.models import Event, Source
from emulator.domain.state_document import _COLLECTIONS, STATE_FORMAT
from emulator.domain.store import Store

BATCH_BYTES = 64 * 1024           # one worker call serialises about this much: well under 1 ms of GIL
BATCH_SOURCES = 64
_SMALL_COLLECTIONS = [name for name in _COLLECTIONS if name != "sources"]
_SOURCE_FIELDS = [f.name for f in dataclasses.fields(Source) if f.name != "db"]


class UnserialisableState(Exception):
    """A value in the state cannot be written as JSON; the message names the record."""


def to_json(value: Any, where: str) -> bytes:
    """orjson, and the standard library where orjson refuses (more than 254 levels deep, integers
    past 64 bits, lone surrogates); a value neither can write raises naming `where`."""
    try:
        return orjson.dumps(value, default=_fallback, option=orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        pass
    try:
        return json.dumps(value, separators=(",", ":"), default=str).encode()
    except (RecursionError, ValueError, TypeError) as exc:
        raise UnserialisableState(f"{where} cannot be written as JSON: {type(exc).__name__}: {exc}") from None


def _fallback(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


@dataclass
class StateSnapshot:
    version: int
    head: bytes                                  # `{"format":…,"users":[…],…` without the closing brace
    sources: list[tuple[str, bytes, dict[str, Any]]]  # (id, the source without db as JSON, its db)
    events: list[list[Event]]                    # per channel, oldest first

    def batches(self, kind: str) -> Iterator[list[Any]]:
        if kind == "sources":
            for start in range(0, len(self.sources), BATCH_SOURCES):
                yield self.sources[start:start + BATCH_SOURCES]
            return
        batch: list[Event] = []
        size = 0
        for events in self.events:
            for event in events:
                batch.append(event)
                size += event.size + 200
                if size >= BATCH_BYTES:
                    yield batch
                    batch, size = [], 0
        if batch:
            yield batch


def take_snapshot(store: Store) -> StateSnapshot:
    """Run on the event loop: serialises only the small records; references the rest."""
    head: dict[str, Any] = {"format": STATE_FORMAT, "id_sequence": store.ids.sequence}
    for name in _SMALL_COLLECTIONS:
        head[name] = list(getattr(store, name).values())
    head["connect"] = store.connect.export()
    sources = [(s.id, to_json({name: getattr(s, name) for name in _SOURCE_FIELDS}, f"source {s.id}"), s.db)
               for s in store.sources.values()]
    return StateSnapshot(version=store.version, head=to_json(head, "the users, components or subscriptions")[:-1],
                         sources=sources, events=store.events.snapshot_lists())


def serialise_batch(kind: str, batch: list[Any]) -> bytes:
    """One batch as comma-separated JSON values (runs in a worker thread)."""
    if kind == "sources":
        # The source's fields were written on the loop; its db is spliced in as the first field.
        return b",".join(b'{"db":' + to_json(db, f"the db of source {ident}") + b"," + rest[1:]
                         for ident, rest, db in batch)
    records = [{"id": e.id, "source_id": e.source_id, "channel": e.channel, "event": e.event,
                "metadata": e.metadata, "indexed_at_ms": e.indexed_at_ms} for e in batch]
    try:
        return orjson.dumps(records, option=orjson.OPT_NON_STR_KEYS)[1:-1]
    except (TypeError, orjson.JSONEncodeError):
        return b",".join(to_json(r, f"event {r['id']} of source {r['source_id']}") for r in records)


async def serialise(snapshot: StateSnapshot) -> list[bytes]:
    """The whole document as a list of byte strings, one worker-thread call per batch."""
    parts = [snapshot.head]
    for kind in ("sources", "events"):
        parts.append(b',"' + kind.encode() + b'":[')
        for index, batch in enumerate(snapshot.batches(kind)):
            if index:
                parts.append(b",")
            parts.append(await asyncio.to_thread(serialise_batch, kind, batch))
        parts.append(b"]")
    parts.append(b"}")
    return parts
