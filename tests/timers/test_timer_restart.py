"""Interval timers keep their schedule across a state export/import (and so across --state restarts)."""
from __future__ import annotations

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
