"""What each invocation did: kept per source and globally for the logs and runs endpoints."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

RUNS_KEPT_PER_SOURCE = 100
RUNS_KEPT = 2000


@dataclass
class RunRecord:
    id: str
    source_id: str
    method: str                     # run | deploy | activate | deactivate | additionalProps | deliver
    trigger: str                    # timer | http | subscription | control | replay | hook | configure | schedule
    started_at_ms: int              # emulated time
    duration_ms: float = 0.0
    outcome: str = "pending"        # ok | error | timeout | memory | exit | crash
    error: dict[str, Any] | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)
    emitted: list[str] = field(default_factory=list)         # event ids delivered
    scheduled: list[str] = field(default_factory=list)       # event ids waiting on $in
    dropped: list[dict[str, Any]] = field(default_factory=list)   # {"id", "reason"} for deduped emits
    db_before: dict[str, Any] = field(default_factory=dict)
    db_after: dict[str, Any] = field(default_factory=dict)
    db_changes: dict[str, Any] = field(default_factory=dict)
    event: Any = None
    http_response: dict[str, Any] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)    # outbound HTTP, oldest first

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id, "source_id": self.source_id, "method": self.method, "trigger": self.trigger,
            "started_at_ms": self.started_at_ms, "duration_ms": round(self.duration_ms, 3),
            "outcome": self.outcome, "error": self.error, "logs": self.logs, "emitted": self.emitted,
            "scheduled": self.scheduled, "dropped": self.dropped, "db_before": self.db_before,
            "db_after": self.db_after, "db_changes": self.db_changes, "event": self.event,
            "http_response": self.http_response, "requests": self.requests,
        }


class RunLog:
    def __init__(self) -> None:
        self._all: deque[RunRecord] = deque(maxlen=RUNS_KEPT)
        self._by_source: dict[str, deque[RunRecord]] = {}

    def add(self, record: RunRecord) -> None:
        self._all.append(record)
        self._by_source.setdefault(record.source_id, deque(maxlen=RUNS_KEPT_PER_SOURCE)).append(record)

    def of_source(self, source_id: str, limit: int) -> list[RunRecord]:
        return list(reversed(self._by_source.get(source_id, ())))[:limit]

    def query(self, *, source_id: str | None, outcome: str | None, limit: int,
              allowed: set[str]) -> list[RunRecord]:
        runs = self._by_source.get(source_id, deque()) if source_id else self._all
        found = [r for r in reversed(runs) if r.source_id in allowed and (not outcome or r.outcome == outcome)]
        return found[:limit]

    def get(self, run_id: str) -> RunRecord | None:
        return next((r for r in self._all if r.id == run_id), None)

    def forget_source(self, source_id: str) -> None:
        self._by_source.pop(source_id, None)

    def clear(self) -> None:
        self._all.clear()
        self._by_source.clear()
