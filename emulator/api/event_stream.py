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
QUEUE_MAX = 1000                        # items waiting for one slow reader before its stream is ended
STREAM_END: Any = object()              # what a stream's next item is when its reader fell too far behind
TRANSPORT = web.ResponseKey("pd_transport", object)          # what a stalled write closes
WRITE_TIMEOUT = web.ResponseKey("pd_write_timeout", float)


class SlowReader(ConnectionResetError):
    """The client stopped reading: a write did not drain within the write timeout."""


class OpenStreams:
    """The SSE responses being served: shutdown ends them at once, and no new one opens after it."""

    def __init__(self, write_timeout_s: float = HEARTBEAT_S) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()
        self.closing = False
        self.write_timeout_s = write_timeout_s       # a client must take what it was sent within this

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
    response[TRANSPORT] = request.transport
    response[WRITE_TIMEOUT] = streams.write_timeout_s
    await response.prepare(request)
    await write(response, HEARTBEAT)
    return response


async def write(response: web.StreamResponse, data: bytes) -> None:
    """Write, or end the connection when the client has not taken what it was sent in time."""
    try:
        await asyncio.wait_for(response.write(data), response.get(WRITE_TIMEOUT, HEARTBEAT_S))
    except TimeoutError:
        transport = response.get(TRANSPORT)
        if isinstance(transport, asyncio.Transport):
            transport.abort()                  # its buffers go now, not when the client wakes up
        raise SlowReader("the client stopped reading the stream") from None


async def send(response: web.StreamResponse, ident: str | None, data: Any) -> None:
    """One message: `id:` (when given) and `data:` as one line of JSON."""
    head = f"id: {ident}\n" if ident else ""
    await write(response, f"{head}data: {json.dumps(data, separators=(',', ':'), default=str)}\n\n".encode())


write_raw = write


def bounded_queue() -> asyncio.Queue[Any]:
    return asyncio.Queue(QUEUE_MAX + 1)


def offer(queue: asyncio.Queue[Any], item: Any) -> None:
    """Queue an item for a stream; a reader QUEUE_MAX items behind gets STREAM_END instead: its
    backlog is freed, its stream ends, and the client resumes with Last-Event-ID."""
    if queue.qsize() >= QUEUE_MAX:
        while not queue.empty():
            queue.get_nowait()
        item = STREAM_END
    queue.put_nowait(item)


async def serve(response: web.StreamResponse, next_item: Callable[[], Awaitable[T]],
                write: Callable[[T], Awaitable[None]], *, backlog: Iterable[T] = (),
                heartbeat_s: float = HEARTBEAT_S) -> None:
    """Write the backlog, then each item as it comes (a heartbeat when none comes for `heartbeat_s`),
    until the client goes away, falls too far behind (STREAM_END) or the server shuts down."""
    try:
        for item in backlog:
            await write(item)
        while True:
            try:
                item = await asyncio.wait_for(next_item(), heartbeat_s)
            except TimeoutError:
                await write_raw(response, HEARTBEAT)
                continue
            if item is STREAM_END:
                return
            await write(item)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
