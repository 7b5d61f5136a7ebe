"""The host ↔ runner protocol: length-prefixed JSON frames, replies matched to requests by id.

Node → host frames are a reply `{"id", "result"}` / `{"id", "error"}`, a notice about a
running request `{"id", "notice", "params"}` (log, respond, exit), or a notice of its own
`{"notice", "params"}` (ready). Nothing here knows about processes.
"""
from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 64 * 2**20

NoticeHandler = Callable[[str, dict], None]


class ChannelClosed(Exception):
    """The runner went away before answering; the message names the call that was waiting."""


class RunnerRequestError(Exception):
    """The runner refused or failed a request (a bug on our side, not a component fault)."""


class FrameTooLarge(Exception):
    """A frame header announced more bytes than the connection accepts (a forged or runaway reply)."""


def encode_frame(message: dict) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode()
    return HEADER.pack(len(body)) + body


async def read_frame(reader: asyncio.StreamReader, max_bytes: int = MAX_FRAME_BYTES) -> dict | None:
    """The next message, or None at end of stream; FrameTooLarge before buffering an oversized body."""
    try:
        (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
        if size > max_bytes:
            raise FrameTooLarge(f"a frame of {size} bytes was announced, over the {max_bytes}-byte limit")
        body = await reader.readexactly(size)
    except asyncio.IncompleteReadError:
        return None
    try:
        message = orjson.loads(body)   # a run's reply can hold 100,000 emits: parse it fast
    except orjson.JSONDecodeError:
        message = json.loads(body)     # lone surrogates, integers past 64 bits
    if not isinstance(message, dict):
        raise ValueError("a frame is not a JSON object")
    return message


@dataclass
class _Pending:
    future: asyncio.Future[dict]
    call: str
    on_notice: NoticeHandler | None


class Connection:
    """Sends requests, resolves each with its reply, and routes notices to whoever waits."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        write: Callable[[bytes], None],
        *,
        on_notice: NoticeHandler,
        max_frame_bytes: int = MAX_FRAME_BYTES,
    ) -> None:
        self._reader = reader
        self._max_frame_bytes = max_frame_bytes
        self.violation: str | None = None      # why the connection was cut, when the runner broke the protocol
        self._write = write
        self._on_notice = on_notice
        self._pending: dict[int, _Pending] = {}
        self._last_id = 0
        self.closed = False

    async def serve(self) -> None:
        """Reads frames until the runner closes its end, then fails whatever still waits."""
        try:
            while (message := await read_frame(self._reader, self._max_frame_bytes)) is not None:
                self._dispatch(message)
                await asyncio.sleep(0)     # frames already buffered would otherwise hold the loop
        except (FrameTooLarge, ValueError) as failure:
            self.violation = f"the Node process broke the protocol: {failure}"
        finally:
            self.close()

    def _dispatch(self, message: dict) -> None:
        pending = self._pending.get(message.get("id", -1))
        notice = message.get("notice")
        if notice is not None:
            handler = pending.on_notice if pending else self._on_notice
            if handler is not None:
                handler(notice, message.get("params") or {})
            return
        if pending is None or pending.future.done():
            return
        if "error" in message:
            failure = RunnerRequestError(f"{pending.call}: {message['error'].get('message')}")
            pending.future.set_exception(failure)
        else:
            pending.future.set_result(message.get("result") or {})

    async def request(
        self,
        method: str,
        params: dict[str, Any],
        *,
        call: str,
        on_notice: NoticeHandler | None = None,
    ) -> dict:
        """Sends one request and waits for its reply; `call` describes it in errors."""
        if self.closed:
            raise ChannelClosed(f"{call}: the Node process is gone")
        self._last_id += 1
        request_id = self._last_id
        future: asyncio.Future[dict] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = _Pending(future, call, on_notice)
        try:
            self._write(encode_frame({"id": request_id, "method": method, "params": params}))
            return await future
        finally:
            del self._pending[request_id]

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Sends a message that gets no reply (an answer to something the runner asked); dropped
        when the runner is gone."""
        if self.closed:
            return
        try:
            self._write(encode_frame({"method": method, "params": params}))
        except ChannelClosed:
            pass

    def close(self) -> None:
        self.closed = True
        why = self.violation or "the Node process went away before answering"
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(ChannelClosed(f"{pending.call}: {why}"))
