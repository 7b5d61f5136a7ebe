"""The OAuth 1 signer `@pipedream/platform`'s axios calls (`signConfig.oauthSignerUri`), answered by
the emulator itself: it signs with the account's consumer key and secret, never sent anywhere.

In the cloud, an OAuth 1 app's `$auth.oauth_signer_uri` points at Pipedream's signer, which holds
the app's consumer credentials; here the account's `auth` holds them (`oauth_consumer_key`,
`oauth_consumer_secret`) and `oauth_signer_uri` points at SIGNER_ORIGIN.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal, cast, get_args
from urllib.parse import urlencode, urlsplit

from oauthlib.oauth1 import SIGNATURE_TYPE_AUTH_HEADER, Client

from .exchange import OutboundRequest, OutboundResponse

SIGNER_ORIGIN = "https://oauth-signer.pd-emulator.invalid"
FORM = "application/x-www-form-urlencoded"
Method = Literal["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]

# (source id, account id) → the account's auth when the source's owner owns it, else None
CredentialsLookup = Callable[[str, str], "dict[str, Any] | None"]


def signer_uri(account_id: str) -> str:
    return f"{SIGNER_ORIGIN}/{account_id}"


def is_signer_request(request: OutboundRequest) -> bool:
    return request.url.startswith(SIGNER_ORIGIN + "/")


def sign(request: OutboundRequest, source_id: str, credentials: CredentialsLookup) -> OutboundResponse:
    """The Authorization header for `{"requestData": {method, url, data?}, "token": {key, secret}}`."""
    account_id = urlsplit(request.url).path.strip("/")
    auth = credentials(source_id, account_id)
    if auth is None:
        return _refuse(404, f"account {account_id} is not an account of this source's owner")
    consumer_key, consumer_secret = auth.get("oauth_consumer_key"), auth.get("oauth_consumer_secret")
    if not consumer_key or not consumer_secret:
        return _refuse(422, f"account {account_id} has no oauth_consumer_key / oauth_consumer_secret in its auth, "
                            "so the emulator cannot sign for it (add them with POST /_emulator/accounts)")
    try:
        payload = json.loads(request.body)
        data, token = payload["requestData"], payload.get("token") or {}
        method, url = str(data["method"]).upper(), str(data["url"])
    except (ValueError, KeyError, TypeError):
        return _refuse(400, "expected JSON {\"requestData\": {\"method\", \"url\", \"data\"?}, \"token\": {\"key\", \"secret\"}}")
    if method not in get_args(Method):
        return _refuse(400, f"requestData.method {method!r} is not an HTTP method")
    client = Client(consumer_key, client_secret=consumer_secret, resource_owner_key=token.get("key"),
                    resource_owner_secret=token.get("secret"), signature_type=SIGNATURE_TYPE_AUTH_HEADER)
    form = data.get("data")
    if isinstance(form, dict) and form:
        _, headers, _ = client.sign(url, http_method=cast(Method, method), body=urlencode(form, doseq=True),
                                    headers={"Content-Type": FORM})
    else:
        _, headers, _ = client.sign(url, http_method=cast(Method, method))
    return OutboundResponse(status=200, headers=[("Content-Type", "text/plain")],
                            body=headers["Authorization"].encode())


def _refuse(status: int, message: str) -> OutboundResponse:
    return OutboundResponse(status=status, headers=[("Content-Type", "application/json")],
                            body=json.dumps({"error": f"emulated OAuth signer: {message}"}).encode())
