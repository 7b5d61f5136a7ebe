"""The dashboard: its static files under `/dashboard`, and one-time links swapped for a cookie session.

The banner's link carries a one-time token; the first request that shows it gets an HttpOnly,
SameSite=Strict session cookie and is redirected to the same page without the token, so the link
in the browser's history is spent. `auth.SESSION_LOOKUP` lets that cookie stand in for the API key
(a browser `EventSource` cannot send an Authorization header). More links come from
`POST /_emulator/dashboard/links` or `pd-emulator dashboard`.

Differences from the cloud: the cloud's UI lives at pipedream.com behind a login; this one is local.
"""
from __future__ import annotations

import asyncio
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from emulator.api.auth import SESSION_LOOKUP, current_user
from emulator.domain.models import User
from emulator.errors import NotFound
from emulator.server.services import services_of

routes = web.RouteTableDef()
STATIC_ROOT = Path(__file__).resolve().parent.parent / "dashboard"
COOKIE = "pd_emulator_session"           # + "_<port>": cookies do not separate ports, their names do
TOKENS_KEPT_PER_KEY = 20
CONTENT_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".css": "text/css", ".html": "text/html",
                 ".svg": "image/svg+xml", ".txt": "text/plain", ".json": "application/json"}
REFUSED_PAGE = """<!doctype html><meta charset="utf-8"><title>pd-emulator dashboard</title>
<body style="font-family:system-ui,sans-serif;max-width:40em;margin:4em auto">
<h1>Open the dashboard from its link</h1>
<p>{reason}</p>
<p>The link <code>pd-emulator serve</code> prints in its banner works once. For a fresh one, run
<code>pd-emulator dashboard</code> in the folder where the emulator runs.</p>"""


@dataclass
class DashboardSessions:
    """One-time link tokens and the cookie sessions they became; each remembers whose API key it stands for."""

    tokens: dict[str, str] = field(default_factory=dict)        # token -> api key
    sessions: dict[str, str] = field(default_factory=dict)      # session id -> api key

    def new_token(self, api_key: str) -> str:
        """A one-time token; a key's oldest pending tokens make way for its new ones, never another key's."""
        token = secrets.token_urlsafe(24)
        self.tokens[token] = api_key
        pending = [t for t, key in self.tokens.items() if key == api_key]
        for stale in pending[: max(0, len(pending) - TOKENS_KEPT_PER_KEY)]:
            del self.tokens[stale]
        return token

    def link(self, base_url: str, api_key: str, page: str = "") -> str:
        return f"{base_url}/dashboard/{page}?{urlencode({'token': self.new_token(api_key)})}"

    def redeem(self, token: str) -> str | None:
        """A session id for a token never shown before; None for a spent or unknown one."""
        api_key = self.tokens.pop(token, None)
        if api_key is None:
            return None
        session = secrets.token_urlsafe(32)
        self.sessions[session] = api_key
        return session

    def user(self, request: web.Request) -> User | None:
        """The user behind the request's session cookie (the lookup api/auth.authenticate makes)."""
        api_key = self.sessions.get(request.cookies.get(cookie_name(request), ""))
        return services_of(request).store.user_for_key(api_key) if api_key else None


def cookie_name(request: web.Request) -> str:
    """`pd_emulator_session_<port>`: two emulators on one host keep apart sessions."""
    return session_cookie_for(services_of(request).runtime.base_url or f"http://{request.host}")


def session_cookie_for(base_url: str) -> str:
    port = urlsplit(base_url).port
    return f"{COOKIE}_{port}" if port else COOKIE


DASHBOARD = web.AppKey("dashboard", DashboardSessions)


def install(app: web.Application) -> DashboardSessions:
    """Give the app its session registry and let the auth middleware accept its cookie."""
    sessions = DashboardSessions()
    app[DASHBOARD] = sessions
    app[SESSION_LOOKUP] = sessions.user
    return sessions


@routes.post("/_emulator/dashboard/links")
async def create_link(request: web.Request) -> web.Response:
    """A fresh one-time dashboard link for the caller's key."""
    services = services_of(request)
    if not services.config.dashboard:
        raise NotFound("dashboard (turned off in this emulator's config)")
    base = services.runtime.base_url            # never the request's Host: a link must lead to this emulator
    return web.json_response({"data": {"url": request.app[DASHBOARD].link(base, current_user(request).api_key)}})


@routes.get("/dashboard")
async def dashboard_root(request: web.Request) -> web.StreamResponse:
    if request.path.endswith("/"):           # the same handler answers "/dashboard/" (see app.add_routes)
        return await dashboard_page(request)
    raise web.HTTPFound(f"/dashboard/?{request.query_string}" if request.query_string else "/dashboard/")


@routes.get("/dashboard/{tail:.*}")
async def dashboard_page(request: web.Request) -> web.StreamResponse:
    """Static files under `static/`; every other path is a page of the single-page app (index.html)."""
    if not services_of(request).config.dashboard:
        raise NotFound("dashboard (turned off in this emulator's config)")
    sessions = request.app[DASHBOARD]
    token = request.query.get("token")
    if token is not None:
        return _exchange(request, sessions, token)
    if sessions.user(request) is None:
        reason = ("Your session has ended (the emulator restarted?)." if request.cookies.get(cookie_name(request))
                  else "This page needs the one-time link that carries a token.")
        return web.Response(status=401, text=REFUSED_PAGE.format(reason=reason), content_type="text/html")
    tail = request.match_info.get("tail", "")
    relative = tail.removeprefix("static/") if tail.startswith("static/") else "index.html"
    path = await asyncio.to_thread(_static_path, relative)
    return web.FileResponse(path, headers={
        "Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream"), "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"})


def _exchange(request: web.Request, sessions: DashboardSessions, token: str) -> web.Response:
    session = sessions.redeem(token)
    if session is None:
        return web.Response(status=401, content_type="text/html",
                            text=REFUSED_PAGE.format(reason="That link was already used or is unknown."))
    rest = {k: v for k, v in request.query.items() if k != "token"}
    response = web.Response(status=303, headers={"Location": request.path + (f"?{urlencode(rest)}" if rest else "")})
    response.set_cookie(cookie_name(request), session, httponly=True, samesite="Strict", path="/")
    return response


def _static_path(relative: str) -> Path:
    """A file of the dashboard folder, refusing `..`, hidden names and any symlink on the way."""
    parts = relative.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        raise NotFound("dashboard file", relative)
    path, mode = STATIC_ROOT, 0
    for part in parts:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            raise NotFound("dashboard file", relative) from None
        if stat.S_ISLNK(mode):
            raise NotFound("dashboard file", relative)
    if not stat.S_ISREG(mode):
        raise NotFound("dashboard file", relative)
    return path
