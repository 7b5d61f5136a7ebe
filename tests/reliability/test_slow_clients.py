"""Clients that stop reading or never finish a request cannot hold the server's memory or sockets.

Raw sockets play the attacker: an SSE reader with a tiny receive buffer that never reads while a
source emits thousands of events, and connections that send half a request line, or nothing.
"""
from __future__ import annotations

import asyncio
import socket
import time

import pytest

from emulator.server.runner import Emulator
from tests.conftest import ApiClient, create_source

FLOOD = """
export default {
  key: "flood", name: "Flood", version: "0.0.1", type: "source", props: {},
  async run() { for (let i = 0; i < 1500; i++) this.$emit({ i, pad: "x".repeat(2000) }, { summary: `n${i}` }); },
};
"""
FAST_TIMEOUTS = {"sse_write_timeout_s": 1.0, "header_timeout_s": 1.0}


def address(emu: Emulator) -> tuple[str, int]:
    host, port = emu.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def stalled_reader(emu: Emulator, path: str) -> socket.socket:
    """A client that asks for a stream and then never reads (a 4 KB receive buffer fills at once)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(address(emu))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {emu.api_key}\r\n\r\n".encode())
    return sock


async def wait_until(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


def closed_by_server(sock: socket.socket, timeout_s: float) -> bool:
    """Drain what was sent; True when the server ended the connection (EOF or reset) in time."""
    sock.settimeout(timeout_s)
    try:
        while sock.recv(1 << 20):
            pass
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    finally:
        sock.close()


@pytest.mark.emulator_config(**FAST_TIMEOUTS)
async def test_a_stalled_activity_stream_reader_is_dropped(emu: Emulator, api: ApiClient) -> None:
    source = await create_source(api, FLOOD)
    baseline = emu.services.bus.subscriber_count
    sock = stalled_reader(emu, "/_emulator/stream")
    try:
        assert await wait_until(lambda: emu.services.bus.subscriber_count == baseline + 1, 5)
        for _ in range(2):
            await api.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {}})
        assert await wait_until(lambda: emu.services.bus.subscriber_count == baseline, 10)
        assert (await api.get("/_emulator/health"))[0] == 200
        assert await asyncio.to_thread(closed_by_server, sock, 10)
    finally:
        sock.close()


@pytest.mark.emulator_config(**FAST_TIMEOUTS)
async def test_a_stalled_source_event_stream_reader_is_dropped(emu: Emulator, api: ApiClient) -> None:
    source = await create_source(api, FLOOD)
    listeners = len(emu.services.store.events.listeners)
    sock = stalled_reader(emu, f"/sources/{source['id']}/sse")
    try:
        assert await wait_until(lambda: len(emu.services.store.events.listeners) == listeners + 1, 5)
        for _ in range(2):
            await api.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {}})
        assert await wait_until(lambda: len(emu.services.store.events.listeners) == listeners, 10)
        assert await asyncio.to_thread(closed_by_server, sock, 10)
    finally:
        sock.close()


@pytest.mark.emulator_config(**FAST_TIMEOUTS)
async def test_connections_that_never_finish_their_headers_are_closed(emu: Emulator, api: ApiClient) -> None:
    half_requests = [b"", b"GET /v1/users/me HTTP/1.1\r\n", b"GET /v1/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1"]

    def open_all() -> list[socket.socket]:      # in a thread: the server shares this test's event loop
        opened = []
        for i in range(150):
            sock = socket.create_connection(address(emu), timeout=10)
            sock.sendall(half_requests[i % len(half_requests)])
            opened.append(sock)
        return opened

    socks = await asyncio.to_thread(open_all)
    try:
        assert (await api.get("/_emulator/health"))[0] == 200          # still answering meanwhile
        started = time.monotonic()
        closed = await asyncio.gather(*(asyncio.to_thread(closed_by_server, s, 10) for s in socks))
        assert all(closed)
        assert time.monotonic() - started < 8
    finally:
        for sock in socks:
            sock.close()
