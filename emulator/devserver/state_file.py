"""`--state FILE`: load at start; save atomically (temp file + rename) off the event loop, retrying failures."""
from __future__ import annotations

import asyncio
import glob
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.contract.openapi import request_schema
from emulator.contract.validation import validate
from emulator.devserver.state_snapshot import UnserialisableState, serialise, take_snapshot
from emulator.errors import ApiError

log = logging.getLogger("emulator")
SAVE_DEBOUNCE_S = 0.2            # a SIGKILL loses at most the changes of this window plus one save
RETRY_FIRST_S, RETRY_MAX_S = 0.5, 30.0
FINAL_SAVE_RETRIES_S = (0.2, 0.5, None)   # three attempts at exit, then the failure is raised


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


def write_atomically(path: Path, parts: list[bytes] | bytes) -> None:
    """Write beside the target, fsync, then rename: a crash leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines([parts] if isinstance(parts, bytes) else parts)
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


class StateSaveError(Exception):
    """The final save at exit failed: the changes since the last good save are not in the file."""


def describe_failure(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
    return str(exc) or type(exc).__name__


class StateSaver:
    """Saves the store whenever it changed, at most every SAVE_DEBOUNCE_S, and once more at exit.

    It never stops: a failed save is reported (console line, `/_emulator/health`) and retried with
    backoff until one succeeds. Serialising happens off the event loop (see state_snapshot).
    """

    def __init__(self, store: Any, path: Path, report: Callable[[str, dict[str, Any]], object] | None = None) -> None:
        self.store = store
        self.path = path
        self.saved_version = store.version
        self.saved_at_ms: int | None = None
        self.failure: str | None = None          # the cause of the last failed save, until one succeeds
        self.failed_attempts = 0
        self._report = report or (lambda kind, data: None)
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def unsaved_changes(self) -> bool:
        return self.store.version != self.saved_version

    def health(self) -> dict[str, Any]:
        return {"path": str(self.path), "ok": self.failure is None, "error": self.failure,
                "failed_attempts": self.failed_attempts, "unsaved_changes": self.unsaved_changes,
                "last_saved_at": self.saved_at_ms}

    async def start(self) -> None:
        await asyncio.to_thread(remove_stale_temp_files, self.path)
        self._task = asyncio.ensure_future(self._run())

    async def close(self) -> None:
        """The final save, after every other part has stopped; retried briefly, then raised."""
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for delay in FINAL_SAVE_RETRIES_S:
            try:
                await self.save()
                return
            except Exception as exc:
                self._failed(exc)
                if delay is None:
                    raise StateSaveError(f"could not save state to {self.path}: {self.failure}. The changes "
                                         f"since the last successful save are not in the file.") from None
                await asyncio.sleep(delay)

    async def save(self) -> None:
        async with self._lock:
            if not self.unsaved_changes and self.path.exists():
                return
            snapshot = take_snapshot(self.store)
            parts = await serialise(snapshot)
            await asyncio.to_thread(write_atomically, self.path, parts)
            self.saved_version = snapshot.version
            self.saved_at_ms = int(time.time() * 1000)
            if self.failure is not None:
                self._report("save_recovered", {"path": str(self.path), "attempts": self.failed_attempts})
            self.failure, self.failed_attempts = None, 0

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(SAVE_DEBOUNCE_S)
            if not self.unsaved_changes:
                continue
            try:
                await self.save()
            except Exception as exc:
                self._failed(exc)
                await asyncio.sleep(self.retry_delay_s())

    def retry_delay_s(self) -> float:
        return min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** max(0, self.failed_attempts - 1))

    def _failed(self, exc: BaseException) -> None:
        cause = describe_failure(exc)
        if not isinstance(exc, (OSError, UnserialisableState)):
            log.exception("unexpected failure saving state to %s", self.path)
        first_of_its_kind = cause != self.failure
        self.failure = cause
        self.failed_attempts += 1
        if first_of_its_kind:
            self._report("save_failed", {"path": str(self.path), "message": cause,
                                         "retry_s": self.retry_delay_s()})
