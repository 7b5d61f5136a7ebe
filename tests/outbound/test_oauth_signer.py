"""`@pipedream/platform`'s axios with an OAuth 1 `signConfig`: the signer call is answered by the
emulator with the account's consumer credentials, and the API gets a valid OAuth 1 header."""
from __future__ import annotations

import re

import pytest
from oauthlib.oauth1 import SIGNATURE_TYPE_AUTH_HEADER, Client

from tests.conftest import ApiClient
from tests.outbound.conftest import Upstream

SIGNING = """
import { axios } from "@pipedream/platform";
export default {
  key: "signing", name: "Signing", version: "0.0.1", type: "source",
  props: { twitter: { type: "app", app: "twitter" } },
  async run() {
    const auth = this.twitter.$auth;
    const data = await axios(this, { url: "%s/1.1/statuses.json?count=2" }, {
      token: { key: auth.oauth_access_token, secret: auth.oauth_refresh_token },
      oauthSignerUri: auth.oauth_signer_uri,
    });
    this.$emit(data, { summary: "signed" });
  },
};
"""


# The same through an instance: axios.create(config, signConfig) signs in a request interceptor.
SIGNING_INSTANCE = SIGNING.replace("await axios(this, { url: \"%s/1.1/statuses.json?count=2\" }, {",
                                   "await axios.create({ baseURL: \"%s\" }, {").replace(
    "oauthSignerUri: auth.oauth_signer_uri,\n    });",
    "oauthSignerUri: auth.oauth_signer_uri,\n    }).get(\"/1.1/statuses.json?count=2\");")


@pytest.mark.parametrize("code", [SIGNING, SIGNING_INSTANCE], ids=["axios", "axios.create"])
async def test_oauth1_requests_are_signed_by_the_emulator(api: ApiClient, upstream: Upstream, code: str) -> None:
    account = await api.ok("POST", "/_emulator/accounts", json={"app": "twitter", "auth": {
        "oauth_consumer_key": "ck-123", "oauth_consumer_secret": "cs-456",
        "oauth_access_token": "at-789", "oauth_refresh_token": "ts-abc"}})
    source = (await api.ok("POST", "/v1/sources", json={
        "component_code": code % upstream.url,
        "configured_props": {"twitter": {"authProvisionId": account["id"]}}}))["data"]
    run = (await api.ok("POST", f"/_emulator/sources/{source['id']}/run", json={}))["data"]
    assert run["outcome"] == "ok", run["error"]
    signer, call = run["requests"]
    assert (signer["answered_by"], signer["stub_id"], signer["status"]) == ("stub", "oauth_signer", 200)
    assert call["answered_by"] == "network"

    header = upstream.received[0]["headers"]["Authorization"]
    fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
    assert fields["oauth_consumer_key"] == "ck-123" and fields["oauth_token"] == "at-789"
    expected = Client("ck-123", client_secret="cs-456", resource_owner_key="at-789", resource_owner_secret="ts-abc",
                      signature_type=SIGNATURE_TYPE_AUTH_HEADER, nonce=fields["oauth_nonce"],
                      timestamp=fields["oauth_timestamp"])
    _, headers, _ = expected.sign(f"{upstream.url}/1.1/statuses.json?count=2", http_method="GET")
    assert dict(re.findall(r'(\w+)="([^"]*)"', headers["Authorization"]))["oauth_signature"] == fields["oauth_signature"]
    assert "cs-456" not in str(run["requests"]) and "ts-abc" not in str(run["requests"])


async def test_another_users_account_is_not_signed_for(api: ApiClient) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    account = await api.ok("POST", "/_emulator/accounts", json={"app": "twitter", "auth": {
        "oauth_consumer_key": "ck", "oauth_consumer_secret": "cs"}})
    user = (await api.ok("POST", "/_emulator/users", json={}))["data"]
    code = """export default { key: "k", name: "n", version: "0.0.1", type: "source", props: {},
      async run() {
        const r = await fetch("https://oauth-signer.pd-emulator.invalid/%s", { method: "POST",
          body: JSON.stringify({ requestData: { method: "GET", url: "https://x.test/" }, token: {} }) });
        this.$emit({ status: r.status, text: await r.text() });
      } };""" % account["id"]
    source = (await api.ok("POST", "/v1/sources", key=user["api_key"], json={"component_code": code}))["data"]
    run = (await api.ok("POST", f"/_emulator/sources/{source['id']}/run", key=user["api_key"], json={}))["data"]
    event = run["events"][0]["event"]
    assert event["status"] == 404 and "not an account of this source's owner" in event["text"]
