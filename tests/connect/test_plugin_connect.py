"""The pytest plugin's `connect` settings: the five PIPEDREAM_* variables for an SDK pointed at the fixture."""
from __future__ import annotations

import requests


async def test_pd_emulator_connect_env_gives_working_credentials(pd_emulator) -> None:
    env = pd_emulator.connect.env()
    assert env["PIPEDREAM_BASE_URL"] == pd_emulator.url
    assert env["PIPEDREAM_PROJECT_ENVIRONMENT"] == "development"
    assert pd_emulator.connect.env("production")["PIPEDREAM_PROJECT_ENVIRONMENT"] == "production"
    async with pd_emulator.client.post("/v1/oauth/token", json={
            "grant_type": "client_credentials", "client_id": env["PIPEDREAM_CLIENT_ID"],
            "client_secret": env["PIPEDREAM_CLIENT_SECRET"]}) as answer:
        assert answer.status == 200


def test_pd_emulator_server_keeps_its_connect_client_across_resets(pd_emulator_server) -> None:
    before = pd_emulator_server.connect
    pd_emulator_server.reset()
    assert pd_emulator_server.connect == before
    answer = requests.post(before.base_url + "/v1/oauth/token", data={
        "grant_type": "client_credentials", "client_id": before.client_id, "client_secret": before.client_secret},
        timeout=30)
    assert answer.status_code == 200
