"""The Node processes a sandbox test's own hosts started, read from /proc.

Shared by conftest.py and the tests through this one module (a conftest imported by name would be a
second copy with its own state).
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

# Other emulators of the same pytest session (session-scoped servers) own Node processes too: a
# test's own are those whose command line names its hosts' private folders or its tmp_path.
OWN_PROCESS_MARKERS: set[str] = set()


def child_pids() -> set[int]:
    """The running Node processes of this test's hosts."""
    return {pid for pid in _running_children() if _names_a_marker(pid)}


def _names_a_marker(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return any(marker in command for marker in OWN_PROCESS_MARKERS)


def _running_children() -> set[int]:
    """This test process's children that are still running (not reaped, not zombies), read from /proc."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            children.add(int(stat.parent.name))
    return children


async def wait_for_children(predicate: Callable[[set[int]], bool], timeout_s: float = 10.0) -> set[int]:
    """Polls child_pids() until `predicate` holds for them, and returns them."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate(pids := child_pids()):
        assert asyncio.get_running_loop().time() < deadline, f"children never matched; last seen {pids}"
        await asyncio.sleep(0.01)
    return pids
