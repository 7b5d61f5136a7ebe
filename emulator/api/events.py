"""A source's retained events: `event_summaries`, the raw `events` list, and ranged deletes.

Differences from the cloud: an event whose JSON is over 1 KB is listed in `event_summaries` as
`{"$truncated": true, "size": <bytes>, "preview": "<first 1 KB of its JSON>"}` unless `expand=event`
(domain/event_summary.py).
"""
from __future__ import annotations

from aiohttp import web

from emulator.api.auth import own_source
from emulator.api.json_body import dumps, json_response
from emulator.api.params import read_params, shaper, unchanged
from emulator.domain.event_log import event_sort_key
from emulator.domain.event_summary import event_summary
from emulator.domain.ids import parse_event_id
from emulator.domain.models import Event
from emulator.domain.pagination import MAX_LIMIT, paginate, parse_limit
from emulator.errors import BadRequest
from emulator.server.services import services_of

routes = web.RouteTableDef()
RAW_DEFAULT_LIMIT = 100


def summary_json(event: Event) -> bytes:
    """The plain (unexpanded, unshaped) summary, encoded once per event: a stored event never changes."""
    if event.summary_json is None:
        event.summary_json = dumps(event_summary(event, expand=False))
    return event.summary_json


def _event_cursor(value: str, param: str) -> tuple[int, int]:
    parsed = parse_event_id(value)
    if parsed is None:
        raise BadRequest(f"{param} must be an event id like 1589486981597-0, got {value!r}", param=param)
    return parsed


@routes.get("/v1/sources/{id}/event_summaries")
async def list_event_summaries(request: web.Request) -> web.Response:
    params = await read_params(request, "listEventSummaries")
    services = services_of(request)
    source = own_source(request)
    events = services.store.events.newest_first(source.id, params.get("event_name") or "")
    expand = "event" in str(params.get("expand") or "").split(",")
    page = paginate(events, sort_key=event_sort_key, cursor_key=lambda c: c, cursor_of=lambda e: e.id,
                    limit=parse_limit(params.get("limit"), MAX_LIMIT),
                    after=_event_cursor(params["after"], "after") if params.get("after") else None,
                    before=_event_cursor(params["before"], "before") if params.get("before") else None)
    shape = shaper(params)
    if shape is unchanged and not expand:
        rows = b",".join([summary_json(e) for e in page.items])
        return web.Response(body=b'{"page_info":' + dumps(page.info()) + b',"data":[' + rows + b"]}",
                            content_type="application/json")
    return json_response(page.to_api(lambda e: shape(event_summary(e, expand=expand))))


@routes.get("/v1/sources/{id}/events")
async def list_source_events(request: web.Request) -> web.Response:
    """Undocumented in the cloud but used by real clients (Singer taps): no page_info, never truncated."""
    params = await read_params(request, "listSourceEvents")
    services = services_of(request)
    source = own_source(request)
    limit = params.get("limit") or params.get("n") or RAW_DEFAULT_LIMIT
    events = services.store.events.newest_first(source.id, params.get("event_name") or "")[:limit]
    return json_response({"data": [{"id": e.id, "k": "emit", "ts": e.indexed_at_ms, "e": e.event}
                                       for e in events]})


@routes.delete("/v1/sources/{id}/events")
async def delete_source_events(request: web.Request) -> web.Response:
    params = await read_params(request, "deleteSourceEvents")
    services = services_of(request)
    source = own_source(request)
    start = _event_cursor(params["start_id"], "start_id") if params.get("start_id") else None
    end = _event_cursor(params["end_id"], "end_id") if params.get("end_id") else None
    services.store.events.delete_range(source.id, params.get("event_name") or "", start, end)
    services.store.changed()
    return web.Response(status=202)
