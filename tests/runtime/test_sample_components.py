"""The sample components an author starts from really work: polling, webhook, dedupe."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import ApiClient, run_source

SAMPLES = Path(__file__).resolve().parents[2] / "sample_components"


@pytest.fixture
async def hn_api() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A local stand-in for Algolia's Hacker News search, recording what it was asked."""
    asked: list[dict[str, Any]] = []
    stories = [{"objectID": "1", "title": "Python 4 released", "created_at_i": 1_700_000_100},
               {"objectID": "2", "title": "Rust in Python", "created_at_i": 1_700_000_050}]

    async def search(request: web.Request) -> web.Response:
        asked.append(dict(request.query))
        since = int(request.query["numericFilters"].split(">")[1])
        return web.json_response({"hits": [s for s in stories if s["created_at_i"] > since]})

    app = web.Application()
    app.router.add_get("/search", search)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/search", asked
    await runner.cleanup()


@pytest.mark.emulator_config(folders=(str(SAMPLES),))
async def test_polling_sample_emits_new_stories_once_and_remembers_where_it_was(
        api: ApiClient, hn_api: tuple[str, list[dict[str, Any]]]) -> None:
    url, asked = hn_api
    _, created = await api.post("/v1/sources", json={"key": "hacker-news-new-story",
                                                     "configured_props": {"keyword": "python", "apiUrl": url}})
    source = created["data"]
    assert source["configured_props"]["timer"] == {"cron": None, "interval_seconds": 900}
    advanced = await api.ok("POST", "/_emulator/clock/advance", json={"seconds": 900})
    assert [r["emitted"] for r in advanced["runs"]] == [2]
    _, events = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert [e["metadata"]["summary"] for e in events["data"]] == ["Python 4 released", "Rust in Python"]
    _, db = await api.get(f"/_emulator/sources/{source['id']}/db")
    assert db["data"] == {"lastSeen": 1_700_000_100}
    second = await run_source(api, source["id"])
    assert second["events"] == []
    assert asked[-1]["numericFilters"] == "created_at_i>1700000100" and asked[-1]["query"] == "python"


@pytest.mark.emulator_config(folders=(str(SAMPLES),))
async def test_webhook_sample_answers_with_a_receipt_and_checks_its_secret(api: ApiClient) -> None:
    _, created = await api.post("/v1/sources", json={"key": "webhook-echo", "configured_props": {"secret": "s"}})
    endpoint = created["data"]["configured_props"]["http"]["endpoint_url"]
    async with aiohttp.ClientSession() as session:
        async with session.post(endpoint, json={"order": 1}, headers={"x-secret": "s"}) as response:
            assert response.status == 200 and await response.json() == {"ok": True}
            assert response.headers["x-received-at"].startswith("2023-11-14")    # the emulated clock
        async with session.post(endpoint, json={"order": 2}, headers={"x-secret": "wrong"}) as response:
            assert response.status == 401
    _, events = await api.get(f"/v1/sources/{created['data']['id']}/event_summaries")
    assert [e["event"] for e in events["data"]] == [{"order": 1}]


@pytest.mark.emulator_config(folders=(str(SAMPLES),))
async def test_greatest_dedupe_sample_emits_only_new_maximums(api: ApiClient) -> None:
    _, created = await api.post("/v1/sources", json={"key": "github-new-star-count",
                                                     "configured_props": {"timer": {"intervalSeconds": 3600}}})
    advanced = await api.ok("POST", "/_emulator/clock/advance", json={"seconds": 3 * 3600})
    assert len(advanced["runs"]) == 3
    _, events = await api.get(f"/v1/sources/{created['data']['id']}/event_summaries")
    stars = [e["event"]["stars"] for e in reversed(events["data"])]
    assert stars == sorted(set(stars)) and len(stars) >= 1
    an_hour_before = (await run_source(api, created["data"]["id"], {"timestamp": 1_700_000_000 - 3600}))
    assert an_hour_before["events"] == [] and an_hour_before["dropped"][0]["reason"].endswith("('greatest' dedupe)")
