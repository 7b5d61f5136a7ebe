"""`pd-emulator serve` as an author runs it: banner, console lines, --deploy, clean stop, --state."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.client.http import EmulatorClient

GOOD = """export default { key: "ticker", name: "Ticker", version: "0.0.1", type: "source",
  props: { timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } },
  async run(event) { this.$emit({ at: event.timestamp }, { summary: `tick ${event.timestamp}` }); } };"""
NEEDS_PROP = """export default { key: "needs-url", name: "Needs URL", version: "0.0.1", type: "source",
  props: { url: { type: "string", label: "Feed URL" } }, async run() {} };"""


class Served:
    def __init__(self, process: subprocess.Popen[str], folder: Path) -> None:
        self.process, self.folder = process, folder
        self.lines: list[str] = []
        self.url = self.key = ""

    def read_until(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                match = re.search(pattern, line)
                if match:
                    return match
            line = self.process.stdout.readline() if self.process.stdout else ""
            if not line and self.process.poll() is not None:
                break
            self.lines.append(line.rstrip("\n"))
        raise AssertionError(f"{pattern!r} not printed; got:\n" + "\n".join(self.lines))

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(5)
        finally:
            if self.process.stdout:
                self.process.stdout.close()

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return EmulatorClient(self.url, self.key, timeout=10).ok(method, path, json=body)


def start(folder: Path, *args: str, cwd: Path | None = None) -> Served:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "emulator", "serve", str(folder), "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                               cwd=cwd or folder.parent)
    served = Served(process, folder)
    served.url = served.read_until(r"ready at (http://\S+)")[1]
    served.key = served.read_until(r"API key\s+(\S+)")[1]
    return served


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "ticker.mjs").write_text(GOOD)
    return folder


@pytest.fixture
def served(folder: Path) -> Iterator[Served]:
    served = start(folder, "--clock", "virtual", "--deploy")
    yield served
    served.stop(signal.SIGKILL)


def test_banner_names_url_key_folders_clock_and_how_to_stop(served: Served, folder: Path) -> None:
    served.read_until("Ctrl-C")
    banner = "\n".join(served.lines)
    assert str(folder) in banner
    assert "virtual" in banner and "Ctrl-C" in banner
    assert "found     1 component: ticker" in banner


def test_one_line_per_run_and_emit(served: Served) -> None:
    served.read_until(r"deploy ticker as (dc_\w+)")
    served.call("POST", "/_emulator/clock/advance", {"seconds": 60})
    served.read_until(r"emit\s+dc_\w+ \d+-0: tick \d+")
    served.read_until(r"run\s+dc_\w+ run \(timer\) ok in [\d.]+ ms, 1 emitted")


def test_sigterm_stops_within_two_seconds(served: Served) -> None:
    began = time.monotonic()
    assert served.stop(signal.SIGTERM) == 0
    assert time.monotonic() - began < 2.0


def test_deploy_lists_missing_required_props_without_failing(folder: Path) -> None:
    (folder / "needs-url.mjs").write_text(NEEDS_PROP)
    served = start(folder, "--clock", "virtual", "--deploy")
    try:
        served.read_until(r"needs-url.*url: is required")
        assert len(served.call("GET", "/v1/users/me/sources")["data"]) == 1
    finally:
        served.stop(signal.SIGINT)


def test_deploy_takes_props_from_pd_emulator_json(folder: Path) -> None:
    (folder / "needs-url.mjs").write_text(NEEDS_PROP)
    (folder / "pd-emulator.json").write_text(json.dumps({"needs-url": {"configured_props": {"url": "https://x"},
                                                                       "name": "feed"}}))
    served = start(folder, "--clock", "virtual", "--deploy")
    try:
        served.read_until(r"deploy needs-url as")
        names = sorted(s["name"] for s in served.call("GET", "/v1/users/me/sources")["data"])
        assert names == ["feed", "ticker"]
    finally:
        served.stop(signal.SIGINT)


def test_state_survives_a_restart(folder: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    served = start(folder, "--clock", "virtual", "--deploy", "--state", str(state), "--api-key", "pd_emu_fixed_key_123")
    source_id = served.read_until(r"deploy ticker as (dc_\w+)")[1]
    served.call("POST", "/_emulator/clock/advance", {"seconds": 120})
    assert served.stop() == 0
    again = start(folder, "--clock", "virtual", "--deploy", "--state", str(state), "--api-key", "pd_emu_fixed_key_123")
    try:
        events = again.call("GET", f"/v1/sources/{source_id}/event_summaries")["data"]
        assert len(events) == 2
        assert len(again.call("GET", "/v1/users/me/sources")["data"]) == 1     # not deployed twice
    finally:
        again.stop()


def test_port_in_use_says_how_to_fix_it(folder: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "emulator", "serve", str(folder), "--port", str(port)],
                                capture_output=True, text=True, timeout=30, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 2
    assert "--port 0" in result.stdout + result.stderr


def test_corrupt_state_file_stops_the_start(folder: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{not json")
    result = subprocess.run([sys.executable, "-m", "emulator", "serve", str(folder), "--port", "0",
                             "--state", str(state)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "not valid JSON" in result.stdout + result.stderr
    assert state.read_text() == "{not json"


def test_tmp_mb_limits_each_sources_private_tmp(tmp_path: Path) -> None:
    folder = tmp_path / "writers"
    folder.mkdir()
    (folder / "writer.mjs").write_text("""import fs from "node:fs";
export default { key: "writer", name: "Writer", version: "0.0.1", type: "source", props: {},
  async run(event) {
    for (let part = 0; part < event.mb * 2; part++) fs.writeFileSync(`/tmp/big-${part}.bin`, Buffer.alloc(512 * 1024));
  } };""")
    served = start(folder, "--tmp-mb", "1", "--deploy")
    try:
        source = served.call("GET", "/v1/users/me/sources")["data"][0]
        run = served.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"mb": 2}})["data"]
        assert run["logs"][-1]["level"] == "warn"
        assert "its /tmp folder holds at least 1.5 MB, over the 1 MB limit" in run["logs"][-1]["message"]
        served.read_until(r"over the 1 MB limit")                   # and a console line says so
    finally:
        served.stop(signal.SIGKILL)
