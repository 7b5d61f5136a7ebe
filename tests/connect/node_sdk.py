"""`@pipedream/sdk` for the Node tests: installed once with npm into tests/connect/node_app (cached there)."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

APP = Path(__file__).parent / "node_app"
SDK_PACKAGE = APP / "node_modules" / "@pipedream" / "sdk" / "package.json"
NPM_TIMEOUT_S = 300


def ensure_node_sdk() -> Path:
    """The app folder with the SDK installed; `npm install` runs only when it is missing (one worker at a time)."""
    if SDK_PACKAGE.exists():
        return APP
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: the Node SDK tests install @pipedream/sdk with it")
    with open(APP / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not SDK_PACKAGE.exists():
            subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-package-lock"], cwd=APP, check=True,
                           timeout=NPM_TIMEOUT_S, capture_output=True)
    return APP


def sdk_version() -> str:
    return json.loads(SDK_PACKAGE.read_text())["version"]


def run_app(script: str, env: dict[str, str], timeout: float = 120) -> list[dict[str, Any]]:
    """Run one of the app's scripts with `node`; its JSON lines, or an AssertionError with its output."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PIPEDREAM_")}
    done = subprocess.run(["node", script], cwd=ensure_node_sdk(), env={**base, **env}, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"node {script} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
