"""`/_emulator/connect/…`: projects, OAuth clients, seeded accounts and every deployed trigger (emulator key only)."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from emulator.api.auth import require_emulator_key
from emulator.api.connect_common import connect_of
from emulator.api.params import read_params
from emulator.connect import accounts
from emulator.domain.connect_models import DEFAULT_ENVIRONMENT, ENVIRONMENTS
from emulator.domain.connect_state import ConnectState
from emulator.errors import BadRequest
from emulator.server.services import services_of

routes = web.RouteTableDef()


@routes.post("/_emulator/connect/projects")
async def create_project(request: web.Request) -> web.Response:
    require_emulator_key(request, "creating Connect projects")
    params = await read_params(request, "createConnectProject")
    state = connect_of(request).state
    project = state.ensure_project(None, services_of(request).store.default_user().id, name=params.get("name"))
    client = project.clients[0]
    return web.json_response({"project_id": project.id, "client_id": client["client_id"],
                              "client_secret": client["client_secret"], "name": project.name})


@routes.post("/_emulator/connect/projects/{project_id}/clients")
async def create_client(request: web.Request) -> web.Response:
    require_emulator_key(request, "creating OAuth clients")
    state = connect_of(request).state
    client = state.add_client(state.get_project(request.match_info["project_id"]))
    return web.json_response(dict(client))


@routes.get("/_emulator/connect/projects")
async def list_projects(request: web.Request) -> web.Response:
    require_emulator_key(request, "listing Connect projects")
    state = connect_of(request).state
    return web.json_response({"data": [{**p.to_api(), "environments": [_environment(state, p.id, name)
                                                                      for name in ENVIRONMENTS]}
                                       for p in state.projects.values()]})


def _environment(state: ConnectState, project_id: str, name: str) -> dict[str, Any]:
    """One environment's data space at a glance: its external users and the default webhook."""
    users = [{"external_user_id": u.external_user_id, "owner_id": u.owner_id,
              "accounts": sum(1 for a in state.accounts.values() if (a.project_id, a.environment, a.external_user_id)
                              == (project_id, name, u.external_user_id)),
              "triggers": len(state.triggers_of(project_id, name, u.external_user_id))}
             for u in sorted(state.users_of(project_id, name), key=lambda u: u.created_at_ms)]
    default = state.default_webhook(project_id, name)
    return {"name": name, "external_users": users,
            "default_webhook": default.to_api(with_key=False) if default else None}


@routes.post("/_emulator/connect/accounts")
async def seed_account(request: web.Request) -> web.Response:
    require_emulator_key(request, "seeding Connect accounts")
    params = await read_params(request, "createConnectSeedAccount")
    connect = connect_of(request)
    project = connect.state.get_project(params.get("project_id") or connect.starting_project_id)
    environment = params.get("environment") or DEFAULT_ENVIRONMENT
    if environment not in ENVIRONMENTS:
        raise BadRequest("environment must be development or production", param="environment")
    credentials = accounts.parse_credentials(params["credentials"], "credentials")
    store = services_of(request).store
    link = accounts.create_account(store, project.id, environment, params["external_user_id"], params["app"],
                                   credentials, params.get("name"))
    return web.json_response({"data": accounts.account_to_api(store, link)})


@routes.get("/_emulator/connect/triggers")
async def list_all_triggers(request: web.Request) -> web.Response:
    require_emulator_key(request, "listing every deployed trigger")
    params = await read_params(request, "listConnectTriggersControl")
    store = services_of(request).store
    filters = {k: params.get(k) for k in ("project_id", "environment", "external_user_id")}
    rows = []
    for trigger in sorted(store.connect.triggers.values(), key=lambda t: t.id[3:], reverse=True):
        if any(value and getattr(trigger, name) != value for name, value in filters.items()):
            continue
        source = store.sources.get(trigger.id)
        rows.append({"id": trigger.id, "type": trigger.type, "project_id": trigger.project_id,
                     "environment": trigger.environment, "external_user_id": trigger.external_user_id,
                     "owner_id": trigger.owner_id, "user_id": trigger.owner_id,
                     "component_key": trigger.component_key, "name": source.name if source else None,
                     "active": bool(source and source.active),
                     "webhook_urls": [h.url for h in store.connect.webhooks_of(trigger)],
                     "webhooks": [h.to_api(with_key=False) for h in store.connect.webhooks_of(trigger)]})
    return web.json_response({"data": rows})
