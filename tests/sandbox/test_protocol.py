"""Frames and request matching, independent of any process."""
from __future__ import annotations

import asyncio

import pytest

from emulator.sandbox.protocol import ChannelClosed, Connection, encode_frame, read_frame


async def test_a_frame_round_trips_through_a_stream():
    reader = asyncio.StreamReader()
    reader.feed_data(encode_frame({"id": 1, "result": {"text": "héllo"}}))
    reader.feed_eof()
    assert await read_frame(reader) == {"id": 1, "result": {"text": "héllo"}}
    assert await read_frame(reader) is None


async def test_replies_and_notices_reach_the_request_they_name():
    reader = asyncio.StreamReader()
    sent: list[bytes] = []
    connection = Connection(reader, sent.append, on_notice=lambda kind, params: None)
    serving = asyncio.create_task(connection.serve())
    notices: list[tuple[str, dict]] = []
    request = asyncio.create_task(
        connection.request("invoke", {}, call="run() of dc_1", on_notice=lambda k, p: notices.append((k, p)))
    )
    await asyncio.sleep(0)
    assert sent
    reader.feed_data(encode_frame({"id": 1, "notice": "log", "params": {"message": "hi"}}))
    reader.feed_data(encode_frame({"id": 1, "result": {"outcome": "ok"}}))
    assert await request == {"outcome": "ok"}
    assert notices == [("log", {"message": "hi"})]
    reader.feed_eof()
    await serving


async def test_a_closed_channel_fails_the_waiting_request_naming_the_call():
    reader = asyncio.StreamReader()
    connection = Connection(reader, lambda frame: None, on_notice=lambda kind, params: None)
    serving = asyncio.create_task(connection.serve())
    request = asyncio.create_task(connection.request("invoke", {}, call="run() of dc_9"))
    await asyncio.sleep(0)
    reader.feed_eof()
    await serving
    with pytest.raises(ChannelClosed, match=r"run\(\) of dc_9"):
        await request
