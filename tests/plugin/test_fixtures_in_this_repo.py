"""The fixtures used directly under this repo's own config: asyncio auto mode, warnings as errors."""
from __future__ import annotations

import requests

from emulator.testing.fixtures import PdEmulator, PdEmulatorServer
from tests.conftest import EMITTER


async def test_pd_emulator_runs_a_source_without_an_asyncio_marker(pd_emulator: PdEmulator) -> None:
    source = await pd_emulator.deploy(EMITTER)
    run = await pd_emulator.run(source["id"], {"count": 2})
    assert [e["event"]["i"] for e in run["events"]] == [0, 1]


def test_pd_emulator_server_answers_a_requests_client(pd_emulator_server: PdEmulatorServer) -> None:
    answer = requests.get(f"{pd_emulator_server.url}/v1/users/me", headers=pd_emulator_server.headers, timeout=10)
    assert answer.status_code == 200 and answer.json()["data"]["username"] == "dev"
