"""The registry (`/triggers`), configuring props in the sandbox, and deploying a trigger.

Differences from the cloud: one registry (`registry` is accepted and ignored); a component with
`additionalProps` deployed without `dynamic_props_id` has them run at deploy instead of failing.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from emulator.api.connect_auth import connect_caller
from emulator.api.connect_common import ascending_page, connect_of
from emulator.api.params import read_params
from emulator.connect import registry
from emulator.connect.configure import (
    ConfigureCall,
    error_message,
    observations,
    options_answer,
    prop_of,
    run_configure,
    sandbox_props,
)
from emulator.connect.emitters import emitter_to_api
from emulator.connect.triggers import WORKFLOW_ID, DeployRequest, check_webhook_urls
from emulator.domain.connect_models import DynamicProps, ExternalUser
from emulator.domain.models import Component
from emulator.errors import BadRequest
from emulator.runtime.dynamic_props import additional_props, additional_props_failed
from emulator.server.services import services_of

routes = web.RouteTableDef()
PREFIX = "/v1/connect/{project_id}"


@routes.get(PREFIX + "/triggers")
async def list_triggers(request: web.Request) -> web.Response:
    connect_caller(request)
    params = await read_params(request, "listConnectTriggers")
    if params.get("registry") not in (None, *registry.REGISTRY_VALUES):
        raise BadRequest("registry must be public, private or all", param="registry")
    found = [c for c in registry.trigger_components(services_of(request).store)
             if registry.matches(c, params.get("q"), params.get("app"))]
    page = ascending_page(found, lambda c: c.key or "", params)
    return web.json_response(page.to_api(registry.to_api))


@routes.get(PREFIX + "/triggers/{key}")
async def get_trigger(request: web.Request) -> web.Response:
    connect_caller(request)
    params = await read_params(request, "getConnectTrigger")
    component = registry.find_trigger(services_of(request).store, request.match_info["key"], params.get("version"))
    return web.json_response({"data": registry.to_api(component)})


@routes.post(PREFIX + "/triggers/configure")
async def configure_prop(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    params = await read_params(request, "configureConnectTriggerProp")
    services, connect = services_of(request), connect_of(request)
    owner = caller.external_user(connect.state, params)
    component = registry.find_trigger(services.store, params["id"], params.get("version"))
    configurable = _configurable(connect.state, owner, component, params)
    prop = prop_of(component, configurable, params["prop_name"])
    if isinstance(prop.get("options"), list):
        return web.json_response({**options_answer(prop["options"]), "errors": [], "observations": []})
    if not prop.get("remoteOptions"):
        return web.json_response({"options": None, "stringOptions": None, "context": None,
                                  "errors": [f"prop {prop['name']} has no options"], "observations": []})
    call = _call(request, owner, component, configurable, params)
    event = {"prop_name": prop["name"], "page": params.get("page") or 0, "prevContext": params.get("prev_context") or {},
             "query": params.get("query"), "configured_props": params.get("configured_props") or {}}
    returned, result = await run_configure(services.sandbox, services.clock, call, "options", event)
    if result.outcome != "ok":
        return web.json_response({"options": None, "stringOptions": None, "context": None,
                                  "errors": [error_message(result)], "observations": observations(result)})
    return web.json_response({**options_answer(returned), "errors": [], "observations": observations(result)})


@routes.post(PREFIX + "/triggers/props")
async def reload_props(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    params = await read_params(request, "reloadConnectTriggerProps")
    connect = connect_of(request)
    owner = caller.external_user(connect.state, params)
    component = registry.find_trigger(services_of(request).store, params["id"], params.get("version"))
    configurable, result = await _run_additional_props(request, owner, component, params)
    if configurable is None:
        return web.json_response({"dynamicProps": None, "errors": [error_message(result)],
                                  "observations": observations(result)})
    dynamic = _store_dynamic(connect.state, owner, component, configurable)
    return web.json_response({"dynamicProps": {"id": dynamic.id, "configurableProps": configurable},
                              "errors": [], "observations": observations(result) if result else []})


@routes.post(PREFIX + "/triggers/deploy")
@routes.post(PREFIX + "/components/triggers/deploy")
async def deploy_trigger(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    params = await read_params(request, "deployConnectTrigger")
    services, connect = services_of(request), connect_of(request)
    owner = caller.external_user(connect.state, params)
    component = registry.find_trigger(services.store, params["id"], params.get("version"))
    if params.get("webhook_url") is not None:
        check_webhook_urls([params["webhook_url"]], "webhook_url")
    if params.get("workflow_id") is not None and not WORKFLOW_ID.match(str(params["workflow_id"])):
        raise BadRequest("workflow_id must look like p_abc123", param="workflow_id")
    configurable = component.configurable_props
    if params.get("dynamic_props_id"):
        configurable = _configurable(connect.state, owner, component, params)
    elif registry.uses_additional_props(component):
        call = _call(request, owner, component, component.configurable_props, params)
        dynamic, result = await additional_props(services.sandbox, services.clock, call)
        if dynamic is None:
            assert result is not None
            raise additional_props_failed(call, result, "deploy", param="id")
        configurable = dynamic
    trigger, webhook = await connect.triggers.deploy(DeployRequest(
        owner=owner, component=component, configurable=configurable,
        configured=params.get("configured_props") or {}, webhook_url=params.get("webhook_url"),
        workflow_id=params.get("workflow_id"), emit_on_deploy=params.get("emit_on_deploy", True) is not False))
    source = services.store.sources[trigger.id]
    body = emitter_to_api(trigger, source, services.runtime.endpoint_url(source))
    if webhook is not None and caller.sees_signing_keys:
        body["webhook_signing_key"] = webhook.signing_key
    return web.json_response({"data": body})


def _configurable(state: Any, owner: ExternalUser, component: Component, params: dict[str, Any]) -> list[dict[str, Any]]:
    if params.get("dynamic_props_id"):
        return state.dynamic(params["dynamic_props_id"], owner.project_id, owner.environment,
                             owner.external_user_id, component.id).configurable_props
    return component.configurable_props


def _call(request: web.Request, owner: ExternalUser, component: Component, configurable: list[dict[str, Any]],
          params: dict[str, Any]) -> ConfigureCall:
    services = services_of(request)
    configured = params.get("configured_props") or {}
    if not isinstance(configured, dict):
        raise BadRequest("configured_props must be an object", param="configured_props")
    problems = connect_of(request).triggers.account_problems(owner, configurable, configured)
    if problems:
        raise BadRequest(problems[0]["error"], param=problems[0]["param"], details=problems)
    return ConfigureCall(component=component, props=sandbox_props(services.store, component, configurable, configured),
                         folders=[str(f) for f in services.folders])


async def _run_additional_props(request: web.Request, owner: ExternalUser, component: Component,
                                params: dict[str, Any]) -> tuple[list[dict[str, Any]] | None, Any]:
    """(the whole configurable list, the run); (None, run) when additionalProps() threw."""
    services = services_of(request)
    if not registry.uses_additional_props(component):
        return component.configurable_props, None
    call = _call(request, owner, component, component.configurable_props, params)
    return await additional_props(services.sandbox, services.clock, call)


def _store_dynamic(state: Any, owner: ExternalUser, component: Component,
                   configurable: list[dict[str, Any]]) -> DynamicProps:
    dynamic = DynamicProps(id=state.ids.new("dyp_"), project_id=owner.project_id, environment=owner.environment,
                           external_user_id=owner.external_user_id, component_id=component.id,
                           configurable_props=configurable)
    state.dynamic_props[dynamic.id] = dynamic
    state.changed()
    return dynamic
