"""A component cannot signal the server or another source's worker (Node's permission model does
not cover signals): each attempt, and each way back to the original kill, is denied, and both
processes keep running. The server is a real `serve` child process, so a SIGSTOP or SIGKILL
that got through would stop it, not the test."""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.reliability.served_folder import ServedFolder

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

VICTIM = """
export default {
  props: { db: "$.service.db" },
  async run() { this.db.set("pid", process.pid); this.db.set("runs", (this.db.get("runs") ?? 0) + 1); },
};
"""

ATTACKER = """
import os from "node:os";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);

function attempt(action) {
  try { action(); return "did"; } catch (error) { return "denied: " + (error.code || error.message); }
}
export default {
  props: { db: "$.service.db" },
  async run(event) {
    const server = process.ppid, victim = event.victim;
    const results = {
      ppid: server,
      stop_server: attempt(() => process.kill(server, "SIGSTOP")),
      kill_server: attempt(() => process.kill(server, "SIGKILL")),
      kill_victim: attempt(() => process.kill(victim, "SIGKILL")),
      kill_group: attempt(() => process.kill(-victim, "SIGKILL")),
      raw_kill: attempt(() => process._kill(victim, 9)),
      debug_signal: attempt(() => process._debugProcess(server)),
      binding: attempt(() => process.binding("process_methods")._kill(victim, 9)),
      reassign: attempt(() => { process.kill = () => {}; }),
      redefine: attempt(() => Object.defineProperty(process, "_kill", { value: () => {} })),
      required: attempt(() => require("node:process").kill(victim, "SIGKILL")),
      renice_server: attempt(() => os.setPriority(server, 19)),
    };
    this.db.set("results", results);
  },
};
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedFolder]:
    server = ServedFolder(tmp_path_factory.mktemp("signals"))
    yield server
    server.stop()


def run(served: ServedFolder, source_id: str, event: dict) -> dict:
    return served.client.ok("POST", f"/_emulator/sources/{source_id}/run", json={"event": event})["data"]


def test_a_component_cannot_signal_the_server_or_another_worker(served: ServedFolder):
    victim = served.client.ok("POST", "/v1/sources", json={"component_code": VICTIM})["data"]
    attacker = served.client.ok("POST", "/v1/sources", json={"component_code": ATTACKER})["data"]
    victim_pid = run(served, victim["id"], {})["db_after"]["pid"]

    record = run(served, attacker["id"], {"victim": victim_pid})
    assert record["outcome"] == "ok", record["error"]
    results = record["db_after"]["results"]
    assert results.pop("ppid") == served.process.pid            # the attack aimed at the real server
    assert {name: outcome for name, outcome in results.items() if not outcome.startswith("denied")} == {}
    assert results["kill_server"] == "denied: ERR_ACCESS_DENIED"

    assert served.state() in ("S", "R")                          # neither stopped nor killed
    after = run(served, victim["id"], {})
    assert after["outcome"] == "ok"
    assert after["db_after"]["pid"] == victim_pid and after["db_after"]["runs"] == 2   # the same live worker


def test_a_component_may_still_signal_itself(served: ServedFolder):
    crasher = served.client.ok("POST", "/v1/sources", json={
        "component_code": 'export default { async run() { process.kill(process.pid, "SIGSEGV"); } };'})["data"]
    record = run(served, crasher["id"], {})
    assert record["outcome"] == "crash" and "SIGSEGV" in record["error"]["message"]
