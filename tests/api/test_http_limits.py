"""The HTTP parser's limits come from Config, and every way of starting an emulator answers a request
over them with our JSON error: `Emulator` (and so `pd-emulator serve`, tested with the parser cases in
tests/reliability/test_http_parse_errors.py), the pytest plugin's `pd_emulator` and `pd_emulator_server`."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from emulator.server.runner import Emulator
from emulator.testing.fixtures import PdEmulator, PdEmulatorServer
from tests.conftest import ApiClient
from tests.raw_http import Server, exchange

LIMITS = {"max_request_line_bytes": 200, "max_header_field_bytes": 300, "max_header_count": 6}


def request(path: str = "/v1/users/me", key: str = "", headers: int = 0, header_bytes: int = 0) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {key}"]
    lines += [f"X-H{i}: 1" for i in range(headers)]
    if header_bytes:
        lines.append("X-Big: " + "b" * (header_bytes - len("X-Big: ")))
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.emulator_config(**LIMITS)
async def test_the_parser_limits_are_the_configured_ones(emu: Emulator) -> None:
    server = Server(emu.url, emu.api_key, "")

    async def status_and_error(raw: bytes) -> tuple[int, str | None]:
        answer = await asyncio.to_thread(exchange, server, raw)
        return answer.status, answer.body.get("error")

    assert await status_and_error(request(key=server.key, headers=3, header_bytes=290)) == (200, None)
    assert await status_and_error(request("/v1/users/me?" + "q" * 190, key=server.key)) == \
        (414, "request line too long (max 200 bytes)")
    too_long = await status_and_error(request(key=server.key, header_bytes=310))
    assert too_long[0] == 431 and "too long (max 300 bytes)" in str(too_long[1])
    assert await status_and_error(request(key=server.key, headers=5)) == (431, "too many header fields (max 6)")
    assert emu.internal_errors == []


async def test_the_pytest_plugins_async_emulator_answers_json(pd_emulator: PdEmulator) -> None:
    answer = await asyncio.to_thread(exchange, Server(pd_emulator.url, "", ""), request("/" + "a" * 9000))
    assert (answer.status, answer.body["code"]) == (414, "request_line_too_long")


def test_the_pytest_plugins_threaded_emulator_answers_json(pd_emulator_server: PdEmulatorServer) -> None:
    answer = exchange(Server(pd_emulator_server.url, "", ""), b"G@T / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.body == {"error": "invalid HTTP method in the request line: 'G@T'", "code": "malformed_request"}


@pytest.mark.emulator_config(max_body_bytes=1000)
async def test_a_body_over_the_configured_limit_is_413_naming_it(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json={"component_code": "x" * 2000})
    assert (status, body) == (413, {"error": "request body too large for /v1/sources (max 1000 bytes)",
                                    "code": "payload_too_large", "param": "Content-Length"})
    assert (await api.post("/v1/sources", json={"component_code": "x"}))[0] != 413


@pytest.mark.emulator_config(max_body_bytes=1000)
async def test_a_chunked_body_over_the_limit_is_413_once_it_crosses_it(api: ApiClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b'{"component_code": "' + b"x" * 400

    status, body = await api.post("/v1/sources", data=chunks(), headers={"Content-Type": "application/json"})
    assert (status, body) == (413, {"error": "request body too large for /v1/sources (max 1000 bytes)",
                                    "code": "payload_too_large"})


@pytest.mark.emulator_config(max_body_bytes=1000)
async def test_a_declared_length_over_the_limit_is_refused_before_any_body_is_sent(emu: Emulator) -> None:
    head = (f"POST /v1/sources HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {emu.api_key}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n").encode()
    answer = await asyncio.to_thread(exchange, Server(emu.url, emu.api_key, ""), head)   # no body follows
    assert answer.status == 413 and answer.body["param"] == "Content-Length"
    assert answer.headers["connection"] == "close"
