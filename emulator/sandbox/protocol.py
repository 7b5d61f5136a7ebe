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

NoticeHandler = Callable[[str, dict], None]


class ChannelClosed(Exception):
    """The runner went away before answering; the message names the call that was waiting."""


class RunnerRequestError(Exception):
    """The runner refused or failed a request (a bug on our side, not a component fault)."""


def encode_frame(message: dict) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode()
    return HEADER.pack(len(body)) + body


async def read_frame(reader: asyncio.StreamReader) -> dict | None:
    """The next message, or None at end of stream."""
    try:
        (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
        body = await reader.readexactly(size)
    except asyncio.IncompleteReadError:
        return None
    try:
        return orjson.loads(body)      # a run's reply can hold 100,000 emits: parse it fast
    except orjson.JSONDecodeError:
        return json.loads(body)        # lone surrogates, integers past 64 bits


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
    ) -> None:
        self._reader = reader
        self._write = write
        self._on_notice = on_notice
        self._pending: dict[int, _Pending] = {}
        self._last_id = 0
        self.closed = False

    async def serve(self) -> None:
        """Reads frames until the runner closes its end, then fails whatever still waits."""
        try:
            while (message := await read_frame(self._reader)) is not None:
                self._dispatch(message)
                await asyncio.sleep(0)     # frames already buffered would otherwise hold the loop
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

    def close(self) -> None:
        self.closed = True
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(
                    ChannelClosed(f"{pending.call}: the Node process went away before answering")
                )
