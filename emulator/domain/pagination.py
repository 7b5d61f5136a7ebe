"""Cursor pagination as the cloud does it: base64 id cursors for resources, raw ids for events."""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from emulator.errors import BadRequest

T = TypeVar("T")
MAX_LIMIT = 100


def encode_cursor(item_id: str) -> str:
    return base64.urlsafe_b64encode(item_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, param: str) -> str:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadRequest(f"{param} is not a valid cursor: {cursor!r}", param=param) from None


def parse_limit(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        limit = int(value)
        if isinstance(value, (float, bool)):
            raise ValueError
    except (TypeError, ValueError):
        raise BadRequest(f"limit must be an integer between 1 and {MAX_LIMIT}, got {value!r}", param="limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", param="limit")
    return limit


@dataclass
class Page:
    items: list[Any]
    total_count: int
    start_cursor: str | None
    end_cursor: str | None

    def info(self) -> dict[str, Any]:
        return {"total_count": self.total_count, "count": len(self.items),
                "start_cursor": self.start_cursor, "end_cursor": self.end_cursor}

    def to_api(self, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        return {"page_info": self.info(), "data": [render(item) for item in self.items]}


def paginate(items: Sequence[T], *, sort_key: Callable[[T], Any], cursor_key: Callable[[str], Any],
             cursor_of: Callable[[T], str], limit: int, after: Any, before: Any) -> Page:
    """Page over `items`, which are in list order (descending `sort_key`: newest first).

    `after`/`before` are already-decoded positions: `after` pages towards older items, `before`
    towards newer ones. A position whose item is gone still works, since keys are ordered.
    """
    selected = list(items)
    if after:
        bound = cursor_key(after)
        selected = [i for i in selected if sort_key(i) < bound]
    if before:
        bound = cursor_key(before)
        selected = [i for i in selected if sort_key(i) > bound]
        page = selected[-limit:] if not after else selected[:limit]
    else:
        page = selected[:limit]
    return Page(items=page, total_count=len(items),
                start_cursor=cursor_of(page[0]) if page else None,
                end_cursor=cursor_of(page[-1]) if page else None)
