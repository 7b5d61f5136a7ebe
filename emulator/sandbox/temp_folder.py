"""Each Node process's private, writable temp folder: what a component sees as `/tmp` and
os.tmpdir(), as in Pipedream's cloud. It lives inside the host's `pd-sandbox-*` root (temp_roots),
is the only place the process may write, and goes when the process does (pool retire/close)."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

try:
    import resource
except ImportError:                       # not POSIX: only the size checks between runs apply
    resource = None  # type: ignore[assignment]

# Read by containment.mjs: the folder that `/tmp/...` paths of fs calls are mapped into, and the
# limit it names when a write fails with EFBIG.
TEMP_FOLDER_VARIABLE = "PD_SANDBOX_TMP"
TEMP_LIMIT_VARIABLE = "PD_SANDBOX_TMP_MB"


def make_temp_folder(folder: Path) -> None:
    """Creates the (empty, owner-only) folder. Blocking."""
    folder.mkdir(mode=0o700)


def temp_environment(folder: Path, limit_mb: int | None = None) -> dict[str, str]:
    """What Node starts with so os.tmpdir() and libraries reading TMPDIR use the folder."""
    limit = {TEMP_LIMIT_VARIABLE: str(limit_mb)} if limit_mb else {}
    return {"TMPDIR": str(folder), TEMP_FOLDER_VARIABLE: str(folder), **limit}


def limit_files(pid: int, max_bytes: int | None) -> None:
    """No file the process writes may grow past `max_bytes` (None: no limit): the kernel refuses the write (EFBIG, which
    Node reports to the component) at once, where the folder's size checks come between runs and once
    a second. And no core dump: a crash would write one into the component's folder, past the
    permission model. Called right after the process starts, before it loads any component."""
    prlimit = getattr(resource, "prlimit", None)
    if prlimit is None:
        return                            # not Linux
    with contextlib.suppress(ProcessLookupError):
        prlimit(pid, resource.RLIMIT_CORE, (0, 0))
        if max_bytes:
            prlimit(pid, resource.RLIMIT_FSIZE, (max_bytes, max_bytes))


def is_empty(folder: Path) -> bool:
    """True when the folder has no entries (or is gone). One directory read: cheap enough for the loop."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:
        return True


def folder_bytes(folder: Path, stop_above: int | None = None) -> int:
    """The total size of the files under `folder` (symlinks not followed; a sparse file counts its
    full length). Stops counting once past `stop_above`. Blocking: call it in a thread."""
    total = 0
    for directory, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(directory, name)).st_size
            except OSError:
                continue                   # removed meanwhile
            if stop_above is not None and total > stop_above:
                return total
    return total
