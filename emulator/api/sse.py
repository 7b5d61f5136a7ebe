"""Server-sent events of a source's new emits (`/sources/{id}/sse`, `/sse/dc/{id}/emits`) and runs.

Each message is unnamed (no `event:` line), with `id:` the event id and `data:` the event summary
as one line of JSON; `:sse-handshake` comments every 15 s keep proxies from closing the stream.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from emulator.api.auth import own_source
from emulator.api.event_stream import STREAM_END, bounded_queue, offer, open_stream, send, serve
from emulator.domain.event_log import event_sort_key
from emulator.domain.event_summary import event_summary
from emulator.domain.ids import parse_event_id
from emulator.domain.models import Event
from emulator.runtime.activity_bus import OVERFLOW
from emulator.server.services import services_of

routes = web.RouteTableDef()


def _streamed(event: Event) -> bool:
    return not event.channel.startswith("$")


@routes.get("/sources/{id}/sse")
@routes.get("/v1/sources/{id}/sse")
@routes.get("/sse/dc/{id}/emits")
async def stream_source_events(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    source = own_source(request)
    queue = bounded_queue()

    def listener(event: Event) -> None:
        if event.source_id == source.id and _streamed(event):
            offer(queue, event)

    async def write(event: Event) -> None:
        await send(response, event.id, event_summary(event, expand=True))

    services.store.events.listeners.append(listener)
    try:
        response = await open_stream(request)
        backlog: list[Event] = []
        resume = parse_event_id(request.headers.get("Last-Event-ID", ""))
        if resume:
            retained = [e for channel in services.store.events.channels(source.id) if not channel.startswith("$")
                        for e in services.store.events.newest_first(source.id, channel)]
            backlog = [e for e in sorted(retained, key=event_sort_key) if event_sort_key(e) > resume]
        replayed = {e.id for e in backlog}

        async def next_new() -> Event:
            # An event emitted while the stream opened is both queued and in the backlog: send it once.
            while True:
                event = await queue.get()
                if event.id not in replayed:
                    return event

        await serve(response, next_new, write, backlog=backlog)
    finally:
        services.store.events.listeners.remove(listener)
    return response


@routes.get("/sse/dc/{id}/observations")
async def stream_source_runs(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    source = own_source(request)
    queue = services.bus.subscribe()

    async def next_run() -> dict[str, Any]:
        while True:
            record = await queue.get()
            if record is OVERFLOW:
                return STREAM_END
            if record["kind"] == "run" and record["run"]["source_id"] == source.id:
                run = services.runtime.runs.get(record["run"]["id"])
                return run.to_api() if run else record["run"]

    async def write(run: dict[str, Any]) -> None:
        await send(response, run["id"], run)

    try:
        response = await open_stream(request)
        await serve(response, next_run, write)
    finally:
        services.bus.unsubscribe(queue)
    return response
