"""`GET /v1/components/search`: keys of the registered components matching a query, best first."""
from __future__ import annotations

from pathlib import Path

import aiohttp

from emulator.server.runner import Emulator
from tests.conftest import ApiClient, emulator_config

COMPONENTS = {
    "slack/new-message.mjs": ("slack-new-message", "New Message", "source", "Emit new event when a message is posted"),
    "slack/send-message.mjs": ("slack-send-message", "Send Message", "action", "Send a message to a channel"),
    "github/new-star.mjs": ("github-new-star", "New Star", "source", "Emit new event when a repo gets a star message"),
    "rss/new-item.mjs": ("rss-new-item", "New Item in Feed", "source", "Emit new items from an RSS feed"),
}


async def _search(tmp_path: Path, query: str) -> tuple[int, dict]:
    for name, (key, title, kind, description) in COMPONENTS.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f'export default {{ key: "{key}", name: "{title}", version: "0.0.1", '
                                     f'type: "{kind}", description: "{description}", async run() {{}} }};')
    async with Emulator(emulator_config(folders=(str(tmp_path),))) as emu, aiohttp.ClientSession() as session:
        return await ApiClient(session, emu.url, emu.api_key).get(f"/v1/components/search?{query}")


async def test_search_answers_source_and_action_keys_best_first(tmp_path: Path) -> None:
    status, body = await _search(tmp_path, "query=new message")
    assert status == 200
    # Both words in the key beat "message" only in the description.
    assert body == {"sources": ["slack-new-message", "github-new-star"], "actions": []}


async def test_search_filters_by_app(tmp_path: Path) -> None:
    _, body = await _search(tmp_path, "query=message&app=slack")
    assert body == {"sources": ["slack-new-message"], "actions": ["slack-send-message"]}


async def test_search_without_matches_answers_empty_lists(tmp_path: Path) -> None:
    _, body = await _search(tmp_path, "query=zendesk")
    assert body == {"sources": [], "actions": []}
