"""The one HTTP client of a running emulator, both flavours, against a real emulator on a real port.

The blocking flavour runs in a worker thread (`asyncio.to_thread`) so the emulator keeps serving on
the test's loop; both flavours answer the same questions the same way.
"""
from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from emulator.client.async_http import AsyncEmulatorClient
from emulator.client.http import CallRefused, CallTimedOut, EmulatorClient, NoAnswer
from emulator.server.runner import Emulator, ThreadedEmulator
from tests.conftest import EMITTER, emulator_config


class InThread:
    """The blocking client with awaitable methods: each call runs in a worker thread."""

    def __init__(self, client: EmulatorClient) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.client, name)

        async def in_thread(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(method, *args, **kwargs)
        return in_thread


def client_of(flavour: str, base: str, key: str | None, **settings: Any) -> Any:
    if flavour == "blocking":
        return InThread(EmulatorClient(base, key, **settings))
    return AsyncEmulatorClient(None, base, key, **settings)


@pytest.fixture(params=["blocking", "aiohttp"])
def flavour(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def client(flavour: str, emu: Emulator) -> AsyncIterator[Any]:
    client = client_of(flavour, emu.url, emu.api_key)
    yield client
    await client.close()


async def test_a_2xx_answers_its_json_and_ok_its_body(client: Any, emu: Emulator) -> None:
    status, body = await client.get("/v1/users/me")
    assert status == 200 and body["data"]["id"].startswith("u_")
    created = await client.ok("POST", "/v1/sources", json={"component_code": EMITTER, "name": "made-by-client"})
    assert created["data"]["name"] == "made-by-client"
    listed = await client.ok("GET", "/v1/users/me/sources", params={"limit": 5, "after": None})
    assert [s["id"] for s in listed["data"]] == [created["data"]["id"]]


async def test_a_refusal_names_method_path_status_and_the_emulators_error(client: Any) -> None:
    status, body = await client.post("/v1/sources", json={"name": "no code"})
    assert status == 400 and body["error"]
    with pytest.raises(CallRefused) as refused:
        await client.ok("POST", "/v1/sources", json={"name": "no code"})
    assert (refused.value.status, refused.value.body, refused.value.error) == (400, body, body["error"])
    assert str(refused.value) == f"POST /v1/sources answered 400: {body['error']} (param: {body['param']})"
    with pytest.raises(CallRefused, match=r"^GET /v1/sources/dc_missing answered 404: .*dc_missing"):
        await client.ok("GET", "/v1/sources/dc_missing")


async def test_a_body_that_is_not_json_is_answered_as_text(client: Any) -> None:
    status, body = await client.get("/dashboard/")                   # the page that asks for a one-time link
    assert status == 401 and isinstance(body, str) and body.startswith("<!doctype html>")
    with pytest.raises(CallRefused, match=r"^GET /dashboard/ answered 401: <!doctype html>") as refused:
        await client.ok("GET", "/dashboard/")
    assert refused.value.error is None and refused.value.body == body


async def test_text_and_form_bodies_go_as_given(client: Any) -> None:
    status, body = await client.post("/v1/sources", data='{"name": ', headers={"Content-Type": "application/json"})
    assert (status, body["code"]) == (400, "invalid_json")
    status, body = await client.post("/v1/components", data={"component_code": "x"})
    assert status == 415 and "application/json" in body["error"]


async def test_the_key_can_be_overridden_per_call(client: Any, flavour: str, emu: Emulator) -> None:
    other = (await client.ok("POST", "/_emulator/users", json={"username": "second"}))["data"]
    me = (await client.ok("GET", "/v1/users/me"))["data"]
    assert (await client.ok("GET", "/v1/users/me", key=other["api_key"]))["data"]["id"] == other["id"] != me["id"]
    status, body = await client.get("/v1/users/me", key="pd_emu_not_a_key")
    assert status == 401 and body["error"]
    own_header = {"authorization": f"Bearer {other['api_key']}"}      # the caller's own header wins
    assert (await client.ok("GET", "/v1/users/me", headers=own_header))["data"]["id"] == other["id"]
    anonymous = client_of(flavour, emu.url, None)
    try:
        with pytest.raises(CallRefused, match=r"GET /v1/users/me answered 401"):
            await anonymous.ok("GET", "/v1/users/me")
    finally:
        await anonymous.close()


async def test_a_slow_answer_raises_a_timeout_naming_the_call(client: Any) -> None:
    await client.ok("POST", "/_emulator/faults", json={"path": "/v1/users/me", "delay_ms": 3000, "count": 1})
    with pytest.raises(CallTimedOut, match=r"GET /v1/users/me: no answer .* within 0.3 s") as timed_out:
        await client.get("/v1/users/me", timeout=0.3)
    assert isinstance(timed_out.value, TimeoutError)
    assert (await client.get("/v1/users/me"))[0] == 200                # the fault was used up


@pytest.mark.parametrize("flavour", ["blocking", "aiohttp"])
async def test_the_clients_own_timeout_applies_to_every_call(flavour: str, emu: Emulator) -> None:
    client = client_of(flavour, emu.url, emu.api_key, timeout=0.3)
    try:
        await client.ok("POST", "/_emulator/faults", json={"path": "/v1/users/me", "delay_ms": 3000, "count": 1})
        with pytest.raises(CallTimedOut, match=r"within 0\.3 s"):
            await client.get("/v1/users/me")
    finally:
        await client.close()


@pytest.mark.parametrize("flavour", ["blocking", "aiohttp"])
async def test_nothing_listening_is_no_answer_naming_the_url(flavour: str) -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{placeholder.getsockname()[1]}"       # bound, never listening
        client = client_of(flavour, base, "pd_emu_key")
        try:
            with pytest.raises(NoAnswer, match=rf"^GET /v1/users/me: no answer from the emulator at {base} \("):
                await client.get("/v1/users/me")
        finally:
            await client.close()


def test_the_blocking_client_reads_a_stream_from_the_last_event_it_saw() -> None:
    with ThreadedEmulator(emulator_config()) as served:
        client = EmulatorClient(served.url, served.api_key, timeout=30)
        source = client.ok("POST", "/v1/sources", json={"component_code": EMITTER})["data"]
        client.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {"count": 1}})
        [seen] = client.ok("GET", f"/v1/sources/{source['id']}/event_summaries")["data"]
        client.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {"count": 2}})
        messages = client.stream(f"/v1/sources/{source['id']}/sse", last_event_id=seen["id"])
        first, second = next(messages), next(messages)
        messages.close()
        assert [first.json()["event"]["i"], second.json()["event"]["i"]] == [0, 1]
        assert seen["id"] not in (first.id, second.id)
        with pytest.raises(CallRefused, match=r"GET /v1/sources/dc_missing/sse answered 404"):
            next(client.stream("/v1/sources/dc_missing/sse"))


def test_the_blocking_client_opens_a_response_of_any_status_for_its_headers() -> None:
    with ThreadedEmulator(emulator_config()) as served:
        client = EmulatorClient(served.url, served.api_key, timeout=30)
        with client.open("GET", "/v1/users/me") as answer:
            assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/json")
        with client.open("GET", "/v1/users/me", key="pd_emu_not_a_key") as answer:
            assert answer.status == 401 and b"error" in answer.read()
