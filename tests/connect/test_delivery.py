"""Signed deliveries to trigger webhooks and the project's default webhook: order, retries, delivery state."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

import pytest

from emulator.testing.fixtures import PdEmulatorServer, fixture_config
from tests.connect.conftest import COMPONENTS, ConnectApi, control

USER = "user-1"


@pytest.fixture(scope="module")
def fast_retries() -> Iterator[PdEmulatorServer]:
    """Retries 50 times faster than the default 0.2 s first backoff, so ten failed events take seconds."""
    server = PdEmulatorServer(fixture_config([COMPONENTS], connect_retry_backoff_s=0.004)).start()
    yield server
    server.stop()


@pytest.fixture
def fast(fast_retries: PdEmulatorServer) -> Iterator[ConnectApi]:
    fast_retries.reset()
    yield ConnectApi(fast_retries)
    assert not fast_retries.problems()


def run(server: PdEmulatorServer, trigger_id: str, times: int = 1) -> None:
    for _ in range(times):
        control(server).ok("POST", f"/_emulator/sources/{trigger_id}/run", json={"event": {}})


def webhook(api: ConnectApi, trigger_id: str) -> dict:
    return api.ok("GET", f"/deployed-triggers/{trigger_id}/webhooks", params={"external_user_id": USER})["webhooks"][0]


def test_a_failing_receiver_is_retried_until_it_answers_2xx(fast, receiver) -> None:
    deployed = fast.deploy(USER, "acme-hooks", webhook_url=receiver.url + "/h", emit_on_deploy=False)
    receiver.statuses = [500, 503]
    run(fast.server, deployed["id"])
    attempts = receiver.wait_for(3)
    assert [a.headers["X-PD-Delivery-Attempt"] for a in attempts] == ["1", "2", "3"]
    assert len({a.headers["X-PD-Event-Id"] for a in attempts}) == 1
    fast.server.control(fast.server.emulator.app[_connect_key()].delivery.idle())
    assert webhook(fast, deployed["id"])["delivery_state"]["state"] == "happy"


def test_failed_events_move_the_state_to_penalty_then_deactivated_and_reset_restores_it(fast, receiver) -> None:
    deployed = fast.deploy(USER, "acme-hooks", webhook_url=receiver.url + "/h", emit_on_deploy=False)
    receiver.statuses = [500] * 50
    run(fast.server, deployed["id"])
    idle(fast.server)
    state = webhook(fast, deployed["id"])["delivery_state"]
    assert (state["state"], state["consecutive_failures"], state["last_error"]) == ("penalty", 1, "HTTP 500")
    run(fast.server, deployed["id"], times=9)
    idle(fast.server)
    hook = webhook(fast, deployed["id"])
    assert (hook["active"], hook["delivery_state"]["state"]) == (False, "deactivated")
    assert len(receiver.received) == 50                            # 10 events × 5 attempts, then nothing
    run(fast.server, deployed["id"])
    idle(fast.server)
    assert webhook(fast, deployed["id"])["delivery_state"]["sheds"] == 1 and len(receiver.received) == 50
    reset = fast.ok("POST", f"/deployed-triggers/{deployed['id']}/webhooks/{hook['id']}/reset_delivery_state",
                    params={"external_user_id": USER})["data"]
    assert (reset["active"], reset["delivery_state"]["state"], reset["delivery_state"]["consecutive_failures"]) == (
        True, "happy", 0)
    failures = control(fast.server).ok("GET", "/_emulator/webhooks/failures")["data"]
    assert len(failures) >= 10 and failures[0]["error"] == "HTTP 500"


def test_a_refused_connection_is_named_in_the_delivery_state(fast) -> None:
    deployed = fast.deploy(USER, "acme-hooks", webhook_url="http://127.0.0.1:9/closed", emit_on_deploy=False)
    run(fast.server, deployed["id"])
    idle(fast.server)
    assert webhook(fast, deployed["id"])["delivery_state"]["last_error"] == "connection refused"


def test_the_default_webhook_gets_every_trigger_event_of_its_environment(api, emu, receiver) -> None:
    created = api.ok("PUT", "/webhook", json={"url": receiver.url + "/default"})["data"]
    assert created["signing_key"] and created["signing_key_set"]
    moved = api.ok("PUT", "/webhook", json={"url": receiver.url + "/default2"})["data"]
    assert "signing_key" not in moved and moved["id"] == created["id"]
    assert api.ok("GET", "/webhook")["data"]["url"] == receiver.url + "/default2"
    production = ConnectApi(emu, environment="production")
    assert production.ok("GET", "/webhook")["data"] is None
    production.deploy(USER, "acme-hooks")                                   # another environment's event
    deployed = api.deploy(USER, "acme-hooks")
    [delivery] = receiver.wait_for(1, "/default2")
    assert delivery.headers["X-PD-Emitter-Id"] == deployed["id"] and delivery.json() == {"from": "deploy"}
    signed = f"{delivery.headers['X-PD-Timestamp']}.".encode() + delivery.body
    assert delivery.headers["X-PD-Signature"] == "v1=" + hmac.new(
        created["signing_key"].encode(), signed, hashlib.sha256).hexdigest()
    renewed = api.ok("POST", "/webhook/regenerate_signing_key")["data"]
    assert renewed["signing_key"] != created["signing_key"]
    assert api.call("DELETE", "/webhook")[0] == 204
    assert api.call("POST", "/webhook/regenerate_signing_key")[0] == 404


def test_webhook_urls_are_replaced_keeping_existing_ones(api, receiver) -> None:
    deployed = api.deploy(USER, "acme-hooks", webhook_url=receiver.url + "/a")
    path = f"/deployed-triggers/{deployed['id']}/webhooks"
    before = api.ok("GET", path, params={"external_user_id": USER})["webhooks"][0]
    after = api.ok("PUT", path, params={"external_user_id": USER},
                   json={"webhook_urls": [receiver.url + "/b", receiver.url + "/a", receiver.url + "/b"]})
    assert after["webhook_urls"] == [receiver.url + "/b", receiver.url + "/a"]
    assert after["webhooks"][1]["id"] == before["id"] and after["webhooks"][1]["signing_key"] == before["signing_key"]
    status, bad = api.call("PUT", path, params={"external_user_id": USER}, json={"webhook_urls": ["ftp://x"]})
    assert (status, bad["param"]) == (400, "webhook_urls")


def idle(server: PdEmulatorServer) -> None:
    server.control(server.emulator.app[_connect_key()].delivery.idle())


def _connect_key():
    from emulator.api.connect_common import CONNECT
    return CONNECT
