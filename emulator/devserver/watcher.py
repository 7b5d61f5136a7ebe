"""Hot reload: watchfiles over the component folders, feeding each batch of saves to the reloader."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiohttp import web
from watchfiles import Change, DefaultFilter, awatch

from emulator.devserver.reloader import FolderReloader, is_watched_source_file

log = logging.getLogger("emulator")
STEP_MS = 30          # a save's burst of events (temp file, rename, chmod) settles within this


class ComponentFilter(DefaultFilter):
    """JavaScript files only, outside node_modules and the usual editor/VCS noise."""

    def __call__(self, change: Change, path: str) -> bool:
        return super().__call__(change, path) and is_watched_source_file(Path(path))


class FolderWatcher:
    def __init__(self, reloader: FolderReloader, folders: list[Path]) -> None:
        self.reloader = reloader
        self.folders = folders
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    async def start(self) -> None:
        if self.folders:
            self._task = asyncio.ensure_future(self._run())

    async def close(self) -> None:
        self._stop.set()
        if self._task:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        # yield_on_timeout: the first (empty) batch tells us the OS watch is in place.
        watcher = awatch(*self.folders, watch_filter=ComponentFilter(), stop_event=self._stop,
                         step=STEP_MS, debounce=400, rust_timeout=200, yield_on_timeout=True)
        async for changes in watcher:
            self.ready.set()
            if not changes:
                continue
            changed, deleted = await asyncio.to_thread(_split_changes, changes)
            try:
                await self.reloader.apply_changes(changed, deleted)
            except Exception:            # a reload bug must never stop watching
                log.exception("reload of %s failed", sorted(changed | deleted))


def _split_changes(changes: set[tuple[Change, str]]) -> tuple[set[Path], set[Path]]:
    """(changed, deleted) paths: a "deleted" file that exists again was replaced by an editor's save."""
    changed = {Path(p).resolve() for c, p in changes if c != Change.deleted or Path(p).exists()}
    deleted = {Path(p).resolve() for c, p in changes if c == Change.deleted and not Path(p).exists()}
    return changed, deleted


WATCHER: web.AppKey[FolderWatcher | None] = web.AppKey("watcher", object)  # type: ignore[arg-type]
