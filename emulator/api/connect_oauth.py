"""`POST /v1/oauth/token` (client credentials, JSON or form-encoded) and Connect token validation.

Differences from the cloud: `scope` is stored, not enforced; private-key JWT client assertions are refused.
"""
from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from emulator.api.connect_common import connect_of
from emulator.connect.accounts import live_token
from emulator.errors import ApiError

routes = web.RouteTableDef()


class OAuthError(ApiError):
    """The OAuth 2.0 error body: `{"error": <code>, "error_description": <text>}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description, code=error)
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "error_description": self.message}


async def _token_params(request: web.Request) -> dict[str, Any]:
    raw = await request.read() if request.can_read_body else b""
    params: dict[str, Any] = dict(request.query)
    if raw:
        text = raw.decode("utf-8", errors="replace")
        if request.content_type == "application/x-www-form-urlencoded":
            params.update(parse_qsl(text, keep_blank_values=True))
        elif request.content_type == "application/json" or request.content_type.endswith("+json"):
            try:
                body = json.loads(text)
            except json.JSONDecodeError:
                raise OAuthError(400, "invalid_request", "the request body is not valid JSON") from None
            if not isinstance(body, dict):
                raise OAuthError(400, "invalid_request", "the request body must be a JSON object")
            params.update(body)
        else:
            raise OAuthError(415, "invalid_request", "send the token request as application/json or "
                                                     "application/x-www-form-urlencoded")
    basic = _basic_credentials(request)
    if basic:
        params.setdefault("client_id", basic[0])
        params.setdefault("client_secret", basic[1])
    return params


def _basic_credentials(request: web.Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError(400, "invalid_request", "the Basic Authorization header is not base64 of id:secret") from None
    return client_id, secret


@routes.post("/v1/oauth/token")
async def create_token(request: web.Request) -> web.Response:
    params = await _token_params(request)
    grant = params.get("grant_type")
    if grant != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type",
                         f"grant_type must be client_credentials, got {grant!r}")
    if params.get("client_assertion"):
        raise OAuthError(400, "invalid_request",
                         "client_assertion is not supported by the emulator; use client_secret")
    client_id, secret = params.get("client_id"), params.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(secret, str) or not client_id:
        raise OAuthError(401, "invalid_client", "client_id and client_secret are required")
    connect = connect_of(request).state
    found = connect.client(client_id)
    if found is None or not secrets.compare_digest(found[1]["client_secret"].encode(), secret.encode()):
        raise OAuthError(401, "invalid_client", "unknown client_id or wrong client_secret")
    scope = params.get("scope") if isinstance(params.get("scope"), str) else None
    token = connect.issue_access_token(found[0], client_id, scope)
    return web.json_response({"access_token": token.token, "token_type": "Bearer", "expires_in": 3600})


@routes.get("/v1/connect/tokens/{ctok}/validate")
async def validate_token(request: web.Request) -> web.Response:
    connect = connect_of(request).state
    token = live_token(connect, request.match_info["ctok"])
    if token is None or token.used:
        known = request.match_info["ctok"] in connect.connect_tokens
        return web.json_response({"success": False,
                                  "error": "the token expired or was already used" if known else "unknown token"})
    return web.json_response({"success": True, "project_id": token.project_id,
                              "project_environment": token.environment,
                              "success_redirect_uri": token.options.get("success_redirect_uri"),
                              "error_redirect_uri": token.options.get("error_redirect_uri")})
