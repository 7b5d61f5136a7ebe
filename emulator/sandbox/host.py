"""SandboxHost: runs sources' code in Node.js, one warm process per source, within limits.

Different sources run in parallel; one source's invocations are serialised. A source's process
comes pre-started from the pool, so a new or reloaded source does not wait for Node to start. A
process that dies (timeout, memory, exit, crash) is replaced at the source's next invocation,
and nothing a component does raises here: it comes back as the result's outcome.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from types import TracebackType

from .component_module import (
    ComponentModule,
    bundle_present,
    file_module,
    imports_bundled_platform,
    write_inline_module,
)
from .containment import Containment
from .import_scan import scan_imports
from .invocation import HttpHandler, Invocation, InvocationResult, SandboxLimits, failed_result
from .node_runtime import NodeRuntime, find_node
from .pool import SPARES_PER_SHAPE, NodePool, PooledProcess, ProcessShape
from .temp_folder import folder_bytes, is_empty
from .temp_roots import make_root, remove_abandoned_roots
from .transport import SpawnError
from .worker import NodeWorker

__all__ = ["Invocation", "InvocationResult", "SandboxHost", "SandboxLimits"]

logger = logging.getLogger(__name__)

MEMORY_POLL_S = 0.1
# Node's own footprint on top of the V8 heap limit; past this the RSS watchdog kills the run
# (it catches Buffers and other memory outside the heap that --max-old-space-size ignores).
RSS_HEADROOM_MB = 128
TEMP_POLL_S = 1.0
BUSY_TEMP_POLL_S = 0.2
MB = 2**20


class SandboxHost:
    """Supervises the Node workers; start() before use, close() (or `async with`) after.

    `on_http` answers the workers' outbound HTTP requests (without it they go to the network);
    `intercept_http=False` starts workers without the interceptors (for the interception benchmark)."""

    def __init__(
        self,
        limits: SandboxLimits = SandboxLimits(),
        *,
        node: str = "node",
        on_respond: Callable[[str, dict], None] | None = None,
        denied: tuple[tuple[str, str], ...] = (),
        on_trouble: Callable[[str, str], None] | None = None,
        on_http: HttpHandler | None = None,
        intercept_http: bool = True,
        spares: int = SPARES_PER_SHAPE,
    ) -> None:
        """`denied`: (path, why) of files no component may read (containment.emulator_files);
        `on_trouble(source_id, message)`: what the sandbox did to a source between runs (a console line)."""
        self._on_trouble = on_trouble
        self.limits = limits
        self.containment = Containment(memory_mb=limits.memory_mb, denied=denied)
        self._intercept_http = intercept_http
        self.on_http = on_http
        self._node = node
        self._spares = spares
        self._on_respond = on_respond
        self._started = False
        self._runtime: NodeRuntime | None = None
        self._pool: NodePool | None = None
        self._workers: dict[str, NodeWorker] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._memory_watch: asyncio.Task[None] | None = None
        self._temp_watch: asyncio.Task[None] | None = None

    async def __aenter__(self) -> SandboxHost:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Finds Node and starts the spares (a host without Node answers every invocation with a `crash`)."""
        self._runtime = await find_node(self._node)
        self._started = True
        if self._runtime is None:
            logger.warning("Node.js (%r) not found: sources cannot run", self._node)
            return
        await asyncio.to_thread(remove_abandoned_roots)
        root = await asyncio.to_thread(make_root)
        # A little over the largest reply a run may send, for the frame's envelope.
        self._pool = NodePool(self._runtime, memory_mb=self.limits.memory_mb, root=root,
                              max_frame_bytes=self.limits.max_reply_bytes + 65536,
                              intercept_http=self._intercept_http, spares=self._spares, tmp_mb=self.limits.tmp_mb)
        # Inline code with no read roots: the shape of most API-created sources, kept warm from the start.
        self._pool.keep_warm(await asyncio.to_thread(_shape_for, Invocation("", "run", "", None, {}, {}),
                                                     self.containment))
        self._memory_watch = asyncio.create_task(self._watch_memory())
        self._temp_watch = asyncio.create_task(self._watch_temp_folders())

    async def close(self) -> None:
        """Stops every process, workers and spares (SIGTERM, wait, SIGKILL), and removes their folders."""
        for watch in (self._memory_watch, self._temp_watch):
            if watch is not None:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch
        self._memory_watch = self._temp_watch = None
        self._workers.clear()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
        self._started = False

    def node_version(self) -> str | None:
        return self._runtime.version_text if self._runtime else None

    async def invoke(self, inv: Invocation) -> InvocationResult:
        """Runs `inv.method` of the source's component; never raises for component faults."""
        if not self._started:
            raise RuntimeError("SandboxHost.start() must be awaited before invoke()")
        if self._pool is None:
            message = f"Node.js ({self._node!r}) was not found, so sources cannot run"
            return failed_result(
                inv, "crash", {"name": "NodeUnavailable", "message": message, "stack": ""},
                logs=[], http_response=None, duration_ms=0.0,
            )
        async with self._locks.setdefault(inv.source_id, asyncio.Lock()):
            try:
                worker = await self._worker_for(inv, self._pool)
            except SpawnError as failure:
                return failed_result(
                    inv, "crash", {"name": "NodeCrash", "message": str(failure), "stack": ""},
                    logs=[], http_response=None, duration_ms=0.0,
                )
            now_ms = inv.now_ms if inv.now_ms > 0 else int(time.time() * 1000)
            result = await worker.invoke(inv, now_ms)
            await self._check_temp_folder(worker, result, now_ms)
            return result

    async def _worker_for(self, inv: Invocation, pool: NodePool) -> NodeWorker:
        """The source's live worker, or a new one when there is none, it died or its code changed."""
        signature = (inv.path, inv.code, tuple(inv.read_roots))
        current = self._workers.get(inv.source_id)
        if current is not None:
            if current.alive and current.signature == signature:
                return current
            del self._workers[inv.source_id]
            pool.retire(current.pooled)
        shape = await asyncio.to_thread(_shape_for, inv, self.containment)
        pooled = await pool.acquire(shape, inv.source_id)
        try:
            module = await _module_for(inv, pooled)
        except OSError as failure:
            pool.retire(pooled)
            raise SpawnError(f"cannot write the component's code for Node: {failure}") from failure
        except BaseException:
            pool.retire(pooled)
            raise
        worker = NodeWorker(
            inv.source_id, pooled, module=module, signature=signature,
            limits=self.limits, on_respond=self._on_respond, on_http=self._answer_http,
        )
        self._workers[inv.source_id] = worker
        return worker

    async def _answer_http(self, inv: Invocation, params: dict) -> tuple[dict, dict]:
        if self.on_http is None:
            return {"passthrough": True}, {}          # a bare sandbox: Node makes the request itself
        return await self.on_http(inv, params)

    async def prepare(self, inv: Invocation) -> None:
        """Keeps a Node process ready for sources like `inv` (its code location and read roots), so the
        first of them does not wait for Node to start."""
        if self._pool is not None:
            self._pool.keep_warm(await asyncio.to_thread(_shape_for, inv, self.containment))

    async def evict(self, source_id: str) -> None:
        """Stops the source's process after its current invocation, without waiting for it to exit
        (close() does); the next invoke takes another."""
        lock = self._locks.setdefault(source_id, asyncio.Lock())
        async with lock:
            worker = self._workers.pop(source_id, None)
            if worker is not None and self._pool is not None:
                self._pool.retire(worker.pooled)
        if not lock.locked() and self._locks.get(source_id) is lock:
            del self._locks[source_id]      # a deleted source leaves nothing behind

    async def ping(self, source_id: str) -> bool:
        """True when the source has a Node process that is alive and answers."""
        worker = self._workers.get(source_id)
        return worker is not None and await worker.ping()

    async def _watch_memory(self) -> None:
        """Every worker, running or not: memory a component keeps growing after run() returned
        counts too. A busy one fails its run; an idle one is stopped and the next run gets a new one."""
        limit_mb = self.limits.memory_mb + RSS_HEADROOM_MB
        while True:
            await asyncio.sleep(MEMORY_POLL_S)
            for worker in list(self._workers.values()):
                rss_mb = worker.rss_mb()
                if rss_mb is None or rss_mb <= limit_mb:
                    continue
                if worker.busy:
                    logger.warning("source %s uses %.0f MB (limit %d MB): killing its Node process",
                                   worker.source_id, rss_mb, limit_mb)
                    worker.kill("memory")
                else:
                    self._stop_idle(worker, f"its Node process grew to {rss_mb:.0f} MB after its run "
                                            f"(limit {limit_mb} MB) and was stopped; the next run starts a new one")

    async def _check_temp_folder(self, worker: NodeWorker, result: InvocationResult, now_ms: int) -> None:
        """After a run: a /tmp folder over the limit is emptied with its process (the run's result
        stands, with a warning in its logs, and the console says so)."""
        size = await self._temp_bytes(worker)
        if size is not None and worker.alive:
            why = self._temp_over_limit(worker, size)
            result.logs.append({"level": "warn", "message": f"[{why}]", "ts": now_ms})
            self._stop_idle(worker, why, reason="temp")

    async def _temp_bytes(self, worker: NodeWorker) -> int | None:
        """The size of the worker's /tmp folder when it is over the limit, else None."""
        folder = worker.pooled.temp_folder
        limit = self.limits.tmp_mb * MB
        if folder is None or is_empty(folder):      # most sources write nothing: no thread for them
            return None
        size = await asyncio.to_thread(folder_bytes, folder, limit)
        return size if size > limit else None

    def _temp_over_limit(self, worker: NodeWorker, size: int) -> str:
        # The count stops once past the limit, so `size` is a lower bound.
        return (f"its /tmp folder holds at least {size / MB:.1f} MB, over the {self.limits.tmp_mb} MB limit: its temp files "
                f"were removed with its Node process; the next run starts with an empty /tmp")

    async def _watch_temp_folders(self) -> None:
        """Every worker's /tmp, a running one's every BUSY_TEMP_POLL_S (how far a run can write past the
        limit is what the disk writes in that time), the others' every TEMP_POLL_S: a run writing past
        the limit fails (its process is killed); an idle worker over it (a stream still writing after
        run()) is stopped."""
        ticks = 0
        while True:
            await asyncio.sleep(BUSY_TEMP_POLL_S)
            ticks += 1
            everyone = ticks % round(TEMP_POLL_S / BUSY_TEMP_POLL_S) == 0
            for worker in [w for w in self._workers.values() if everyone or w.busy]:
                size = await self._temp_bytes(worker)
                if size is None or not worker.alive or self._workers.get(worker.source_id) is not worker:
                    continue
                why = self._temp_over_limit(worker, size)
                worker.temp_bytes = size
                if worker.busy:
                    logger.warning("source %s: %s", worker.source_id, why)
                    worker.kill("temp")
                else:
                    self._stop_idle(worker, why, reason="temp")

    def _stop_idle(self, worker: NodeWorker, why: str, reason: str = "memory") -> None:
        worker.kill(reason)
        if self._workers.get(worker.source_id) is worker:
            del self._workers[worker.source_id]
        if self._pool is not None:
            self._pool.retire(worker.pooled)
        logger.warning("source %s: %s", worker.source_id, why)
        if self._on_trouble is not None:
            self._on_trouble(worker.source_id, why)


def _shape_for(inv: Invocation, containment: Containment) -> ProcessShape:
    """What the source's process may read (read_scope: its roots, its folder, what it imports,
    never the emulator's files), whether it loads the resolve hooks and whether its spares preload the
    bundled @pipedream/platform. Reads files: call it in a thread.

    Inline code goes to a private folder that links our @pipedream packages, so it needs no hooks."""
    scope = containment.scope(inv.path, inv.read_roots)
    if inv.path is None:
        return ProcessShape(scope.readable, private_folder=True, resolve_hooks=False, denied=scope.denied,
                            preload_platform=imports_bundled_platform(inv.code))
    folder = os.path.dirname(os.path.abspath(inv.path))
    # Node may chdir() only into a readable folder; one split around a denied file is started in.
    # Otherwise spares stay shared between the folders of one read root.
    cwd = None if any(folder == path or folder.startswith(path + os.sep) for path in scope.readable) else folder
    needs = scan_imports(inv.path)
    return ProcessShape(scope.readable, private_folder=False, resolve_hooks=needs.resolve_hooks,
                        denied=scope.denied, cwd=cwd, preload_platform=needs.bundled_platform and bundle_present())


async def _module_for(inv: Invocation, pooled: PooledProcess) -> ComponentModule:
    if inv.path is not None:
        return file_module(inv.path, inv.code)
    assert pooled.folder is not None
    return await write_inline_module(pooled.folder, inv.code)
