"""The Connect Link page, served offline by the emulator: an end user connects an account with a Connect token.

Differences from the cloud: no OAuth flow; the user types the credentials (name/value rows) the
account's `$auth` will hold. The page has no external scripts, styles or fonts.
"""
from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from emulator.api.connect_common import connect_of
from emulator.api.params import read_json_body
from emulator.connect import accounts
from emulator.domain.connect_models import ConnectToken
from emulator.errors import BadRequest
from emulator.server.services import services_of

routes = web.RouteTableDef()
PAGE = "/_static/connect.html"
STYLE = """body{font:15px system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.3rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;color:#555}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}input{font:inherit;padding:.35rem;width:100%;box-sizing:border-box}
.row{display:flex;gap:.5rem;margin:.3rem 0}button{font:inherit;margin-top:1rem;padding:.4rem 1rem}
.error{color:#b00020}.ok{color:#0a7a2f}"""
SCRIPT = """document.getElementById('add-row').addEventListener('click', () => {
  const row = document.querySelector('.row').cloneNode(true);
  row.querySelectorAll('input').forEach((input) => { input.value = ''; });
  document.getElementById('rows').appendChild(row);
});
document.getElementById('connect-form').addEventListener('submit', () => {
  const credentials = {};
  document.querySelectorAll('.row').forEach((row) => {
    const [name, value] = row.querySelectorAll('input');
    if (name.value) credentials[name.value] = value.value;
  });
  document.getElementById('credentials').value = JSON.stringify(credentials);
});"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<meta name=viewport content='width=device-width'><style>{STYLE}</style></head><body>{body}</body></html>")
    return web.Response(text=text, status=status, content_type="text/html")


def _token(request: web.Request, value: Any) -> ConnectToken | None:
    token = accounts.live_token(connect_of(request).state, str(value or ""))
    return None if token is None or token.used else token


def _error(request: web.Request, token_value: Any, message: str) -> web.Response:
    state = connect_of(request).state
    known = state.connect_tokens.get(str(token_value or ""))
    if known is not None and known.options.get("error_redirect_uri"):
        raise web.HTTPSeeOther(_with_query(known.options["error_redirect_uri"], {"error": message}))
    return _page("Connect: error", f"<h1>Cannot connect an account</h1><p class=error id=error>{html.escape(message)}</p>",
                 status=400)


def _with_query(url: str, query: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(query)


@routes.get(PAGE)
async def link_page(request: web.Request) -> web.Response:
    token = _token(request, request.query.get("token"))
    if token is None:
        return _error(request, request.query.get("token"), "this Connect token is unknown, expired or already used")
    app = html.escape(request.query.get("app", ""), quote=True)
    escape = html.escape
    body = f"""<h1>Connect an account</h1>
<dl><dt>Project</dt><dd id=project>{escape(token.project_id)}</dd><dt>Environment</dt>
<dd id=environment>{escape(token.environment)}</dd><dt>User</dt><dd id=external-user>{escape(token.external_user_id)}</dd></dl>
<form id=connect-form method=post action="{PAGE}">
<input type=hidden name=token value="{escape(token.token, quote=True)}">
<input type=hidden name=credentials id=credentials value="">
<label for=app>App</label><input id=app name=app value="{app}" required>
<label for=name>Account name (optional)</label><input id=name name=name>
<label>Credentials</label><div id=rows><div class=row><input name=credential_name placeholder=name aria-label="credential name">
<input name=credential_value placeholder=value aria-label="credential value"></div></div>
<button type=button id=add-row>Add a field</button> <button type=submit id=connect>Connect</button>
</form><script>{SCRIPT}</script>"""
    return _page("Connect an account", body)


@routes.post(PAGE)
async def connect_account(request: web.Request) -> web.Response:
    """Form-encoded (the page): 303 to success_redirect_uri or a success page. JSON: 200 {data: Account}."""
    is_form = request.content_type == "application/x-www-form-urlencoded"
    params = dict(_form_fields(await request.text())) if is_form else (await read_json_body(request) or {})
    token = _token(request, params.get("token"))
    if token is None:
        if is_form:
            return _error(request, params.get("token"), "this Connect token is unknown, expired or already used")
        raise BadRequest("token is unknown, expired or already used", param="token")
    store = services_of(request).store
    try:
        credentials = accounts.parse_credentials(params.get("credentials") or "{}", "credentials")
        if is_form and not credentials:
            credentials = _rows(await request.text())
        link = accounts.account_from_token(store, token, params.get("app") or "", credentials, params.get("name") or None)
    except BadRequest as exc:
        _notify(request, token, {"event": "CONNECTION_ERROR", "error": exc.message})
        if is_form:
            return _error(request, token.token, exc.message)
        raise
    account = accounts.account_to_api(store, link)
    _notify(request, token, {"event": "CONNECTION_SUCCESS", "account": account})
    if not is_form:
        return web.json_response({"data": account})
    if token.options.get("success_redirect_uri"):
        raise web.HTTPSeeOther(token.options["success_redirect_uri"])
    return _page("Connect: connected", f"<h1 class=ok id=connected>Connected</h1><p>Account <code id=account-id>"
                                       f"{html.escape(link.id)}</code> ({html.escape(link.app_slug)}) is ready.</p>")


def _form_fields(text: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in parse_qsl(text, keep_blank_values=True) if k not in ("credential_name", "credential_value")]


def _rows(text: str) -> dict[str, str]:
    """Credentials from the page's name/value rows, when its script did not fill `credentials`."""
    pairs = parse_qsl(text, keep_blank_values=True)
    names = [v for k, v in pairs if k == "credential_name"]
    values = [v for k, v in pairs if k == "credential_value"]
    return {name: value for name, value in zip(names, values) if name}


def _notify(request: web.Request, token: ConnectToken, payload: dict[str, Any]) -> None:
    url = token.options.get("webhook_uri")
    if url:
        body = {**payload, "connect_token": token.token, "environment": token.environment,
                "connect_session_id": token.token.removeprefix("ctok_")}
        connect_of(request).notifier.post(url, json.loads(json.dumps(body)))
