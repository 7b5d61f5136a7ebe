"""`PdEmulatorServer`: an emulator in its own thread for synchronous clients, and the per-session pool of them."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from emulator.api.connect_common import CONNECT
from emulator.client.http import request_headers
from emulator.config import Config
from emulator.connect.service import ConnectSettings
from emulator.domain.state_document import export_state
from emulator.server.runner import ThreadedEmulator
from emulator.server.services import Services
from emulator.testing.async_emulator import CONTROL_TIMEOUT_S
from emulator.testing.emulator_log import EmulatorLog
from emulator.testing.failures import EmulatorError
from emulator.testing.fixture_state import fixture_config, keyed_state, read_state, reset_for_test
from emulator.testing.http_control import ThreadedHttpControl

LIVENESS_POLL_S = 0.05


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
        return request_headers(self.api_key)

    @property
    def services(self) -> Services:
        assert self.emulator is not None, "start() the emulator first"
        return self.emulator.services

    @property
    def http(self) -> ThreadedHttpControl:
        """`.stub(method, url, json=…)`, `.requests(source_id)`, `.mode(...)` for the sources' outbound HTTP."""
        return ThreadedHttpControl(self.services.outbound, self.services.ids.new, self.control)

    @property
    def connect(self) -> ConnectSettings:
        """Connect's starting project and client; `.env()` gives the SDKs' `PIPEDREAM_*` variables."""
        assert self.emulator is not None, "start() the emulator first"
        return self.emulator.app[CONNECT].settings(self.url)

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
