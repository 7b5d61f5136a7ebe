"""Odd text from components and clients that answered 500 (or broke a run half-way) before.

- a summary or error message holding half a UTF-16 surrogate pair, printed on a strict UTF-8 console;
- a `Last-Event-ID` whose "digits" are not ASCII (`²` passes str.isdigit() but not int());
- endpoint ids: the URL is the only secret of an endpoint, so it carries ≥ 64 random bits.
"""
from __future__ import annotations

import asyncio
import io
import math
import re
import socket

from emulator.api.activity import STREAM_EPOCH
from emulator.devserver.console import Console
from emulator.domain.ids import BASE36, ENDPOINT_RANDOM_CHARS
from emulator.server.runner import Emulator
from tests.conftest import ApiClient, create_source

HALF_PAIRS = """
export default {
  key: "half-pairs", name: "Half Pairs", version: "0.0.1", type: "source", props: {},
  async run(event) {
    this.$emit({ text: "\\ud800 alone" }, { summary: "half \\ud800 a pair" });
    if (event.fail) throw new Error("broken \\udc00 message");
  },
};
"""
ENDPOINT = """export default { props: { http: "$.interface.http" }, async run() {} };"""


async def test_lone_surrogates_in_summaries_and_errors_are_printed_and_stored(api: ApiClient, emu: Emulator) -> None:
    console_bytes = io.BytesIO()
    strict_console = io.TextIOWrapper(console_bytes, encoding="utf-8", errors="strict")
    emu.services.bus.printers.append(Console(out=strict_console, verbose=True))
    source = await create_source(api, HALF_PAIRS)
    for fail in (False, True):
        status, body = await api.post(f"/_emulator/sources/{source['id']}/run", json={"event": {"fail": fail}})
        assert status == 200, body
    run = body["data"]
    assert run["outcome"] == "error" and run["error"]["message"] == "broken \ufffd message"
    summaries = (await api.ok("GET", f"/v1/sources/{source['id']}/event_summaries"))["data"]
    assert {e["metadata"]["summary"] for e in summaries} == {"half \ufffd a pair"}
    strict_console.flush()
    printed = console_bytes.getvalue().decode("utf-8")
    assert "half \ufffd a pair" in printed and "broken \ufffd message" in printed
    assert (await api.get("/_emulator/state"))[0] == 200
    assert emu.internal_errors == []


async def test_a_last_event_id_of_non_ascii_digits_reads_as_a_gap(api: ApiClient, emu: Emulator) -> None:
    epoch = emu.app[STREAM_EPOCH]
    async with api.session.get(f"{emu.url}/_emulator/stream", params={"last_event_id": f"{epoch}.²³"},
                               headers={"Authorization": f"Bearer {api.key}"}) as response:
        assert response.status == 200
        async for line in response.content:
            if line.startswith(b"data: "):
                assert b'"gap":true' in line
                break
    host, port = emu.url.removeprefix("http://").rsplit(":", 1)

    def raw_request(path: str, last_event_id: str) -> bytes:
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {api.key}\r\n"
                         f"Last-Event-ID: {last_event_id}\r\n\r\n".encode())
            return sock.recv(200)

    source = await create_source(api)
    for path, last in (("/_emulator/stream", f"{epoch}.²"), (f"/sources/{source['id']}/sse", "١٢٣-٠")):
        assert (await asyncio.to_thread(raw_request, path, last)).startswith(b"HTTP/1.1 200"), path
    assert emu.internal_errors == []


async def test_endpoint_ids_carry_at_least_64_random_bits_in_the_clouds_shape(api: ApiClient) -> None:
    assert ENDPOINT_RANDOM_CHARS * math.log2(len(BASE36)) >= 64
    ids = set()
    for _ in range(3):
        source = await create_source(api, ENDPOINT)
        endpoint_id = source["configured_props"]["http"]["endpoint_url"].rsplit("/", 1)[1]
        assert re.fullmatch(rf"en[0-9a-z]{{{ENDPOINT_RANDOM_CHARS}}}", endpoint_id), endpoint_id
        ids.add(endpoint_id)
    assert len(ids) == 3
