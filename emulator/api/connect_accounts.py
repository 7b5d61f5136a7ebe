"""Connect tokens, connected accounts and the project's default webhook.

Differences from the cloud: accounts are created offline from given credentials (no OAuth dance);
`connect_link_url` points at this emulator's own Connect Link page.
"""
from __future__ import annotations

from aiohttp import web

from emulator.api.connect_auth import connect_caller
from emulator.api.connect_common import connect_of
from emulator.api.params import read_params, resource_page
from emulator.connect import accounts
from emulator.connect.triggers import check_webhook_urls
from emulator.domain.connect_state import new_secret
from emulator.errors import BadRequest, NotFound
from emulator.server.services import services_of

routes = web.RouteTableDef()
PREFIX = "/v1/connect/{project_id}"


@routes.post(PREFIX + "/tokens")
async def create_token(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    params = await read_params(request, "createConnectToken")
    caller.external_user_id(params)
    token = accounts.create_token(connect_of(request).state, caller.project.id, caller.environment, params)
    link = f"{request.scheme}://{request.host}/_static/connect.html?token={token.token}&connectLink=true"
    if params.get("app_id"):
        link += f"&app={params['app_id']}"
    return web.json_response({"token": token.token, "expires_at": accounts.token_expiry_iso(token),
                              "connect_link_url": link})


@routes.post(PREFIX + "/accounts")
async def create_account(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    params = await read_params(request, "createConnectAccount")
    state = connect_of(request).state
    token = accounts.live_token(state, str(params.get("connect_token") or ""))
    if token is None or (token.project_id, token.environment) != (caller.project.id, caller.environment):
        raise BadRequest("connect_token is unknown, expired, or of another project or environment",
                         param="connect_token")
    if params.get("external_user_id") not in (None, token.external_user_id):
        raise BadRequest("external_user_id is not the connect_token's external user", param="external_user_id")
    credentials = accounts.parse_credentials(params.get("cfmap_json", "{}"), "cfmap_json")
    link = accounts.account_from_token(services_of(request).store, token, params["app_slug"], credentials,
                                       params.get("name"))
    return web.json_response(accounts.account_to_api(services_of(request).store, link))


@routes.get(PREFIX + "/accounts")
async def list_accounts(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    params = await read_params(request, "listConnectAccounts")
    external_user_id = params.get("external_user_id") or caller.token_user
    if caller.token_user is not None:
        caller.external_user_id({"external_user_id": external_user_id})
    store = services_of(request).store
    found = accounts.accounts_of(store, caller.project.id, caller.environment, external_user_id, params.get("app"))
    page = resource_page(found, params)
    return web.json_response(page.to_api(lambda link: accounts.account_to_api(
        store, link, include_credentials=bool(params.get("include_credentials")))))


@routes.get(PREFIX + "/users/{external_user_id}/accounts")
async def list_user_accounts(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    params = await read_params(request, "listConnectUserAccounts")
    external_user_id = caller.external_user_id({"external_user_id": request.match_info["external_user_id"]})
    store = services_of(request).store
    found = accounts.accounts_of(store, caller.project.id, caller.environment, external_user_id, params.get("app"))
    return web.json_response([accounts.account_to_api(store, link,
                                                      include_credentials=bool(params.get("include_credentials")))
                              for link in found])


def _account(request: web.Request) -> accounts.AccountLink:
    caller = connect_caller(request)
    return connect_of(request).state.account(caller.project.id, caller.environment,
                                             request.match_info["account_id"], caller.token_user)


@routes.get(PREFIX + "/accounts/{account_id}")
async def get_account(request: web.Request) -> web.Response:
    link = _account(request)
    params = await read_params(request, "getConnectAccount")
    return web.json_response(accounts.account_to_api(services_of(request).store, link,
                                                     include_credentials=bool(params.get("include_credentials"))))


@routes.delete(PREFIX + "/accounts/{account_id}")
async def delete_account(request: web.Request) -> web.Response:
    link = _account(request)
    accounts.delete_account(services_of(request).store, link)
    return web.Response(status=204)


# the project's default webhook, per environment -------------------------------------------------
@routes.get(PREFIX + "/webhook")
async def get_default_webhook(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    hook = connect_of(request).state.default_webhook(caller.project.id, caller.environment)
    return web.json_response({"data": hook.to_default_api(with_key=False) if hook else None})


@routes.put(PREFIX + "/webhook")
async def put_default_webhook(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    caller.require_server_side("setting the project's webhook")
    params = await read_params(request, "putConnectProjectWebhook")
    url = check_webhook_urls([params.get("url")], "url")[0]
    state = connect_of(request).state
    hook = state.default_webhook(caller.project.id, caller.environment)
    created = hook is None
    if hook is None:
        hook = state.add_webhook(caller.project.id, caller.environment, None, url)
    hook.url, hook.updated_at = url, state.now_s()
    state.changed()
    return web.json_response({"data": hook.to_default_api(with_key=created)})


@routes.delete(PREFIX + "/webhook")
async def delete_default_webhook(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    caller.require_server_side("deleting the project's webhook")
    state = connect_of(request).state
    hook = state.default_webhook(caller.project.id, caller.environment)
    if hook is not None:
        state.remove_webhook(hook.id)
    return web.Response(status=204)


@routes.post(PREFIX + "/webhook/regenerate_signing_key")
async def regenerate_default_key(request: web.Request) -> web.Response:
    caller = connect_caller(request)
    caller.require_server_side("regenerating the project's webhook key")
    state = connect_of(request).state
    hook = state.default_webhook(caller.project.id, caller.environment)
    if hook is None:
        raise NotFound("project webhook")
    hook.signing_key, hook.updated_at = new_secret(40), state.now_s()
    state.changed()
    return web.json_response({"data": hook.to_api(with_key=True)})
