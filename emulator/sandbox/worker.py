"""One source's warm Node worker: invokes within the limits, and tells how a run ended when
Node never answered (timeout, memory, process.exit, crash)."""
from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable

from . import heap_freeze
from .component_module import ComponentModule
from .invocation import HttpHandler, Invocation, InvocationResult, SandboxLimits, failed_result
from .pool import PooledProcess, inherited_env
from .protocol import ChannelClosed, Connection, RunnerRequestError

logger = logging.getLogger(__name__)

PING_TIMEOUT_S = 2.0

RespondCallback = Callable[[str, dict], None]


class _RunTrace:
    """What a run reported while it ran: logs, the HTTP response, a process.exit() call, and the
    outbound requests it made (each answered by `on_http` while the run waits)."""

    def __init__(self, invocation: Invocation, on_respond: RespondCallback | None,
                 on_http: HttpHandler | None, connection: Connection) -> None:
        self.invocation = invocation
        self.source_id = invocation.source_id
        self.on_respond = on_respond
        self.on_http = on_http
        self.connection = connection
        self.logs: list[dict] = []
        self.http_response: dict | None = None
        self.exit_code: int | None = None
        self.requests: dict[int, dict] = {}
        self.answering: set[asyncio.Task[None]] = set()
        self.emits: list[dict] = []          # a long run's earlier emits, sent ahead of its reply

    def notice(self, kind: str, params: dict) -> None:
        if kind == "log":
            self.logs.append(params)
        elif kind == "http":
            task = asyncio.get_running_loop().create_task(self._answer_http(params))
            self.answering.add(task)
            task.add_done_callback(self.answering.discard)
        elif kind == "emits":
            self.emits.extend(params.get("emits") or [])
            heap_freeze.hold(self.source_id)      # released by the runtime once they are stored
        elif kind == "respond":
            self.http_response = params
            if self.on_respond is not None:
                try:
                    self.on_respond(self.source_id, params)
                except Exception:
                    logger.exception("on_respond callback failed for source %s", self.source_id)
        elif kind == "exit":
            self.exit_code = int(params.get("code", 0))

    async def _answer_http(self, params: dict) -> None:
        seq = int(params.get("seq") or 0)
        if self.on_http is None:
            reply: dict = {"passthrough": True}
        else:
            try:
                reply, entry = await self.on_http(self.invocation, params)
                if entry:
                    self.requests[seq] = entry
            except Exception as failure:          # a bug on our side must not hang the component
                logger.exception("answering %s %s failed", params.get("method"), params.get("url"))
                reply = {"error": {"message": f"{params.get('method')} {params.get('url')}: the emulator failed "
                                              f"to answer ({failure})", "code": "ECONNRESET"}}
        self.connection.notify("http_reply", {"seq": seq, **reply})

    def finish(self) -> list[dict]:
        """Stops answering (the run is over) and lists the requests answered, in the order made."""
        for task in self.answering:
            task.cancel()
        return [self.requests[seq] for seq in sorted(self.requests)]


class NodeWorker:
    """A warm Node process serving one source's component; one invocation at a time (the host locks).

    `signature`: what the process serves (path, code, read roots); a different one needs another process.
    """

    def __init__(
        self,
        source_id: str,
        pooled: PooledProcess,
        *,
        module: ComponentModule,
        signature: tuple,
        limits: SandboxLimits,
        on_respond: RespondCallback | None,
        on_http: HttpHandler | None = None,
    ) -> None:
        self.source_id = source_id
        self.pooled = pooled
        self.module = module
        self.signature = signature
        self.busy = False
        self._limits = limits
        self._on_respond = on_respond
        self._on_http = on_http
        self._node = pooled.process
        self._kill_reason: str | None = None
        self.temp_bytes = 0                  # the /tmp size that had the process killed ("temp")

    @property
    def alive(self) -> bool:
        return self._node.alive

    async def invoke(self, invocation: Invocation, now_ms: int) -> InvocationResult:
        """Runs one method; a fault inside the component comes back as the result's outcome."""
        connection = self._node.connection
        assert connection is not None
        trace = _RunTrace(invocation, self._on_respond, self._on_http, connection)
        try:
            result = await self._invoke(invocation, now_ms, trace)
        finally:
            requests = trace.finish()
        result.requests = requests
        return result

    async def _invoke(self, invocation: Invocation, now_ms: int, trace: _RunTrace) -> InvocationResult:
        connection = self._node.connection
        assert connection is not None
        params = {
            "method": invocation.method,
            "module": self.module.to_runner(started_in=self.pooled.shape.cwd),
            "props": invocation.props,
            "prop_definitions": invocation.prop_definitions,
            "db": invocation.db,
            "event": invocation.event,
            "now_ms": now_ms,
            "clock_speed": invocation.clock_speed,
            "env": {**inherited_env(), **invocation.env},
            "limits": {
                "max_log_bytes": self._limits.max_log_bytes,
                "max_event_bytes": self._limits.max_event_bytes,
                "max_reply_bytes": self._limits.max_reply_bytes,
            },
        }
        call = f"{invocation.method}() of source {self.source_id}"
        started = time.perf_counter()
        self.busy = True
        try:
            async with asyncio.timeout(self._limits.timeout_s):
                reply = await connection.request("invoke", params, call=call, on_notice=trace.notice)
        except TimeoutError:
            self.kill("timeout")
            await self._node.wait_exit()
            message = f"{call} exceeded the {self._limits.timeout_s:g} s timeout; its Node process was killed"
            return self._unanswered(invocation, trace, started, "timeout", "TimeoutError", message)
        except (ChannelClosed, RunnerRequestError) as failure:
            if isinstance(failure, RunnerRequestError):
                self.kill("crash")
            await self._node.wait_exit()
            return self._death_result(invocation, trace, started, failure)
        except asyncio.CancelledError:
            self.kill("cancelled")
            raise
        finally:
            self.busy = False
        return InvocationResult(
            outcome=reply["outcome"],
            error=reply["error"],
            emits=trace.emits + reply["emits"] if trace.emits else reply["emits"],
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
        violation = self._node.connection.violation if self._node.connection else None
        if violation:
            message = f"{violation}; its Node process was killed (source {self.source_id})"
            return self._unanswered(invocation, trace, started, "crash", "ProtocolViolation", message)
        if self._kill_reason == "memory" or self._node.heap_exhausted:
            message = f"the run exceeded the {self._limits.memory_mb} MB memory limit; its Node process was killed"
            return self._unanswered(invocation, trace, started, "memory", "MemoryLimitExceeded", message)
        if self._kill_reason == "temp":
            message = (f"the run wrote at least {self.temp_bytes / 2**20:.1f} MB to /tmp, over the {self._limits.tmp_mb} MB "
                       f"limit; its Node process was killed and its temp files removed")
            return self._unanswered(invocation, trace, started, "error", "TempFolderLimitExceeded", message)
        if trace.exit_code is not None:
            message = f"the component called process.exit({trace.exit_code})"
            return self._unanswered(
                invocation, trace, started, "exit", "ProcessExit", message, exit_code=trace.exit_code
            )
        how = _describe_returncode(self._node.returncode)
        tail = self._node.stderr_tail()
        message = f"Node stopped unexpectedly ({how})" + (f":\n{tail}" if tail else "")
        if isinstance(failure, RunnerRequestError):
            message = f"{failure} ({how})"
        return self._unanswered(invocation, trace, started, "crash", "NodeCrash", message)

    async def ping(self, timeout_s: float = PING_TIMEOUT_S) -> bool:
        """Alive and answering: a busy synchronous loop or a dead process both answer False."""
        connection = self._node.connection
        if not self._node.alive or connection is None:
            return False
        try:
            async with asyncio.timeout(timeout_s):
                await connection.request("ping", {}, call=f"ping of source {self.source_id}")
        except (TimeoutError, ChannelClosed, RunnerRequestError):
            return False
        return True

    def kill(self, reason: str) -> None:
        """Kills the process now; `reason` ("timeout", "memory", …) decides how the run is reported."""
        if self._node.alive:
            self._kill_reason = self._kill_reason or reason
        self._node.kill()

    def rss_mb(self) -> float | None:
        return self._node.rss_mb()


def _describe_returncode(returncode: int | None) -> str:
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"
