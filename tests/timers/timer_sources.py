"""Timer sources for the timer tests, and how to drive and read them over HTTP.

RECORDER emits what each run saw (the timer event, `Date.now()`, `new Date()`, a run counter kept
in db): deterministic, so two runs of the same scenario compare equal. WALL_TIMED also reports
the host's monotonic clock (`process.hrtime`, the same clock in every process) at the start and
end of each run, so tests can see whether runs overlapped, and can be made slow.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from emulator.server.runner import Emulator
from tests.conftest import START_MS, ApiClient, create_source, emulator_config

MINUTE_MS = 60_000
DAY_S = 86_400

RECORDER = """
export default {
  key: "timer-recorder", name: "Timer Recorder", version: "0.0.1", type: "source", dedupe: "unique",
  props: {
    timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
    db: "$.service.db",
  },
  async run(event) {
    const n = (this.db.get("runs") ?? 0) + 1;
    this.db.set("runs", n);
    this.$emit({ n, event, date_now: Date.now(), new_date: new Date().toISOString() },
               { id: `run-${n}`, summary: `run ${n} at ${event.timestamp}` });
  },
};
"""

WALL_TIMED = """
export default {
  key: "wall-timed", name: "Wall Timed", version: "0.0.1", type: "source",
  props: {
    timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
    db: "$.service.db",
    pause_ms: { type: "integer", label: "Wall ms each slow run waits on setTimeout", default: 0 },
    slow_runs: { type: "integer", label: "How many runs, from the first, are slow", default: 0 },
    gate_url: { type: "string", label: "A URL the first run fetches (and waits for) before it ends", default: "" },
  },
  async run(event) {
    const wall_start_ns = String(process.hrtime.bigint());
    const start_ms = Date.now();
    const n = (this.db.get("runs") ?? 0) + 1;
    this.db.set("runs", n);
    if (n <= this.slow_runs) await new Promise((resolve) => setTimeout(resolve, this.pause_ms));
    if (n === 1 && this.gate_url) await (await fetch(this.gate_url)).text();
    this.$emit({ n, event, start_ms, end_ms: Date.now(), wall_start_ns, wall_end_ns: String(process.hrtime.bigint()) },
               { summary: `run ${n}` });
  },
};
"""


async def create_timer_source(api: ApiClient, code: str = RECORDER, **configured_props: Any) -> dict[str, Any]:
    """A source of `code` with these configured props (the timer among them, else its default)."""
    return await create_source(api, code, configured_props=configured_props)


async def advance(api: ApiClient, **how: Any) -> dict[str, Any]:
    """POST /_emulator/clock/advance with `seconds=` or `until_ms=`; the answer."""
    return await api.ok("POST", "/_emulator/clock/advance", json=how)


async def retained_events(api: ApiClient, source_id: str) -> list[dict[str, Any]]:
    """Every event the source still holds (the newest 100), oldest first, with payloads."""
    body = await api.ok("GET", f"/v1/sources/{source_id}/event_summaries?expand=event&limit=100")
    return list(reversed(body["data"]))


async def payloads_by_fire(api: ApiClient, *source_ids: str) -> dict[tuple[str, int], dict[str, Any]]:
    """Each retained event's payload keyed by (source id, fire time in ms from its timer event)."""
    return {(source_id, event["event"]["event"]["timestamp"] * 1000): event["event"]
            for source_id in source_ids for event in await retained_events(api, source_id)}


async def wait_for_events(api: ApiClient, source_id: str, count: int, timeout_s: float = 15.0) -> list[dict[str, Any]]:
    """Poll until the source holds at least `count` events (oldest first); fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while len(events := await retained_events(api, source_id)) < count:
        assert time.monotonic() < deadline, f"{source_id} emitted {len(events)} of {count} events in {timeout_s} s"
        await asyncio.sleep(0.01)
    return events


def at(seconds_after_start: float) -> int:
    """The emulated epoch ms `seconds_after_start` after the test clock's start."""
    return START_MS + round(seconds_after_start * 1000)


def runs_of(answer: dict[str, Any], source_id: str | None = None) -> list[tuple[str, int]]:
    """(source_id, at_ms) of each run an advance answered, in its order."""
    return [(run["source_id"], run["at_ms"]) for run in answer["runs"]
            if source_id is None or run["source_id"] == source_id]


@asynccontextmanager
async def another_emulator(**overrides: Any) -> AsyncIterator[ApiClient]:
    """A second real emulator configured like the `emu` fixture's (same seed and start), and its client."""
    async with Emulator(emulator_config(**overrides)) as emulator, aiohttp.ClientSession() as session:
        yield ApiClient(session, emulator.url, emulator.api_key)
