"""Serving server-sent events: opening a stream, writing a message, the serving loop with its
heartbeat, and ending every open stream at shutdown. Every SSE route of the API is served here."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from aiohttp import web

from emulator.errors import ServiceUnavailable

T = TypeVar("T")
HEARTBEAT_S = 15.0
HEARTBEAT = b":sse-handshake\n\n"      # the comment the cloud sends; keeps proxies from closing the stream


class OpenStreams:
    """The SSE responses being served: shutdown ends them at once, and no new one opens after it."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()
        self.closing = False

    def track(self, task: asyncio.Task[Any]) -> None:
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def end_all(self, app: web.Application | None = None) -> None:
        """An `on_shutdown` handler: the server cannot stop while a stream is still being served."""
        self.closing = True
        for task in list(self.tasks):
            task.cancel()


STREAMS = web.AppKey("streams", OpenStreams)


async def open_stream(request: web.Request) -> web.StreamResponse:
    """Start the stream; the task is tracked so shutdown can end it at once."""
    streams = request.app[STREAMS]
    task = asyncio.current_task()
    if streams.closing:
        raise ServiceUnavailable("the emulator is shutting down")
    if task is not None:
        streams.track(task)
    response = web.StreamResponse(status=200, headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-cache", "Connection": "keep-alive",
        "X-Accel-Buffering": "no"})
    await response.prepare(request)
    await response.write(HEARTBEAT)
    return response


async def send(response: web.StreamResponse, ident: str | None, data: Any) -> None:
    """One message: `id:` (when given) and `data:` as one line of JSON."""
    head = f"id: {ident}\n" if ident else ""
    await response.write(f"{head}data: {json.dumps(data, separators=(',', ':'), default=str)}\n\n".encode())


async def serve(response: web.StreamResponse, next_item: Callable[[], Awaitable[T]],
                write: Callable[[T], Awaitable[None]], *, backlog: Iterable[T] = (),
                heartbeat_s: float = HEARTBEAT_S) -> None:
    """Write the backlog, then each item as it comes (a heartbeat when none comes for `heartbeat_s`),
    until the client goes away or the server shuts down."""
    try:
        for item in backlog:
            await write(item)
        while True:
            try:
                item = await asyncio.wait_for(next_item(), heartbeat_s)
            except TimeoutError:
                await response.write(HEARTBEAT)
                continue
            await write(item)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
