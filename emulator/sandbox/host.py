"""SandboxHost: runs sources' code in Node.js, one warm process per source, within limits.

Different sources run in parallel; one source's invocations are serialised. A process that
dies (timeout, memory, exit, crash) is replaced by a fresh one at the source's next invocation,
and nothing a component does raises here: it comes back as the result's outcome.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from .component_module import ComponentModule, InlineCodeFolder
from .invocation import Invocation, InvocationResult, SandboxLimits, failed_result
from .node_runtime import NODE_DIR, NodeRuntime, find_node
from .transport import SpawnError
from .worker import NodeWorker

__all__ = ["Invocation", "InvocationResult", "SandboxHost", "SandboxLimits"]

logger = logging.getLogger(__name__)

MEMORY_POLL_S = 0.1
# Node's own footprint on top of the V8 heap limit; past this the RSS watchdog kills the run
# (it catches Buffers and other memory outside the heap that --max-old-space-size ignores).
RSS_HEADROOM_MB = 128
# Placements remembered per (path, code, read roots), so a warm invoke does no hashing or fs calls.
PLACEMENT_CACHE_SIZE = 256

Placement = tuple[ComponentModule, tuple[str, ...]]


class SandboxHost:
    """Supervises the Node workers; start() before use, close() (or `async with`) after."""

    def __init__(
        self,
        limits: SandboxLimits = SandboxLimits(),
        *,
        node: str = "node",
        on_respond: Callable[[str, dict], None] | None = None,
    ) -> None:
        self.limits = limits
        self._node = node
        self._on_respond = on_respond
        self._runtime: NodeRuntime | None = None
        self._inline_code: InlineCodeFolder | None = None
        self._workers: dict[str, NodeWorker] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._memory_watch: asyncio.Task[None] | None = None
        self._placements: dict[tuple[str | None, str, tuple[str, ...]], Placement] = {}

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
        """Finds Node (a host without Node answers every invocation with a `crash`)."""
        self._runtime = await find_node(self._node)
        if self._runtime is None:
            logger.warning("Node.js (%r) not found: sources cannot run", self._node)
        root = await asyncio.to_thread(tempfile.mkdtemp, prefix="pd-sandbox-")
        self._inline_code = InlineCodeFolder(Path(root))
        self._memory_watch = asyncio.create_task(self._watch_memory())

    async def close(self) -> None:
        """Stops every worker (SIGTERM, wait, SIGKILL) and removes the inline-code folder."""
        if self._memory_watch is not None:
            self._memory_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._memory_watch
            self._memory_watch = None
        workers, self._workers = list(self._workers.values()), {}
        await asyncio.gather(*(worker.stop() for worker in workers))
        if self._inline_code is not None:
            await asyncio.to_thread(shutil.rmtree, self._inline_code.root, True)
            self._inline_code = None
        self._placements.clear()

    def node_version(self) -> str | None:
        return self._runtime.version_text if self._runtime else None

    async def invoke(self, inv: Invocation) -> InvocationResult:
        """Runs `inv.method` of the source's component; never raises for component faults."""
        if self._inline_code is None:
            raise RuntimeError("SandboxHost.start() must be awaited before invoke()")
        if self._runtime is None:
            message = f"Node.js ({self._node!r}) was not found, so sources cannot run"
            return failed_result(
                inv, "crash", {"name": "NodeUnavailable", "message": message, "stack": ""},
                logs=[], http_response=None, duration_ms=0.0,
            )
        async with self._locks.setdefault(inv.source_id, asyncio.Lock()):
            module, read_paths = await self._placement(inv, self._inline_code)
            try:
                worker = await self._worker_for(inv.source_id, module, read_paths, self._runtime)
            except SpawnError as failure:
                return failed_result(
                    inv, "crash", {"name": "NodeCrash", "message": str(failure), "stack": ""},
                    logs=[], http_response=None, duration_ms=0.0,
                )
            now_ms = inv.now_ms if inv.now_ms > 0 else int(time.time() * 1000)
            return await worker.invoke(inv, now_ms)

    async def _placement(self, inv: Invocation, inline_code: InlineCodeFolder) -> Placement:
        """The module Node imports for this code and the paths it may read."""
        key = (inv.path, inv.code, tuple(inv.read_roots))
        placement = self._placements.get(key)
        if placement is None:
            module = await inline_code.module_for(inv.code, inv.path)
            placement = (module, _read_paths(module, inv.read_roots))
            if len(self._placements) >= PLACEMENT_CACHE_SIZE:
                del self._placements[next(iter(self._placements))]
            self._placements[key] = placement
        return placement

    async def _worker_for(
        self, source_id: str, module: ComponentModule, read_paths: tuple[str, ...], runtime: NodeRuntime
    ) -> NodeWorker:
        """The source's live worker, or a new one when there is none, it died or its code changed."""
        current = self._workers.get(source_id)
        if current is not None:
            if current.alive and current.signature == (module.path, module.digest, read_paths):
                return current
            del self._workers[source_id]
            await current.stop()
        worker = NodeWorker(
            source_id, runtime, module=module, read_paths=read_paths,
            limits=self.limits, on_respond=self._on_respond,
        )
        await worker.start()
        self._workers[source_id] = worker
        return worker

    async def evict(self, source_id: str) -> None:
        """Stops the source's worker after its current invocation; the next invoke starts afresh."""
        async with self._locks.setdefault(source_id, asyncio.Lock()):
            worker = self._workers.pop(source_id, None)
            if worker is not None:
                await worker.stop()

    async def ping(self, source_id: str) -> bool:
        """True when the source has a Node process that is alive and answers."""
        worker = self._workers.get(source_id)
        return worker is not None and await worker.ping()

    async def _watch_memory(self) -> None:
        limit_mb = self.limits.memory_mb + RSS_HEADROOM_MB
        while True:
            await asyncio.sleep(MEMORY_POLL_S)
            for worker in list(self._workers.values()):
                if not worker.busy:
                    continue
                rss_mb = worker.rss_mb()
                if rss_mb is not None and rss_mb > limit_mb:
                    logger.warning(
                        "source %s uses %.0f MB (limit %d MB): killing its Node process",
                        worker.source_id, rss_mb, limit_mb,
                    )
                    worker.kill("memory")


def _read_paths(module: ComponentModule, read_roots: list[str]) -> tuple[str, ...]:
    """What the permission model lets Node read: the runner, the component's folder, the roots."""
    paths = {str(NODE_DIR), os.path.dirname(module.path)}
    for root in read_roots:
        paths.add(os.path.abspath(root))
        paths.add(os.path.realpath(root))
    paths.add(os.path.realpath(os.path.dirname(module.path)))
    return tuple(sorted(paths))
