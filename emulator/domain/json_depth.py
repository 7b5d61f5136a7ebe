"""How deeply a JSON value may nest: deeper values are refused where they come in.

Python's json, copy and dataclasses recurse once per level and give up near 1,000 levels (less when
the call stack is already deep), so a value nested ~500 levels could be stored and then break every
later export. Real API payloads nest a few levels; 100 leaves plenty of room. The sandbox's Node
side applies the same limit to emits and `this.db` (sandbox/node/runner/json-depth.mjs).
"""
from __future__ import annotations

import json
from typing import Any

from emulator.errors import ApiError

MAX_JSON_DEPTH = 100
MAX_BODY_DEPTH = 128      # a request body wraps values: a state document holding 100-level values still imports


class TooDeep(ApiError):
    status, code = 400, "too_deep"


def too_deep_path(value: Any, limit: int = MAX_JSON_DEPTH) -> list[str] | None:
    """The keys leading to the first object or array nested deeper than `limit`, or None (no recursion)."""
    if not isinstance(value, (dict, list)):
        return None
    path: list[str] = []
    stack = [_children(value)]
    while stack:
        try:
            key, child = next(stack[-1])
        except StopIteration:
            stack.pop()
            if path:
                path.pop()
            continue
        if isinstance(child, (dict, list)):
            if len(stack) + 1 > limit:
                return [*path, key]
            stack.append(_children(child))
            path.append(key)
    return None


def _children(value: dict[str, Any] | list[Any]) -> Any:
    return iter(value.items()) if isinstance(value, dict) else ((str(i), v) for i, v in enumerate(value))


def describe_path(path: list[str], prefix: str = "") -> str:
    shown = ".".join([prefix, *path[:5]] if prefix else path[:5])
    return shown + (".…" if len(path) > 5 else "")


def check_depth(value: Any, where: str, *, limit: int = MAX_JSON_DEPTH, by_top_key: bool = False) -> None:
    """Raise TooDeep naming `where` and the path when `value` nests deeper than `limit`;
    `by_top_key`: the error's `param` is the top-level key (an API body's parameter)."""
    path = too_deep_path(value, limit)
    if path is not None:
        raise TooDeep(f"{where} nests deeper than {limit} levels (at {describe_path(path, where)})",
                      param=path[0] if by_top_key else where)


def loads_bounded(text: str | bytes, where: str = "body", *, limit: int = MAX_JSON_DEPTH,
                  by_top_key: bool = False) -> Any:
    """json.loads, with a value nested too deeply for Python refused as TooDeep (never RecursionError)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(f"{where} nests deeper than {limit} levels", param=where) from None
    check_depth(value, where, limit=limit, by_top_key=by_top_key)
    return value
