"""Bearer-key authentication for `/v1`, `/_emulator` and the SSE paths."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from emulator.domain.models import Source, User
from emulator.errors import Forbidden, Unauthorized
from emulator.server.services import services_of

USER = web.RequestKey("pd_user", User)
VIA_COOKIE = web.RequestKey("pd_via_cookie", bool)      # authenticated by the dashboard's session cookie
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Connect routes check their own credentials (access tokens, Connect tokens): see connect_auth.
PUBLIC_PREFIXES = ("/http/", "/openapi.json", "/_emulator/health", "/dashboard", "/favicon.ico", "/v1/connect/",
                   "/v1/oauth/token", "/_static/connect.html")
PROTECTED_PREFIXES = ("/v1", "/_emulator", "/sources/", "/sse/")


def is_protected(path: str) -> bool:
    if path.startswith(PUBLIC_PREFIXES) or path == "/http":
        return False
    return path.startswith(PROTECTED_PREFIXES)


def bearer_key(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()


def authenticate(request: web.Request) -> None:
    """Sets `request[USER]` on a protected path, from the Bearer key or the dashboard's session cookie
    (then a change must come from this origin); raises Unauthorized when neither names a user.
    Called by the server's one front-door middleware, last, right before the handler."""
    if is_protected(request.path):
        store = services_of(request).store
        key = bearer_key(request)
        user = store.user_for_key(key) if key else None
        if user is None:
            user = _session_user(request)
            if user is not None:
                request[VIA_COOKIE] = True
                if request.method not in SAFE_METHODS:
                    refuse_cross_site(request)
        if user is None:
            if key is None:
                raise Unauthorized("missing API key: send Authorization: Bearer <api key>")
            raise Unauthorized("invalid API key")
        request[USER] = user


def refuse_cross_site(request: web.Request) -> None:
    """A cookie-authenticated change must come from a page of this very origin (CSRF).

    SameSite does not separate ports: a page on another 127.0.0.1 port sends the cookie along with
    a no-cors POST. Browsers say where a request comes from in `Sec-Fetch-Site` and `Origin`.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    own_origin = f"{request.scheme}://{request.host}".lower()
    if fetch_site is not None:
        allowed = fetch_site == "same-origin" and (origin is None or origin.lower() == own_origin)
    else:
        allowed = origin is not None and origin.lower() == own_origin
    if not allowed:
        raise Forbidden(f"{request.method} {request.path} with the dashboard's session cookie must come from the "
                        f"dashboard's own page (Origin {origin or 'missing'}, Sec-Fetch-Site {fetch_site or 'missing'})"
                        "; API clients send Authorization: Bearer <api key>", code="cross_site_request",
                        param="Origin")


def via_cookie(request: web.Request) -> bool:
    return request.get(VIA_COOKIE, False)


def _session_user(request: web.Request) -> User | None:
    """The dashboard's cookie session, when the dashboard has one (see dashboard_auth)."""
    lookup = request.app.get(SESSION_LOOKUP)
    return lookup(request) if lookup else None


SESSION_LOOKUP: web.AppKey[Any] = web.AppKey("session_lookup", object)


def current_user(request: web.Request) -> User:
    return request[USER]


def own_source(request: web.Request) -> Source:
    """The source named by the path's `{id}`, if it is the caller's (another user's is a 404)."""
    return reachable_source(request, request.match_info["id"])


def reachable_source(request: web.Request, source_id: str) -> Source:
    """The caller's source; Connect's deployed triggers belong to external users, and the emulator's
    own key reaches them too."""
    services = services_of(request)
    source = services.store.sources.get(source_id)
    if source is not None and source.id in services.store.connect.triggers and is_emulator_key(request):
        return source
    return services.store.get_source(current_user(request).id, source_id)


def reachable_source_ids(request: web.Request) -> set[str]:
    services = services_of(request)
    mine = {s.id for s in services.store.user_sources(current_user(request).id)}
    return mine | set(services.store.connect.triggers) if is_emulator_key(request) else mine


def is_emulator_key(request: web.Request) -> bool:
    services = services_of(request)
    owner = services.store.user_for_key(services.control.api_key)
    return owner is not None and current_user(request).id == owner.id


def require_emulator_key(request: web.Request, action: str) -> None:
    """Emulator-wide operations (state, reset, users, faults) are for the emulator's own key only:
    any other user could otherwise read every key and credential, or wipe everyone's sources."""
    if not is_emulator_key(request):
        raise Forbidden(f"{action} needs the emulator's own API key (the one its banner prints), "
                        "not a key of a user created with POST /_emulator/users")
