"""`@pipedream/sdk` 3.x from npm, unmodified and configured only by PIPEDREAM_* variables, driven by `node`."""
from __future__ import annotations

import hashlib
import hmac

from tests.connect.node_sdk import run_app, sdk_version


def test_node_sdk_runs_the_whole_trigger_lifecycle(emu, receiver) -> None:
    env = {**emu.connect.env("development"), "WEBHOOK_URL": receiver.url + "/hook", "EMULATOR_URL": emu.url,
           "EMULATOR_KEY": emu.api_key}
    steps = {line["step"]: line for line in run_app("lifecycle.mjs", env)}
    assert sdk_version().startswith("3.")

    assert steps["token"]["token"].startswith("pda_")
    assert steps["registry"]["keys"] == sorted(steps["registry"]["keys"])
    assert {"acme-new-item", "http-new-requests"} <= set(steps["registry"]["keys"])
    assert steps["registry"]["name"] == "New Item (Instant)"
    assert steps["configure"]["options"][0] == {"label": "project-of-k-node", "value": 45672541}
    assert steps["configure"]["props"][-1] == "extra"

    deploy = steps["deploy"]
    assert deploy["listed"] == [deploy["other"], deploy["id"]]          # the pager at limit 1, newest first
    assert deploy["ownerId"].startswith("exu_")
    assert [e.get("n") for e in steps["events"]["events"]] == [1, None]
    assert steps["update"] == {"step": "update", "name": "Renamed", "threshold": 2, "whilePaused": 2,
                               "afterResume": 3}
    assert steps["webhooks"]["urls"] == [receiver.url + "/hook", receiver.url + "/hook-second"]
    assert steps["webhooks"]["workflows"] == steps["webhooks"]["updated"] == ["p_node1"]
    assert steps["isolation"] == {"step": "isolation", "strangers": 0, "strangerRetrieve": 404}
    assert steps["delete"] == {"step": "delete", "afterDelete": 404, "errorName": "PipedreamError"}

    delivered = receiver.wait_for(2, "/hook")
    signed = f"{delivered[1].headers['X-PD-Timestamp']}.".encode() + delivered[1].body
    expected = hmac.new(deploy["signingKey"].encode(), signed, hashlib.sha256).hexdigest()
    assert delivered[1].headers["X-PD-Signature"] == f"v1={expected}"

    production = {**emu.connect.env("production"), "EXTERNAL_USER_ID": "user-node", "TRIGGER_ID": deploy["other"]}
    assert run_app("peek.mjs", production) == [{"listed": [], "retrieve": 404}]
    development = {**emu.connect.env("development"), "EXTERNAL_USER_ID": "user-node", "TRIGGER_ID": deploy["other"]}
    assert run_app("peek.mjs", development) == [{"listed": [deploy["other"]], "retrieve": 200}]
