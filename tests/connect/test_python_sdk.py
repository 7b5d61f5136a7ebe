"""The PyPI `pipedream` SDK, unmodified and configured only by PIPEDREAM_* variables, against a real emulator."""
from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.connect.conftest import advance

USER = "user-123"


def connect_account(pd, external_user_id: str = USER, api_key: str = "k-123") -> str:
    """The Connect flow an app runs: a Connect token for its user, then the account created with it."""
    token = pd.tokens.create(external_user_id=external_user_id)
    account = pd.accounts.create(app_slug="acme", cfmap_json=json.dumps({"api_key": api_key}),
                                 connect_token=token.token)
    return account.id


def assert_not_found(call, **kwargs) -> None:
    """The SDK's not-found error: its ApiError with status 404 (each fresh import has its own class)."""
    with pytest.raises(Exception) as raised:
        call(**kwargs)
    assert type(raised.value).__name__ == "ApiError" and raised.value.status_code == 404, raised.value


def test_registry_configure_and_reload_props(pipedream_sdk) -> None:
    pd = pipedream_sdk("development")
    assert pd.raw_access_token.startswith("pda_")

    keys = [component.key for component in pd.triggers.list(limit=2)]      # the pager walks every page
    assert keys == sorted(keys)
    assert {"acme-new-item", "http-new-requests", "schedule-custom-interval"} <= set(keys)
    assert "acme" not in keys                                                 # app files are not triggers
    component = pd.triggers.retrieve(component_id="acme-new-item")
    assert (component.name, component.version) == ("New Item (Instant)", "0.1.2")

    account_id = connect_account(pd)
    configured = {"acme": {"authProvisionId": account_id}}
    answer = pd.triggers.configure_prop(id="acme-new-item", external_user_id=USER, prop_name="projectId",
                                        configured_props=configured, page=2)
    assert [(o.label, o.value) for o in answer.options] == [("project-of-k-123", 45672541), ("second", 7)]
    assert answer.context == {"cursor": "after-2", "previous": None}
    assert answer.observations[0].msg == "listing projects, page 2"

    reloaded = pd.triggers.reload_props(id="acme-new-item", external_user_id=USER,
                                        configured_props={**configured, "projectId": 7})
    names = [p.name for p in reloaded.dynamic_props.configurable_props]
    assert names[-1] == "extra" and "threshold" not in names
    assert reloaded.dynamic_props.id.startswith("dyp_")


def test_deploy_events_signed_webhook_update_and_delete(pipedream_sdk, emu, receiver) -> None:
    pd = pipedream_sdk("development")
    configured = {"acme": {"authProvisionId": connect_account(pd)}, "projectId": 45672541}
    deployed = pd.triggers.deploy(id="acme-new-item", external_user_id=USER, configured_props=configured,
                                  webhook_url=receiver.url + "/hook")
    second = pd.triggers.deploy(id="acme-new-item", external_user_id=USER, configured_props=configured,
                                emit_on_deploy=False)
    assert deployed.id.startswith("dc_") and deployed.owner_id.startswith("exu_")
    assert deployed.name == f"New Item (Instant) - {deployed.owner_id}"
    assert [t.id for t in pd.deployed_triggers.list(external_user_id=USER, limit=1)] == [second.id, deployed.id]
    assert pd.deployed_triggers.retrieve(trigger_id=deployed.id, external_user_id=USER).active is True

    advance(emu, 60)
    events = pd.deployed_triggers.list_events(trigger_id=deployed.id, external_user_id=USER)
    assert [e.e.get("n") for e in events] == [1, None]                      # newest first: run, then deploy hook
    assert events[0].e["greeting"] == "hello k-123" and events[0].sum == "Item 1"
    assert [e.e.get("n") for e in pd.deployed_triggers.list_events(trigger_id=second.id,
                                                                    external_user_id=USER)] == [1]

    deliveries = receiver.wait_for(2, "/hook")
    assert [d.json().get("n") for d in deliveries] == [None, 1]             # emit order: deploy, then run
    first = deliveries[1]
    signed = f"{first.headers['X-PD-Timestamp']}.".encode() + first.body
    expected = hmac.new(deployed.webhook_signing_key.encode(), signed, hashlib.sha256).hexdigest()
    assert first.headers["X-PD-Signature"] == f"v1={expected}"
    assert first.headers["X-PD-Emitter-Id"] == deployed.id and first.headers["X-PD-Delivery-Attempt"] == "1"

    renamed = pd.deployed_triggers.update(trigger_id=deployed.id, external_user_id=USER, name="Renamed",
                                          configured_props={**configured, "threshold": 3})
    assert (renamed.name, renamed.name_slug, renamed.configured_props["threshold"]) == ("Renamed", "renamed", 3)
    pd.deployed_triggers.update(trigger_id=deployed.id, external_user_id=USER, active=False)
    advance(emu, 600)
    assert len(pd.deployed_triggers.list_events(trigger_id=deployed.id, external_user_id=USER)) == 2
    pd.deployed_triggers.update(trigger_id=deployed.id, external_user_id=USER, active=True)
    advance(emu, 60)
    assert len(pd.deployed_triggers.list_events(trigger_id=deployed.id, external_user_id=USER)) == 3

    hooks = pd.deployed_triggers.update_webhooks(trigger_id=deployed.id, external_user_id=USER,
                                                 webhook_urls=[receiver.url + "/hook", receiver.url + "/other"])
    assert hooks.webhook_urls == [receiver.url + "/hook", receiver.url + "/other"]
    kept = hooks.webhooks[0]
    assert kept.signing_key == deployed.webhook_signing_key and kept.delivery_state.state == "happy"
    renewed = pd.deployed_triggers.regenerate_webhook_signing_key(trigger_id=deployed.id, webhook_id=kept.id,
                                                                  external_user_id=USER).data
    assert renewed.signing_key != kept.signing_key
    assert pd.deployed_triggers.update_workflows(trigger_id=deployed.id, external_user_id=USER,
                                                 workflow_ids=["p_abc123"]).workflow_ids == ["p_abc123"]
    assert pd.deployed_triggers.list_workflows(trigger_id=deployed.id, external_user_id=USER).workflow_ids == [
        "p_abc123"]

    raw = pd.deployed_triggers.with_raw_response.delete(trigger_id=deployed.id, external_user_id=USER)
    assert raw.headers.get("content-length") in (None, "0")
    assert_not_found(pd.deployed_triggers.retrieve, trigger_id=deployed.id, external_user_id=USER)


def test_another_external_user_and_the_other_environment_see_nothing(pipedream_sdk) -> None:
    development = pipedream_sdk("development")
    deployed = development.triggers.deploy(id="schedule-custom-interval", external_user_id=USER,
                                           configured_props={"cron": {"intervalSeconds": 60}})
    assert (deployed.type, deployed.interval_seconds) == ("TimerInterface", 60)
    assert [t.id for t in development.deployed_triggers.list(external_user_id=USER, emitter_type="timer")] == [
        deployed.id]
    assert list(development.deployed_triggers.list(external_user_id="someone-else", emitter_type="timer")) == []
    assert_not_found(development.deployed_triggers.retrieve, trigger_id=deployed.id, external_user_id="someone-else")

    production = pipedream_sdk("production")
    assert list(production.deployed_triggers.list(external_user_id=USER, emitter_type="timer")) == []
    assert_not_found(production.deployed_triggers.retrieve, trigger_id=deployed.id, external_user_id=USER)
