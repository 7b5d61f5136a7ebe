"""Connect's credentials: OAuth client credentials, the emulator key, Connect tokens, and who sees what."""
from __future__ import annotations

import base64

import requests

from tests.connect.conftest import ConnectApi, advance, control


def token_request(emu, **kwargs) -> requests.Response:
    return requests.post(emu.url + "/v1/oauth/token", timeout=30, **kwargs)


def test_client_credentials_work_as_json_form_and_basic_header(emu) -> None:
    settings = emu.connect
    fields = {"grant_type": "client_credentials", "client_id": settings.client_id,
              "client_secret": settings.client_secret}
    basic = base64.b64encode(f"{settings.client_id}:{settings.client_secret}".encode()).decode()
    answers = [token_request(emu, json=fields), token_request(emu, data=fields),
               token_request(emu, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.json()["token_type"] == "Bearer" and answer.json()["expires_in"] == 3600


def test_token_errors_use_oauth_error_bodies(emu) -> None:
    settings = emu.connect
    wrong = token_request(emu, data={"grant_type": "client_credentials", "client_id": settings.client_id,
                                     "client_secret": "nope"})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    grant = token_request(emu, json={"grant_type": "password", "client_id": settings.client_id})
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    assertion = token_request(emu, json={"grant_type": "client_credentials", "client_id": settings.client_id,
                                         "client_assertion": "eyJ..."})
    assert assertion.status_code == 400
    assert assertion.json() == {"error": "invalid_request", "error_description":
                                "client_assertion is not supported by the emulator; use client_secret"}


def test_access_tokens_live_on_the_wall_clock_not_the_emulators(api, emu) -> None:
    advance(emu, 3 * 86400)
    assert api.call("GET", "/triggers")[0] == 200


def test_missing_unknown_and_foreign_credentials(api, emu) -> None:
    assert api.call("GET", "/triggers", headers={"Authorization": ""})[0] == 401
    assert api.call("GET", "/triggers", headers={"Authorization": "Bearer pda_unknown"})[0] == 401
    v1_user = control(emu).ok("POST", "/_emulator/users", json={})["data"]
    status, foreign = api.call("GET", "/triggers", headers={"Authorization": f"Bearer {v1_user['api_key']}"})
    assert (status, foreign["code"]) == (403, "forbidden")
    other = control(emu).ok("POST", "/_emulator/connect/projects", json={"name": "other"})
    other_token = ConnectApi(emu).token
    other_project = ConnectApi(emu, token=other_token)
    other_project.base = f"{emu.url}/v1/connect/{other['project_id']}"
    assert other_project.call("GET", "/triggers")[0] == 403      # a token of another project's client


def test_project_id_and_environment_are_checked(api, emu) -> None:
    bad_id = requests.get(f"{emu.url}/v1/connect/project-1/triggers", headers=api.headers(), timeout=30)
    assert (bad_id.status_code, bad_id.json()["param"]) == (400, "project_id")
    assert control(emu).get("/v1/connect/proj_unknown1/triggers")[0] == 404
    status, header = api.call("GET", "/triggers", headers={"x-pd-environment": "staging"})
    assert (status, header["param"]) == (400, "x-pd-environment")


def test_the_emulator_key_is_a_server_side_caller_of_every_project(api, emu) -> None:
    as_emulator = ConnectApi(emu, token=emu.api_key)
    deployed = as_emulator.deploy("u1", "acme-hooks", webhook_url="http://127.0.0.1:9/h")
    assert deployed["webhook_signing_key"]
    assert api.ok("GET", f"/deployed-triggers/{deployed['id']}", params={"external_user_id": "u1"})


def test_external_user_id_is_required(api) -> None:
    status, answer = api.call("GET", "/deployed-triggers")
    assert status == 400
    assert answer == {"error": "external_user_id is required", "code": "invalid_param",
                             "param": "external_user_id"}


def test_a_connect_token_acts_only_for_its_user_and_never_sees_signing_keys(api, emu) -> None:
    ctok = api.ok("POST", "/tokens", json={"external_user_id": "alice"})["token"]
    as_alice = ConnectApi(emu, token=ctok)
    deployed = as_alice.deploy("alice", "acme-hooks", webhook_url="http://127.0.0.1:9/h")
    assert "webhook_signing_key" not in deployed
    hooks = as_alice.ok("GET", f"/deployed-triggers/{deployed['id']}/webhooks", params={"external_user_id": "alice"})
    assert "signing_key" not in hooks["webhooks"][0]
    webhook_id = hooks["webhooks"][0]["id"]
    assert as_alice.call("GET", f"/deployed-triggers/{deployed['id']}/webhooks/{webhook_id}",
                         params={"external_user_id": "alice"})[0] == 403
    assert as_alice.call("GET", "/deployed-triggers", params={"external_user_id": "bob"})[0] == 403
    production = ConnectApi(emu, environment="production", token=ctok)
    assert production.call("GET", "/deployed-triggers", params={"external_user_id": "alice"})[0] == 403


def test_ids_from_another_user_or_environment_answer_like_unknown_ones(api, emu) -> None:
    deployed = api.deploy("alice", "acme-hooks")
    account = api.account("alice")
    production = ConnectApi(emu, environment=None)             # no header: production, the SDKs' default
    for caller, user in ((api, "bob"), (production, "alice")):
        for path in (f"/deployed-triggers/{deployed['id']}", f"/deployed-triggers/{deployed['id']}/events"):
            real_status, real = caller.call("GET", path, params={"external_user_id": user})
            missing_status, missing = caller.call("GET", path.replace(deployed["id"], "dc_ZZZZzzzz"),
                                                  params={"external_user_id": user})
            assert real_status == missing_status == 404
            assert real["error"].replace(deployed["id"], "X") == missing["error"].replace("dc_ZZZZzzzz", "X")
    assert production.call("GET", f"/accounts/{account}")[0] == 404
    assert production.ok("GET", "/accounts")["data"] == []


def test_an_account_of_another_user_or_app_is_refused_in_configured_props(api) -> None:
    bobs = api.account("bob")
    other_app = api.account("alice", app="globex")
    for account_id in (bobs, other_app):
        status, answer = api.call("POST", "/triggers/deploy", json={
            "id": "acme-new-item", "external_user_id": "alice",
            "configured_props": {"acme": {"authProvisionId": account_id}, "projectId": 1}})
        assert status == 400
        assert answer["param"] == "configured_props.acme"
    assert api.ok("GET", "/deployed-triggers", params={"external_user_id": "alice"})["data"] == []
