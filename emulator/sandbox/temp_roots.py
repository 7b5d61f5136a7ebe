"""The host's temporary folder (`pd-sandbox-*`: inline code, one folder per Node process), and
the removal, at the next start, of those a killed emulator could not remove itself.

Each folder holds an `owner` file naming the emulator's pid and that process's start time, so a
folder is removed only when its owner is gone (a reused pid has another start time)."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "pd-sandbox-"
OWNER_FILE = "owner"

logger = logging.getLogger(__name__)


def make_root() -> Path:
    """A new folder for this process's Node workers, with its owner recorded. Blocking."""
    root = Path(os.path.realpath(tempfile.mkdtemp(prefix=PREFIX)))
    (root / OWNER_FILE).write_text(_identity(os.getpid()) or str(os.getpid()))
    return root


def remove_abandoned_roots(temp_dir: str | None = None) -> list[Path]:
    """Removes the `pd-sandbox-*` folders of this user whose emulator is no longer running. Blocking."""
    removed: list[Path] = []
    if not Path("/proc/self/stat").exists():
        return removed                    # no way to tell a live owner from a gone one
    base = Path(temp_dir or tempfile.gettempdir())
    try:
        candidates = [entry for entry in base.iterdir() if entry.name.startswith(PREFIX)]
    except OSError:
        return removed
    for folder in candidates:
        try:
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            owner = (folder / OWNER_FILE).read_text().strip()
        except OSError:
            continue                      # no owner file: not ours to judge (another version, or starting)
        pid = owner.split(":", 1)[0]
        if pid.isdigit() and _identity(int(pid)) != owner:
            shutil.rmtree(folder, ignore_errors=True)
            logger.info("removed %s, left behind by an emulator (pid %s) that is no longer running", folder, pid)
            removed.append(folder)
    return removed


def _identity(pid: int) -> str | None:
    """"pid:start time" of a running process (from /proc), or None when it is not running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return f"{pid}:{fields[19]}" if fields[0] != "Z" else None
