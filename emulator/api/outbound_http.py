"""`/_emulator/http…`: the outbound HTTP of components — mode and cassette (for the emulator and
per source), stubs, and the requests made.

Changing a mode or cassette, and stubs that apply to every source, are the emulator's own key's
(a cassette path is a file the emulator reads and writes); any user may stub their own sources
and sees only those stubs and the requests of their own sources.

Differences from the cloud: none of this exists there; components reach the network directly.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from emulator.api.auth import current_user, is_emulator_key, own_source, require_emulator_key
from emulator.api.params import read_params
from emulator.errors import BadRequest, NotFound
from emulator.outbound.cassette import CassetteError
from emulator.outbound.stubs import Stub, StubError, parse_stub
from emulator.server.services import services_of

routes = web.RouteTableDef()


@routes.get("/_emulator/http")
async def get_http_mode(request: web.Request) -> web.Response:
    return web.json_response({"data": _status(request)})


def _status(request: web.Request) -> dict[str, Any]:
    """The mode, counts, and the overrides of the caller's own sources."""
    status = services_of(request).outbound.to_api()
    visible = _visible_sources(request)
    status["sources"] = {source_id: s for source_id, s in status["sources"].items() if source_id in visible}
    return status


@routes.put("/_emulator/http")
async def set_http_mode(request: web.Request) -> web.Response:
    require_emulator_key(request, "changing the HTTP mode")
    params = await read_params(request, "setHttpMode")
    outbound = services_of(request).outbound
    _set_mode(outbound, params, None)
    services_of(request).bus.publish("http_mode", **outbound.setting.to_api())
    return web.json_response({"data": _status(request)})


@routes.get("/_emulator/sources/{id}/http")
async def get_source_http_mode(request: web.Request) -> web.Response:
    source = own_source(request)
    outbound = services_of(request).outbound
    own = source.id in outbound.per_source
    return web.json_response({"data": {**outbound.setting_for(source.id).to_api(), "source_id": source.id,
                                       "inherited": not own}})


@routes.put("/_emulator/sources/{id}/http")
async def set_source_http_mode(request: web.Request) -> web.Response:
    source = own_source(request)
    require_emulator_key(request, "changing a source's HTTP mode")
    params = await read_params(request, "setSourceHttpMode")
    setting = _set_mode(services_of(request).outbound, params, source.id)
    return web.json_response({"data": {**setting.to_api(), "source_id": source.id, "inherited": False}})


@routes.delete("/_emulator/sources/{id}/http")
async def clear_source_http_mode(request: web.Request) -> web.Response:
    source = own_source(request)
    outbound = services_of(request).outbound
    outbound.clear_source(source.id)
    return web.json_response({"data": {**outbound.setting.to_api(), "source_id": source.id, "inherited": True}})


def _set_mode(outbound: Any, params: dict[str, Any], source_id: str | None) -> Any:
    try:
        return outbound.set_mode(params["mode"], params.get("cassette"), source_id)
    except CassetteError as error:
        raise BadRequest(str(error), param="cassette") from None


@routes.get("/_emulator/http/stubs")
async def list_stubs(request: web.Request) -> web.Response:
    services = services_of(request)
    stubs = [s for s in services.outbound.stubs.all() if _may_see(request, s)]
    return web.json_response({"data": [s.to_api() for s in stubs]})


@routes.post("/_emulator/http/stubs")
async def add_stub(request: web.Request) -> web.Response:
    params = await read_params(request, "addHttpStub")
    services = services_of(request)
    source_id = params.get("source_id")
    if source_id is None:
        require_emulator_key(request, "a stub for every source (without source_id)")
    elif source_id not in _visible_sources(request):
        raise NotFound("source", source_id)
    try:
        stub = parse_stub(params, services.ids.new("hs_"))
    except StubError as error:
        raise BadRequest(str(error), param=error.field) from None
    services.outbound.stubs.add(stub)
    return web.json_response({"data": stub.to_api()})


@routes.delete("/_emulator/http/stubs")
async def clear_stubs(request: web.Request) -> web.Response:
    require_emulator_key(request, "removing every stub")
    services_of(request).outbound.stubs.clear()
    return web.json_response({"data": {"cleared": True}})


@routes.delete("/_emulator/http/stubs/{id}")
async def delete_stub(request: web.Request) -> web.Response:
    stubs = services_of(request).outbound.stubs
    stub = stubs.get(request.match_info["id"])
    if stub is None or not _may_see(request, stub):
        raise NotFound("stub", request.match_info["id"])
    stubs.remove(stub.id)
    return web.json_response({"data": {"id": stub.id, "deleted": True}})


@routes.get("/_emulator/http/requests")
async def list_requests(request: web.Request) -> web.Response:
    params = await read_params(request, "listHttpRequests")
    visible = _visible_sources(request)
    source_id = params.get("source_id")
    if source_id is not None and source_id not in visible:
        raise NotFound("source", source_id)
    outbound = services_of(request).outbound
    exchanges = [{"source_id": owner, **exchange.to_api()} for owner, exchange in outbound.recent
                 if owner in visible and (source_id is None or owner == source_id)]
    return web.json_response({"data": exchanges})


def _may_see(request: web.Request, stub: Stub) -> bool:
    """A user sees the stubs of their own sources; stubs for every source belong to the emulator's key."""
    if stub.source_id is None:
        return is_emulator_key(request)
    return stub.source_id in _visible_sources(request)


def _visible_sources(request: web.Request) -> set[str]:
    services = services_of(request)
    return {s.id for s in services.store.user_sources(current_user(request).id)}
