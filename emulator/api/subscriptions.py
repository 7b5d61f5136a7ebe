"""Subscriptions, auto-subscriptions and webhooks: who hears a source's events.

Differences from the cloud: webhook delivery failures are listed at `GET /_emulator/webhooks/failures`.
"""
from __future__ import annotations

from urllib.parse import urlparse

from aiohttp import web

from emulator.api.auth import current_user
from emulator.api.params import data_response, read_params, resource_page, shape
from emulator.errors import BadRequest, NotFound
from emulator.server.services import services_of

routes = web.RouteTableDef()


def _check_emitter(request: web.Request, emitter_id: str) -> None:
    user = current_user(request)
    if emitter_id in ("dc_*", user.id):
        return
    services_of(request).store.get_source(user.id, emitter_id)


def _check_listener(request: web.Request, listener_id: str) -> None:
    if not services_of(request).store.listener_exists(current_user(request).id, listener_id):
        raise NotFound("listener", listener_id)


@routes.post("/v1/subscriptions")
async def create_subscription(request: web.Request) -> web.Response:
    params = await read_params(request, "createSubscription")
    _check_emitter(request, params["emitter_id"])
    _check_listener(request, params["listener_id"])
    sub = services_of(request).store.add_subscription(current_user(request).id, params["emitter_id"],
                                                      params["listener_id"], params.get("event_name") or "")
    return data_response(sub.to_api(), params)


@routes.delete("/v1/subscriptions")
async def delete_subscription(request: web.Request) -> web.Response:
    params = await read_params(request, "deleteSubscription")
    removed = services_of(request).store.remove_subscriptions(
        current_user(request).id, params["emitter_id"], params["listener_id"], params.get("event_name") or "")
    if not removed:
        raise NotFound("subscription", f"{params['emitter_id']} → {params['listener_id']}")
    return web.json_response({"data": {"removed": removed}})


@routes.post("/v1/auto_subscriptions")
async def create_auto_subscription(request: web.Request) -> web.Response:
    params = await read_params(request, "createAutoSubscription")
    _check_listener(request, params["listener_id"])
    auto = services_of(request).store.add_auto_subscription(current_user(request).id, params["listener_id"],
                                                           params.get("event_name") or "")
    return data_response(auto.to_api(), params)


@routes.get("/v1/users/me/subscriptions")
async def list_subscriptions(request: web.Request) -> web.Response:
    params = await read_params(request, "listSubscriptions")
    subs = services_of(request).store.user_subscriptions(current_user(request).id)
    return web.json_response({"data": [shape(s.to_api(), params) for s in subs]})


@routes.post("/v1/webhooks")
async def create_webhook(request: web.Request) -> web.Response:
    params = await read_params(request, "createWebhook")
    url = params["url"]
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise BadRequest(f"url must be an http(s)://host… URL, got {url!r}", param="url")
    hook = services_of(request).store.add_webhook(current_user(request).id, url, params.get("name"),
                                                 params.get("description"))
    return data_response(hook.to_api(), params)


@routes.get("/v1/users/me/webhooks")
async def list_webhooks(request: web.Request) -> web.Response:
    params = await read_params(request, "listWebhooks")
    hooks = services_of(request).store.user_webhooks(current_user(request).id)
    page = resource_page(hooks, params)
    return web.json_response(page.to_api(lambda h: shape(h.to_api(), params)))


@routes.delete("/v1/webhooks/{id}")
async def delete_webhook(request: web.Request) -> web.Response:
    await read_params(request, "deleteWebhook")
    services = services_of(request)
    hook = services.store.get_webhook(current_user(request).id, request.match_info["id"])
    services.store.remove_webhook(hook.id)
    return web.Response(status=204)
