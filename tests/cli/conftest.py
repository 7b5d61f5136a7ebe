"""A real emulator in a thread for the companion commands, emptied before each test."""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.cli.client import Client, Connection
from emulator.cli.main import main
from emulator.config import Config
from emulator.server.runner import ThreadedEmulator
from tests.conftest import START_MS


def start_server() -> ThreadedEmulator:
    return ThreadedEmulator(Config(port=0, clock_mode="virtual", start_ms=START_MS, seed=7, watch=False)).start()


@pytest.fixture(scope="module")
def _server() -> Iterator[ThreadedEmulator]:
    server = start_server()
    yield server
    server.stop()


class Cli:
    """Runs `pd-emulator …` in this process against the server; answers (exit code, stdout, stderr)."""

    def __init__(self, server: ThreadedEmulator, capsys: pytest.CaptureFixture[str]) -> None:
        self.server, self.capsys = server, capsys
        self.api = Client(Connection(server.url, server.api_key, "test"))

    def __call__(self, *argv: str, connect: bool = True) -> tuple[int, str, str]:
        self.capsys.readouterr()
        extra = ["--url", self.server.url, "--api-key", self.server.api_key] if connect else []
        code = main([*argv, *extra])
        out, err = self.capsys.readouterr()
        return code, out, err

    def deploy(self, code: str, **params: Any) -> dict[str, Any]:
        return self.api.call("POST", "/v1/sources", {"component_code": code, **params})["data"]


@pytest.fixture
def cli(_server: ThreadedEmulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Any) -> Cli:
    for name in ("PD_EMULATOR_URL", "PD_EMULATOR_API_KEY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)                    # no .pd-emulator.json unless a test writes one
    assert _server.emulator is not None
    _server.call(_server.emulator.services.control.reset(keep_users=True))
    return Cli(_server, capsys)


class Follower:
    """`pd-emulator …` as a child process whose output lines are read with a deadline."""

    def __init__(self, *argv: str, cwd: Any = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "emulator", *argv], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed; got {self.seen}")

    def finish(self, timeout: float = 10.0) -> tuple[int, str]:
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        assert self.process.stderr is not None
        stderr = self.process.stderr.read()
        self.process.stderr.close()
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code, stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.finish()
