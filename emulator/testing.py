"""The test-facing emulator objects behind the pytest fixtures (also usable without pytest)."""
from __future__ import annotations

import json
from collections import deque
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from emulator.config import Config
from emulator.console import describe
from emulator.server import Emulator, ThreadedEmulator

LOG_LINES_KEPT = 200
TEST_API_KEY = "pd_emu_test_key_0000000000000000"


class EmulatorError(AssertionError):
    """The emulator itself failed (a 500) while serving the test."""


class ClockControl:
    def __init__(self, owner: PdEmulator) -> None:
        self._owner = owner

    async def advance(self, seconds: float) -> dict[str, Any]:
        return await self._owner.call("POST", "/_emulator/clock/advance", json={"seconds": seconds})

    async def now_ms(self) -> int:
        return (await self._owner.call("GET", "/_emulator/clock"))["now_ms"]


class PdEmulator:
    """An emulator on the test's event loop, with shortcuts for what source tests do."""

    def __init__(self, config: Config) -> None:
        self.emulator = Emulator(config)
        self.log: deque[str] = deque(maxlen=LOG_LINES_KEPT)
        self.emulator.services.bus.printers.append(self._record)
        self.client: aiohttp.ClientSession | None = None
        self.clock = ClockControl(self)

    def _record(self, record: dict[str, Any]) -> None:
        line = describe(record, verbose=True)
        if line:
            self.log.append(f"[{line[0]}] {line[1]}")

    @property
    def url(self) -> str:
        return self.emulator.url

    @property
    def api_key(self) -> str:
        return self.emulator.api_key

    async def start(self) -> PdEmulator:
        await self.emulator.start()
        self.client = aiohttp.ClientSession(self.url, headers={"Authorization": f"Bearer {self.api_key}"})
        return self

    async def close(self) -> None:
        if self.client:
            await self.client.close()
        await self.emulator.close()

    def internal_errors(self) -> list[str]:
        return list(self.emulator.services.internal_errors)

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        assert self.client is not None
        async with self.client.request(method, path, **kwargs) as response:
            body = await response.json(content_type=None) if response.status != 204 else None
            if response.status >= 400:
                raise AssertionError(f"{method} {path} answered {response.status}: {body}")
            return body

    async def register(self, path_or_code: str | Path) -> dict[str, Any]:
        """A component from a file path (relative to the components folder or cwd) or from code."""
        path = self._find(path_or_code)
        params = {"component_url": path.as_uri()} if path else {"component_code": str(path_or_code)}
        return (await self.call("POST", "/v1/components", json=params))["data"]

    async def deploy(self, path_or_component_id: str | Path, *, configured_props: dict[str, Any] | None = None,
                     name: str | None = None) -> dict[str, Any]:
        text = str(path_or_component_id)
        if self._find(text) or "export default" in text or "module.exports" in text:
            component_id = (await self.register(path_or_component_id))["id"]
        else:
            component_id = text
        params: dict[str, Any] = {"component_id": component_id, "configured_props": configured_props or {}}
        if name:
            params["name"] = name
        return (await self.call("POST", "/v1/sources", json=params))["data"]

    async def events(self, source_id: str, channel: str = "") -> list[dict[str, Any]]:
        """The source's retained events in emit order (oldest first), full payloads."""
        body = await self.call("GET", f"/v1/sources/{source_id}/event_summaries",
                               params={"expand": "event", "limit": "100", "event_name": channel})
        return list(reversed(body["data"]))

    async def run(self, source_id: str, event: Any = None) -> dict[str, Any]:
        return (await self.call("POST", f"/_emulator/sources/{source_id}/run", json={"event": event or {}}))["data"]

    async def logs(self, source_id: str, limit: int = 20) -> list[dict[str, Any]]:
        return (await self.call("GET", f"/_emulator/sources/{source_id}/logs", params={"limit": str(limit)}))["data"]

    async def db(self, source_id: str) -> dict[str, Any]:
        return (await self.call("GET", f"/_emulator/sources/{source_id}/db"))["data"]

    async def http(self, source_id: str, method: str = "POST", path: str = "/", **kwargs: Any) -> HttpAnswer:
        source = (await self.call("GET", f"/v1/sources/{source_id}"))["data"]
        endpoint = next(v["endpoint_url"] for v in source["configured_props"].values()
                        if isinstance(v, dict) and "endpoint_url" in v)
        async with aiohttp.ClientSession() as session:
            async with session.request(method, endpoint + path.rstrip("/") if path != "/" else endpoint,
                                       **kwargs) as response:
                raw = await response.read()
                return HttpAnswer(response.status, dict(response.headers), raw)

    def _find(self, candidate: str | Path) -> Path | None:
        text = str(candidate)
        if "\n" in text or len(text) > 1024:
            return None
        for base in [*self.emulator.services.folders, Path.cwd()]:
            path = (base / text).resolve()
            if path.is_file():
                return path
        return None


class HttpAnswer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


def _folders(request: pytest.FixtureRequest) -> tuple[str, ...]:
    marker = request.node.get_closest_marker("pd_components")
    if marker and marker.args:
        base = Path(str(request.node.fspath)).parent
        return tuple(str((base / folder).resolve()) for folder in marker.args)
    option = request.config.getoption("--pd-components", default=None)
    return (str(Path(option).resolve()),) if option else ()


def fixture_config(request: pytest.FixtureRequest, **overrides: Any) -> Config:
    speed = request.config.getoption("--pd-speed", default=None)
    settings: dict[str, Any] = {"port": 0, "folders": _folders(request), "watch": False,
                                "clock_mode": "real" if speed else "virtual", "speed": speed or 1.0}
    settings.update(overrides)
    return Config(**settings)


def _fail_on_internal_errors(errors: list[str], log: Any) -> None:
    if errors:
        raise EmulatorError("the emulator answered 500 during this test:\n" + "\n".join(errors) +
                            "\n--- emulator log ---\n" + "\n".join(log))


class Fixtures:
    """Registered by the plugin at configure time."""

    @pytest_asyncio.fixture
    async def pd_emulator(self, request: pytest.FixtureRequest) -> AsyncIterator[PdEmulator]:
        emulator = await PdEmulator(fixture_config(request)).start()
        request.node._pd_emulator_logs = [lambda: list(emulator.log)]
        try:
            yield emulator
            _fail_on_internal_errors(emulator.internal_errors(), emulator.log)
        finally:
            await emulator.close()

    @pytest.fixture(scope="session")
    def _pd_emulator_threaded(self, request: pytest.FixtureRequest) -> Iterator[ThreadedEmulator]:
        server = ThreadedEmulator(fixture_config(request, api_key=TEST_API_KEY)).start()
        yield server
        server.stop()

    @pytest.fixture
    def pd_emulator_server(self, request: pytest.FixtureRequest,
                           _pd_emulator_threaded: ThreadedEmulator) -> Iterator[ThreadedEmulator]:
        """The shared threaded emulator, emptied before each test (users reset to the one test key)."""
        from emulator.control import reset

        server = _pd_emulator_threaded
        assert server.emulator is not None
        services = server.emulator.services
        server.call(reset(services, keep_users=False))
        services.internal_errors.clear()
        yield server
        _fail_on_internal_errors(list(services.internal_errors), [])

