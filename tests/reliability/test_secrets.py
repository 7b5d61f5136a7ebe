"""Nothing secret — API keys, the `$auth` of accounts — reaches logs, run logs, error bodies or console
lines, whatever a source does with its account and however its runs fail."""
from __future__ import annotations

import io
import json
import logging
from typing import Any

import aiohttp
import pytest

from emulator.devserver.console import Console
from emulator.server.runner import Emulator
from tests.conftest import ApiClient, emulator_config

API_KEY = "pd_emu_secret_key_of_the_owner_0123"
TOKEN = "xoxb-never-print-me-4242"
USES_THE_ACCOUNT = """
export default {
  key: "uses-slack", name: "Uses Slack", version: "0.0.1", type: "source",
  props: { slack: { type: "app", app: "slack" }, mode: { type: "string", label: "Mode", default: "ok" } },
  hooks: { async deploy() { if (this.mode === "refuse") throw new Error("refused to deploy"); } },
  async run(event) {
    const token = this.slack.$auth.oauth_access_token;
    if (event.mode === "throw") throw new Error("could not reach Slack");
    if (event.mode === "exit") process.exit(4);
    if (event.mode === "loop") while (true) {}
    if (event.mode === "env") { this.$emit({ env: process.env }); return; }
    console.log("token length", token.length);
    this.$emit({ ok: token.length > 0 }, { summary: "used the account" });
  },
};
"""


@pytest.fixture
async def owner(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PD_EMULATOR_API_KEY", API_KEY)     # as `serve` reads it: must not reach a run's env
    async with Emulator(emulator_config(api_key=API_KEY, run_timeout_s=1.5)) as emulator, \
            aiohttp.ClientSession() as session:
        yield emulator, ApiClient(session, emulator.url, API_KEY)


async def test_no_secret_reaches_logs_run_logs_error_bodies_or_console(owner: Any,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    emulator, api = owner
    console = io.StringIO()
    emulator.services.bus.printers.append(Console(console, verbose=True))
    caplog.set_level(logging.DEBUG)
    seen: list[Any] = []

    account = await api.ok("POST", "/_emulator/accounts",
                           json={"app": "slack", "auth": {"oauth_access_token": TOKEN}})
    seen.append(account)
    slack = {"authProvisionId": account["id"]}
    source = (await api.ok("POST", "/v1/sources", json={"component_code": USES_THE_ACCOUNT,
                                                        "configured_props": {"slack": slack}}))["data"]
    for mode in ("ok", "throw", "exit", "loop", "env"):
        seen.append(await api.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {"mode": mode}}))
    seen.append(await api.post("/v1/sources", json={"component_code": USES_THE_ACCOUNT,
                                                    "configured_props": {"slack": slack, "mode": "refuse"}}))
    seen.append(await api.post("/v1/sources", json={"component_code": USES_THE_ACCOUNT,
                                                    "configured_props": {"slack": {"authProvisionId": 7}}}))
    seen.append(await api.get("/v1/users/me", key=API_KEY + "x"))
    seen.append(await api.get("/v1/users/me", key=API_KEY[:-1]))
    seen.append(await api.get(f"/v1/sources/{source['id']}"))
    seen.append(await api.get(f"/_emulator/sources/{source['id']}/logs"))
    seen.append(await api.get("/_emulator/runs"))
    seen.append(await api.get(f"/v1/sources/{source['id']}/event_summaries?expand=event"))
    seen.append(await api.get(f"/v1/sources/{source['id']}/event_summaries?event_name=$errors"))
    seen.append(await api.get("/_emulator/overview"))

    outcomes = [r["data"]["outcome"] for r in seen[1:6]]
    assert outcomes == ["ok", "error", "exit", "timeout", "ok"]
    everything = json.dumps(seen) + console.getvalue() + caplog.text
    assert TOKEN not in everything
    assert API_KEY not in everything
    assert console.getvalue(), "the console printed nothing: the check above would be empty"
