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
from emulator.api.events import summary
from emulator.domain.event_log import event_sort_key
from emulator.errors import ServiceUnavailable
from emulator.domain.ids import parse_event_id
from emulator.domain.models import Event
from emulator.server.services import services_of

routes = web.RouteTableDef()
HEARTBEAT_S = 15.0


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
    await response.prepare(request)
    await response.write(b":sse-handshake\n\n")
    return response


async def send(response: web.StreamResponse, ident: str | None, data: Any) -> None:
    head = f"id: {ident}\n" if ident else ""
    await response.write(f"{head}data: {json.dumps(data, separators=(',', ':'), default=str)}\n\n".encode())


async def pump(request: web.Request, response: web.StreamResponse, queue: asyncio.Queue[Any],
               render: Any, heartbeat_s: float = HEARTBEAT_S, already_sent: Any = None) -> None:
    """Forward queue items (but those `already_sent` says were) until the client or the server goes."""
    try:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), heartbeat_s)
            except TimeoutError:
                await response.write(b":sse-handshake\n\n")
                continue
            if already_sent is not None and already_sent(item):
                continue
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
    queue: asyncio.Queue[Event] = asyncio.Queue()

    def listener(event: Event) -> None:
        if event.source_id == source.id and _streamed(event):
            queue.put_nowait(event)

    services.store.events.listeners.append(listener)
    try:
        response = await open_stream(request)
        resume = parse_event_id(request.headers.get("Last-Event-ID", ""))
        replayed: set[str] = set()
        if resume:
            backlog = [e for channel in services.store.events.channels(source.id) if not channel.startswith("$")
                       for e in services.store.events.newest_first(source.id, channel)]
            for event in sorted(backlog, key=event_sort_key):
                if event_sort_key(event) > resume:
                    replayed.add(event.id)
                    await send(response, event.id, summary(event, expand=True))
        # An event emitted while the stream opened is both queued and replayed: send it once.
        await pump(request, response, queue, lambda e: (e.id, summary(e, expand=True)),
                   already_sent=lambda e: e.id in replayed)
    finally:
        services.store.events.listeners.remove(listener)
    return response


@routes.get("/sse/dc/{id}/observations")
async def stream_source_runs(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    source = own_source(request)
    queue = services.bus.subscribe()
    filtered: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def relay() -> None:
        while True:
            record = await queue.get()
            if record["kind"] == "run" and record["run"]["source_id"] == source.id:
                run = services.runtime.runs.get(record["run"]["id"])
                filtered.put_nowait(run.to_api() if run else record["run"])

    relay_task = asyncio.ensure_future(relay())
    try:
        response = await open_stream(request)
        await pump(request, response, filtered, lambda run: (run["id"], run))
    finally:
        relay_task.cancel()
        services.bus.unsubscribe(queue)
    return response
