"""`--state FILE`: state survives a restart; a corrupt file stops the start and is left untouched."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from emulator.devserver.state_file import StateFileError
from emulator.domain.json_depth import MAX_JSON_DEPTH
from emulator.server.runner import Emulator
from tests.conftest import ApiClient, create_source, emulator_config, run_source


async def test_sources_db_and_events_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    config = emulator_config(state_file=str(state), api_key="pd_emu_persistent_key")
    async with Emulator(config) as emu, aiohttp.ClientSession() as session:
        api = ApiClient(session, emu.url, emu.api_key)
        source = await create_source(api)
        await run_source(api, source["id"], {"count": 2})
        await api.put(f"/_emulator/sources/{source['id']}/db", json={"db": {"k": 1}})
    assert state.exists()
    async with Emulator(config) as emu, aiohttp.ClientSession() as session:
        api = ApiClient(session, emu.url, "pd_emu_persistent_key")
        _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
        assert len(body["data"]) == 2
        _, db = await api.get(f"/_emulator/sources/{source['id']}/db")
        assert db["data"] == {"k": 1}


def test_corrupt_state_file_stops_the_start_and_is_left_untouched(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"users": [')
    with pytest.raises(StateFileError, match="not valid JSON"):
        Emulator(emulator_config(state_file=str(state)))
    assert state.read_text() == '{"users": ['


def test_state_file_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"sources": 5}')
    with pytest.raises(StateFileError, match="sources"):
        Emulator(emulator_config(state_file=str(state)))


async def test_an_unserialisable_value_fails_the_save_visibly_and_the_saver_keeps_going(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    async with Emulator(emulator_config(state_file=str(state))) as emu, aiohttp.ClientSession() as session:
        api = ApiClient(session, emu.url, emu.api_key)
        source = await create_source(api)
        circular: dict = {}
        circular["self"] = circular          # no JSON encoder can write this
        emu.services.store.sources[source["id"]].db = circular
        emu.services.store.changed()
        for _ in range(100):
            _, health = await api.get("/_emulator/health")
            if health["status"] != "ok":
                break
            await asyncio.sleep(0.05)
        assert health["status"] == "degraded"
        assert "db of source" in health["state_file"]["error"] and source["id"] in health["state_file"]["error"]

        await api.ok("PUT", f"/_emulator/sources/{source['id']}/db", json={"db": {"fixed": True}})
        for _ in range(100):
            _, health = await api.get("/_emulator/health")
            if health["status"] == "ok":
                break
            await asyncio.sleep(0.1)
        assert health["status"] == "ok" and health["state_file"]["failed_attempts"] == 0
    saved = json.loads(state.read_text())
    assert next(s for s in saved["sources"] if s["id"] == source["id"])["db"] == {"fixed": True}


async def test_state_is_written_in_the_format_it_is_read_in(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    config = emulator_config(state_file=str(state))
    async with Emulator(config) as emu, aiohttp.ClientSession() as session:
        api = ApiClient(session, emu.url, emu.api_key)
        source = await create_source(api)
        await run_source(api, source["id"], {"count": 3})
        await api.put(f"/_emulator/sources/{source['id']}/db", json={"db": {"deep": [[[["x"]]]], "n": 2 ** 70}})
        _, exported = await api.get("/_emulator/state")
    assert json.loads(state.read_text()) == exported


async def test_a_value_nested_to_the_depth_limit_is_saved_and_loaded_again(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    levels = MAX_JSON_DEPTH - 2          # the db and its key wrap the value
    deep: Any = "bottom"
    for _ in range(levels):
        deep = {"d": deep}
    config = emulator_config(state_file=str(state), api_key="pd_emu_persistent_key")
    async with Emulator(config) as emu, aiohttp.ClientSession() as session:
        api = ApiClient(session, emu.url, emu.api_key)
        source = await create_source(api)
        await api.ok("PUT", f"/_emulator/sources/{source['id']}/db", json={"db": {"deep": deep}})
    async with Emulator(config) as emu, aiohttp.ClientSession() as session:
        api = ApiClient(session, emu.url, "pd_emu_persistent_key")
        _, health = await api.get("/_emulator/health")
        assert health["status"] == "ok"
        value = emu.services.store.sources[source["id"]].db["deep"]
    for _ in range(levels):
        value = value["d"]
    assert value == "bottom"
