"""Connect's state travels in `GET/PUT /_emulator/state` and `--state`: projects to delivery states."""
from __future__ import annotations

from emulator.testing.fixtures import PdEmulatorServer, fixture_config
from tests.connect.conftest import COMPONENTS, ConnectApi, advance, control

USER = "user-1"


def test_an_exported_state_brings_back_triggers_accounts_tokens_and_webhooks(api, emu, receiver) -> None:
    account = api.account(USER)
    deployed = api.deploy(USER, "acme-new-item", {"acme": {"authProvisionId": account}, "projectId": 45672541},
                          webhook_url=receiver.url + "/h")
    api.ok("PUT", "/webhook", json={"url": receiver.url + "/default"})
    state = control(emu).ok("GET", "/_emulator/state")
    assert {"projects", "external_users", "accounts", "triggers", "webhooks", "access_tokens"} <= set(state["connect"])

    fresh = PdEmulatorServer(fixture_config([COMPONENTS])).start()
    try:
        fresh.load_state(state)
        again = ConnectApi(fresh, token=api.token)                # the access token survives too
        assert again.project_id == api.project_id
        found = again.ok("GET", f"/deployed-triggers/{deployed['id']}", params={"external_user_id": USER})["data"]
        assert found["configured_props"]["acme"] == {"authProvisionId": account}
        hooks = again.ok("GET", f"/deployed-triggers/{deployed['id']}/webhooks", params={"external_user_id": USER})
        assert hooks["webhooks"][0]["signing_key"] == deployed["webhook_signing_key"]
        assert again.ok("GET", f"/accounts/{account}")["external_id"] == USER
        advance(fresh, 60)                                          # the timer resumed from the state
        events = again.ok("GET", f"/deployed-triggers/{deployed['id']}/events", params={"external_user_id": USER})
        assert events["data"][0]["e"]["greeting"] == "hello k"
        assert len(receiver.wait_for(1, "/default")) >= 1
        assert not fresh.problems()
    finally:
        fresh.stop()


def test_a_state_naming_an_unknown_trigger_owner_is_refused_whole(emu) -> None:
    state = control(emu).ok("GET", "/_emulator/state")
    state["connect"]["triggers"] = [{"id": "dc_x"}]
    status, answer = control(emu).put("/_emulator/state", json=state)
    assert status == 400 and answer["param"] == "connect.triggers.0"
