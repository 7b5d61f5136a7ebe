"""The test-facing emulators behind the pytest fixtures (usable without pytest too).

`PdEmulator` runs on the test's event loop, for source authors; `PdEmulatorServer` runs in a
thread, for synchronous clients. Both keep the emulator's recent log and report its own failures
(a 500, an exception on its loop) as `EmulatorError`, so a bug in the emulator fails the test.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from emulator.config import Config
from emulator.devserver.console import describe
from emulator.server.runner import Emulator, ThreadedEmulator
from emulator.server.services import Services
from emulator.domain.state_document import export_state

LOG_LINES_KEPT = 200
CONTROL_TIMEOUT_S = 30.0
LIVENESS_POLL_S = 0.05
COMPONENT_SUFFIXES = (".mjs", ".js", ".cjs")


class EmulatorError(RuntimeError):
    """The emulator itself failed while serving the test (a bug in the emulator, not in the test)."""


class ApiCallError(AssertionError):
    """The emulator refused a call the test made (a 4xx, or an injected fault's status)."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {path} answered {status}: {body}")
        self.status, self.body = status, body


def fixture_config(folders: Sequence[str | Path] = (), speed: float | None = None, **overrides: Any) -> Config:
    """A test emulator: free port, no watcher, virtual clock unless a speed asks for a real one."""
    settings: dict[str, Any] = {"port": 0, "folders": tuple(str(Path(f).resolve()) for f in folders),
                                "watch": False, "clock_mode": "real" if speed else "virtual",
                                "speed": speed or 1.0, "dashboard": False}
    settings.update(overrides)
    return Config(**settings)


def read_state(state: dict[str, Any] | str | Path) -> dict[str, Any]:
    """A `--state` document from a dict or a JSON file (a `GET /_emulator/state` export)."""
    if isinstance(state, dict):
        return state
    return json.loads(Path(state).read_text(encoding="utf-8"))


def keyed_state(state: dict[str, Any], api_key: str) -> dict[str, Any]:
    """The state with its first user answering to `api_key`, so the fixture's key sees its sources."""
    users = [dict(u) for u in state.get("users", [])]
    if users:
        users[0]["api_key"] = api_key
    return {**state, "users": users}


async def reset_for_test(emulator: Emulator, clock_start_ms: int) -> None:
    """Empty everything a test can change: state, users, faults, failures, errors and the clock."""
    services = emulator.services
    await services.control.reset(keep_users=False)
    services.faults.clear()
    services.webhooks.failures.clear()
    emulator.internal_errors.clear()
    config = services.config
    services.clock.restart(clock_start_ms, mode=config.clock_mode, speed=config.speed)


class EmulatorLog:
    """The emulator's recent activity as console lines, plus its own warnings and errors."""

    def __init__(self, services: Services, thread_id: int) -> None:
        self.lines: deque[str] = deque(maxlen=LOG_LINES_KEPT)
        self._services = services
        self._handler = _ThreadLogHandler(self.lines, thread_id)
        logging.getLogger("emulator").addHandler(self._handler)
        services.bus.printers.append(self.on_activity)

    def on_activity(self, record: dict[str, Any]) -> None:
        line = describe(record, verbose=True)
        if line is None:
            return
        self.lines.append(f"[{line[0]}] {line[1]}")
        if record["kind"] == "run":
            run = self._services.runtime.runs.of_source(record["run"]["source_id"], 1)
            for entry in run[0].logs if run else []:
                self.lines.append(f"        console.{entry.get('level', 'log')}: {entry.get('message', '')}")

    def snapshot(self) -> list[str]:
        return list(self.lines)

    def close(self) -> None:
        logging.getLogger("emulator").removeHandler(self._handler)
        if self.on_activity in self._services.bus.printers:
            self._services.bus.printers.remove(self.on_activity)


class _ThreadLogHandler(logging.Handler):
    """Keeps the emulator's log records from one thread (each emulator logs from its own loop)."""

    def __init__(self, lines: deque[str], thread_id: int) -> None:
        super().__init__(logging.WARNING)
        self.lines, self.thread_id = lines, thread_id

    def emit(self, record: logging.LogRecord) -> None:
        """One line per record; the traceback stays in pytest's own "Captured log" section."""
        if record.thread != self.thread_id:
            return
        error = record.exc_info[1] if record.exc_info else None
        cause = f": {type(error).__name__}: {error}" if error else ""
        self.lines.append(f"[{record.levelname.lower()}] {record.name}: {record.getMessage()}{cause}")


def failure_report(problems: list[str]) -> str:
    return "the emulator failed during this test:\n" + "\n".join(f"  - {p}" for p in problems)


class HttpAnswer:
    """What a source's HTTP endpoint answered."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"HttpAnswer({self.status}, {self.body[:200]!r})"


class ClockControl:
    """The emulated clock, through the control API."""

    def __init__(self, owner: PdEmulator) -> None:
        self._owner = owner

    async def advance(self, seconds: float) -> dict[str, Any]:
        """Move time forward, firing every timer that falls due; answers `{"now_ms", "runs"}`."""
        return await self._owner.call("POST", "/_emulator/clock/advance", json={"seconds": seconds})

    async def now_ms(self) -> int:
        return (await self._owner.call("GET", "/_emulator/clock"))["now_ms"]

    async def set(self, **settings: Any) -> dict[str, Any]:
        """Set `mode`, `speed` and/or `now_ms` (never backwards)."""
        return await self._owner.call("PUT", "/_emulator/clock", json=settings)


class PdEmulator:
    """An emulator on the test's event loop, with shortcuts for what source tests do."""

    def __init__(self, config: Config | None = None, *, search_paths: Sequence[str | Path] = ()) -> None:
        self.emulator = Emulator(config or fixture_config())
        self.search_paths = [*self.emulator.services.folders, *map(Path, search_paths), Path.cwd()]
        self.log = EmulatorLog(self.emulator.services, threading.get_ident())
        self.clock = ClockControl(self)
        self._client: aiohttp.ClientSession | None = None
        self._plain: aiohttp.ClientSession | None = None
        self._clock_start_ms = self.emulator.services.clock.now_ms()

    @property
    def url(self) -> str:
        return self.emulator.url

    @property
    def api_key(self) -> str:
        return self.emulator.api_key

    @property
    def services(self) -> Services:
        return self.emulator.services

    @property
    def client(self) -> aiohttp.ClientSession:
        """An aiohttp session on the emulator's URL, sending its API key."""
        assert self._client is not None, "start() the emulator first"
        return self._client

    async def start(self) -> PdEmulator:
        try:
            await self.emulator.start()
        except BaseException:
            await self.close()
            raise
        timeout = aiohttp.ClientTimeout(total=self.emulator.config.run_timeout_s + CONTROL_TIMEOUT_S)
        self._client = aiohttp.ClientSession(self.url, timeout=timeout,
                                             headers={"Authorization": f"Bearer {self.api_key}"})
        self._plain = aiohttp.ClientSession(timeout=timeout)
        return self

    async def close(self) -> None:
        for session in (self._client, self._plain):
            if session is not None:
                await session.close()
        await self.emulator.close()
        self.log.close()

    async def __aenter__(self) -> PdEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def problems(self) -> list[str]:
        """What went wrong inside the emulator (500s answered) since the last reset."""
        return list(self.emulator.internal_errors)

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One API call; a 4xx raises ApiCallError, a 500 raises EmulatorError."""
        async with self.client.request(method, path, **kwargs) as response:
            text = await response.text()
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = text
        if response.status >= 500 and self.problems():
            raise EmulatorError(failure_report(self.problems()))
        if response.status >= 400:
            raise ApiCallError(method, path, response.status, body)
        return body

    async def register(self, path_or_code: str | Path) -> dict[str, Any]:
        """A component from a file (searched in the components folders, the test's folder, cwd) or code."""
        return (await self.call("POST", "/v1/components", json=self._component_params(path_or_code)))["data"]

    async def deploy(self, component: str | Path, *, configured_props: dict[str, Any] | None = None,
                     name: str | None = None) -> dict[str, Any]:
        """Deploy a source from a component file, code, id or key; answers the source (`["id"]`)."""
        params = {**self._component_params(component), "configured_props": configured_props or {}}
        if name:
            params["name"] = name
        return (await self.call("POST", "/v1/sources", json=params))["data"]

    async def events(self, source_id: str, channel: str | None = None) -> list[dict[str, Any]]:
        """The source's retained events, oldest first: `{"id", "event", "metadata", ...}`."""
        query = {"expand": "event", "limit": "100", **({"event_name": channel} if channel else {})}
        body = await self.call("GET", f"/v1/sources/{source_id}/event_summaries", params=query)
        return list(reversed(body["data"]))

    async def run(self, source_id: str, event: Any = None) -> dict[str, Any]:
        """Run the source once with `event`; answers the run (outcome, logs, db changes, events)."""
        body = await self.call("POST", f"/_emulator/sources/{source_id}/run", json={"event": event or {}})
        return body["data"]

    async def logs(self, source_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """Recent runs, newest first, each with its console output (`logs`), error and duration."""
        body = await self.call("GET", f"/_emulator/sources/{source_id}/logs", params={"limit": str(limit)})
        return body["data"]

    async def db(self, source_id: str) -> dict[str, Any]:
        return (await self.call("GET", f"/_emulator/sources/{source_id}/db"))["data"]

    async def set_db(self, source_id: str, db: dict[str, Any]) -> dict[str, Any]:
        return (await self.call("PUT", f"/_emulator/sources/{source_id}/db", json={"db": db}))["data"]

    async def http(self, source_id: str, method: str = "POST", path: str = "/", **kwargs: Any) -> HttpAnswer:
        """Send a request to the source's endpoint; returns once the run it started has finished."""
        source = (await self.call("GET", f"/v1/sources/{source_id}"))["data"]
        endpoint = next((v["endpoint_url"] for v in source["configured_props"].values()
                         if isinstance(v, dict) and "endpoint_url" in v), None)
        if endpoint is None:
            raise ValueError(f"source {source_id} has no HTTP endpoint ($.interface.http prop)")
        url = endpoint + ("/" + path.lstrip("/") if path.strip("/") else "")
        runs = self.services.bus.subscribe(maxsize=0)      # short-lived: never dropped mid-wait
        try:
            assert self._plain is not None
            async with self._plain.request(method, url, **kwargs) as response:
                answer = HttpAnswer(response.status, dict(response.headers), await response.read())
            if source["active"] and method.upper() != "OPTIONS" and answer.status not in (404, 413):
                await asyncio.wait_for(_http_run_done(runs, source_id), self.emulator.config.run_timeout_s + 5)
        finally:
            self.services.bus.unsubscribe(runs)
        return answer

    async def reset(self) -> None:
        """Back to an empty emulator: no sources, events, faults; the clock back at its start."""
        await reset_for_test(self.emulator, self._clock_start_ms)

    async def load_state(self, state: dict[str, Any] | str | Path) -> None:
        """Replace all state with a seed (a `--state` file or dict); its first user takes this key."""
        await self.services.control.replace_state(keyed_state(read_state(state), self.api_key))

    def export_state(self) -> dict[str, Any]:
        return export_state(self.services.store)

    def _component_params(self, component: str | Path) -> dict[str, str]:
        text = str(component)
        if isinstance(component, Path) or ("\n" not in text and text.endswith(COMPONENT_SUFFIXES)):
            return {"component_url": self._find(text).as_uri()}
        if "\n" in text or "export default" in text or "module.exports" in text:
            return {"component_code": text}
        return {"component_id": text}

    def _find(self, name: str) -> Path:
        for base in self.search_paths:
            path = (base / name).resolve()
            if path.is_file():
                return path
        raise FileNotFoundError(f"component file {name} not found in {', '.join(map(str, self.search_paths))}")


async def _http_run_done(activity: asyncio.Queue[dict[str, Any]], source_id: str) -> None:
    while True:
        record = await activity.get()
        run = record.get("run") if record["kind"] == "run" else None
        if run and run["source_id"] == source_id and run["trigger"] == "http":
            return


class PdEmulatorServer(ThreadedEmulator):
    """A threaded emulator for synchronous clients: reset cheaply between tests, failures kept."""

    def __init__(self, config: Config | None = None) -> None:
        super().__init__(config or fixture_config())
        self.log: EmulatorLog | None = None
        self.loop_errors: list[str] = []
        self._clock_start_ms = 0

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header for `api_key`: `requests.get(url, headers=server.headers)`."""
        return {"Authorization": f"Bearer {self.api_key}"}

    @property
    def services(self) -> Services:
        assert self.emulator is not None, "start() the emulator first"
        return self.emulator.services

    @property
    def running(self) -> bool:
        return self.emulator is not None and self._thread.is_alive() and self._loop.is_running()

    def start(self) -> PdEmulatorServer:
        super().start()
        self._loop.set_exception_handler(self._on_loop_error)
        self.log = EmulatorLog(self.services, self._thread.ident or 0)
        self._clock_start_ms = self.services.clock.now_ms()
        return self

    def stop(self) -> None:
        if self.log is not None:
            self.log.close()
        if self.emulator is not None and not self.running and not self._loop.is_closed():
            # The loop stopped under the emulator: close it here, on this thread, so nothing leaks.
            self._thread.join(CONTROL_TIMEOUT_S)
            self._loop.run_until_complete(asyncio.wait_for(self.emulator.close(), CONTROL_TIMEOUT_S))
            self.emulator = None
        super().stop()

    def control(self, coro: Coroutine[Any, Any, Any], timeout: float = CONTROL_TIMEOUT_S) -> Any:
        """Run a coroutine on the emulator's loop; fails fast (no hang) when the emulator stops."""
        if not self.running:
            coro.close()
            raise EmulatorError("the emulator's thread is not running (it crashed or was stopped)")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        deadline = time.monotonic() + timeout
        while True:
            try:
                return future.result(LIVENESS_POLL_S)
            except TimeoutError:
                if not self.running:
                    future.cancel()
                    raise EmulatorError("the emulator's thread stopped while the test waited on it") from None
                if time.monotonic() > deadline:
                    future.cancel()
                    raise EmulatorError(f"the emulator did not answer within {timeout:.0f} s") from None

    def reset(self) -> None:
        """Back to an empty emulator (same URL and key): no sources, events, faults; clock at start."""
        assert self.emulator is not None, "start() the emulator first"
        self.control(reset_for_test(self.emulator, self._clock_start_ms))
        self.loop_errors.clear()
        if self.log is not None:
            self.log.lines.clear()

    def load_state(self, state: dict[str, Any] | str | Path) -> None:
        """Replace all state with a seed (a `--state` file or dict); its first user takes this key."""
        self.control(self.services.control.replace_state(keyed_state(read_state(state), self.api_key)))

    def export_state(self) -> dict[str, Any]:
        async def export() -> dict[str, Any]:
            return export_state(self.services.store)
        return self.control(export())

    def problems(self) -> list[str]:
        """What went wrong inside the emulator since the last reset: 500s, loop errors, a dead thread."""
        found = [*(self.emulator.internal_errors if self.emulator else []), *self.loop_errors]
        return found if self.running else [*found, "the emulator's thread stopped"]

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        self.loop_errors.append(f"{context.get('message', 'error on the event loop')}"
                                + (f": {type(error).__name__}: {error}" if error else ""))
        loop.default_exception_handler(context)


class ServerPool:
    """One threaded emulator per components-folder set, started on first use, replaced if it died."""

    def __init__(self, speed: float | None = None) -> None:
        self.speed = speed
        self._servers: dict[tuple[str, ...], PdEmulatorServer] = {}

    def get(self, folders: Sequence[str | Path] = ()) -> PdEmulatorServer:
        config = fixture_config(folders, self.speed)
        server = self._servers.get(config.folders)
        if server is not None and not server.running:
            server.stop()
            server = None
        if server is None:
            server = self._servers[config.folders] = PdEmulatorServer(config).start()
        return server

    def close(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
