"""The clock is shared by every user's timers: only the emulator's own key may move it or change its speed.

The attack: a second API user sets the clock to the end of JavaScript time, speeds it up to fire
everyone's timers, or advances it; each is refused with a JSON 403 and the clock stays where it was.
"""
from __future__ import annotations

import pytest

from emulator.server.runner import Emulator
from tests.conftest import ApiClient

END_OF_JS_TIME_MS = 8_640_000_000_000_000


@pytest.fixture
async def intruder_key(api: ApiClient) -> str:
    return (await api.ok("POST", "/_emulator/users", json={"username": "intruder"}))["data"]["api_key"]


@pytest.mark.parametrize("method, path, body", [
    ("PUT", "/_emulator/clock", {"now_ms": END_OF_JS_TIME_MS}),
    ("PUT", "/_emulator/clock", {"mode": "real", "speed": 1_000_000}),
    ("POST", "/_emulator/clock/advance", {"seconds": 3600}),
    ("POST", "/_emulator/clock/advance", {"until_ms": END_OF_JS_TIME_MS}),
])
async def test_another_user_cannot_move_or_speed_up_the_shared_clock(api: ApiClient, emu: Emulator, intruder_key: str,
                                                                    method: str, path: str, body: dict) -> None:
    before = await api.ok("GET", "/_emulator/clock")
    status, answer = await api.call(method, path, json=body, key=intruder_key)
    assert (status, answer["code"]) == (403, "forbidden")
    assert "emulator's own API key" in answer["error"]
    assert await api.ok("GET", "/_emulator/clock") == before
    assert emu.internal_errors == []


async def test_the_owner_still_moves_the_clock(api: ApiClient) -> None:
    before = (await api.ok("GET", "/_emulator/clock"))["now_ms"]
    assert (await api.ok("POST", "/_emulator/clock/advance", json={"seconds": 60}))["now_ms"] == before + 60_000
    assert (await api.ok("PUT", "/_emulator/clock", json={"speed": 2}))["speed"] == 2


async def test_any_user_may_read_the_clock(api: ApiClient, intruder_key: str) -> None:
    status, clock = await api.get("/_emulator/clock", key=intruder_key)
    assert status == 200 and "now_ms" in clock
