"""JavaScript values as the static evaluator holds them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tree_sitter import Node

from emulator.props.diagnostics import Diagnostic


class _Undefined:
    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known without running the code; says where and why."""

    diagnostic: Diagnostic


@dataclass(frozen=True, eq=False)
class JSFunction:
    """A function, method, arrow or class; kept to be marked or called, never run as code."""

    node: Node
    scope: Any  # the Scope it closes over


class Thunk:
    """A property value evaluated on first read, so unread parts of large objects cost nothing."""

    __slots__ = ("compute", "on_cycle", "state", "value")

    def __init__(self, compute: Callable[[], Any], on_cycle: Callable[[], Any]) -> None:
        self.compute, self.on_cycle, self.value, self.state = compute, on_cycle, None, "new"

    def force(self) -> Any:
        if self.state == "running":
            return self.on_cycle()
        if self.state == "new":
            self.state = "running"
            try:
                self.value = self.compute()
            finally:
                self.state = "done"
        return self.value


class JSObject(dict):
    """A plain object: keys in insertion order, plus unknown parts (spreads, computed keys) as `gaps`.

    Values may be stored as Thunks; every read (`obj[k]`, get, items, values) gives evaluated values.
    """

    def __init__(self, *args: Any, gaps: list[Unknown] | None = None) -> None:
        super().__init__(*args)
        self.gaps: list[Unknown] = list(gaps or [])

    def __getitem__(self, key: str) -> Any:
        value = dict.__getitem__(self, key)
        if type(value) is Thunk:
            value = value.force()
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 (self.get is this method)

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return [(key, self[key]) for key in self.keys()]

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[key] for key in self.keys()]

    def copy(self) -> JSObject:
        return JSObject(self, gaps=self.gaps)


@dataclass(frozen=True, eq=False)
class Namespace:
    """The exports of a module (`import * as ns`, or `require` of an ES module)."""

    module: Any  # the ModuleRecord


def entries(obj: JSObject) -> list[tuple[str, Any]]:
    """`Object.entries` order: array-index keys ascending first, then the rest in insertion order."""
    indexes = sorted((k for k in obj if _is_array_index(k)), key=int)
    return [(k, obj[k]) for k in indexes] + [(k, v) for k, v in obj.items() if not _is_array_index(k)]


def _is_array_index(key: str) -> bool:
    return key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1


@dataclass(frozen=True)
class JSRegExp:
    """A regular expression literal (`/pattern/flags`)."""

    pattern: str
    flags: str
