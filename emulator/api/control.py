"""`/_emulator/…`: what only the emulator has — health, clock, runs, db, users, accounts, state, faults."""
from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from emulator.api.auth import current_user, own_source, reachable_source_ids, require_emulator_key
from emulator.api.connect_common import CONNECT
from emulator.api.json_body import json_response
from emulator.api.params import read_params
from emulator.contract.openapi import document
from emulator.domain.db_limits import DB_BYTES_PER_SOURCE, json_size
from emulator.domain.event_summary import run_with_events
from emulator.domain.state_document import export_state, owned_by_key, owners
from emulator.errors import BadRequest
from emulator.server.services import services_of
from emulator.timing.clock import ClockError
from emulator.version import __version__

routes = web.RouteTableDef()


@routes.get("/_emulator/health")
async def health(request: web.Request) -> web.Response:
    services = services_of(request)
    store = services.store
    body: dict[str, Any] = {}
    if services.saver is not None:
        body["state_file"] = services.saver.health()
    status = "ok" if services.saver is None or services.saver.failure is None else "degraded"
    return web.json_response({
        "status": status, **body, "version": __version__, "uptime_s": round(time.monotonic() - services.started_wall_s, 3),
        "clock": services.clock.to_api(), "node": services.sandbox.node_version(),
        "counts": {"users": len(store.users), "components": len(store.components), "sources": len(store.sources),
                   "events": store.events.count()}})


@routes.get("/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(document())


@routes.get("/_emulator/clock")
async def get_clock(request: web.Request) -> web.Response:
    return web.json_response(services_of(request).clock.to_api())


@routes.put("/_emulator/clock")
async def set_clock(request: web.Request) -> web.Response:
    require_emulator_key(request, "changing the clock")
    params = await read_params(request, "setClock")
    services = services_of(request)
    try:
        services.clock.set(mode=params.get("mode"), speed=params.get("speed"), now_ms=params.get("now_ms"))
    except ClockError as exc:
        raise BadRequest(str(exc), param=_clock_param(params)) from None
    services.bus.publish("clock", clock=services.clock.to_api())
    return web.json_response(services.clock.to_api())


def _clock_param(params: dict[str, Any]) -> str:
    return next((name for name in ("now_ms", "speed", "mode") if name in params), "clock")


@routes.post("/_emulator/clock/advance")
async def advance_clock(request: web.Request) -> web.Response:
    require_emulator_key(request, "advancing the clock")
    params = await read_params(request, "advanceClock")
    services = services_of(request)
    seconds, until_ms = params.get("seconds"), params.get("until_ms")
    if (seconds is None) == (until_ms is None):
        raise BadRequest("give exactly one of seconds or until_ms", param="seconds")
    if until_ms is not None and until_ms < services.clock.now_ms():
        raise BadRequest(f"until_ms {until_ms} is before now ({services.clock.now_ms()}): time never goes back",
                         param="until_ms")
    try:
        result = await services.scheduler.advance(seconds=seconds, until_ms=until_ms)
    except ClockError as exc:       # a real clock may pass until_ms while earlier runs finish
        raise BadRequest(str(exc), param="until_ms" if until_ms is not None else "seconds") from None
    services.bus.publish("clock", clock=services.clock.to_api(), runs=len(result["runs"]))
    mine = reachable_source_ids(request)
    return web.json_response({**result, "runs": [r for r in result["runs"] if r["source_id"] in mine]})


@routes.post("/_emulator/sources/{id}/run")
async def run_source(request: web.Request) -> web.Response:
    params = await read_params(request, "runSource")
    services = services_of(request)
    source = own_source(request)
    record = await services.runtime.invoke(source, "run", params.get("event", {}), trigger="control")
    return json_response({"data": run_with_events(record, services.store.events)})


@routes.get("/_emulator/sources/{id}/logs")
async def source_logs(request: web.Request) -> web.Response:
    params = await read_params(request, "sourceLogs")
    services = services_of(request)
    source = own_source(request)
    runs = services.runtime.runs.of_source(source.id, params.get("limit") or 20)
    return web.json_response({"data": [r.to_api() for r in runs]})


@routes.get("/_emulator/sources/{id}/db")
async def get_source_db(request: web.Request) -> web.Response:
    source = own_source(request)
    return web.json_response({"data": source.db})


@routes.put("/_emulator/sources/{id}/db")
async def put_source_db(request: web.Request) -> web.Response:
    params = await read_params(request, "putSourceDb")
    services = services_of(request)
    source = own_source(request)
    size = json_size(params["db"])
    if size > DB_BYTES_PER_SOURCE:
        raise BadRequest(f"db is {size} bytes, over the {DB_BYTES_PER_SOURCE // (1024 * 1024)} MB limit per source",
                         param="db", code="too_large")
    source.db = dict(params["db"])
    services.runtime.db_sizes.forget(source.id)
    services.store.changed()
    return web.json_response({"data": source.db})


@routes.post("/_emulator/users")
async def create_user(request: web.Request) -> web.Response:
    require_emulator_key(request, "creating users")
    params = await read_params(request, "createUser")
    store = services_of(request).store
    if params.get("api_key") and store.user_for_key(params["api_key"]):
        raise BadRequest("api_key is already in use", param="api_key")
    user = store.create_user(username=params.get("username"), email=params.get("email"), api_key=params.get("api_key"))
    return web.json_response({"data": user.to_api()})


@routes.post("/_emulator/accounts")
async def create_account(request: web.Request) -> web.Response:
    params = await read_params(request, "createAccount")
    account = services_of(request).store.create_account(current_user(request).id, params["app"], params["auth"],
                                                       params.get("name"))
    return web.json_response({"id": account.id, "data": account.to_api()})


@routes.post("/_emulator/reset")
async def reset_state(request: web.Request) -> web.Response:
    require_emulator_key(request, "a reset")
    params = await read_params(request, "reset")
    await services_of(request).control.reset(keep_users=not params.get("all", False))
    return web.json_response({"data": {"reset": True, "all": bool(params.get("all", False))}})


@routes.get("/_emulator/state")
async def get_state(request: web.Request) -> web.Response:
    require_emulator_key(request, "exporting the state")
    return web.json_response(export_state(services_of(request).store))


@routes.put("/_emulator/state")
async def put_state(request: web.Request) -> web.Response:
    require_emulator_key(request, "importing a state")
    params = await read_params(request, "importState")
    services = services_of(request)
    state = {k: v for k, v in params.items() if k not in ("owner", "include", "exclude")}
    if params.get("owner") == "me":
        state = owned_by_key(state, services.control.api_key)
    await services.control.replace_state(state)
    store = services.store
    return web.json_response({"data": {"users": len(store.users), "sources": len(store.sources),
                                       "events": store.events.count(), "owners": owners(store, services.control.api_key)}})


@routes.post("/_emulator/faults")
async def add_fault(request: web.Request) -> web.Response:
    require_emulator_key(request, "injecting faults")
    params = await read_params(request, "addFault")
    fault = services_of(request).faults.add(params)
    return web.json_response({"data": fault.to_api()})


@routes.delete("/_emulator/faults")
async def clear_faults(request: web.Request) -> web.Response:
    require_emulator_key(request, "clearing faults")
    services_of(request).faults.clear()
    return web.json_response({"data": {"cleared": True}})


@routes.get("/_emulator/webhooks/failures")
async def webhook_failures(request: web.Request) -> web.Response:
    services = services_of(request)
    mine = {h.id for h in services.store.user_webhooks(current_user(request).id)}
    failures = [f for f in services.webhooks.failures if f["webhook_id"] in mine]
    if current_user(request).api_key == services.control.api_key:        # Connect's trigger webhooks: the emulator key's
        failures += list(request.app[CONNECT].delivery.failures)
    return web.json_response({"data": failures})

