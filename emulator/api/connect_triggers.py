"""`/deployed-triggers`: list, retrieve, update, delete, events, pipelines and webhooks of deployed triggers.

Differences from the cloud: the emulator has no workflows (pipelines are stored, events are noted as
not delivered to them); webhook deliveries are signed with the emulator's own scheme (see delivery.py).
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from emulator.api.connect_auth import ConnectCaller, connect_caller
from emulator.api.connect_common import connect_of
from emulator.api.params import read_params, resource_page
from emulator.connect.emitters import emitter_to_api
from emulator.connect.triggers import check_webhook_urls, check_workflow_ids
from emulator.domain.connect_models import EMITTER_TYPES, DeployedTrigger
from emulator.domain.connect_state import new_secret
from emulator.errors import BadRequest
from emulator.server.services import services_of

routes = web.RouteTableDef()
TRIGGERS = "/v1/connect/{project_id}/deployed-triggers"
ONE = TRIGGERS + "/{trigger_id}"
EVENTS_DEFAULT, EVENTS_MAX = 20, 100


async def _trigger(request: web.Request, operation: str) -> tuple[ConnectCaller, DeployedTrigger, dict[str, Any]]:
    caller = connect_caller(request)
    params = await read_params(request, operation)
    external_user_id = caller.external_user_id(params)
    trigger = connect_of(request).state.trigger(caller.project.id, caller.environment, external_user_id,
                                                request.match_info["trigger_id"])
    return caller, trigger, params


def _emitter(request: web.Request, trigger: DeployedTrigger) -> dict[str, Any]:
    services = services_of(request)
    source = services.store.sources[trigger.id]
    return emitter_to_api(trigger, source, services.runtime.endpoint_url(source))


@routes.get(TRIGGERS)
async def list_deployed(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    params = await read_params(request, "listConnectDeployedTriggers")
    external_user_id = caller.external_user_id(params)
    emitter_type = params.get("emitter_type") or "source"
    if emitter_type not in (*EMITTER_TYPES.values(), "email"):
        raise BadRequest("emitter_type must be source, http, timer or email", param="emitter_type")
    triggers = [t for t in connect_of(request).state.triggers_of(caller.project.id, caller.environment,
                                                                 external_user_id)
                if EMITTER_TYPES[t.type] == emitter_type]
    page = resource_page(triggers, params)
    return web.json_response(page.to_api(lambda t: _emitter(request, t)))


@routes.get(ONE)
async def get_deployed(request: web.Request) -> web.Response:
    _caller, trigger, _params = await _trigger(request, "getConnectDeployedTrigger")
    return web.json_response({"data": _emitter(request, trigger)})


@routes.put(ONE)
async def update_deployed(request: web.Request) -> web.Response:
    _caller, trigger, params = await _trigger(request, "updateConnectDeployedTrigger")
    await connect_of(request).triggers.update(trigger, params)
    return web.json_response({"data": _emitter(request, trigger)})


@routes.delete(ONE)
async def delete_deployed(request: web.Request) -> web.Response:
    _caller, trigger, params = await _trigger(request, "deleteConnectDeployedTrigger")
    await connect_of(request).triggers.delete(trigger, ignore_hook_errors=bool(params.get("ignore_hook_errors")))
    return web.Response(status=204)


@routes.get(ONE + "/events")
async def list_events(request: web.Request) -> web.Response:
    _caller, trigger, params = await _trigger(request, "listConnectDeployedTriggerEvents")
    n = params.get("n", EVENTS_DEFAULT)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise BadRequest(f"n must be an integer >= 1, got {n!r}", param="n")
    events = services_of(request).store.events.newest_first(trigger.id, "")[: min(n, EVENTS_MAX)]
    return web.json_response({"data": [_emitted(e) for e in events]})


def _emitted(event: Any) -> dict[str, Any]:
    body = {"e": event.event, "k": "emit", "ts": event.metadata.get("ts", event.indexed_at_ms), "id": event.id}
    if event.metadata.get("summary"):
        body["sum"] = event.metadata["summary"]
    return body


@routes.get(ONE + "/pipelines")
async def get_pipelines(request: web.Request) -> web.Response:
    _caller, trigger, _params = await _trigger(request, "getConnectDeployedTriggerPipelines")
    return web.json_response({"workflow_ids": trigger.workflow_ids})


@routes.put(ONE + "/pipelines")
async def put_pipelines(request: web.Request) -> web.Response:
    _caller, trigger, params = await _trigger(request, "putConnectDeployedTriggerPipelines")
    trigger.workflow_ids = check_workflow_ids(params.get("workflow_ids"), "workflow_ids")
    connect_of(request).state.changed()
    return web.json_response({"workflow_ids": trigger.workflow_ids})


def _webhooks_body(request: web.Request, caller: ConnectCaller, trigger: DeployedTrigger) -> dict[str, Any]:
    hooks = connect_of(request).state.webhooks_of(trigger)
    return {"webhook_urls": [h.url for h in hooks],
            "webhooks": [h.to_api(with_key=caller.sees_signing_keys) for h in hooks]}


@routes.get(ONE + "/webhooks")
async def get_webhooks(request: web.Request) -> web.Response:
    caller, trigger, _params = await _trigger(request, "getConnectDeployedTriggerWebhooks")
    return web.json_response(_webhooks_body(request, caller, trigger))


@routes.put(ONE + "/webhooks")
async def put_webhooks(request: web.Request) -> web.Response:
    """Replace the set: a URL already present keeps its webhook (id, key, state)."""
    caller, trigger, params = await _trigger(request, "putConnectDeployedTriggerWebhooks")
    urls = check_webhook_urls(params.get("webhook_urls"))
    state = connect_of(request).state
    by_url = {h.url: h for h in state.webhooks_of(trigger)}
    for hook in by_url.values():
        if hook.url not in urls:
            state.remove_webhook(hook.id)
    trigger.webhook_ids = [by_url[url].id if url in by_url
                           else state.add_webhook(trigger.project_id, trigger.environment, trigger.id, url).id
                           for url in urls]
    state.changed()
    return web.json_response(_webhooks_body(request, caller, trigger))


async def _webhook(request: web.Request, operation: str) -> Any:
    caller, trigger, _params = await _trigger(request, operation)
    caller.require_server_side("reading a webhook's signing key")
    return connect_of(request).state.trigger_webhook(trigger, request.match_info["webhook_id"])


@routes.get(ONE + "/webhooks/{webhook_id}")
async def get_webhook(request: web.Request) -> web.Response:
    hook = await _webhook(request, "getConnectDeployedTriggerWebhook")
    return web.json_response({"data": hook.to_api(with_key=True)})


@routes.post(ONE + "/webhooks/{webhook_id}/regenerate_signing_key")
async def regenerate_key(request: web.Request) -> web.Response:
    hook = await _webhook(request, "regenerateConnectTriggerWebhookKey")
    hook.signing_key = new_secret(40)
    hook.updated_at = connect_of(request).state.now_s()
    connect_of(request).state.changed()
    return web.json_response({"data": hook.to_api(with_key=True)})


@routes.post(ONE + "/webhooks/{webhook_id}/reset_delivery_state")
async def reset_delivery_state(request: web.Request) -> web.Response:
    hook = await _webhook(request, "resetConnectTriggerWebhookDeliveryState")
    state = connect_of(request).state
    hook.delivery_state = {"state": "happy", "since": state.now_s(), "last_error": None,
                           "consecutive_failures": 0, "sheds": 0}
    hook.active = True
    hook.updated_at = state.now_s()
    state.changed()
    return web.json_response({"data": hook.to_api(with_key=True)})
