"""`pd-emulator serve .` as a child process in a folder of its own: the layout where the
connection file, the --state file and the components share one folder, and where a component
that signals its parent signals a real server process (not the test's own)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.reliability.harness import JsonClient

START_TIMEOUT_S = 30.0


class ServedFolder:
    """Starts `serve . --state state.json` in `folder`; `client` talks to it with its own key."""

    def __init__(self, folder: Path, *extra: str) -> None:
        self.folder = folder
        self.connection_file = folder / ".pd-emulator.json"
        self.state_file = folder / "state.json"
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.log = open(folder.parent / f"{folder.name}-serve.log", "w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", ".", "--port", "0", "--clock", "virtual",
             "--state", "state.json", "--run-timeout", "10", *extra],
            cwd=folder, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        connection = self._wait_for_connection_file()
        self.url, self.api_key = connection["url"], connection["api_key"]
        self.client = JsonClient(self.url, self.api_key)

    def _wait_for_connection_file(self) -> dict:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited ({self.process.returncode}):\n{self.output()}")
            try:
                return json.loads(self.connection_file.read_text())
            except (OSError, ValueError):
                time.sleep(0.1)
        raise RuntimeError(f"serve did not start in {START_TIMEOUT_S:g} s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def state(self) -> str:
        """The process state letter from /proc: R/S running or sleeping, T stopped, Z/absent dead."""
        try:
            return Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return "gone"

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
