"""`/v1/sources` and `/v1/users/me/sources`: deploy, list, update, pause and delete sources.

Differences from the cloud: hooks and runs execute in the local Node sandbox; `key` may name a
component of the watched folders; `status_note` says why a source was deactivated by a reload.
"""
from __future__ import annotations

from aiohttp import web

from emulator.api.auth import current_user, own_source
from emulator.api.json_body import json_response
from emulator.api.params import data_response, read_params, resource_page, shaper
from emulator.server.services import services_of

routes = web.RouteTableDef()


@routes.get("/v1/users/me/sources")
async def list_sources(request: web.Request) -> web.Response:
    params = await read_params(request, "listSources")
    sources = services_of(request).store.user_sources(current_user(request).id)
    page = resource_page(sources, params)
    shape = shaper(params)
    return json_response(page.to_api(lambda s: shape(s.to_api())))


@routes.get("/v1/sources/{id}")
async def get_source(request: web.Request) -> web.Response:
    params = await read_params(request, "getSource")
    source = own_source(request)
    return data_response(source.to_api(), params)


@routes.post("/v1/sources")
async def create_source(request: web.Request) -> web.Response:
    params = await read_params(request, "createSource")
    source = await services_of(request).lifecycle.create(current_user(request), params)
    return data_response(source.to_api(), params)


@routes.put("/v1/sources/{id}")
async def update_source(request: web.Request) -> web.Response:
    params = await read_params(request, "updateSource")
    services, user = services_of(request), current_user(request)
    source = services.store.get_source(user.id, request.match_info["id"])
    source = await services.lifecycle.update(user, source, params)
    return data_response(source.to_api(), params)


@routes.delete("/v1/sources/{id}")
async def delete_source(request: web.Request) -> web.Response:
    await read_params(request, "deleteSource")
    services = services_of(request)
    source = own_source(request)
    await services.lifecycle.delete(source)
    return web.Response(status=204)
