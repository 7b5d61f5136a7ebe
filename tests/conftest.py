"""Shared fixtures: a real emulator on a free port with a virtual clock, and an authenticated client."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from emulator.client import sse
from emulator.client.async_http import AsyncEmulatorClient
from emulator.config import Config
from emulator.server.runner import Emulator

START_MS = 1_700_000_000_000      # a fixed emulated start: runs repeat exactly


# `await api.get(path)` → (status, body); `await api.ok(method, path, json=…)` → the body of a 2xx.
ApiClient = AsyncEmulatorClient


def emulator_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {"port": 0, "clock_mode": "virtual", "start_ms": START_MS, "seed": 7,
                                "watch": False, "run_timeout_s": 10.0}
    settings.update(overrides)
    return Config(**settings)


@pytest.fixture
async def emu(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    marker = request.node.get_closest_marker("emulator_config")
    overrides = marker.kwargs if marker else {}
    async with Emulator(emulator_config(**overrides)) as emulator:
        yield emulator


@pytest.fixture
async def api(emu: Emulator) -> AsyncIterator[ApiClient]:
    async with aiohttp.ClientSession() as session:
        yield ApiClient(session, emu.url, emu.api_key)


EMITTER = """
export default {
  key: "test-emitter", name: "Test Emitter", version: "0.0.1", type: "source",
  props: { count: { type: "integer", label: "How many", default: 1 } },
  async run(event) {
    const n = (event && event.count) || this.count;
    for (let i = 0; i < n; i++) {
      this.$emit({ i, payload: (event && event.payload) || null }, { summary: `item ${i}` });
    }
  },
};
"""


async def create_source(api: ApiClient, code: str = EMITTER, **params: Any) -> dict[str, Any]:
    body = await api.ok("POST", "/v1/sources", json={"component_code": code, **params})
    return body["data"]


async def run_source(api: ApiClient, source_id: str, event: Any = None) -> dict[str, Any]:
    body = await api.ok("POST", f"/_emulator/sources/{source_id}/run", json={"event": event or {}})
    return body["data"]


async def read_sse_messages(response: aiohttp.ClientResponse,
                            until: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
    """SSE messages (`id`, `data`, and `event` if a message is named) until `until(messages)` holds."""
    found: list[dict[str, Any]] = []
    async for message in sse.messages(response):
        found.append({"data": message.json(), **({"id": message.id} if message.id is not None else {}),
                      **({"event": message.event} if message.event is not None else {})})
        if until(found):
            break
    return found
