"""Connected accounts and Connect tokens: created from a live token, scoped to one external user."""
from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

from emulator.domain.connect_models import AccountLink, ConnectToken, iso_ms
from emulator.domain.connect_state import ConnectState
from emulator.domain.store import Store
from emulator.errors import BadRequest

TOKEN_TTL_DEFAULT_S, TOKEN_TTL_MAX_S = 14400, 14400
TOKEN_OPTIONS = ("allowed_origins", "success_redirect_uri", "error_redirect_uri", "webhook_uri", "scope", "app_id",
                 "oauth_app_id", "allow_progressive_scopes")


def create_token(connect: ConnectState, project_id: str, environment: str, params: dict[str, Any]) -> ConnectToken:
    expires_in = params.get("expires_in", TOKEN_TTL_DEFAULT_S)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int) or not 1 <= expires_in <= TOKEN_TTL_MAX_S:
        raise BadRequest(f"expires_in must be an integer number of seconds from 1 to {TOKEN_TTL_MAX_S}",
                         param="expires_in")
    connect.external_user(project_id, environment, params["external_user_id"])
    token = ConnectToken(token="ctok_" + secrets.token_hex(16), project_id=project_id, environment=environment,
                         external_user_id=params["external_user_id"], expires_at_wall=time.time() + expires_in,
                         created_at_ms=connect.now_ms(),
                         options={k: params[k] for k in TOKEN_OPTIONS if params.get(k) is not None})
    connect.connect_tokens[token.token] = token
    connect.changed()
    return token


def token_expiry_iso(token: ConnectToken) -> str:
    return iso_ms(int(token.expires_at_wall * 1000))


def live_token(connect: ConnectState, token: str) -> ConnectToken | None:
    found = connect.connect_tokens.get(token)
    return found if found is not None and found.expires_at_wall > time.time() else None


def parse_credentials(value: Any, param: str) -> dict[str, Any]:
    """Credentials as an object, or a JSON object in text (cfmap_json, the Link page's form)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise BadRequest(f"{param} must be a JSON object (as text), and is not valid JSON", param=param) from None
    if not isinstance(value, dict):
        raise BadRequest(f"{param} must be a JSON object", param=param)
    return value


def create_account(store: Store, project_id: str, environment: str, external_user_id: str, app_slug: str,
                   credentials: dict[str, Any], name: str | None) -> AccountLink:
    if not isinstance(app_slug, str) or not app_slug:
        raise BadRequest("app_slug is required", param="app_slug")
    owner = store.connect.external_user(project_id, environment, external_user_id)
    account = store.create_account(owner.owner_id, app_slug, credentials, name)
    now = store.now_ms()
    link = AccountLink(id=account.id, project_id=project_id, environment=environment,
                       external_user_id=external_user_id, app_slug=app_slug, created_at_ms=now, updated_at_ms=now)
    store.connect.accounts[link.id] = link
    store.changed()
    return link


def account_from_token(store: Store, token: ConnectToken, app_slug: str, credentials: dict[str, Any],
                       name: str | None) -> AccountLink:
    """The token's one account (the cloud: a token can be used once to connect)."""
    if token.used:
        raise BadRequest("connect_token was already used to connect an account", param="connect_token")
    link = create_account(store, token.project_id, token.environment, token.external_user_id, app_slug,
                          credentials, name)
    token.used = True
    return link


def delete_account(store: Store, link: AccountLink) -> None:
    store.connect.accounts.pop(link.id, None)
    store.accounts.pop(link.id, None)
    store.changed()


def app_info(store: Store, slug: str, credentials: dict[str, Any] | None) -> dict[str, Any]:
    app_file = next((c for c in store.components.values() if c.type == "app" and slug in (c.key, c.name)), None)
    return {"id": "app_" + hashlib.sha256(slug.encode()).hexdigest()[:6], "name_slug": slug,
            "name": (app_file.name if app_file else None) or slug,
            "auth_type": "oauth" if credentials and "oauth_access_token" in credentials else "keys",
            "description": None, "img_src": "", "custom_fields_json": "[]", "categories": [],
            "featured_weight": 0, "scope_profiles": []}


def account_to_api(store: Store, link: AccountLink, *, include_credentials: bool = False) -> dict[str, Any]:
    account = store.accounts.get(link.id)
    credentials = dict(account.auth) if account else {}
    body: dict[str, Any] = {
        "id": link.id, "name": account.name if account else None, "external_id": link.external_user_id,
        "healthy": True, "dead": False, "app": app_info(store, link.app_slug, credentials),
        "created_at": iso_ms(link.created_at_ms), "updated_at": iso_ms(link.updated_at_ms),
        "expires_at": None, "error": None, "last_refreshed_at": None, "next_refresh_at": None}
    if include_credentials:
        body["credentials"] = credentials
    return body


def accounts_of(store: Store, project_id: str, environment: str, external_user_id: str | None,
                app: str | None) -> list[AccountLink]:
    """Newest first by creation order (ids carry it, so a frozen clock still orders them)."""
    found = [a for a in store.connect.accounts.values() if (a.project_id, a.environment) == (project_id, environment)
             and external_user_id in (None, a.external_user_id) and app in (None, a.app_slug)]
    return sorted(found, key=lambda a: a.id, reverse=True)
