"""Pipedream's dedupe strategies, applied to the metadata `id` of each emitted event."""
from __future__ import annotations

from typing import Any

UNIQUE_IDS_REMEMBERED = 100
STRATEGIES = ("unique", "greatest", "last")


def dedupe_key(meta_id: Any) -> str | None:
    """Metadata ids are compared as the cloud stores them: as strings (numbers included)."""
    if meta_id is None or meta_id == "":
        return None
    if isinstance(meta_id, float) and meta_id.is_integer():
        meta_id = int(meta_id)
    return str(meta_id)


def select_emits(strategy: str | None, ids: list[str | None], state: dict[str, Any]) -> list[bool]:
    """Which of a run's emits (by dedupe id, in delivery order) go out; updates `state` in place."""
    if strategy not in STRATEGIES:
        return [True] * len(ids)
    if strategy == "unique":
        return _unique(ids, state)
    if strategy == "greatest":
        return _greatest(ids, state)
    return _last(ids, state)


def _unique(ids: list[str | None], state: dict[str, Any]) -> list[bool]:
    seen: list[str] = state.setdefault("unique", [])
    flags = []
    for key in ids:
        keep = key is not None and key not in seen
        if key is not None and keep:
            seen.append(key)
            del seen[:-UNIQUE_IDS_REMEMBERED]
        flags.append(keep)
    return flags


def _greatest(ids: list[str | None], state: dict[str, Any]) -> list[bool]:
    flags = []
    for key in ids:
        number = _as_number(key)
        best = state.get("greatest")
        keep = number is not None and (best is None or number > best)
        if keep:
            state["greatest"] = number
        flags.append(keep)
    return flags


def _last(ids: list[str | None], state: dict[str, Any]) -> list[bool]:
    """Emit only what comes after the previously last id in this batch (everything if it is absent)."""
    previous = state.get("last")
    position = max((i for i, key in enumerate(ids) if key is not None and key == previous), default=-1)
    flags = [i > position and key is not None for i, key in enumerate(ids)]
    kept = [key for key, flag in zip(ids, flags) if flag]
    if kept:
        state["last"] = kept[-1]
    return flags


def _as_number(key: str | None) -> float | None:
    if key is None:
        return None
    try:
        return float(key)
    except ValueError:
        return None
