"""Server-sent events of a source's new emits (`/sources/{id}/sse`, `/sse/dc/{id}/emits`) and runs.

Each message is unnamed (no `event:` line), with `id:` the event id and `data:` the event summary
as one line of JSON; `:sse-handshake` comments every 15 s keep proxies from closing the stream.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from emulator.api.auth import own_source
from emulator.runtime.activity_bus import OVERFLOW
from emulator.api.events import summary
from emulator.domain.event_log import event_sort_key
from emulator.errors import ServiceUnavailable
from emulator.domain.ids import parse_event_id
from emulator.domain.models import Event
from emulator.server.services import services_of

routes = web.RouteTableDef()
HEARTBEAT_S = 15.0
QUEUE_MAX = 1000                      # events waiting for one slow reader before its stream is ended
TRANSPORT = web.ResponseKey("pd_transport", object)      # what a stalled write closes
WRITE_TIMEOUT = web.ResponseKey("pd_write_timeout", float)


class SlowReader(ConnectionResetError):
    """The client stopped reading (a write did not drain in time) or fell too far behind."""


async def open_stream(request: web.Request) -> web.StreamResponse:
    """Start the stream; the task is tracked so shutdown can end it at once."""
    if services_of(request).closing:
        raise ServiceUnavailable("the emulator is shutting down")
    task = asyncio.current_task()
    if task is not None:
        streams = services_of(request).streams
        streams.add(task)
        task.add_done_callback(streams.discard)
    response = web.StreamResponse(status=200, headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-cache", "Connection": "keep-alive",
        "X-Accel-Buffering": "no"})
    response[TRANSPORT] = request.transport
    response[WRITE_TIMEOUT] = services_of(request).config.sse_write_timeout_s
    await response.prepare(request)
    await write(response, b":sse-handshake\n\n")
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
    head = f"id: {ident}\n" if ident else ""
    await write(response, f"{head}data: {json.dumps(data, separators=(',', ':'), default=str)}\n\n".encode())


def offer(queue: asyncio.Queue[Any], item: Any) -> None:
    """Queue an item for a stream; a reader QUEUE_MAX items behind gets `None`: its stream ends."""
    if queue.full():
        while not queue.empty():
            queue.get_nowait()
        item = None
    queue.put_nowait(item)


async def pump(request: web.Request, response: web.StreamResponse, queue: asyncio.Queue[Any],
               render: Any, heartbeat_s: float = HEARTBEAT_S) -> None:
    """Forward queue items until the client goes away or the server shuts down."""
    try:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), heartbeat_s)
            except asyncio.TimeoutError:
                await write(response, b":sse-handshake\n\n")
                continue
            if item is None:
                return                          # fell too far behind: the client resumes with Last-Event-ID
            ident, data = render(item)
            await send(response, ident, data)
    except (ConnectionResetError, asyncio.CancelledError):
        pass


def _streamed(event: Event) -> bool:
    return not event.channel.startswith("$")


@routes.get("/sources/{id}/sse")
@routes.get("/v1/sources/{id}/sse")
@routes.get("/sse/dc/{id}/emits")
async def stream_source_events(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    source = own_source(request)
    queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_MAX + 1)

    def listener(event: Event) -> None:
        if event.source_id == source.id and _streamed(event):
            offer(queue, event)

    services.store.events.listeners.append(listener)
    try:
        response = await open_stream(request)
        resume = parse_event_id(request.headers.get("Last-Event-ID", ""))
        if resume:
            backlog = [e for channel in services.store.events.channels(source.id) if not channel.startswith("$")
                       for e in services.store.events.newest_first(source.id, channel)]
            try:
                for event in sorted(backlog, key=event_sort_key):
                    if event_sort_key(event) > resume:
                        await send(response, event.id, summary(event, expand=True))
            except ConnectionResetError:
                return response
        await pump(request, response, queue, lambda e: (e.id, summary(e, expand=True)))
    finally:
        services.store.events.listeners.remove(listener)
    return response


@routes.get("/sse/dc/{id}/observations")
async def stream_source_runs(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    source = own_source(request)
    queue = services.bus.subscribe()
    filtered: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_MAX + 1)

    async def relay() -> None:
        while True:
            record = await queue.get()
            if record is OVERFLOW:
                offer(filtered, None)
                return
            if record["kind"] == "run" and record["run"]["source_id"] == source.id:
                run = services.runtime.runs.get(record["run"]["id"])
                offer(filtered, run.to_api() if run else record["run"])

    relay_task = asyncio.ensure_future(relay())
    try:
        response = await open_stream(request)
        await pump(request, response, filtered, lambda run: (run["id"], run))
    finally:
        relay_task.cancel()
        services.bus.unsubscribe(queue)
    return response
