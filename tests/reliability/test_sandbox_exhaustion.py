"""One component cannot exhaust or outlive its place in the server: memory grown after run()
returns, a forged frame header on the reply pipe, a server it starts, timers it leaves behind,
the workers of deleted sources and the temporary folders of a SIGKILLed server."""
from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from emulator.server.runner import ThreadedEmulator
from tests.reliability.harness import threaded_config
from tests.reliability.served_folder import ServedFolder

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

GROWS_AFTER_RUN = """
export default {
  props: { db: "$.service.db" },
  async run() {
    const hoard = [];
    const { port1, port2 } = new MessageChannel();       // not a timer: it outlives the run
    port1.onmessage = () => { hoard.push(Buffer.alloc(16 * 2 ** 20, 1)); port2.postMessage(0); };
    port2.postMessage(0);
    port1.unref?.();
    this.db.set("pid", process.pid);
  },
};
"""

FORGED_FRAME = """
import fs from "node:fs";
export default {
  async run() {
    const out = Number(process.argv[3]);                  // the worker's reply pipe
    const header = Buffer.alloc(4);
    header.writeUInt32BE(2 ** 30);                        // announces 1 GB ...
    fs.writeSync(out, header);
    const chunk = Buffer.alloc(8 * 2 ** 20, 0x20);
    for (let sent = 0; sent < 2 ** 30; sent += chunk.length) fs.writeSync(out, chunk);   // ... and sends it
  },
};
"""

LISTENS = """
import http from "node:http";
import dgram from "node:dgram";
export default {
  props: { db: "$.service.db" },
  async run() {
    const tried = {};
    for (const [name, start] of Object.entries({
      http: () => http.createServer((q, s) => s.end("still here")).listen(0, "0.0.0.0"),
      udp: () => dgram.createSocket("udp4").bind(0),
    })) {
      try { start(); tried[name] = "listening"; } catch (error) { tried[name] = `${error.code}: ${error.message}`; }
    }
    this.db.set("tried", tried);
  },
};
"""

LEAVES_TIMERS = """
export default {
  props: { db: "$.service.db" },
  async run() {
    setTimeout(() => process.kill(process.pid, "SIGKILL"), 200);
    setInterval(() => {}, 10);
    this.db.set("pid", process.pid);
  },
};
"""

PID = "export default { props: { db: '$.service.db' }, async run() { this.db.set('pid', process.pid); } };"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedFolder]:
    server = ServedFolder(tmp_path_factory.mktemp("exhaustion"), "--memory-mb", "64")
    yield server
    server.stop()


def deploy(served: ServedFolder, code: str) -> str:
    return served.client.ok("POST", "/v1/sources", json={"component_code": code})["data"]["id"]


def run(served: ServedFolder, source_id: str) -> dict:
    return served.client.ok("POST", f"/_emulator/sources/{source_id}/run", json={"event": {}})["data"]


def wait_until(condition: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def test_memory_grown_after_the_run_returned_stops_the_worker_with_a_console_line(served: ServedFolder):
    source_id = deploy(served, GROWS_AFTER_RUN)
    record = run(served, source_id)
    assert record["outcome"] == "ok"
    pid = record["db_after"]["pid"]
    wait_until(lambda: not alive(pid))
    wait_until(lambda: f"{source_id}: its Node process grew to" in served.output())
    assert "after its run (limit 192 MB) and was stopped" in served.output()
    assert run(served, source_id)["outcome"] == "ok"             # the next run gets a new process


def test_a_forged_frame_header_kills_the_worker_and_the_error_names_it(served: ServedFolder):
    before_mb = peak_rss_mb(served.process.pid)
    record = run(served, deploy(served, FORGED_FRAME))
    assert record["outcome"] == "crash"
    assert record["error"]["name"] == "ProtocolViolation"
    assert f"a frame of {2 ** 30} bytes was announced" in record["error"]["message"]
    assert "its Node process was killed" in record["error"]["message"]
    assert peak_rss_mb(served.process.pid) < before_mb + 100     # nothing like the 1 GB was buffered


def test_a_component_cannot_listen_for_connections(served: ServedFolder):
    record = run(served, deploy(served, LISTENS))
    assert record["outcome"] == "ok", record["error"]
    tried = record["db_after"]["tried"]
    assert tried["http"].startswith("ERR_ACCESS_DENIED: Access to this API has been restricted: listening")
    assert tried["udp"].startswith("ERR_ACCESS_DENIED")


def test_timers_left_pending_after_the_run_are_stopped(served: ServedFolder):
    source_id = deploy(served, LEAVES_TIMERS)
    first = run(served, source_id)
    assert "2 timer(s) the run left pending were stopped" in first["logs"][-1]["message"]
    time.sleep(0.6)                                   # the SIGKILL timer would have fired by now
    assert alive(first["db_after"]["pid"])
    second = run(served, source_id)
    assert second["outcome"] == "ok" and second["db_after"]["pid"] == first["db_after"]["pid"]


def test_a_deleted_sources_worker_and_folder_are_collected(served: ServedFolder):
    source_id = deploy(served, PID)
    pid = run(served, source_id)["db_after"]["pid"]
    folder = Path(os.readlink(f"/proc/{pid}/cwd"))
    assert (folder / "component.mjs").exists()
    served.client.ok("DELETE", f"/v1/sources/{source_id}")
    wait_until(lambda: not alive(pid) and not folder.exists())


def test_a_sigkilled_servers_temporary_folders_are_removed_at_the_next_start(tmp_path: Path):
    crashed = ServedFolder(tmp_path)
    try:
        pid = run(crashed, deploy(crashed, PID))["db_after"]["pid"]
        root = Path(os.readlink(f"/proc/{pid}/cwd")).parent
        assert root.name.startswith("pd-sandbox-")
        crashed.process.send_signal(signal.SIGKILL)
        crashed.process.wait(10)
        wait_until(lambda: not alive(pid))            # its workers end with it (their pipes close)
        assert root.exists()
    finally:
        crashed.stop()
    with ThreadedEmulator(threaded_config()):
        assert not root.exists()
