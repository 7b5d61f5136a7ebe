"""Each Node process's private, writable temp folder: what a component sees as `/tmp` and
os.tmpdir(), as in Pipedream's cloud. It lives inside the host's `pd-sandbox-*` root (temp_roots),
is the only place the process may write, and goes when the process does (pool retire/close)."""
from __future__ import annotations

import os
from pathlib import Path

# Read by containment.mjs: the folder that `/tmp/...` paths of fs calls are mapped into.
TEMP_FOLDER_VARIABLE = "PD_SANDBOX_TMP"


def make_temp_folder(folder: Path) -> None:
    """Creates the (empty, owner-only) folder. Blocking."""
    folder.mkdir(mode=0o700)


def temp_environment(folder: Path) -> dict[str, str]:
    """What Node starts with so os.tmpdir() and libraries reading TMPDIR use the folder."""
    return {"TMPDIR": str(folder), TEMP_FOLDER_VARIABLE: str(folder)}


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
