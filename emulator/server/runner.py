"""Running an emulator: `Emulator` on the current loop, `ThreadedEmulator` on its own loop in a thread."""
from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from aiohttp import web

from emulator.config import Config
from emulator.devserver.state_file import StateSaveError
from emulator.server.app import build_app
from emulator.server.middleware import INTERNAL_ERRORS
from emulator.server.protocol import JsonErrorAppRunner
from emulator.server.services import SERVICES, Services

log = logging.getLogger("emulator")


class ListenError(OSError):
    """The server could not listen on its host and port (in use, not permitted, no such address)."""


class Emulator:
    """An emulator serving on a real port (port 0 picks a free one); use `async with`."""

    def __init__(self, config: Config | None = None, **settings: Any) -> None:
        self.config = config or Config(**settings)
        self.app = build_app(self.config)
        self._runner: JsonErrorAppRunner | None = None
        self.url = ""

    @property
    def services(self) -> Services:
        return self.app[SERVICES]

    @property
    def api_key(self) -> str:
        return self.services.control.api_key

    @property
    def internal_errors(self) -> list[str]:
        """The 500s answered (each a bug), for tests to surface."""
        return self.app[INTERNAL_ERRORS]

    async def start(self) -> Emulator:
        # aiohttp closes a connection that has not sent a whole request within keepalive_timeout:
        # that is the header read timeout (and the idle keep-alive timeout between requests).
        # Requests its parser refuses are answered as JSON errors too (server/protocol).
        config = self.config
        self._runner = JsonErrorAppRunner(self.app, handle_signals=False, access_log=None, shutdown_timeout=2.0,
                                          keepalive_timeout=config.header_timeout_s,
                                          max_line_size=config.max_request_line_bytes,
                                          max_field_size=config.max_header_field_bytes,
                                          max_headers=config.max_header_count)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port, reuse_address=True)
        try:
            await site.start()
        except BaseException as exc:
            # The background work (sandbox, timers, watcher) is already up: stop it, or it outlives us.
            await self.close()
            if isinstance(exc, OSError):
                raise ListenError(exc.errno, exc.strerror or str(exc)) from exc
            raise
        port = self._runner.addresses[0][1]
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        self.url = f"http://{host}:{port}"
        self.services.runtime.base_url = self.url
        self.services.control.refresh_endpoint_urls()
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        try:
            await self.close()
        except StateSaveError:
            if exc_type is None:
                raise
            log.exception("while closing after an error")   # the error already leaving wins


class ThreadedEmulator:
    """An emulator on its own event loop in a background thread, for synchronous clients and tests."""

    def __init__(self, config: Config | None = None, **settings: Any) -> None:
        self.config = config or Config(**settings)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pd-emulator", daemon=True)
        self.emulator: Emulator | None = None

    @property
    def url(self) -> str:
        assert self.emulator is not None, "start() the emulator first"
        return self.emulator.url

    @property
    def api_key(self) -> str:
        assert self.emulator is not None, "start() the emulator first"
        return self.emulator.api_key

    def call(self, coro: Any, timeout: float | None = 60) -> Any:
        """Run a coroutine on the emulator's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def start(self) -> ThreadedEmulator:
        self._thread.start()

        async def create() -> Emulator:
            return await Emulator(self.config).start()

        self.emulator = self.call(create())
        return self

    def stop(self) -> None:
        if self.emulator is not None:
            self.call(self.emulator.close())
            self.emulator = None
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> ThreadedEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
