"""`PdEmulator`: an emulator on the test's event loop, with shortcuts for what source tests do."""
from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

from emulator.api.connect_common import CONNECT
from emulator.client.async_http import AsyncEmulatorClient
from emulator.client.http import request_headers
from emulator.config import Config
from emulator.connect.service import ConnectSettings
from emulator.domain.state_document import export_state
from emulator.server.runner import Emulator
from emulator.server.services import Services
from emulator.testing.emulator_log import EmulatorLog
from emulator.testing.failures import ApiCallError, EmulatorError, failure_report
from emulator.testing.fixture_state import fixture_config, keyed_state, read_state, reset_for_test
from emulator.testing.http_control import HttpControl

CONTROL_TIMEOUT_S = 30.0
COMPONENT_SUFFIXES = (".mjs", ".js", ".cjs")


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
        self.http = HttpControl(self.services.outbound, self.services.ids.new, self.http_request)
        self._client: aiohttp.ClientSession | None = None
        self._plain: aiohttp.ClientSession | None = None
        self._api: AsyncEmulatorClient | None = None
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
    def connect(self) -> ConnectSettings:
        """Connect's starting project and client; `.env()` gives the SDKs' `PIPEDREAM_*` variables."""
        assert self.emulator is not None, "start() the emulator first"
        return self.emulator.app[CONNECT].settings(self.url)

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
                                             headers=request_headers(self.api_key))
        self._plain = aiohttp.ClientSession(timeout=timeout)
        self._api = AsyncEmulatorClient(self._plain, self.url, self.api_key)
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
        assert self._api is not None, "start() the emulator first"
        status, body = await self._api.call(method, path, **kwargs)
        if status >= 500 and self.problems():
            raise EmulatorError(failure_report(self.problems()))
        if status >= 400:
            raise ApiCallError(method, path, status, body)
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

    async def sample(self, source_id: str) -> dict[str, Any]:
        """Emit the component's `sampleEmit` as an event (as if run() had); answers the event."""
        return (await self.call("POST", f"/_emulator/sources/{source_id}/sample"))["data"]

    async def http_request(self, source_id: str, method: str = "POST", path: str = "/", **kwargs: Any) -> HttpAnswer:
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
