"""`--state FILE`: load at start, save atomically (temp file + rename) off the event loop."""
from __future__ import annotations

import asyncio
import glob
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from emulator.errors import ApiError
from emulator.contract.openapi import request_schema
from emulator.contract.validation import validate
from emulator.domain.state_document import export_state

log = logging.getLogger("emulator")
SAVE_DEBOUNCE_S = 0.2


class StateFileError(Exception):
    """The state file exists but cannot be used; the start stops and the file is left untouched."""


def read_state_file(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        validate(state, request_schema("importState"))
    except (OSError, UnicodeDecodeError) as exc:
        raise StateFileError(f"cannot read state file {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise StateFileError(f"state file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}): "
                             f"{exc.msg}. Fix or move it away; it was left untouched.") from None
    except ApiError as exc:
        raise StateFileError(f"state file {path} is not an emulator state: {exc.message}. "
                             "Fix or move it away; it was left untouched.") from None
    return state


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target, fsync, then rename: a crash leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_stale_temp_files(path: Path) -> None:
    """A process killed mid-write leaves its temp file behind (never the target): sweep them at start."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)


class StateSaver:
    """Saves the store whenever it changed, at most every SAVE_DEBOUNCE_S, and once more at exit."""

    def __init__(self, store: Any, path: Path) -> None:
        self.store = store
        self.path = path
        self.saved_version = store.version
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        await asyncio.to_thread(remove_stale_temp_files, self.path)
        self._task = asyncio.ensure_future(self._loop())

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.save()

    async def save(self) -> None:
        async with self._lock:
            version = self.store.version
            if version == self.saved_version and self.path.exists():
                return
            text = json.dumps(export_state(self.store), separators=(",", ":"), default=str)
            await asyncio.to_thread(write_atomically, self.path, text)
            self.saved_version = version

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(SAVE_DEBOUNCE_S)
            if self.store.version != self.saved_version:
                try:
                    await self.save()
                except OSError as exc:
                    log.error("could not save state to %s: %s", self.path, exc)
