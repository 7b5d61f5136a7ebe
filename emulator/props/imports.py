"""Finding, reading and caching the modules a component imports by relative path."""
from __future__ import annotations

import os

from emulator.props.diagnostics import ExtractionError
from emulator.props.modules import ModuleRecord, scan_module
from emulator.props.node_resolution import is_relative, resolve_relative
from emulator.props.parse import javascript_parser, parse_module

INLINE_FILE = "<inline>"


def read_source(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read().removeprefix("\ufeff")


class ModuleCache:
    """Parsed modules kept across extractions (e.g. by the folder watcher), refreshed when a file changes."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[int, int], ModuleRecord | ExtractionError]] = {}

    def lookup(self, path: str) -> ModuleRecord | ExtractionError | None:
        entry = self._entries.get(path)
        return entry[1] if entry is not None and entry[0] == _stamp(path) else None

    def store(self, path: str, loaded: ModuleRecord | ExtractionError) -> None:
        self._entries[path] = (_stamp(path), loaded)


def _stamp(path: str) -> tuple[int, int]:
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1)
    return (status.st_mtime_ns, status.st_size)


class ModuleLoader:
    """Parses each file once per extraction (or once per change, with a shared ModuleCache)."""

    def __init__(self, cache: ModuleCache | None = None) -> None:
        self.parser = javascript_parser()
        self._cache = cache if cache is not None else ModuleCache()
        self._records: dict[str, ModuleRecord | ExtractionError] = {}

    def parse(self, code: str, file: str) -> ModuleRecord:
        return scan_module(parse_module(self.parser, code, file))

    def load(self, path: str) -> ModuleRecord:
        """The record of a file on disk; raises ExtractionError when it does not parse."""
        if path not in self._records:
            loaded = self._cache.lookup(path)
            if loaded is None:
                try:
                    loaded = self.parse(read_source(path), path)
                except ExtractionError as error:
                    loaded = error
                self._cache.store(path, loaded)
            self._records[path] = loaded
        loaded = self._records[path]
        if isinstance(loaded, ExtractionError):
            raise loaded
        return loaded

    def imported_files(self, record: ModuleRecord) -> list[str]:
        """Every relative file reachable from `record` through static imports and requires, in order."""
        seen: dict[str, None] = {}
        pending = [record]
        while pending:
            current = pending.pop(0)
            if current.file == INLINE_FILE:
                continue
            for specifier, _ in current.specifiers:
                path = resolve_relative(specifier, current.file) if is_relative(specifier) else None
                if path is None or path in seen or path == record.file:
                    continue
                seen[path] = None
                if not path.endswith(".json"):
                    try:
                        pending.append(self.load(path))
                    except ExtractionError:
                        pass
        return list(seen)
