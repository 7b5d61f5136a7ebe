"""The last good version of a component whose file is broken on disk, kept runnable.

Node imports a component from its file (so relative imports resolve). When a save breaks the file,
a Node process started later (after a failed `activate`, a crash, a restart of the pool) would import
the broken code; so the last good code is copied next to the file, as a hidden sibling that resolves
the same relative imports, and runs from there until a good save replaces it.
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
from pathlib import Path

from emulator.domain.models import Component

LAST_GOOD_MARK = ".pd-last-good"


PARTIAL_SUFFIX = ".partial~"
# The copy's last line says which process keeps it, so a dev server starting on the same folder tells
# a copy another one is running from from one a killed server left behind (devserver/leftover_copies).
OWNER_LINE = "// pd-emulator: last good copy kept by process {pid} on {host}"
OWNER_PATTERN = re.compile(r"// pd-emulator: last good copy kept by process (\d+) on (\S+)\n?\Z")


def is_last_good_copy(path: Path) -> bool:
    return path.name.startswith(".") and LAST_GOOD_MARK in path.name


def last_good_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}{LAST_GOOD_MARK}{path.suffix}")


def copy_name_pattern(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    """Exactly the names `last_good_path` (and its `.partial~` while written) gives a file with one of `suffixes`."""
    endings = "|".join(re.escape(s) for s in suffixes)
    return re.compile(rf"\.(?P<stem>.+){re.escape(LAST_GOOD_MARK)}(?:{endings})(?P<partial>{re.escape(PARTIAL_SUFFIX)})?")


def owner_line() -> str:
    return OWNER_LINE.format(pid=os.getpid(), host=socket.gethostname())


def pin_last_good(component: Component) -> None:
    """Run `component` from a copy of its code when the file on disk holds other code."""
    if not component.path or component.run_path:
        return
    source = Path(component.path)
    try:
        if source.read_text(encoding="utf-8") == component.code:
            return
    except (OSError, UnicodeDecodeError):
        pass
    copy = last_good_path(source)
    partial = copy.with_name(copy.name + PARTIAL_SUFFIX)
    # The owner goes on a line of its own after the code: every line of the code keeps its number.
    partial.write_text(f"{component.code}\n{owner_line()}\n", encoding="utf-8")
    partial.replace(copy)
    component.run_path = str(copy)


def unpin_last_good(component: Component) -> None:
    """The file is good again: run from it, and remove the copy."""
    if component.run_path:
        Path(component.run_path).unlink(missing_ok=True)
        component.run_path = None


def error_location(stack: str, path: Path) -> tuple[int, int]:
    """(line, column) of the first frame of `stack` in `path` (or its last good copy); (0, 0) if none.

    A SyntaxError's stack names only the line (`file:///x.mjs:2`), then the code and a `^` under the
    column: the caret gives the column."""
    names = "|".join(re.escape(p) for p in (str(path), path.as_uri(), str(last_good_path(path)),
                                            last_good_path(path).as_uri()))
    found = re.search(rf"(?:{names}):(\d+):(\d+)", stack)
    if found:
        return int(found.group(1)), int(found.group(2))
    found = re.search(rf"(?:{names}):(\d+)\n[^\n]*\n( *)\^", stack)
    return (int(found.group(1)), len(found.group(2)) + 1) if found else (0, 0)


async def syntax_error_location(path: Path, timeout_s: float = 10.0) -> tuple[int, int]:
    """Where `node --check` stops reading `path`: a SyntaxError thrown by import() carries no location."""
    node = shutil.which("node")
    if node is None:
        return 0, 0
    process = await asyncio.create_subprocess_exec(node, "--check", str(path), stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        return 0, 0
    return error_location(stderr.decode(errors="replace"), path)
