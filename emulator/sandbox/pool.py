"""Pre-started Node processes, so a new or reloaded source does not wait for Node to start.

Node's permissions are fixed when it starts, so spares are kept per ProcessShape; a source takes
one and sends it the module to load with its first request. Every process leaves through
retire(): SIGTERM at once, reaped in the background; close() waits until none is left.
"""
from __future__ import annotations

import asyncio
import collections
import functools
import itertools
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .component_module import PRELOAD_PLATFORM_VARIABLE, prepare_private_folder
from .containment import node_environment
from .node_runtime import NODE_DIR, NodeRuntime
from .protocol import MAX_FRAME_BYTES
from .temp_folder import limit_files, make_temp_folder, temp_environment
from .transport import NodeProcess, SpawnError

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 15.0
# Taken from the emulator's environment, so a local HTTPS mock or a corporate proxy works.
INHERITED_ENV = ("NODE_EXTRA_CA_CERTS", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
                 "http_proxy", "https_proxy", "no_proxy")


def inherited_env() -> dict[str, str]:
    return {name: os.environ[name] for name in INHERITED_ENV if name in os.environ}
SPARES_PER_SHAPE = 1
# A shape lent again within QUICK_SUCCESSION_S of its last lend, with no spare ready, keeps one
# more spare (up to MAX_SPARES_PER_SHAPE) until it has not been lent for TRIM_AFTER_S.
QUICK_SUCCESSION_S = 5.0
MAX_SPARES_PER_SHAPE = 3
TRIM_AFTER_S = 30.0
MAX_SPARES = 4               # idle or starting, over all shapes (an idle Node holds 40-50 MB)
WARM_SHAPES = 4              # how many of the most recently used shapes keep spares
RETRIES_AFTER_FAILED_START = 3   # a spare killed while starting is replaced; a Node that never starts is not


@dataclass(frozen=True)
class ProcessShape:
    """What is fixed when Node starts, so what a spare must match to serve a source.

    read_paths: what Node may read besides the runner's folder; private_folder: a folder of the
    process's own (readable by it alone) receives inline code; resolve_hooks: load register.mjs;
    denied: (path, why) of the emulator's files kept out of read_paths, to explain a denial;
    cwd: where Node starts, when the component's folder is not readable as a whole (it holds a
    denied file), since chdir() there would be denied; else None and the runner changes folder;
    preload_platform: the runner loads the bundled @pipedream/platform as soon as it is ready, so a
    spare has it loaded by the time a source that imports it takes the spare.
    """

    read_paths: tuple[str, ...]
    private_folder: bool
    resolve_hooks: bool
    denied: tuple[tuple[str, str], ...] = ()
    cwd: str | None = None
    preload_platform: bool = False


@dataclass(eq=False)
class PooledProcess:
    """A started Node process, its shape, its private folder when the shape has one, and its temp
    folder (its `/tmp`, the only place it may write)."""

    process: NodeProcess
    shape: ProcessShape
    folder: Path | None
    temp_folder: Path | None = None


class NodePool:
    """Starts, lends and stops the host's Node processes; keeps spares of recently used shapes."""

    def __init__(self, runtime: NodeRuntime, *, memory_mb: int, root: Path, spares: int = SPARES_PER_SHAPE,
                 max_frame_bytes: int = MAX_FRAME_BYTES, intercept_http: bool = True, tmp_mb: int | None = None) -> None:
        self._runtime = runtime
        self._tmp_mb = tmp_mb
        self._max_frame_bytes = max_frame_bytes
        self._intercept_env = {} if intercept_http else {"PD_SANDBOX_INTERCEPT": "0"}
        self._memory_mb = memory_mb
        self._root = root
        self._spares = spares
        self._numbers = itertools.count(1)
        self._idle: dict[ProcessShape, list[PooledProcess]] = {}
        self._starting: dict[ProcessShape, list[asyncio.Task[PooledProcess]]] = {}
        self._wanted: collections.OrderedDict[ProcessShape, int] = collections.OrderedDict()  # shape → spares
        self._last_lent: dict[ProcessShape, float] = {}
        self._failed_starts: dict[ProcessShape, int] = {}
        self._trim_timer: asyncio.TimerHandle | None = None
        self._live: set[PooledProcess] = set()
        self._tasks: set[asyncio.Task[object]] = set()
        self._closed = False

    def keep_warm(self, shape: ProcessShape) -> None:
        """Keeps spares of `shape` ready; the least recently used shape past WARM_SHAPES loses its own."""
        self._wanted[shape] = self._wanted.pop(shape, self._spares)
        while len(self._wanted) > WARM_SHAPES:
            cold, _ = self._wanted.popitem(last=False)
            self._last_lent.pop(cold, None)
            self._failed_starts.pop(cold, None)
            for pooled in self._idle.pop(cold, []):
                self.retire(pooled)
        self._refill(shape)

    async def acquire(self, shape: ProcessShape, label: str) -> PooledProcess:
        """A ready process of this shape: an idle spare, else one still starting, else a new one.

        Raises SpawnError when Node does not start."""
        pooled = self._take_idle(shape)
        starting = None if pooled else self._take_starting(shape)
        self._note_lend(shape, ran_out=pooled is None)
        if pooled is None and starting is None:
            pooled = await self._start(shape, label)      # spares start after it, not competing with it
        self.keep_warm(shape)
        if pooled is None and starting is not None:
            pooled = await self._claim(shape, starting)
        if pooled is None:
            pooled = await self._start(shape, label)
        pooled.process.label = label
        return pooled

    def retire(self, pooled: PooledProcess) -> None:
        """Stops a process without waiting for it: SIGTERM now, reaped (SIGKILL if it lingers) in the background."""
        if pooled not in self._live:
            return
        self._live.discard(pooled)
        pooled.process.terminate()
        self._track(asyncio.create_task(self._reap(pooled)))

    async def close(self) -> None:
        """Stops every process it started, spares and lent ones, and waits until all are reaped."""
        self._closed = True
        if self._trim_timer is not None:
            self._trim_timer.cancel()
        self._idle.clear()
        for pooled in list(self._live):
            self.retire(pooled)
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.to_thread(shutil.rmtree, self._root, True)

    def _note_lend(self, shape: ProcessShape, *, ran_out: bool) -> None:
        now = asyncio.get_running_loop().time()
        last = self._last_lent.get(shape)
        if ran_out and self._spares and last is not None and now - last < QUICK_SUCCESSION_S:
            self._wanted[shape] = min(self._wanted.get(shape, self._spares) + 1, MAX_SPARES_PER_SHAPE)
            if self._trim_timer is None:
                self._trim_timer = asyncio.get_running_loop().call_later(TRIM_AFTER_S, self._trim)
        self._last_lent[shape] = now

    def _trim(self) -> None:
        """Shapes not lent for TRIM_AFTER_S go back to SPARES_PER_SHAPE spares."""
        self._trim_timer = None
        now = asyncio.get_running_loop().time()
        for shape, wanted in self._wanted.items():
            if wanted > self._spares and now - self._last_lent.get(shape, now) >= TRIM_AFTER_S:
                self._wanted[shape] = self._spares
                spares = self._idle.get(shape, [])
                while len(spares) > self._spares:
                    self.retire(spares.pop())
        if any(wanted > self._spares for wanted in self._wanted.values()):
            self._trim_timer = asyncio.get_running_loop().call_later(TRIM_AFTER_S, self._trim)

    def _take_idle(self, shape: ProcessShape) -> PooledProcess | None:
        spares = self._idle.get(shape, [])
        while spares:
            pooled = spares.pop(0)
            if pooled.process.alive:
                return pooled
            self.retire(pooled)
        return None

    def _take_starting(self, shape: ProcessShape) -> asyncio.Task[PooledProcess] | None:
        starting = self._starting.get(shape)
        return starting.pop(0) if starting else None

    async def _claim(self, shape: ProcessShape, task: asyncio.Task[PooledProcess]) -> PooledProcess | None:
        """Waits for a spare still starting (further along than a new process); None if it failed."""
        try:
            return await asyncio.shield(task)
        except SpawnError:
            return None
        except asyncio.CancelledError:
            self._starting.setdefault(shape, []).append(task)      # unclaimed: it becomes an idle spare
            if task.done():
                self._spare_started(shape, task)
            raise

    def _refill(self, shape: ProcessShape) -> None:
        if self._closed or shape not in self._wanted:
            return
        starting = self._starting.setdefault(shape, [])
        for _ in range(self._wanted[shape] - len(self._idle.get(shape, [])) - len(starting)):
            if self._spare_count() >= MAX_SPARES and not self._drop_other_spare(shape):
                return
            task = asyncio.create_task(self._start(shape, "spare"))
            starting.append(task)
            task.add_done_callback(functools.partial(self._spare_started, shape))
            self._track(task)

    def _spare_count(self) -> int:
        return sum(map(len, self._idle.values())) + sum(map(len, self._starting.values()))

    def _drop_other_spare(self, shape: ProcessShape) -> bool:
        """Retires an idle spare of the least recently used other shape, to make room; False if none."""
        for other in self._wanted:
            spares = self._idle.get(other)
            if other != shape and spares:
                self.retire(spares.pop())
                return True
        return False

    def _spare_started(self, shape: ProcessShape, task: asyncio.Task[PooledProcess]) -> None:
        starting = self._starting.get(shape, [])
        if task not in starting:
            return                         # claimed: whoever claimed it takes the result
        starting.remove(task)
        if task.cancelled():
            return
        if (failure := task.exception()) is not None:
            self._failed_starts[shape] = failures = self._failed_starts.get(shape, 0) + 1
            if not self._closed:
                logger.warning("a spare Node process did not start (%d in a row): %s", failures, failure)
            if failures < RETRIES_AFTER_FAILED_START:
                self._refill(shape)
            return
        self._failed_starts.pop(shape, None)
        pooled = task.result()
        idle = self._idle.setdefault(shape, [])
        if self._closed or len(idle) >= self._wanted.get(shape, 0):
            self.retire(pooled)            # closed, or the shape went cold or was trimmed meanwhile
            return
        idle.append(pooled)
        pooled.process.when_closed(lambda: self._spare_closed(pooled))

    def _spare_closed(self, pooled: PooledProcess) -> None:
        """An idle spare died (killed from outside, or Node failed): replace it."""
        spares = self._idle.get(pooled.shape, [])
        if pooled in spares:
            spares.remove(pooled)
            logger.info("a spare Node process (pid %s) ended; starting another", pooled.process.pid)
            self.retire(pooled)
            self._refill(pooled.shape)

    async def _start(self, shape: ProcessShape, label: str) -> PooledProcess:
        if self._closed:
            raise SpawnError("the sandbox is closed")
        read_paths = {str(NODE_DIR), *shape.read_paths}
        number = next(self._numbers)
        folder = None
        temp_folder = self._root / f"t{number}"
        try:
            await asyncio.to_thread(make_temp_folder, temp_folder)
            if shape.private_folder:
                folder = self._root / f"p{number}"
                await asyncio.to_thread(prepare_private_folder, folder)
                read_paths.add(str(folder))
        except OSError as error:
            await asyncio.to_thread(_remove, folder, temp_folder)
            raise SpawnError(f"cannot prepare a folder for Node: {error}") from error

        def argv_for(in_fd: int, out_fd: int) -> list[str]:
            return self._runtime.worker_argv(
                read_paths=sorted(read_paths), memory_mb=self._memory_mb, in_fd=in_fd, out_fd=out_fd,
                resolve_hooks=shape.resolve_hooks, write_paths=[str(temp_folder)],
            )

        process = NodeProcess(label, max_frame_bytes=self._max_frame_bytes)
        try:
            env = {**inherited_env(), **node_environment(shape.denied), **self._intercept_env,
                   **temp_environment(temp_folder, self._tmp_mb)}
            if shape.preload_platform:
                env[PRELOAD_PLATFORM_VARIABLE] = "1"
            await process.spawn(argv_for, cwd=shape.cwd or str(folder or NODE_DIR), env=env)
            if process.pid is not None:
                limit_files(process.pid, self._tmp_mb * 2**20 if self._tmp_mb else None)
        except SpawnError:
            await asyncio.to_thread(_remove, folder, temp_folder)
            raise
        pooled = PooledProcess(process, shape, folder, temp_folder)
        self._live.add(pooled)
        try:
            if self._closed:
                raise SpawnError("the sandbox is closed")
            await process.wait_ready(STARTUP_TIMEOUT_S)
        except BaseException:
            self.retire(pooled)
            raise
        logger.debug("node %s started (pid %s)", label, process.pid)
        return pooled

    async def _reap(self, pooled: PooledProcess) -> None:
        await pooled.process.stop()
        await asyncio.to_thread(_remove, pooled.folder, pooled.temp_folder)

    def _track(self, task: asyncio.Task[object]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _remove(*folders: Path | None) -> None:
    for folder in folders:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
