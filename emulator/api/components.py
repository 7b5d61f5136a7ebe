"""`/v1/components`: save code and see what was extracted from it.

Differences from the cloud: `component_url` is resolved offline against the watched folders (or a
`file://` URL); components also carry `warnings` and `errors` (extraction and reload diagnostics).
"""
from __future__ import annotations

from aiohttp import web

from emulator.api.auth import current_user
from emulator.api.params import data_response, read_params
from emulator.domain.component_search import search_components
from emulator.runtime.component_factory import create_from_code, create_from_url
from emulator.server.services import services_of

routes = web.RouteTableDef()


@routes.post("/v1/components")
async def create_component(request: web.Request) -> web.Response:
    params = await read_params(request, "createComponent")
    services, user = services_of(request), current_user(request)
    if params.get("component_code") or not params.get("component_url"):
        component = create_from_code(services.store, user.id, params.get("component_code") or "",
                                     params.get("component_url"))
    else:
        component = await create_from_url(services.store, user.id, params["component_url"], services.folders,
                                          follow_files=services.config.watch,
                                          containment=services.sandbox.containment)
    return data_response(component.to_api(), params)


@routes.get("/v1/components/registry/{key}")
async def get_registry_component(request: web.Request) -> web.Response:
    params = await read_params(request, "getRegistryComponent")
    component = services_of(request).store.registry_component(request.match_info["key"])
    return data_response(component.to_api(), params)


@routes.get("/v1/components/search")
async def search_registry(request: web.Request) -> web.Response:
    params = await read_params(request, "searchComponents")
    registry = services_of(request).store.registry_components()
    return web.json_response(search_components(registry, params.get("query") or "", params.get("app") or None))


@routes.get("/v1/components/{id}")
async def get_component(request: web.Request) -> web.Response:
    params = await read_params(request, "getComponent")
    component = services_of(request).store.get_component(current_user(request).id, request.match_info["id"])
    return data_response(component.to_api(), params)
