"""One Node.js process serving one source: spawn, invoke within limits, ping, stop, and
classify how a run ended when the process did not answer (timeout, memory, exit, crash)."""
from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable

from .component_module import ComponentModule
from .invocation import Invocation, InvocationResult, SandboxLimits, failed_result
from .node_runtime import NodeRuntime
from .protocol import ChannelClosed, Connection, RunnerRequestError

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 15.0
PING_TIMEOUT_S = 2.0
STOP_GRACE_S = 1.0
EXIT_WAIT_S = 5.0
STDERR_TAIL_LINES = 20
HEAP_EXHAUSTED_MARKERS = (b"heap out of memory", b"Reached heap limit")

RespondCallback = Callable[[str, dict], None]


class WorkerStartError(Exception):
    """Node could not be started, or never said it was ready."""


class _RunTrace:
    """What a run reported while it ran: logs, the HTTP response, a process.exit() call."""

    def __init__(self, source_id: str, on_respond: RespondCallback | None) -> None:
        self.source_id = source_id
        self.on_respond = on_respond
        self.logs: list[dict] = []
        self.http_response: dict | None = None
        self.exit_code: int | None = None

    def notice(self, kind: str, params: dict) -> None:
        if kind == "log":
            self.logs.append(params)
        elif kind == "respond":
            self.http_response = params
            if self.on_respond is not None:
                try:
                    self.on_respond(self.source_id, params)
                except Exception:
                    logger.exception("on_respond callback failed for source %s", self.source_id)
        elif kind == "exit":
            self.exit_code = int(params.get("code", 0))


class NodeWorker:
    """A warm Node process for one source's component; one invocation at a time (the host locks)."""

    def __init__(
        self,
        source_id: str,
        runtime: NodeRuntime,
        *,
        module: ComponentModule,
        read_paths: tuple[str, ...],
        limits: SandboxLimits,
        on_respond: RespondCallback | None,
    ) -> None:
        self.source_id = source_id
        self.module = module
        self.read_paths = read_paths
        self.busy = False
        self._runtime = runtime
        self._limits = limits
        self._on_respond = on_respond
        self._process: asyncio.subprocess.Process | None = None
        self._read_transport: asyncio.ReadTransport | None = None
        self._write_transport: asyncio.WriteTransport | None = None
        self._connection: Connection | None = None
        self._serving: asyncio.Task[None] | None = None
        self._stderr_drain: asyncio.Task[None] | None = None
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        self._heap_exhausted = False
        self._kill_reason: str | None = None

    @property
    def signature(self) -> tuple:
        """What the process was started for; a different one needs a fresh process."""
        return (self.module.path, self.module.digest, self.read_paths)

    @property
    def alive(self) -> bool:
        return (
            self._process is not None
            and self._process.returncode is None
            and self._connection is not None
            and not self._connection.closed
        )

    async def start(self) -> None:
        """Spawns Node with two dedicated pipes and waits for the runner's ready notice."""
        loop = asyncio.get_running_loop()
        to_node_read, to_node_write = os.pipe()
        from_node_read, from_node_write = os.pipe()
        argv = self._runtime.worker_argv(
            read_paths=list(self.read_paths),
            memory_mb=self._limits.memory_mb,
            in_fd=to_node_read,
            out_fd=from_node_write,
        )
        try:
            self._process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                pass_fds=(to_node_read, from_node_write),
                env={"TZ": "UTC"},
                cwd=os.path.dirname(self.module.path),
                start_new_session=True,
            )
        except OSError as error:
            os.close(to_node_write)
            os.close(from_node_read)
            raise WorkerStartError(f"cannot start {argv[0]}: {error}") from error
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
        ready: asyncio.Future[dict] = loop.create_future()

        def on_notice(kind: str, params: dict) -> None:
            if kind == "ready" and not ready.done():
                ready.set_result(params)

        self._connection = Connection(reader, self._send, on_notice=on_notice)
        self._serving = asyncio.create_task(self._connection.serve())
        self._stderr_drain = asyncio.create_task(self._drain_stderr())
        await asyncio.wait({ready, self._serving}, timeout=STARTUP_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            await self.stop()
            raise WorkerStartError(f"Node did not start: {self.stderr_tail() or 'no output'}")
        logger.debug("node worker for %s started (pid %s)", self.source_id, self._process.pid)

    def _send(self, frame: bytes) -> None:
        if self._write_transport is None or self._write_transport.is_closing():
            raise ChannelClosed(f"source {self.source_id}: the Node process is gone")
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
            self._heap_exhausted = True
        text = line.decode(errors="replace").rstrip()
        if text:
            self._stderr_tail.append(text)
            logger.debug("node[%s] %s", self.source_id, text)

    def stderr_tail(self) -> str:
        return "\n".join(self._stderr_tail)

    async def invoke(self, invocation: Invocation, now_ms: int) -> InvocationResult:
        """Runs one method; a fault inside the component comes back as the result's outcome."""
        assert self._connection is not None
        trace = _RunTrace(self.source_id, self._on_respond)
        params = {
            "method": invocation.method,
            "module": self.module.to_runner(),
            "props": invocation.props,
            "db": invocation.db,
            "event": invocation.event,
            "now_ms": now_ms,
            "clock_speed": invocation.clock_speed,
            "env": invocation.env,
            "limits": {
                "max_log_bytes": self._limits.max_log_bytes,
                "max_event_bytes": self._limits.max_event_bytes,
            },
        }
        call = f"{invocation.method}() of source {self.source_id}"
        started = time.perf_counter()
        self.busy = True
        try:
            async with asyncio.timeout(self._limits.timeout_s):
                reply = await self._connection.request("invoke", params, call=call, on_notice=trace.notice)
        except TimeoutError:
            self.kill("timeout")
            await self._wait_exit()
            message = f"{call} exceeded the {self._limits.timeout_s:g} s timeout; its Node process was killed"
            return self._unanswered(invocation, trace, started, "timeout", "TimeoutError", message)
        except (ChannelClosed, RunnerRequestError) as failure:
            if isinstance(failure, RunnerRequestError):
                self.kill("crash")
            await self._wait_exit()
            return self._death_result(invocation, trace, started, failure)
        except asyncio.CancelledError:
            self.kill("cancelled")
            raise
        finally:
            self.busy = False
        return InvocationResult(
            outcome=reply["outcome"],
            error=reply["error"],
            emits=reply["emits"],
            db=reply["db"],
            db_changes=reply["db_changes"],
            http_response=reply["http_response"],
            logs=trace.logs,
            duration_ms=reply["duration_ms"],
        )

    def _unanswered(
        self,
        invocation: Invocation,
        trace: _RunTrace,
        started: float,
        outcome: str,
        name: str,
        message: str,
        **details: object,
    ) -> InvocationResult:
        return failed_result(
            invocation,
            outcome,
            {"name": name, "message": message, "stack": "", **details},
            logs=trace.logs,
            http_response=trace.http_response,
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    def _death_result(
        self, invocation: Invocation, trace: _RunTrace, started: float, failure: Exception
    ) -> InvocationResult:
        if self._kill_reason == "memory" or self._heap_exhausted:
            message = f"the run exceeded the {self._limits.memory_mb} MB memory limit; its Node process was killed"
            return self._unanswered(invocation, trace, started, "memory", "MemoryLimitExceeded", message)
        if trace.exit_code is not None:
            message = f"the component called process.exit({trace.exit_code})"
            return self._unanswered(
                invocation, trace, started, "exit", "ProcessExit", message, exit_code=trace.exit_code
            )
        returncode = self._process.returncode if self._process else None
        how = _describe_returncode(returncode)
        tail = self.stderr_tail()
        message = f"Node stopped unexpectedly ({how})" + (f":\n{tail}" if tail else "")
        if isinstance(failure, RunnerRequestError):
            message = f"{failure} ({how})"
        return self._unanswered(invocation, trace, started, "crash", "NodeCrash", message)

    async def ping(self, timeout_s: float = PING_TIMEOUT_S) -> bool:
        """Alive and answering: a busy synchronous loop or a dead process both answer False."""
        if not self.alive or self._connection is None:
            return False
        try:
            async with asyncio.timeout(timeout_s):
                await self._connection.request("ping", {}, call=f"ping of source {self.source_id}")
        except (TimeoutError, ChannelClosed, RunnerRequestError):
            return False
        return True

    def kill(self, reason: str) -> None:
        """SIGKILL at once (the whole process group); `reason` decides how the run is reported."""
        if self._process is None or self._process.returncode is not None:
            return
        self._kill_reason = self._kill_reason or reason
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)

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

    async def _wait_exit(self) -> None:
        assert self._process is not None
        try:
            async with asyncio.timeout(EXIT_WAIT_S):
                await self._process.wait()
        except TimeoutError:
            self.kill("crash")
            await self._process.wait()
        await self._release()

    async def stop(self) -> None:
        """SIGTERM, a short grace period, then SIGKILL; releases the pipes either way."""
        process = self._process
        if process is not None and process.returncode is None:
            self._kill_reason = self._kill_reason or "stopped"
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                async with asyncio.timeout(STOP_GRACE_S):
                    await process.wait()
            except TimeoutError:
                logger.info("node worker for %s ignored SIGTERM; killing it", self.source_id)
                self.kill("stopped")
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


def _describe_returncode(returncode: int | None) -> str:
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"
