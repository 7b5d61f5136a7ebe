"""Every operation without a key, with a wrong key and with another user's key: 401, 403 or 404, and
nothing revealed. The owner (the emulator's own key) holds a source, webhook, run, event and an
account with a secret; a second user made with `POST /_emulator/users` is the intruder.

- no key, or a wrong one: 401, the same body whether the path names a real object or not;
- another user's key on the owner's objects: 404 with exactly the body of an id that never existed;
- another user's key on lists and shared operations: an answer with nothing of the owner's in it;
- another user's key on emulator-wide operations (state, reset, users, faults): 403.
"""
from __future__ import annotations

import hmac
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pytest
import requests

from emulator.api.dashboard import session_cookie_for
from emulator.domain.ids import IdFactory
from emulator.domain.store import Store
from emulator.server.runner import ThreadedEmulator
from tests.reliability.harness import JsonClient

SECRET = "xoxb-owner-secret-0123456789"
OWNER_MARKER = "owner-private-marker"
OWNED_CODE = """
export default {
  key: "owned", name: "Owned", version: "0.0.1", type: "source",
  props: { slack: { type: "app", app: "slack" }, db: "$.service.db" },
  async run(event) { this.db.set("seen", true); this.$emit({ marker: "MARKER" }, { id: "1", summary: "owned" }); },
  sampleEmit: { marker: "MARKER" },
};
""".replace("MARKER", OWNER_MARKER)


@dataclass(frozen=True)
class Call:
    method: str
    path: str                          # placeholders: {source} {component} {webhook} {run} {event} {project}
    body: dict[str, Any] | None = None


# operationId (or a route the document leaves out) → (the call, how another user's key is answered)
OWNED, YOURS, SHARED, EMULATOR_WIDE, PUBLIC = "owned", "yours", "shared", "emulator-wide", "public"
MATRIX: dict[str, tuple[Call, str]] = {
    "getCurrentUser": (Call("GET", "/v1/users/me"), YOURS),
    "createComponent": (Call("POST", "/v1/components", {"component_code": "export default { async run() {} }"}), YOURS),
    "getComponent": (Call("GET", "/v1/components/{component}"), OWNED),
    "getRegistryComponent": (Call("GET", "/v1/components/registry/fuzz-registry"), SHARED),
    "searchComponents": (Call("GET", "/v1/components/search?query=fuzz"), SHARED),
    "listSources": (Call("GET", "/v1/users/me/sources"), YOURS),
    "createSource": (Call("POST", "/v1/sources", {"component_id": "{component}",
                                                  "configured_props": {"slack": {"authProvisionId": "{account}"}}}),
                     OWNED),
    "getSource": (Call("GET", "/v1/sources/{source}"), OWNED),
    "updateSource": (Call("PUT", "/v1/sources/{source}", {"name": "taken-over"}), OWNED),
    "deleteSource": (Call("DELETE", "/v1/sources/{source}"), OWNED),
    "listEventSummaries": (Call("GET", "/v1/sources/{source}/event_summaries"), OWNED),
    "listSourceEvents": (Call("GET", "/v1/sources/{source}/events"), OWNED),
    "deleteSourceEvents": (Call("DELETE", "/v1/sources/{source}/events"), OWNED),
    "createSubscription": (Call("POST", "/v1/subscriptions", {"emitter_id": "{source}", "listener_id": "{webhook}"}),
                           OWNED),
    "deleteSubscription": (Call("DELETE", "/v1/subscriptions", {"emitter_id": "{source}", "listener_id": "{webhook}"}),
                           OWNED),
    "createAutoSubscription": (Call("POST", "/v1/auto_subscriptions", {"listener_id": "{webhook}"}), OWNED),
    "listSubscriptions": (Call("GET", "/v1/users/me/subscriptions"), YOURS),
    "createWebhook": (Call("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/intruder"}), YOURS),
    "deleteWebhook": (Call("DELETE", "/v1/webhooks/{webhook}"), OWNED),
    "listWebhooks": (Call("GET", "/v1/users/me/webhooks"), YOURS),
    "streamSourceEvents": (Call("GET", "/v1/sources/{source}/sse"), OWNED),
    "health": (Call("GET", "/_emulator/health"), PUBLIC),
    "getClock": (Call("GET", "/_emulator/clock"), SHARED),
    "setClock": (Call("PUT", "/_emulator/clock", {"mode": "virtual"}), EMULATOR_WIDE),
    "advanceClock": (Call("POST", "/_emulator/clock/advance", {"seconds": 0}), EMULATOR_WIDE),
    "runSource": (Call("POST", "/_emulator/sources/{source}/run", {"event": {}}), OWNED),
    "sourceLogs": (Call("GET", "/_emulator/sources/{source}/logs"), OWNED),
    "getSourceDb": (Call("GET", "/_emulator/sources/{source}/db"), OWNED),
    "putSourceDb": (Call("PUT", "/_emulator/sources/{source}/db", {"db": {"x": 1}}), OWNED),
    "createUser": (Call("POST", "/_emulator/users", {}), EMULATOR_WIDE),
    "createAccount": (Call("POST", "/_emulator/accounts", {"app": "github", "auth": {"token": "t"}}), YOURS),
    "reset": (Call("POST", "/_emulator/reset", {}), EMULATOR_WIDE),
    "exportState": (Call("GET", "/_emulator/state"), EMULATOR_WIDE),
    "importState": (Call("PUT", "/_emulator/state", {"users": []}), EMULATOR_WIDE),
    "addFault": (Call("POST", "/_emulator/faults", {"path": "/v1/*", "status": 503}), EMULATOR_WIDE),
    "clearFaults": (Call("DELETE", "/_emulator/faults"), EMULATOR_WIDE),
    "streamActivity": (Call("GET", "/_emulator/stream"), YOURS),
    "listRuns": (Call("GET", "/_emulator/runs?source_id={source}"), YOURS),
    "getRun": (Call("GET", "/_emulator/runs/{run}"), OWNED),
    "replayEvent": (Call("POST", "/_emulator/events/replay", {"source_id": "{source}", "event_id": "{event}"}), OWNED),
    "listReloads": (Call("GET", "/_emulator/reloads"), SHARED),
    "getOverview": (Call("GET", "/_emulator/overview"), YOURS),
    "createDashboardLink": (Call("POST", "/_emulator/dashboard/links"), YOURS),
    "listWebhookFailures": (Call("GET", "/_emulator/webhooks/failures"), YOURS),
    "getHttpMode": (Call("GET", "/_emulator/http"), SHARED),
    "setHttpMode": (Call("PUT", "/_emulator/http", {"mode": "live"}), EMULATOR_WIDE),
    "listHttpStubs": (Call("GET", "/_emulator/http/stubs"), YOURS),
    "addHttpStub": (Call("POST", "/_emulator/http/stubs", {"url": "https://x.test/", "source_id": "{source}"}), OWNED),
    "clearHttpStubs": (Call("DELETE", "/_emulator/http/stubs"), EMULATOR_WIDE),
    "deleteHttpStub": (Call("DELETE", "/_emulator/http/stubs/{stub}"), OWNED),
    "listHttpRequests": (Call("GET", "/_emulator/http/requests"), YOURS),
    "getSourceHttpMode": (Call("GET", "/_emulator/sources/{source}/http"), OWNED),
    "setSourceHttpMode": (Call("PUT", "/_emulator/sources/{source}/http", {"mode": "live"}), OWNED),
    "clearSourceHttpMode": (Call("DELETE", "/_emulator/sources/{source}/http"), OWNED),
    "emitSample": (Call("POST", "/_emulator/sources/{source}/sample"), OWNED),
    "GET /sources/{id}/sse": (Call("GET", "/sources/{source}/sse"), OWNED),
    # Connect: a /v1 user's key is not a credential for a project (403); its own tokens are tested in tests/connect.
    "createOAuthToken": (Call("POST", "/v1/oauth/token", {"grant_type": "client_credentials"}), PUBLIC),
    "validateConnectToken": (Call("GET", "/v1/connect/tokens/ctok_0/validate"), PUBLIC),
    **{name: (Call(method, "/v1/connect/{project}" + path, body), EMULATOR_WIDE) for name, method, path, body in [
        ("createConnectToken", "POST", "/tokens", {"external_user_id": "u"}),
        ("listConnectAccounts", "GET", "/accounts", None),
        ("createConnectAccount", "POST", "/accounts", {"app_slug": "slack", "connect_token": "ctok_0"}),
        ("getConnectAccount", "GET", "/accounts/{account}", None),
        ("deleteConnectAccount", "DELETE", "/accounts/{account}", None),
        ("listConnectUserAccounts", "GET", "/users/u/accounts", None),
        ("listConnectTriggers", "GET", "/triggers", None),
        ("getConnectTrigger", "GET", "/triggers/fuzz-registry", None),
        ("configureConnectTriggerProp", "POST", "/triggers/configure",
         {"id": "fuzz-registry", "external_user_id": "u", "prop_name": "x"}),
        ("reloadConnectTriggerProps", "POST", "/triggers/props", {"id": "fuzz-registry", "external_user_id": "u"}),
        ("deployConnectTrigger", "POST", "/triggers/deploy", {"id": "fuzz-registry", "external_user_id": "u"}),
        ("deployConnectTriggerAlias", "POST", "/components/triggers/deploy",
         {"id": "fuzz-registry", "external_user_id": "u"}),
        ("listConnectDeployedTriggers", "GET", "/deployed-triggers?external_user_id=u", None),
        ("getConnectDeployedTrigger", "GET", "/deployed-triggers/{source}?external_user_id=u", None),
        ("updateConnectDeployedTrigger", "PUT", "/deployed-triggers/{source}?external_user_id=u", {"active": False}),
        ("deleteConnectDeployedTrigger", "DELETE", "/deployed-triggers/{source}?external_user_id=u", None),
        ("listConnectDeployedTriggerEvents", "GET", "/deployed-triggers/{source}/events?external_user_id=u", None),
        ("getConnectDeployedTriggerPipelines", "GET", "/deployed-triggers/{source}/pipelines?external_user_id=u", None),
        ("putConnectDeployedTriggerPipelines", "PUT", "/deployed-triggers/{source}/pipelines?external_user_id=u",
         {"workflow_ids": []}),
        ("getConnectDeployedTriggerWebhooks", "GET", "/deployed-triggers/{source}/webhooks?external_user_id=u", None),
        ("putConnectDeployedTriggerWebhooks", "PUT", "/deployed-triggers/{source}/webhooks?external_user_id=u",
         {"webhook_urls": []}),
        ("getConnectDeployedTriggerWebhook", "GET",
         "/deployed-triggers/{source}/webhooks/{webhook}?external_user_id=u", None),
        ("regenerateConnectTriggerWebhookKey", "POST",
         "/deployed-triggers/{source}/webhooks/{webhook}/regenerate_signing_key?external_user_id=u", None),
        ("resetConnectTriggerWebhookDeliveryState", "POST",
         "/deployed-triggers/{source}/webhooks/{webhook}/reset_delivery_state?external_user_id=u", None),
        ("getConnectProjectWebhook", "GET", "/webhook", None),
        ("putConnectProjectWebhook", "PUT", "/webhook", {"url": "http://127.0.0.1:9/intruder"}),
        ("deleteConnectProjectWebhook", "DELETE", "/webhook", None),
        ("regenerateConnectProjectWebhookKey", "POST", "/webhook/regenerate_signing_key", None)]},
    "createConnectProject": (Call("POST", "/_emulator/connect/projects", {}), EMULATOR_WIDE),
    "listConnectProjects": (Call("GET", "/_emulator/connect/projects"), EMULATOR_WIDE),
    "createConnectClient": (Call("POST", "/_emulator/connect/projects/{project}/clients"), EMULATOR_WIDE),
    "createConnectSeedAccount": (Call("POST", "/_emulator/connect/accounts",
                                      {"external_user_id": "u", "app": "slack", "credentials": {}}), EMULATOR_WIDE),
    "listConnectTriggersControl": (Call("GET", "/_emulator/connect/triggers"), EMULATOR_WIDE),
    "GET /sse/dc/{id}/emits": (Call("GET", "/sse/dc/{source}/emits"), OWNED),
    "GET /sse/dc/{id}/observations": (Call("GET", "/sse/dc/{source}/observations"), OWNED),
}
PROTECTED = sorted(name for name, (_, kind) in MATRIX.items() if kind != PUBLIC)
BY_KIND = {kind: sorted(n for n, (_, k) in MATRIX.items() if k == kind)
           for kind in (OWNED, YOURS, SHARED, EMULATOR_WIDE)}
# The owner's calls that change what they name run last in the sanity check.
DESTRUCTIVE = ("deleteHttpStub", "deleteSubscription", "deleteSourceEvents", "updateSource", "deleteWebhook", "deleteSource")
MISSING = {"source": "dc_ZZZZzzzz", "component": "sc_ZZZZzzzz", "webhook": "wh_ZZZZzzzz", "run": "run_ZZZZzzzz",
           "event": "1700000000000-9", "account": "apn_ZZZZzzzz", "stub": "hs_ZZZZzzzz", "project": "proj_ZZZZzzz"}


@dataclass
class Owner:
    key: str
    ids: dict[str, str]
    secrets: tuple[str, ...]


@pytest.fixture(scope="module")
def owner(served: ThreadedEmulator, client: JsonClient) -> Owner:
    account = client.ok("POST", "/_emulator/accounts", json={"app": "slack", "auth": {"oauth_access_token": SECRET}})
    source = client.ok("POST", "/v1/sources", json={"component_code": OWNED_CODE,
                                                    "configured_props": {"slack": {"authProvisionId": account["id"]}}})
    source = source["data"]
    run = client.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {}})["data"]
    webhook = client.ok("POST", "/v1/webhooks", json={"url": "http://127.0.0.1:9/owner"})["data"]
    client.ok("POST", "/v1/subscriptions", json={"emitter_id": source["id"], "listener_id": webhook["id"],
                                                 "event_name": "never"})
    stub = client.ok("POST", "/_emulator/http/stubs", json={"url": f"https://{OWNER_MARKER}.test/",
                                                            "source_id": source["id"]})["data"]
    client.ok("POST", "/_emulator/http/stubs", json={"url": f"https://{OWNER_MARKER}.test/every-source"})
    me = client.ok("GET", "/v1/users/me")["data"]
    project = client.ok("GET", "/_emulator/connect/projects")["data"][0]["project_id"]
    ids = {"source": source["id"], "component": source["component_id"], "webhook": webhook["id"],
           "run": run["id"], "event": run["emitted"][0], "account": account["id"], "stub": stub["id"],
           "project": project}
    return Owner(key=served.api_key, ids=ids, secrets=(SECRET, served.api_key, me["id"], OWNER_MARKER, *ids.values()))


@pytest.fixture(scope="module")
def intruder_key(client: JsonClient) -> str:
    return client.ok("POST", "/_emulator/users", json={"username": "intruder"})["data"]["api_key"]


def send(served: ThreadedEmulator, call: Call, ids: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
    """One call with the placeholders filled in; a stream is only opened (its status is the answer)."""
    path = call.path.format(**ids)
    body = _filled(call.body, ids)
    with requests.request(call.method, served.url + path, json=body, headers=headers, stream=True,
                          timeout=30) as answer:
        if answer.headers.get("Content-Type", "").startswith("text/event-stream"):
            return answer.status_code, ""
        return answer.status_code, answer.text


def _filled(body: Any, ids: dict[str, str]) -> Any:
    if isinstance(body, dict):
        return {k: _filled(v, ids) for k, v in body.items()}
    return body.format(**ids) if isinstance(body, str) and body.startswith("{") else body


def normalised(text: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        text = text.replace(value, f"<{name}>")
    return text


def test_the_matrix_covers_every_documented_operation() -> None:
    document = json.loads(resources.files("emulator.contract").joinpath("openapi.json").read_text())
    documented = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert documented <= set(MATRIX)


@pytest.mark.parametrize("name", PROTECTED)
def test_no_key_answers_401_and_reveals_nothing(name: str, served: ThreadedEmulator, owner: Owner) -> None:
    call, _ = MATRIX[name]
    real = send(served, call, owner.ids, {})
    missing = send(served, call, MISSING, {})
    assert real[0] == 401
    assert normalised(real[1], owner.ids) == normalised(missing[1], MISSING)
    assert json.loads(real[1])["code"] == "unauthorized"


@pytest.mark.parametrize("authorization", [
    "Bearer wrong-key", "Basic {owner}", "Bearer", "Token {owner}", "Bearer {owner}x", "Bearer {near_miss}",
])
@pytest.mark.parametrize("name", PROTECTED)
def test_a_wrong_key_answers_401_and_reveals_nothing(name: str, authorization: str, served: ThreadedEmulator,
                                                     owner: Owner) -> None:
    call, _ = MATRIX[name]
    header = {"Authorization": authorization.format(owner=owner.key, near_miss=owner.key[:-1] + "#")}
    real = send(served, call, owner.ids, header)
    missing = send(served, call, MISSING, header)
    assert real[0] == missing[0] == 401
    assert normalised(real[1], owner.ids) == normalised(missing[1], MISSING)
    assert owner.key not in real[1]


def test_a_key_that_is_not_utf8_answers_401(served: ThreadedEmulator) -> None:
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /v1/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \xff\xfe\xfd\r\n"
                     b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 401")


def test_a_forged_dashboard_session_cookie_answers_401(served: ThreadedEmulator, owner: Owner) -> None:
    forged = {"Cookie": f"{session_cookie_for(served.url)}=forged"}
    status, _ = send(served, MATRIX["getSource"][0], owner.ids, forged)
    assert status == 401


@pytest.mark.parametrize("name", BY_KIND[OWNED])
def test_another_users_key_sees_the_owners_objects_as_missing(name: str, served: ThreadedEmulator, owner: Owner,
                                                              intruder_key: str) -> None:
    call, _ = MATRIX[name]
    header = {"Authorization": f"Bearer {intruder_key}"}
    real = send(served, call, owner.ids, header)
    missing = send(served, call, MISSING, header)
    assert real[0] == missing[0] == 404, real
    assert normalised(real[1], owner.ids) == normalised(missing[1], MISSING)


@pytest.mark.parametrize("name", BY_KIND[YOURS] + BY_KIND[SHARED])
def test_another_users_key_gets_nothing_of_the_owners(name: str, served: ThreadedEmulator, owner: Owner,
                                                      intruder_key: str) -> None:
    call, _ = MATRIX[name]
    status, text = send(served, call, owner.ids, {"Authorization": f"Bearer {intruder_key}"})
    assert 200 <= status < 300, text
    assert not [secret for secret in owner.secrets if secret in text]


@pytest.mark.parametrize("name", BY_KIND[EMULATOR_WIDE])
def test_another_users_key_cannot_use_emulator_wide_operations(name: str, served: ThreadedEmulator, owner: Owner,
                                                              intruder_key: str) -> None:
    call, _ = MATRIX[name]
    status, text = send(served, call, owner.ids, {"Authorization": f"Bearer {intruder_key}"})
    assert status == 403
    assert json.loads(text)["code"] == "forbidden"
    assert not [secret for secret in owner.secrets if secret in text]


def test_another_users_account_is_missing_in_configured_props(client: JsonClient, owner: Owner,
                                                              intruder_key: str) -> None:
    def deploy(account_id: str) -> tuple[int, Any]:
        return client.call("POST", "/v1/sources", key=intruder_key, json={
            "component_code": OWNED_CODE, "configured_props": {"slack": {"authProvisionId": account_id}}})

    real, missing = deploy(owner.ids["account"]), deploy(MISSING["account"])
    assert real[0] == missing[0] == 422
    assert normalised(json.dumps(real[1]), owner.ids) == normalised(json.dumps(missing[1]), MISSING)


def test_another_users_activity_stream_shows_none_of_the_owners_runs(served: ThreadedEmulator, client: JsonClient,
                                                                   owner: Owner, intruder_key: str) -> None:
    mine = client.ok("POST", "/v1/sources", json={"component_code": "export default { async run() {} }"},
                     key=intruder_key)["data"]
    headers = {"Authorization": f"Bearer {intruder_key}"}
    with requests.get(served.url + "/_emulator/stream", headers=headers, stream=True, timeout=30) as stream:
        lines = stream.iter_lines(decode_unicode=True)
        next(lines)                                    # the handshake: the subscription is in place
        client.ok("POST", f"/_emulator/sources/{owner.ids['source']}/run", json={"event": {}})
        client.ok("POST", f"/_emulator/sources/{mine['id']}/run", json={"event": {}}, key=intruder_key)
        seen, deadline = [], time.monotonic() + 20
        for line in lines:
            seen.append(line)
            if mine["id"] in line and '"kind":"run"' in line:
                break
            assert time.monotonic() < deadline, "the intruder's own run never reached its stream"
    assert not [secret for secret in owner.secrets if any(secret in line for line in seen)]


def test_the_owners_calls_are_answered_so_the_404s_above_mean_something(served: ThreadedEmulator,
                                                                       owner: Owner) -> None:
    header = {"Authorization": f"Bearer {owner.key}"}
    order = [n for n in BY_KIND[OWNED] if n not in DESTRUCTIVE] + list(DESTRUCTIVE)
    answers = {name: send(served, MATRIX[name][0], owner.ids, header)[0] for name in order}
    assert {name: status for name, status in answers.items() if status >= 300} == {}


def test_api_keys_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored key only meets a presented one in hmac.compare_digest; a wrong key is looked up by its
    SHA-256 digest, so no comparison of key characters can stop early and tell a near miss."""
    compared: list[tuple[bytes, bytes]] = []
    real_compare = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    store = Store(IdFactory(1), lambda: 0)
    user = store.create_user(api_key="pd_emu_" + "k" * 32)
    assert store.user_for_key(user.api_key) is user
    assert compared == [(user.api_key.encode(), user.api_key.encode())]
    assert store.user_for_key(user.api_key[:-1] + "x") is None
    assert store.user_for_key("pd_emu_") is None
    assert len(compared) == 1



@pytest.fixture(autouse=True)
def _no_internal_errors(served: ThreadedEmulator) -> Iterator[None]:
    yield
    assert served.emulator is not None and served.emulator.internal_errors == []
