"""Fixtures for hot-reload tests: an emulator watching a real temporary folder."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from emulator.devserver.watcher import WATCHER
from emulator.server.runner import Emulator
from tests.conftest import ApiClient, emulator_config


class Watched:
    def __init__(self, emu: Emulator, api: ApiClient, folder: Path) -> None:
        self.emu, self.api, self.folder = emu, api, folder

    def write(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def reloads(self) -> list[dict[str, Any]]:
        return list(self.emu.services.reloader.reloads)


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 10.0) -> Any:
    """Poll `check` until it returns something truthy, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.02)


@pytest.fixture
async def watched(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Watched]:
    folder = tmp_path / "components"
    folder.mkdir()
    seed = getattr(request, "param", {})
    for name, text in seed.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    async with Emulator(emulator_config(folders=(str(folder),), watch=True)) as emu:
        watcher = emu.app[WATCHER]
        assert watcher is not None
        await asyncio.wait_for(watcher.ready.wait(), 10)
        async with aiohttp.ClientSession() as session:
            yield Watched(emu, ApiClient(session, emu.url, emu.api_key), folder.resolve())
