"""`serve --state FILE` through a real process: failed saves are reported, retried and visible in
health; the final save follows the runs in flight at SIGTERM, and its failure is reported as such."""
from __future__ import annotations

import json
import shutil
import signal
import time
from pathlib import Path

from emulator.client.http import EmulatorClient
from tests.serve.test_serve_command import Served, start

SLOW_TIMER = """export default { key: "slow-timer", name: "Slow timer", version: "0.0.1", type: "source",
  props: { timer: { type: "$.interface.timer", default: { intervalSeconds: 1 } } },
  async run(event) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    this.$emit({ done: event.timestamp }, { summary: "slow run done" });
  } };"""


def health(served: Served) -> dict:
    return EmulatorClient(served.url, timeout=10).ok("GET", "/_emulator/health")


def saved_state(path: Path) -> dict:
    return json.loads(path.read_text())


def exit_code(served: Served) -> int:
    """Wait for a server already told to stop (a second signal would kill it outright)."""
    try:
        return served.process.wait(10)
    finally:
        if served.process.stdout:
            served.process.stdout.close()


def wait_for(condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_failing_save_is_reported_retried_and_visible_in_health(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    state = tmp_path / "state.json"
    served = start(folder, "--clock", "virtual", "--state", str(state))
    try:
        served.call("POST", "/_emulator/users", {"username": "first"})
        wait_for(state.exists)
        state.unlink()
        state.mkdir()                               # the rename onto it fails, even as root
        user = served.call("POST", "/_emulator/users", {"username": "while-failing"})["data"]
        line = served.read_until(r"state could not save (\S+): (.+) \(retrying in")
        assert line[1] == str(state) and "directory" in line[2].lower()
        report = health(served)
        assert report["status"] == "degraded"
        assert report["state_file"]["ok"] is False and "directory" in report["state_file"]["error"].lower()
        assert report["state_file"]["unsaved_changes"] is True

        state.rmdir()                               # the disk is fixed: the next retry saves
        served.read_until(r"state saved \S+ again after \d+ failed attempt")
        assert health(served)["status"] == "ok"
        assert user["id"] in [u["id"] for u in saved_state(state)["users"]]
    finally:
        assert served.stop(signal.SIGTERM) == 0


def test_a_failed_final_save_is_reported_as_such_not_as_a_port_problem(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    state = tmp_path / "state.json"
    served = start(folder, "--clock", "virtual", "--state", str(state))
    served.call("POST", "/_emulator/users", {"username": "first"})
    wait_for(state.exists)
    state.unlink()
    state.mkdir()
    served.call("POST", "/_emulator/users", {"username": "never-saved"})
    served.process.send_signal(signal.SIGTERM)
    served.read_until(f"stopped, but could not save state to {state}: .*not in the file")
    assert exit_code(served) == 1
    assert not any("listen" in line or "--port" in line for line in served.lines), served.lines
    shutil.rmtree(state)


def test_sigterm_during_a_timer_run_saves_that_runs_events(tmp_path: Path) -> None:
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "slow.mjs").write_text(SLOW_TIMER)
    state = tmp_path / "state.json"
    served = start(folder, "--clock", "real", "--deploy", "--state", str(state))
    source_id = served.read_until(r"deploy slow-timer as (dc_\w+)")[1]
    time.sleep(2.0)                                  # the first fire (after 1 s) is waiting out its 3 s
    served.process.send_signal(signal.SIGTERM)
    served.read_until(r"run\s+\S+ run \(timer\) ok in \d+ ms, 1 emitted")
    served.read_until(r"stopped")
    assert exit_code(served) == 0
    stopping = next(i for i, line in enumerate(served.lines) if "stopping" in line)
    finished = next(i for i, line in enumerate(served.lines) if "run (timer) ok" in line)
    assert stopping < finished, "the run had ended before SIGTERM: the test proves nothing"
    events = [e for e in saved_state(state)["events"] if e["source_id"] == source_id]
    assert [e["event"] for e in events] and all("done" in e["event"] for e in events)
