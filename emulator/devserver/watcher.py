"""Hot reload: watchfiles over the component folders, feeding each batch of saves to the reloader."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path

from aiohttp import web
from watchfiles import Change, DefaultFilter, awatch

from emulator.devserver.reloader import FolderReloader, component_candidates, is_watched_source_file
from emulator.runtime.component_factory import read_capped

log = logging.getLogger("emulator")
STEP_MS = 30          # a save's burst of events (temp file, rename, chmod) settles within this
EXTRA_POLL_S = 0.2    # how soon a file deployed from outside the folders starts being watched


class ComponentFilter(DefaultFilter):
    """JavaScript files, and anything added (a new folder may hold them), outside node_modules and
    the usual editor/VCS noise."""

    def __call__(self, change: Change, path: str) -> bool:
        return super().__call__(change, path) and (change == Change.added or is_watched_source_file(Path(path)))


class FolderWatcher:
    """The watched folders (recursively), plus the folder of each file deployed from elsewhere."""

    def __init__(self, reloader: FolderReloader, folders: list[Path]) -> None:
        self.reloader = reloader
        self.folders = folders
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.ready = asyncio.Event()
        self.extra_dirs: set[Path] = set()      # the folders of deployed files now watched

    async def start(self) -> None:
        if self.folders:
            self._tasks.append(asyncio.ensure_future(self._run()))
        self._tasks.append(asyncio.ensure_future(self._run_extra()))

    async def close(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self) -> None:
        # yield_on_timeout: the first (empty) batch tells us the OS watch is in place.
        watcher = awatch(*self.folders, watch_filter=ComponentFilter(), stop_event=self._stop,
                         step=STEP_MS, debounce=400, rust_timeout=200, yield_on_timeout=True)
        async for changes in watcher:
            self.ready.set()
            if changes:
                await self._apply(changes)

    def _wanted_extra_dirs(self) -> set[Path]:
        """Folders of registered files outside the watched folders (deployed by a file:// URL)."""
        inside = tuple(str(f) + os.sep for f in self.folders)
        return {Path(c.path).parent for c in self.reloader.store.registry_components()
                if c.path and not c.path.startswith(inside)}

    async def _run_extra(self) -> None:
        """Watch those folders (not recursively); start again whenever a file is deployed from a new one."""
        while not self._stop.is_set():
            dirs = self._wanted_extra_dirs()
            if not dirs:
                await _wait(self._stop, EXTRA_POLL_S)
                continue
            watcher = awatch(*dirs, watch_filter=ComponentFilter(), stop_event=self._stop, step=STEP_MS,
                             debounce=400, rust_timeout=200, yield_on_timeout=True, recursive=False)
            caught_up = False
            async with contextlib.aclosing(watcher):
                async for changes in watcher:
                    self.extra_dirs = dirs
                    if not caught_up:        # the watch is in place: a save made before it was is seen now
                        caught_up = True
                        changes = changes | await self._saved_unseen(dirs)
                    if changes:
                        await self._apply(changes)
                    if self._wanted_extra_dirs() != dirs:
                        break

    async def _saved_unseen(self, dirs: set[Path]) -> set[tuple[Change, str]]:
        """Followed files in `dirs` whose text is not their component's code (saved right after their
        deploy, before the watch on their folder was in place), failed ones aside (they keep their error)."""
        known = [(c.path, c.code) for c in self.reloader.store.registry_components()
                 if c.path and Path(c.path).parent in dirs and c.path not in self.reloader.failures]
        return await asyncio.to_thread(_differing, known)

    async def _apply(self, changes: set[tuple[Change, str]]) -> None:
        changed, deleted = await asyncio.to_thread(_split_changes, changes)
        try:
            await self.reloader.apply_changes(changed, deleted)
        except Exception:            # a reload bug must never stop watching
            log.exception("reload of %s failed", sorted(changed | deleted))


async def _wait(event: asyncio.Event, timeout_s: float) -> None:
    try:
        await asyncio.wait_for(event.wait(), timeout_s)
    except TimeoutError:
        pass


def _differing(files: list[tuple[str, str]]) -> set[tuple[Change, str]]:
    changed = set()
    for path, code in files:
        try:
            if read_capped(Path(path)) != code:
                changed.add((Change.modified, path))
        except (OSError, UnicodeDecodeError):
            continue              # gone or unreadable: the next event on it says so
    return changed


def _split_changes(changes: set[tuple[Change, str]]) -> tuple[set[Path], set[Path]]:
    """(changed, deleted) component files: a "deleted" file that exists again was replaced by an editor's
    save; a new folder stands for the component files in it (the OS may report only the folder, when
    its files were written before the watch on it was in place)."""
    changed: set[Path] = set()
    for change, path in changes:
        found = Path(path)
        if change == Change.added and found.is_dir():
            changed.update(component_candidates(found))
        elif is_watched_source_file(found) and (change != Change.deleted or found.exists()):
            changed.add(found.resolve())
    deleted = {Path(p).resolve() for c, p in changes
               if c == Change.deleted and is_watched_source_file(Path(p)) and not Path(p).exists()}
    return changed, deleted


WATCHER: web.AppKey[FolderWatcher | None] = web.AppKey("watcher", object)  # type: ignore[arg-type]
