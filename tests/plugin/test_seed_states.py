"""The seed states shipped in emulator/testing/seeds/ load through `PUT /_emulator/state` and run."""
from __future__ import annotations

import json
from typing import Any

from emulator.testing import SEEDS
from tests.conftest import ApiClient


def seed(name: str) -> dict[str, Any]:
    return json.loads((SEEDS / name).read_text(encoding="utf-8"))


async def load(api: ApiClient, name: str) -> ApiClient:
    """Import a seed; answers a client with the seed's first user's key."""
    state = seed(name)
    await api.ok("PUT", "/_emulator/state", json=state)
    return ApiClient(api.session, api.base, state["users"][0]["api_key"])


async def test_busy_seed_has_several_sources_with_over_100_events_each(api: ApiClient) -> None:
    seeded = await load(api, "busy_sources.json")
    sources = (await seeded.ok("GET", "/v1/users/me/sources"))["data"]
    assert len(sources) >= 3
    for source in sources:
        channels = ("", "digest", "alerts", "vip")
        counts = [len((await seeded.ok("GET", f"/v1/sources/{source['id']}/event_summaries",
                                       params={"limit": "100", "event_name": channel}))["data"])
                  for channel in channels]
        assert counts[0] == 100 and sum(counts) > 100, (source["name"], counts)


async def test_a_seeded_timer_source_resumes_on_the_clock(api: ApiClient) -> None:
    seeded = await load(api, "one_timer_source.json")
    [source] = (await seeded.ok("GET", "/v1/users/me/sources"))["data"]
    before = (await seeded.ok("GET", f"/_emulator/sources/{source['id']}/db"))["data"]
    await api.ok("POST", "/_emulator/clock/advance", json={"seconds": 900})   # the clock is the owner's to move
    runs = (await seeded.ok("GET", "/_emulator/runs", json={"source_id": source["id"]}))["data"]
    assert [(run["source_id"], run["trigger"]) for run in runs] == [(source["id"], "timer")]
    after = (await seeded.ok("GET", f"/_emulator/sources/{source['id']}/db"))["data"]
    assert after["seen"] == before["seen"] + 1
    events = (await seeded.ok("GET", f"/v1/sources/{source['id']}/event_summaries"))["data"]
    assert events[0]["event"] == {"topic": "python", "item": before["seen"] + 1}
