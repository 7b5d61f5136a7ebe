"""Watched component folders: find component files, register them, and reload them on change."""
from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.devserver.last_good import (
    error_location,
    is_last_good_copy,
    pin_last_good,
    syntax_error_location,
    unpin_last_good,
)
from emulator.domain.models import Component
from emulator.domain.store import Store
from emulator.errors import AdditionalPropsFailed, HookFailed
from emulator.outbound.stub_files import StubFileError, is_stub_file, stub_files
from emulator.props.extract import is_component_file
from emulator.props.load_check import LOAD_FAILURES
from emulator.runtime.activity_bus import ActivityBus
from emulator.runtime.component_factory import register_file, registry_component_id
from emulator.runtime.lifecycle import SourceLifecycle
from emulator.timing.clock import Clock

COMPONENT_SUFFIXES = (".mjs", ".js", ".cjs")
SKIPPED_DIRS = {"node_modules", ".git", "__pycache__"}
RELOADS_KEPT = 200


def component_candidates(folder: Path) -> list[Path]:
    """Every JavaScript file under `folder` that may be a component (node_modules and dot dirs skipped)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        found += [Path(root, f).resolve() for f in sorted(files)
                  if f.endswith(COMPONENT_SUFFIXES) and not is_last_good_copy(Path(f))]
    return found


def is_watched_source_file(path: Path) -> bool:
    return ((path.suffix in COMPONENT_SUFFIXES and not (SKIPPED_DIRS & set(path.parts)) and not is_last_good_copy(path))
            or is_stub_file(path))


class FolderReloader:
    """Keeps the registry in step with the files: the last good version of each component wins."""

    def __init__(self, store: Store, lifecycle: SourceLifecycle, bus: ActivityBus, clock: Clock,
                 folders: list[Path], load_stub_file: Callable[[Path], int] = lambda path: 0) -> None:
        """`load_stub_file(path)`: a `*.stubs.json` file's stubs replace its previous ones (how many
        it holds; raises StubFileError)."""
        self.store, self.lifecycle, self.bus, self.clock, self.folders = store, lifecycle, bus, clock, folders
        self.load_stub_file = load_stub_file
        self.failures: dict[str, dict[str, Any]] = {}      # path -> the error that keeps the last good version
        self.reloads: list[dict[str, Any]] = []             # the last RELOADS_KEPT reports, oldest first

    async def scan(self) -> list[Component]:
        registered = []
        for folder in self.folders:
            for path in stub_files(folder):
                self._load_stubs(path)
            for path in component_candidates(folder):
                if is_component_file(str(path)):
                    component = await self._register(path)
                    if component is not None:
                        registered.append(component)
        return registered

    async def apply_changes(self, changed: set[Path], deleted: set[Path]) -> list[dict[str, Any]]:
        """Re-register changed files and every component importing one; deactivate deleted ones."""
        reports = []
        for path in sorted(p for p in changed | deleted if is_stub_file(p)):
            reports.append(self._load_stubs(path))
        changed = {p for p in changed if not is_stub_file(p)}
        deleted = {p for p in deleted if not is_stub_file(p)}
        for path in sorted(deleted):
            reports += await self._deleted(path)
        names = {str(p) for p in changed | deleted}
        for path in sorted(self._affected(changed, names)):
            report = await self._reload(path, names)
            if report is not None:
                reports.append(report)
        return reports

    def _affected(self, changed: set[Path], names: set[str]) -> set[Path]:
        affected = {p for p in changed if p.exists() and (registry_component_id(str(p)) in self.store.components
                                                          or str(p) in self.failures or is_component_file(str(p)))}
        for component in self.store.registry_components():
            if component.path and names & set(component.imported_files):
                affected.add(Path(component.path))
        for path_text, failure in self.failures.items():
            if names & set(failure.get("imported_files", [])):
                affected.add(Path(path_text))
        return affected

    async def _register(self, path: Path) -> Component | None:
        component, error = await register_file(self.store, path, containment=self.lifecycle.runtime.sandbox.containment,
                                               folders=self.folders)
        if component is None:
            self.failures[str(path)] = error or {}
            self._report("reload_failed", path, message=(error or {}).get("message", "error"),
                         line=(error or {}).get("line", 0), column=(error or {}).get("column", 0), component_id=None,
                         running_last_good=False)
            return None
        self.failures.pop(str(path), None)
        self.store.put_component(component)
        self._flag_unloadable(path, component)
        return component

    def _flag_unloadable(self, path: Path, component: Component) -> dict[str, Any] | None:
        """A component Node cannot load (a missing module, package or export) is listed, with the error."""
        problem = next((w for w in component.warnings if w["message"].startswith(LOAD_FAILURES)), None)
        if problem is None:
            return None
        component.errors = [{**problem, "running_last_good": False}]
        return self._report("reload_failed", path, message=problem["message"], line=problem["line"],
                            column=problem["column"], component_id=component.id, file=problem["file"],
                            running_last_good=False)

    async def _reload(self, path: Path, changed_names: set[str]) -> dict[str, Any] | None:
        previous = self.store.components.get(registry_component_id(str(path)))
        component, error = await register_file(self.store, path, containment=self.lifecycle.runtime.sandbox.containment,
                                               folders=self.folders)
        if component is None:
            return await self._failed(path, previous, error or {})
        missing_import = next((w for w in component.warnings if w["message"].startswith(LOAD_FAILURES)), None)
        if missing_import and previous is not None:
            return await self._failed(path, previous, missing_import)
        self.failures.pop(str(path), None)
        if previous is not None and previous.code_hash == component.code_hash \
                and not changed_names & set(previous.imported_files + component.imported_files):
            previous.errors = []          # an editor's touch, or a revert to the last good code
            await asyncio.to_thread(unpin_last_good, previous)
            return None
        sources = self.store.sources_of_component(component.id)
        declared = {source.id: await self.lifecycle.leave_code(source) for source in sources}   # deactivate: old code
        self.store.put_component(component)
        try:
            for source in sources:
                await self.lifecycle.swap_code(source, declared[source.id])
        except HookFailed as exc:
            if previous is not None:
                new_declared = {source.id: source.configurable(component) for source in sources}
                self.store.put_component(previous)
                await asyncio.to_thread(pin_last_good, previous)      # restore runs the last good code
                for source in sources:
                    await self.lifecycle.restore_code(source, new_declared[source.id])
            stack = (exc.run.get("error") or {}).get("stack") or ""
            line, column = error_location(stack, path)
            if (line, column) == (0, 0) and stack.startswith("SyntaxError"):
                line, column = await syntax_error_location(path)
            what = "" if isinstance(exc, AdditionalPropsFailed) else "activate hook failed: "
            return await self._failed(path, previous, {"message": f"{what}{exc.message}",
                                                       "file": str(path), "line": line, "column": column,
                                                       "run_id": exc.run.get("id")})
        if previous is not None:
            await asyncio.to_thread(unpin_last_good, previous)
        unloadable = self._flag_unloadable(path, component)
        if unloadable is not None:
            return unloadable
        return self._report("reload", path, message=f"{component.name} {component.version or ''} is live".strip(),
                            component_id=component.id, sources=len(sources))

    def _load_stubs(self, path: Path) -> dict[str, Any]:
        """A stub file saved (or deleted): its stubs replace the previous ones; a bad file keeps them."""
        try:
            count = self.load_stub_file(path)
        except StubFileError as exc:
            return self._report("reload_failed", path, message=f"{exc} (the file's previous stubs stay)",
                                line=exc.line, column=exc.column)
        return self._report("reload", path, message=f"{count} HTTP stub{'s' if count != 1 else ''} loaded")

    async def _failed(self, path: Path, previous: Component | None, error: dict[str, Any]) -> dict[str, Any]:
        self.failures[str(path)] = error
        if previous is not None:
            previous.errors = [{**error, "running_last_good": True}]
            # A Node process started later (a restart, a crash) must not import the broken file.
            await asyncio.to_thread(pin_last_good, previous)
        return self._report("reload_failed", path, message=error.get("message", "error"), line=error.get("line", 0),
                            column=error.get("column", 0), component_id=previous.id if previous else None,
                            file=error.get("file") or str(path), running_last_good=previous is not None)

    async def close(self) -> None:
        """Remove the last good copies written next to broken files."""
        for component in self.store.registry_components():
            await asyncio.to_thread(unpin_last_good, component)

    async def _deleted(self, path: Path) -> list[dict[str, Any]]:
        self.failures.pop(str(path), None)
        component = self.store.components.get(registry_component_id(str(path)))
        if component is None:
            return []
        for source in self.store.sources_of_component(component.id):
            await self.lifecycle.deactivate_for_missing_file(source)
        component.errors = [{"message": "file was deleted", "file": str(path), "line": 0, "column": 0}]
        return [self._report("reload_failed", path, message="file was deleted; its sources are deactivated",
                             component_id=component.id)]

    def _report(self, kind: str, path: Path, **data: Any) -> dict[str, Any]:
        record = self.bus.publish(kind, path=str(path), at_ms=self.clock.now_ms(), **data)
        self.reloads.append(record)
        del self.reloads[:-RELOADS_KEPT]
        return record
