"""The events each source emitted: per channel, newest 100 kept, ids `<epoch ms>-<n>` in emit order.

Per source, at most CHANNELS_PER_SOURCE channels (an emit to one more is refused: see
`accepts_channel`) and EVENT_BYTES_PER_SOURCE bytes of events (the oldest go first), so one
source cannot hold the server's memory with new channel names or big events.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from emulator.domain.event_summary import json_size
from emulator.domain.ids import event_id, parse_event_id
from emulator.domain.models import Event

EVENTS_KEPT_PER_CHANNEL = 100
CHANNELS_PER_SOURCE = 50                        # `$errors` and `$in` (the emulator's own) not counted
EVENT_BYTES_PER_SOURCE = 32 * 1024 * 1024


def event_sort_key(event: Event) -> tuple[int, int]:
    parsed = parse_event_id(event.id)
    return parsed if parsed else (0, 0)


class EventLog:
    """All sources' retained events; `append` is the one way an emitted event enters the emulator."""

    def __init__(self) -> None:
        self._channels: dict[str, dict[str, list[Event]]] = {}   # source id -> channel -> oldest first
        self._last_id: dict[str, tuple[int, int]] = {}
        self._bytes: dict[str, int] = {}                          # source id -> bytes of its events
        self.listeners: list[Callable[[Event], None]] = []

    def append(self, source_id: str, channel: str, event: Any, metadata: dict[str, Any], now_ms: int) -> Event:
        ms, n = self._last_id.get(source_id, (-1, -1))
        next_id = (ms, n + 1) if now_ms <= ms else (now_ms, 0)
        self._last_id[source_id] = next_id
        size = json_size(event)
        record = Event(id=event_id(*next_id), source_id=source_id, channel=channel, event=event,
                       metadata=metadata, indexed_at_ms=next_id[0], size=size)
        events = self._channels.setdefault(source_id, {}).setdefault(channel, [])
        events.append(record)
        self._bytes[source_id] = self._bytes.get(source_id, 0) + size
        if len(events) > EVENTS_KEPT_PER_CHANNEL:
            self._bytes[source_id] -= sum(e.size for e in events[: len(events) - EVENTS_KEPT_PER_CHANNEL])
            del events[: len(events) - EVENTS_KEPT_PER_CHANNEL]
        self._evict_oldest(source_id, keep=record)
        for listener in list(self.listeners):
            listener(record)
        return record

    def accepts_channel(self, source_id: str, channel: str) -> bool:
        """False for a new channel of a source that has CHANNELS_PER_SOURCE already."""
        channels = self._channels.get(source_id, {})
        if channel in channels or channel.startswith("$"):
            return True
        return sum(1 for name in channels if not name.startswith("$")) < CHANNELS_PER_SOURCE

    def bytes_of(self, source_id: str) -> int:
        return self._bytes.get(source_id, 0)

    def _evict_oldest(self, source_id: str, keep: Event) -> None:
        """Drop the source's oldest events, whatever their channel, until it is within its byte budget."""
        channels = self._channels[source_id]
        while self._bytes[source_id] > EVENT_BYTES_PER_SOURCE:
            heads = [(event_sort_key(events[0]), name) for name, events in channels.items()
                     if events and events[0] is not keep]
            if not heads:
                return
            oldest = channels[min(heads)[1]].pop(0)
            self._bytes[source_id] -= oldest.size

    def newest_first(self, source_id: str, channel: str) -> list[Event]:
        return list(reversed(self._channels.get(source_id, {}).get(channel, [])))

    def get(self, source_id: str, channel: str, ident: str) -> Event | None:
        return next((e for e in self._channels.get(source_id, {}).get(channel, []) if e.id == ident), None)

    def by_id(self, source_id: str) -> dict[str, Event]:
        """A source's retained events by id: one pass, for looking many up."""
        return {e.id: e for events in self._channels.get(source_id, {}).values() for e in events}

    def find(self, source_id: str, ident: str) -> Event | None:
        for events in self._channels.get(source_id, {}).values():
            for event in events:
                if event.id == ident:
                    return event
        return None

    def delete_range(self, source_id: str, channel: str, start: tuple[int, int] | None,
                     end: tuple[int, int] | None) -> int:
        """Delete events with start <= id <= end (either bound open); answers how many went."""
        events = self._channels.get(source_id, {}).get(channel, [])
        kept = [e for e in events if not _within(event_sort_key(e), start, end)]
        removed = len(events) - len(kept)
        if events:
            self._channels[source_id][channel] = kept
            self._bytes[source_id] = self._bytes.get(source_id, 0) - sum(e.size for e in events) + sum(
                e.size for e in kept)
        return removed

    def remove_source(self, source_id: str) -> None:
        self._channels.pop(source_id, None)
        self._bytes.pop(source_id, None)
        self._last_id.pop(source_id, None)

    def channels(self, source_id: str) -> list[str]:
        return sorted(self._channels.get(source_id, {}))

    def count(self, source_id: str | None = None) -> int:
        sources = [source_id] if source_id else list(self._channels)
        return sum(len(events) for s in sources for events in self._channels.get(s, {}).values())

    def clear(self) -> None:
        self._channels.clear()
        self._bytes.clear()
        self._last_id.clear()

    def export(self) -> list[dict[str, Any]]:
        return [{"id": e.id, "source_id": e.source_id, "channel": e.channel, "event": e.event,
                 "metadata": e.metadata, "indexed_at_ms": e.indexed_at_ms}
                for channels in self._channels.values() for events in channels.values() for e in events]

    def snapshot_lists(self) -> list[list[Event]]:
        """Each channel's events, oldest first, as copies: a consistent view for a background save."""
        return [events.copy() for channels in self._channels.values() for events in channels.values()]

    def load(self, records: Iterable[dict[str, Any]]) -> None:
        self.clear()
        for data in records:
            record = Event(id=data["id"], source_id=data["source_id"], channel=data.get("channel", ""),
                           event=data.get("event"), metadata=data.get("metadata", {}),
                           indexed_at_ms=data.get("indexed_at_ms", 0),
                           size=json_size(data.get("event")))
            self._channels.setdefault(record.source_id, {}).setdefault(record.channel, []).append(record)
            self._last_id[record.source_id] = max(self._last_id.get(record.source_id, (-1, -1)),
                                                  event_sort_key(record))
        for source_id, channels in self._channels.items():
            for name, events in channels.items():
                events.sort(key=event_sort_key)
                channels[name] = events[-EVENTS_KEPT_PER_CHANNEL:]
            self._bytes[source_id] = sum(e.size for events in channels.values() for e in events)


def _within(key: tuple[int, int], start: tuple[int, int] | None, end: tuple[int, int] | None) -> bool:
    return (start is None or key >= start) and (end is None or key <= end)
