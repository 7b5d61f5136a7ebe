"""`pd-emulator serve` for a Connect app: the app's PIPEDREAM_* variables configure it; the banner and console."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from emulator.client.http import EmulatorClient
from tests.serve.test_serve_command import start

COMPONENTS = Path(__file__).parent / "components"
ENV = {"PIPEDREAM_PROJECT_ID": "proj_Xk29aPq", "PIPEDREAM_CLIENT_ID": "client-from-env",
       "PIPEDREAM_CLIENT_SECRET": "secret-from-env-0123456789abcdef"}


def post(base: str, path: str, body: dict, headers: dict | None = None) -> dict:
    return EmulatorClient(base, timeout=30).ok("POST", path, json=body, headers=headers)


def test_serve_takes_the_apps_environment_and_names_triggers_on_the_console(monkeypatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    served = start(COMPONENTS, "--clock", "virtual", "--no-watch")
    try:
        served.read_until(r"Connect\s+project proj_Xk29aPq, environments development \+ production")
        served.read_until(rf"PIPEDREAM_BASE_URL={served.url} PIPEDREAM_PROJECT_ID=proj_Xk29aPq "
                          r"PIPEDREAM_CLIENT_ID=client-from-env PIPEDREAM_CLIENT_SECRET=secret-from-env")
        token = post(served.url, "/v1/oauth/token", {"grant_type": "client_credentials", "client_id": ENV[
            "PIPEDREAM_CLIENT_ID"], "client_secret": ENV["PIPEDREAM_CLIENT_SECRET"]})["access_token"]
        deployed = post(served.url, "/v1/connect/proj_Xk29aPq/triggers/deploy",
                        {"id": "acme-hooks", "external_user_id": "user-123"},
                        {"Authorization": f"Bearer {token}", "x-pd-environment": "development"})["data"]
        served.read_until(rf"emit\s+{deployed['id']} \(proj_Xk29aPq/development/user-123\) \d+-0")
    finally:
        served.stop(signal.SIGKILL)


def test_serve_refuses_a_project_id_of_the_wrong_form() -> None:
    result = subprocess.run([sys.executable, "-m", "emulator", "serve", str(COMPONENTS), "--port", "0",
                             "--project-id", "project-1"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 2
    assert "project id 'project-1' must look like proj_" in result.stderr


def test_a_generated_project_and_client_survive_a_restart_with_state(tmp_path: Path, monkeypatch) -> None:
    state = tmp_path / "state.json"
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    first = start(COMPONENTS, "--clock", "virtual", "--no-watch", "--state", str(state))
    project = first.read_until(r"Connect\s+project (proj_\w+)")[1]
    client = first.read_until(r"PIPEDREAM_CLIENT_ID=(\S+)")[1]
    assert first.stop() == 0
    again = start(COMPONENTS, "--clock", "virtual", "--no-watch", "--state", str(state))
    try:
        assert again.read_until(r"Connect\s+project (proj_\w+)")[1] == project
        assert again.read_until(r"PIPEDREAM_CLIENT_ID=(\S+)")[1] == client
    finally:
        again.stop()
