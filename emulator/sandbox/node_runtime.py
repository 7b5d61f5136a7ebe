"""Which Node.js is installed, and the command line that runs one sandboxed worker on it."""
from __future__ import annotations

import asyncio
import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parent / "node"
RUNNER = NODE_DIR / "runner.mjs"
REGISTER = NODE_DIR / "register.mjs"
CONTAINMENT = NODE_DIR / "containment.mjs"

Version = tuple[int, int, int]


def _at_least(version: Version, *floors: Version) -> bool:
    """True when `version` reaches the floor of its own release line (floors sorted ascending).

    Features land on a new major first and are backported later, e.g. ((20, 6, 0), (18, 19, 0)).
    """
    for floor in floors:
        if version[0] == floor[0]:
            return version >= floor
    return any(version[0] > floor[0] for floor in floors) and version >= min(floors)


@dataclass(frozen=True)
class NodeRuntime:
    """An installed `node` and what its version supports."""

    executable: str
    version: Version

    @property
    def version_text(self) -> str:
        return "v{}.{}.{}".format(*self.version)

    @property
    def has_permission_model(self) -> bool:
        return self.version >= (20, 0, 0)

    @property
    def permission_flag(self) -> str:
        stable = _at_least(self.version, (22, 13, 0), (23, 5, 0))
        return "--permission" if stable else "--experimental-permission"

    @property
    def has_module_register(self) -> bool:
        return _at_least(self.version, (18, 19, 0), (20, 6, 0))

    @property
    def has_in_thread_hooks(self) -> bool:
        """module.registerHooks(): resolve hooks without a loader thread (so no worker needed)."""
        return _at_least(self.version, (22, 15, 0), (23, 5, 0))

    def worker_argv(
        self,
        *,
        read_paths: list[str],
        memory_mb: int,
        in_fd: int,
        out_fd: int,
        resolve_hooks: bool = True,
    ) -> list[str]:
        """node flags + runner.mjs for one worker reading requests on in_fd, replying on out_fd."""
        return self.contained_argv(
            RUNNER, [str(in_fd), str(out_fd)], read_paths=read_paths, memory_mb=memory_mb,
            resolve_hooks=resolve_hooks,
        )

    def contained_argv(
        self,
        script: Path,
        script_args: list[str],
        *,
        read_paths: list[str],
        memory_mb: int,
        resolve_hooks: bool = True,
    ) -> list[str]:
        """node flags + `script` for any process that loads component code: the permission model
        (read only `read_paths` and our own folder; no writes, child processes or workers), a heap
        cap, and containment.mjs loaded before anything else.

        `resolve_hooks`: load register.mjs so `@pipedream/platform` resolves to the bundled one when the
        component's folder lacks it (on Node 20 that needs a loader thread, hence --allow-worker;
        containment.mjs then takes Worker away from components).
        """
        resolve_hooks = resolve_hooks and self.has_module_register
        argv = [self.executable, f"--max-old-space-size={memory_mb}", "--enable-source-maps"]
        if _at_least(self.version, (20, 11, 0), (21, 3, 0)):
            argv += ["--disable-warning=ExperimentalWarning", "--disable-warning=SecurityWarning"]
        if (20, 10, 0) <= self.version < (22, 7, 0):
            argv.append("--experimental-detect-module")
        if self.has_permission_model:
            argv.append(self.permission_flag)
            readable = sorted({str(NODE_DIR), str(script.parent), *read_paths})
            if self.version >= (20, 10, 0):
                argv += [f"--allow-fs-read={path}" for path in readable]
            else:
                argv.append("--allow-fs-read=" + ",".join(readable))
            if resolve_hooks and not self.has_in_thread_hooks:
                argv.append("--allow-worker")
        argv.append(f"--import={CONTAINMENT.as_uri()}")
        if resolve_hooks:
            argv.append(f"--import={REGISTER.as_uri()}")
        return [*argv, str(script), *script_args]


def parse_version(text: str) -> Version | None:
    match = re.match(r"v?(\d+)\.(\d+)\.(\d+)", text.strip())
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


async def find_node(node: str = "node") -> NodeRuntime | None:
    """The Node.js at `node` (a name on PATH or a path), or None when absent or unusable."""
    return await asyncio.to_thread(find_node_sync, node)


def find_node_sync(node: str = "node") -> NodeRuntime | None:
    """find_node for callers without an event loop (blocks while Node says its version)."""
    executable = shutil.which(node)
    if executable is None:
        return None
    try:
        stat = os.stat(executable)
    except OSError:
        return None
    version = _probe_version(executable, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return NodeRuntime(executable, version) if version else None


@functools.lru_cache(maxsize=16)
def _probe_version(executable: str, inode: int, mtime_ns: int, size: int) -> Version | None:
    """`node --version`, asked once per binary and process (a replaced binary has a new inode or mtime)."""
    try:
        output = subprocess.run(
            [executable, "--version"], capture_output=True, check=False, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_version(output.decode(errors="replace"))
