"""How much a source's `this.db` may hold, and the small copies of it that run records keep.

The db's size is the JSON of its values; sizes are remembered per key, so a run that changes one
key of a large db measures only that key. Run records keep the db before and after a run only
when it is small (the dashboard shows them); a large one is summarised, not copied twice per run.
"""
from __future__ import annotations

import json
from typing import Any

DB_BYTES_PER_SOURCE = 8 * 1024 * 1024
RUN_COPY_BYTES = 64 * 1024


def json_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), default=str).encode("utf-8", "surrogatepass"))


class DbSizes:
    """Bytes per key of each source's db, kept up to date from each run's changed keys."""

    def __init__(self) -> None:
        self._sizes: dict[str, dict[str, int]] = {}

    def total(self, source_id: str, db: dict[str, Any]) -> int:
        return sum(self._measured(source_id, db).values())

    def total_after(self, source_id: str, before: dict[str, Any], after: dict[str, Any],
                    changed: set[str]) -> int:
        """The size of `after`, measuring only the `changed` keys (and keys the cache does not know)."""
        sizes = dict(self._measured(source_id, before))
        for key in set(sizes) - set(after):
            del sizes[key]
        for key, value in after.items():
            if key in changed or key not in sizes:
                sizes[key] = json_size(key) + json_size(value)
        return sum(sizes.values())

    def remember(self, source_id: str, before: dict[str, Any], after: dict[str, Any], changed: set[str]) -> None:
        sizes = self._measured(source_id, before)
        for key in set(sizes) - set(after):
            del sizes[key]
        for key, value in after.items():
            if key in changed or key not in sizes:
                sizes[key] = json_size(key) + json_size(value)

    def forget(self, source_id: str) -> None:
        self._sizes.pop(source_id, None)

    def _measured(self, source_id: str, db: dict[str, Any]) -> dict[str, int]:
        sizes = self._sizes.get(source_id)
        if sizes is None or set(sizes) != set(db):
            sizes = {key: json_size(key) + json_size(value) for key, value in db.items()}
            self._sizes[source_id] = sizes
        return sizes


def run_copy(db: dict[str, Any], size: int) -> dict[str, Any]:
    """What a run record keeps of a db: the db itself when small, else a summary of it."""
    if size <= RUN_COPY_BYTES:
        return dict(db)
    return {"$truncated": True, "bytes": size, "keys": sorted(db)[:100]}


def small_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """A run's changed keys, each value summarised when it alone is large."""
    kept: dict[str, Any] = {}
    for key, value in changes.items():
        size = json_size(value)
        kept[key] = value if size <= RUN_COPY_BYTES else {"$truncated": True, "bytes": size}
    return kept
