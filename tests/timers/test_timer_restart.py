"""Interval timers keep their schedule across a state export/import (and so across --state restarts)."""
from __future__ import annotations

from typing import Any

import aiohttp

from emulator.server.runner import Emulator
from tests.conftest import START_MS, ApiClient, create_source, emulator_config

TICKER = """
export default { key: "ticker", name: "Ticker", version: "0.0.1", type: "source",
  props: { timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } },
  async run(event) { this.$emit({ at: event.timestamp }); } };
"""


async def test_an_imported_interval_timer_keeps_firing_on_its_original_minute_grid(api: ApiClient) -> None:
    await create_source(api, TICKER)                     # deployed at START_MS: fires at +60 s, +120 s, …
    await api.post("/_emulator/clock/advance", json={"seconds": 90})
    _, state = await api.get("/_emulator/state")
    async with Emulator(emulator_config(start_ms=START_MS + 90_000)) as fresh, aiohttp.ClientSession() as session:
        other = ApiClient(session, fresh.url, fresh.api_key)
        await other.put("/_emulator/state", json=state)
        _, advanced = await other.post("/_emulator/clock/advance", json={"seconds": 120})
    assert [r["at_ms"] - START_MS for r in advanced["runs"]] == [120_000, 180_000]


TWO_TIMERS = """
export default { key: "two-timers", name: "Two Timers", version: "0.0.1", type: "source",
  props: {
    every_minute: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
    every_45_s: { type: "$.interface.timer", default: { intervalSeconds: 45 } },
  },
  async run(event) { this.$emit({ at: event.timestamp }); } };
"""


async def test_the_first_timer_prop_drives_a_source_after_deploy_and_after_a_state_import(api: ApiClient) -> None:
    await create_source(api, TWO_TIMERS)
    _, deployed = await api.post("/_emulator/clock/advance", json={"seconds": 100})
    _, state = await api.get("/_emulator/state")
    async with Emulator(emulator_config(start_ms=START_MS + 100_000)) as fresh, aiohttp.ClientSession() as session:
        other = ApiClient(session, fresh.url, fresh.api_key)
        await other.put("/_emulator/state", json=state)
        _, imported = await other.post("/_emulator/clock/advance", json={"seconds": 100})
    assert [r["at_ms"] - START_MS for r in deployed["runs"]] == [60_000]
    assert [r["at_ms"] - START_MS for r in imported["runs"]] == [120_000, 180_000]


async def test_the_first_timer_prop_drives_a_source_after_a_state_file_restart(tmp_path: Any) -> None:
    state_file = str(tmp_path / "state.json")
    async with Emulator(emulator_config(state_file=state_file)) as first, aiohttp.ClientSession() as session:
        await create_source(ApiClient(session, first.url, first.api_key), TWO_TIMERS)
    async with Emulator(emulator_config(state_file=state_file, start_ms=START_MS + 100_000)) as second, \
            aiohttp.ClientSession() as session:
        _, advanced = await ApiClient(session, second.url, second.api_key).post(
            "/_emulator/clock/advance", json={"seconds": 100})
    assert [r["at_ms"] - START_MS for r in advanced["runs"]] == [120_000, 180_000]
