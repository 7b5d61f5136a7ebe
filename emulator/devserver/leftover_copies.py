"""Last good copies a killed dev server left beside the files of its folders, removed at the next start.

A dev server removes its `.NAME.pd-last-good.mjs` copies on the next good save and when it stops; a
SIGKILL leaves them behind. Only files named exactly as `last_good_path` names them are candidates, and
of those only the ones no running emulator keeps: a copy names its owner's process and host on its last
line (copies from before that line are leftovers), and a copy being written (`.partial~`) is left alone
for a minute.
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from emulator.devserver.last_good import OWNER_PATTERN, PARTIAL_SUFFIX, copy_name_pattern, last_good_path
from emulator.devserver.reloader import COMPONENT_SUFFIXES, SKIPPED_DIRS

PARTIAL_GRACE_S = 60.0
_COPY_NAME = copy_name_pattern(COMPONENT_SUFFIXES)


@dataclass
class Cleanup:
    folder: Path
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)        # copies a running emulator may be using


def remove_leftover_copies(folders: list[Path]) -> list[Cleanup]:
    """For each folder holding a copy of ours: which were removed, and which were kept."""
    cleanups = []
    for folder in folders:
        cleanup = _clean(folder, _copies_under(folder))
        if cleanup.removed or cleanup.kept:
            cleanups.append(cleanup)
    return cleanups


def _clean(folder: Path, copies: list[Path]) -> Cleanup:
    cleanup = Cleanup(folder)
    for path in copies:
        if not _is_leftover(path):
            cleanup.kept.append(path)
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        cleanup.removed.append(path)
    return cleanup


def remove_leftover_copies_beside(files: list[Path]) -> list[Cleanup]:
    """The same for files followed outside the folders (deployed by a `file://` URL): only their own
    copies are looked at, never the rest of the folder they are in."""
    by_folder: dict[Path, list[Path]] = {}
    for file in files:
        copy = last_good_path(file)
        by_folder.setdefault(file.parent, []).extend([copy, copy.with_name(copy.name + PARTIAL_SUFFIX)])
    cleanups = []
    for folder, candidates in sorted(by_folder.items()):
        cleanup = _clean(folder, [c for c in candidates if c.is_file() and not c.is_symlink()])
        if cleanup.removed or cleanup.kept:
            cleanups.append(cleanup)
    return cleanups


def _copies_under(folder: Path) -> list[Path]:
    """Where the watcher looks for components (node_modules and dot directories skipped)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        found += [Path(root, name) for name in sorted(files) if _COPY_NAME.fullmatch(name)]
    return [path for path in found if path.is_file() and not path.is_symlink()]


def _is_leftover(path: Path) -> bool:
    match = _COPY_NAME.fullmatch(path.name)
    try:
        if match and match["partial"]:
            return time.time() - path.stat().st_mtime > PARTIAL_GRACE_S
        owner = OWNER_PATTERN.search(_tail(path))
    except OSError:
        return False
    if owner is None:
        return True
    pid, host = int(owner[1]), owner[2]
    return host == socket.gethostname() and pid != os.getpid() and not _alive(pid)


def _tail(path: Path) -> str:
    with path.open("rb") as file:
        file.seek(max(0, path.stat().st_size - 200))
        return file.read().decode("utf-8", "replace")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True                  # another user's process
    return True


def describe_cleanup(cleanup: Cleanup) -> str:
    """The console line for one folder."""
    def names(paths: list[Path]) -> str:
        return ", ".join(str(p.relative_to(cleanup.folder)) for p in paths)

    parts = []
    if cleanup.removed:
        copies = "copy" if len(cleanup.removed) == 1 else "copies"
        parts.append(f"removed {len(cleanup.removed)} last good {copies} a stopped dev server left behind "
                     f"({names(cleanup.removed)})")
    if cleanup.kept:
        parts.append(f"kept {names(cleanup.kept)}: an emulator still running (or on another host) may use it")
    return "; ".join(parts)
