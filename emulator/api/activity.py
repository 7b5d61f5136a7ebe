"""What the emulator is doing: the activity stream, runs by id, replay, the reload log and an overview.

`GET /_emulator/stream` is one SSE stream of the activity bus (runs, emits, reloads, clock changes,
errors) for the dashboard: each message's `id:` is `<epoch>.<seq>`, so a reconnect with
`Last-Event-ID` (or `?last_event_id=`) gets exactly the records it missed, and a `hello` message
says when it cannot (`gap`: the records were dropped, or the emulator restarted).

Differences from the cloud: none of this exists there; the cloud's UI reads its own internal APIs.
"""
from __future__ import annotations

import asyncio
import secrets
from typing import Any

from aiohttp import web

from emulator.api.auth import current_user, reachable_source, reachable_source_ids
from emulator.api.event_stream import STREAM_END, open_stream, send, serve, write_raw
from emulator.api.params import read_params, shape
from emulator.domain.event_summary import event_summary, run_with_events
from emulator.domain.models import Source, User
from emulator.domain.run_log import RunRecord
from emulator.errors import NotFound
from emulator.props.prop_types import driving_timer
from emulator.runtime.activity_audience import EMULATOR_OWNER, EVERYONE
from emulator.runtime.activity_bus import OVERFLOW
from emulator.runtime.invocation import ERRORS_CHANNEL
from emulator.server.services import Services, services_of

routes = web.RouteTableDef()
STREAM_EPOCH = web.AppKey("stream_epoch", str)
RETRY_MS = 1000
BRIEF_RUN_FIELDS = ("id", "method", "trigger", "outcome", "started_at_ms", "duration_ms", "error", "emitted")


def new_epoch() -> str:
    """Names one emulator process in stream ids: a resume across a restart is seen as a gap."""
    return secrets.token_hex(4)


# the stream -----------------------------------------------------------------------------------
@routes.get("/_emulator/stream")
async def stream_activity(request: web.Request) -> web.StreamResponse:
    services, user = services_of(request), current_user(request)
    epoch = request.app[STREAM_EPOCH]
    queue = services.bus.subscribe()
    resume = _resume_point(request, epoch)
    sent = max(resume or 0, 0)

    async def write(record: dict[str, Any]) -> None:
        nonlocal sent
        if record["seq"] > sent:       # a record both in the backlog and the queue goes out once
            sent = await _forward(response, services, user, epoch, record)

    async def next_record() -> dict[str, Any]:
        record = await queue.get()
        return STREAM_END if record is OVERFLOW else record      # too far behind: the client resumes

    try:
        response = await open_stream(request)
        await write_raw(response, f"retry: {RETRY_MS}\n\n".encode())
        backlog = services.bus.since(resume) if resume is not None and resume >= 0 else []
        gap = resume is not None and (resume < 0 or (bool(backlog) and backlog[0]["seq"] > resume + 1))
        await send(response, None, {"kind": "hello", "epoch": epoch, "resumed": resume is not None, "gap": gap})
        await serve(response, next_record, write, backlog=backlog)
    except (ConnectionResetError, asyncio.CancelledError):
        pass            # gone before the stream was served
    finally:
        services.bus.unsubscribe(queue)
    return response


def _resume_point(request: web.Request, epoch: str) -> int | None:
    """The last seq the client saw; -1 when it saw records of another emulator (a restart)."""
    text = request.headers.get("Last-Event-ID") or request.query.get("last_event_id") or ""
    if not text:
        return None
    their_epoch, _, seq = text.partition(".")
    if their_epoch != epoch or not (seq.isascii() and seq.isdigit()):
        return -1
    return int(seq)


async def _forward(response: web.StreamResponse, services: Services, user: User, epoch: str,
                   record: dict[str, Any]) -> int:
    if _visible(services, user, record):
        await send(response, f"{epoch}.{record['seq']}", _enriched(services, record))
    return int(record["seq"])


def _visible(services: Services, user: User, record: dict[str, Any]) -> bool:
    """The audience was fixed when the record was published (see activity_audience)."""
    audience = record.get("audience")
    if audience == EMULATOR_OWNER:
        return services.is_owner(user)
    return audience is EVERYONE or audience == user.id


def _enriched(services: Services, record: dict[str, Any]) -> dict[str, Any]:
    """The record plus what a page needs to show it without asking: the event, the next timer fire."""
    data = {k: v for k, v in record.items() if k != "audience"}
    if record["kind"] == "emit":
        event = services.store.events.find(record["source_id"], record["event_id"])
        data["event"] = event_summary(event, expand=False) if event else None
    elif record["kind"] == "run":
        data["next_fire_ms"] = services.scheduler.next_fire_ms(record["run"]["source_id"])
    return data


# runs and replay -------------------------------------------------------------------------------
@routes.get("/_emulator/runs")
async def list_runs(request: web.Request) -> web.Response:
    params = await read_params(request, "listRuns")
    services = services_of(request)
    user_id = current_user(request).id
    allowed = reachable_source_ids(request)
    allowed |= {source_id for source_id, owner in services.runtime.failed_deploys.items() if owner == user_id}
    runs = services.runtime.runs.query(source_id=params.get("source_id"), outcome=params.get("outcome"),
                                       limit=params.get("limit") or 50, allowed=allowed)
    if params.get("method"):
        runs = [r for r in runs if r.method == params["method"]]
    return web.json_response({"data": [shape(r.to_api(), params) for r in runs]})


@routes.get("/_emulator/runs/{id}")
async def get_run(request: web.Request) -> web.Response:
    params = await read_params(request, "getRun")
    services = services_of(request)
    run = services.runtime.runs.get(request.match_info["id"])
    if run is None or (run.source_id not in reachable_source_ids(request)
                       and services.runtime.run_owner(run.source_id) != current_user(request).id):
        raise NotFound("run", request.match_info["id"])
    return web.json_response({"data": shape(run_with_events(run, services.store.events), params)})


@routes.post("/_emulator/events/replay")
async def replay_event(request: web.Request) -> web.Response:
    """Run the source again with one of its retained events (an `$errors` event replays the original)."""
    params = await read_params(request, "replayEvent")
    services = services_of(request)
    source = reachable_source(request, params["source_id"])
    event = services.store.events.find(source.id, params["event_id"])
    if event is None:
        raise NotFound("event", params["event_id"])
    payload = event.event
    if event.channel == ERRORS_CHANNEL and isinstance(payload, dict):
        payload = payload.get("original_event")
    record = await services.runtime.invoke(source, "run", payload, trigger="replay")
    return web.json_response({"data": run_with_events(record, services.store.events)})


# reloads and the overview ----------------------------------------------------------------------
@routes.get("/_emulator/reloads")
async def list_reloads(request: web.Request) -> web.Response:
    """Recent reloads newest first, the files now failing, and each watched component's status."""
    await read_params(request, "listReloads")
    services = services_of(request)
    store = services.store
    failures = [{"path": path, **error, "running_last_good": any(c.path == path for c in store.registry_components())}
                for path, error in services.reloader.failures.items()]
    components = [{"id": c.id, "name": c.name, "key": c.key, "version": c.version, "path": c.path,
                   "errors": c.errors, "warnings": c.warnings, "sources": len(store.sources_of_component(c.id))}
                  for c in sorted(store.registry_components(), key=lambda c: c.path or "")]
    return web.json_response({"data": list(reversed(services.reloader.reloads)), "failures": failures,
                              "components": components, "folders": [str(f) for f in services.folders]})


@routes.get("/_emulator/overview")
async def overview(request: web.Request) -> web.Response:
    """Everything the dashboard's first page shows, in one request (or one source's part of it)."""
    params = await read_params(request, "getOverview")
    services, user = services_of(request), current_user(request)
    if params.get("source_id"):
        sources = [services.store.get_source(user.id, params["source_id"])]
    else:
        sources = services.store.user_sources(user.id)
    mine = {s.id for s in sources}
    upcoming = [fire for fire in services.scheduler.upcoming(limit=len(services.store.sources) or 1)
                if fire["source_id"] in mine]
    return web.json_response({"clock": services.clock.to_api(), "folders": [str(f) for f in services.folders],
                              "sources": [source_status(services, s) for s in sources], "upcoming": upcoming})


def source_status(services: Services, source: Source) -> dict[str, Any]:
    """A source as the overview lists it: state, component, schedule, next fire, last run, channels."""
    component = services.store.components.get(source.component_id)
    props = source.configurable(component) if component else []
    schedule = driving_timer(props, source.configured_props)
    runs = services.runtime.runs.query(source_id=source.id, outcome=None, limit=20, allowed={source.id})
    last_run = next((r for r in runs if r.method == "run"), None)
    events = services.store.events
    return {**source.to_api(), "status_note": source.status_note,
            "component": {"id": source.component_id, "name": component.name if component else None,
                          "key": component.key if component else None, "path": component.path if component else None,
                          "errors": component.errors if component else []},
            "schedule": schedule, "next_fire_ms": services.scheduler.next_fire_ms(source.id),
            "endpoint_url": services.runtime.endpoint_url(source),
            "endpoint_origin_url": services.runtime.endpoint_origin_url(source),
            "last_run": _brief(last_run) if last_run else None,
            "channels": {channel: len(events.newest_first(source.id, channel)) for channel in events.channels(source.id)}}


def _brief(run: RunRecord) -> dict[str, Any]:
    body = run.to_api()
    body["error"] = (run.error or {}).get("message")
    body["emitted"] = len(run.emitted)
    return {name: body[name] for name in BRIEF_RUN_FIELDS}
