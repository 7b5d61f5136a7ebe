"""A Node.js process talking the protocol over two dedicated pipes (never its stdout).

Owns the OS side: spawning, the pipes, Node's own stderr, signals, resident memory.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import signal
from collections.abc import Callable
from typing import Any

from .protocol import MAX_FRAME_BYTES, ChannelClosed, Connection

logger = logging.getLogger(__name__)

STOP_GRACE_S = 1.0
EXIT_WAIT_S = 5.0
STDERR_TAIL_LINES = 20
HEAP_EXHAUSTED_MARKERS = (b"heap out of memory", b"Reached heap limit")


class SpawnError(Exception):
    """Node could not be started, or never said it was ready."""


class NodeProcess:
    """One spawned Node process and its protocol connection."""

    def __init__(self, label: str, *, max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        self.label = label
        self._max_frame_bytes = max_frame_bytes
        self.connection: Connection | None = None
        self.heap_exhausted = False
        self._process: asyncio.subprocess.Process | None = None
        self._read_transport: asyncio.ReadTransport | None = None
        self._write_transport: asyncio.WriteTransport | None = None
        self._serving: asyncio.Task[None] | None = None
        self._stderr_drain: asyncio.Task[None] | None = None
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        self._ready: asyncio.Future[dict] | None = None

    async def spawn(self, argv_for: Callable[[int, int], list[str]], *, cwd: str, env: dict[str, str]) -> None:
        """Starts `argv_for(in_fd, out_fd)`: Node reads requests on in_fd and replies on out_fd."""
        loop = asyncio.get_running_loop()
        to_node_read, to_node_write = os.pipe()
        from_node_read, from_node_write = os.pipe()
        argv = argv_for(to_node_read, from_node_write)
        try:
            self._process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                pass_fds=(to_node_read, from_node_write),
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        except OSError as error:
            os.close(to_node_write)
            os.close(from_node_read)
            raise SpawnError(f"cannot start {argv[0]}: {error}") from error
        finally:
            os.close(to_node_read)
            os.close(from_node_write)

        reader = asyncio.StreamReader()
        self._read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), open(from_node_read, "rb", buffering=0)
        )
        self._write_transport, _ = await loop.connect_write_pipe(
            asyncio.Protocol, open(to_node_write, "wb", buffering=0)
        )
        self._ready = loop.create_future()
        self.connection = Connection(reader, self._send, on_notice=self._on_own_notice,
                                     max_frame_bytes=self._max_frame_bytes)
        self._serving = asyncio.create_task(self.connection.serve())
        self._serving.add_done_callback(self._after_serving)
        self._stderr_drain = asyncio.create_task(self._drain_stderr())

    async def wait_ready(self, timeout_s: float) -> dict:
        """The runner's ready notice; stops the process and raises SpawnError without one."""
        assert self._ready is not None and self._serving is not None
        waiters: set[asyncio.Future[Any]] = {self._ready, self._serving}
        await asyncio.wait(waiters, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        if not self._ready.done():
            self._ready.cancel()
            await self.stop()
            raise SpawnError(f"Node did not start: {self.stderr_tail() or 'no output'}")
        return self._ready.result()

    def _after_serving(self, _: asyncio.Task[None]) -> None:
        """A process that broke the protocol (an oversized or garbled frame) is killed at once."""
        if self.connection is not None and self.connection.violation:
            logger.warning("node[%s] (pid %s): %s; killing it", self.label, self.pid, self.connection.violation)
            self.kill()

    def _on_own_notice(self, kind: str, params: dict) -> None:
        if kind == "ready" and self._ready is not None and not self._ready.done():
            self._ready.set_result(params)

    def _send(self, frame: bytes) -> None:
        if self._write_transport is None or self._write_transport.is_closing():
            raise ChannelClosed(f"{self.label}: the Node process is gone")
        self._write_transport.write(frame)

    async def _drain_stderr(self) -> None:
        """Keeps Node's own stderr (fatal errors, output outside runs) for diagnosis and the log."""
        assert self._process is not None and self._process.stderr is not None
        pending = b""
        while chunk := await self._process.stderr.read(65536):
            *lines, pending = (pending + chunk).split(b"\n")
            if len(pending) > 8192:
                lines.append(pending)
                pending = b""
            for line in lines:
                self._note_stderr(line)
        if pending:
            self._note_stderr(pending)

    def _note_stderr(self, line: bytes) -> None:
        if any(marker in line for marker in HEAP_EXHAUSTED_MARKERS):
            self.heap_exhausted = True
        text = line.decode(errors="replace").rstrip()
        if text:
            self._stderr_tail.append(text)
            logger.debug("node[%s] %s", self.label, text)

    def stderr_tail(self) -> str:
        return "\n".join(self._stderr_tail)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process else None

    @property
    def alive(self) -> bool:
        return (
            self._process is not None
            and self._process.returncode is None
            and self.connection is not None
            and not self.connection.closed
        )

    def when_closed(self, callback: Callable[[], None]) -> None:
        """Calls `callback` once the runner's end of the channel closes (it exited or was killed)."""
        assert self._serving is not None
        self._serving.add_done_callback(lambda _: callback())

    def kill(self) -> None:
        """SIGKILL to the whole process group, at once."""
        self._signal(signal.SIGKILL)

    def terminate(self) -> None:
        """SIGTERM to the whole process group, at once; stop() then waits for it to end."""
        self._signal(signal.SIGTERM)

    def _signal(self, signum: signal.Signals) -> None:
        if self._process is None or self._process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signum)

    def rss_mb(self) -> float | None:
        """Resident memory from /proc (a procfs read does not block), or None when unknown."""
        if self._process is None or self._process.returncode is not None:
            return None
        try:
            with open(f"/proc/{self._process.pid}/statm", "rb") as statm:
                resident_pages = int(statm.read().split()[1])
        except (OSError, ValueError, IndexError):
            return None
        return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20

    async def wait_exit(self) -> None:
        """Waits for a process that is ending anyway (killing it if it lingers), then releases it."""
        if self._process is not None:
            try:
                async with asyncio.timeout(EXIT_WAIT_S):
                    await self._process.wait()
            except TimeoutError:
                self.kill()
                await self._process.wait()
        await self._release()

    async def stop(self) -> None:
        """SIGTERM, a short grace period, then SIGKILL; releases the pipes either way."""
        process = self._process
        if process is not None and process.returncode is None:
            self._signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(STOP_GRACE_S):
                    await process.wait()
            except TimeoutError:
                logger.info("node[%s] ignored SIGTERM; sending SIGKILL", self.label)
                self.kill()
                await process.wait()
        await self._release()

    async def _release(self) -> None:
        for transport in (self._write_transport, self._read_transport):
            if transport is not None and not transport.is_closing():
                transport.close()
        for task in (self._serving, self._stderr_drain):
            if task is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(EXIT_WAIT_S):
                        await asyncio.shield(task)
