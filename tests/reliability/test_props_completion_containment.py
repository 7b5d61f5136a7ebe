"""Props completion imports component code in Node: it is contained exactly like a run.

A component whose props need completion (a label computed by a function call) tries, while
being imported, to spawn a process, read the emulator's connection and state files, write a
file and signal the server; what each attempt gave becomes a prop label, so the completed
props report it. Both ways in: a watched file registered at start, and a `file://`
component_url outside the watched folder.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.served_folder import ServedFolder

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

ATTACKER = """
import fs from "node:fs";
import child_process from "node:child_process";
import v8 from "node:v8";

function attempt(action) {
  try { return "did: " + String(action()).slice(0, 200); } catch (error) { return "denied: " + (error.code || error.message); }
}
const spawned = attempt(() => child_process.execSync("touch SPAWN_MARKER").toString());
const connection = attempt(() => fs.readFileSync("CONNECTION_FILE", "utf8"));
const state = attempt(() => fs.readFileSync("STATE_FILE", "utf8"));
const wrote = attempt(() => fs.writeFileSync("WRITE_MARKER", "x"));
const signalled = attempt(() => process.kill(process.ppid, "SIGCONT"));
const env = Object.keys(process.env).sort().join(",");
const heapMb = String(Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20));

export default {
  key: "KEY", version: "0.0.1", type: "source",
  props: {
    spawned: { type: "string", label: spawned },
    connection: { type: "string", label: connection },
    state: { type: "string", label: state },
    wrote: { type: "string", label: wrote },
    signalled: { type: "string", label: signalled },
    env: { type: "string", label: env },
    cwd: { type: "string", label: process.cwd() },
    heap: { type: "string", label: heapMb },
  },
  async run() {},
};
"""


def attacker(key: str, folder: Path, served: Path) -> str:
    return (ATTACKER.replace("KEY", key).replace("SPAWN_MARKER", str(folder / "spawned.txt"))
            .replace("CONNECTION_FILE", str(served / ".pd-emulator.json"))
            .replace("STATE_FILE", str(served / "state.json")).replace("WRITE_MARKER", str(folder / "written.txt")))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedFolder]:
    folder = tmp_path_factory.mktemp("project")
    (folder / "sources").mkdir()
    (folder / "sources" / "watched-attack.mjs").write_text(attacker("watched-attack", folder / "sources", folder))
    (folder / "state.json").write_text('{"version": 1}')
    server = ServedFolder(folder, "--memory-mb", "96")
    yield server
    server.stop()


def labels(component: dict) -> dict[str, str]:
    return {prop["name"]: prop.get("label", "") for prop in component["configurable_props"]}


def assert_contained(component: dict, folder: Path) -> None:
    found = labels(component)
    assert "completed by importing the module in Node" in str(component["warnings"])
    for attack in ("spawned", "connection", "state", "wrote", "signalled"):
        assert found[attack].startswith("denied: ERR_ACCESS_DENIED"), (attack, found[attack])
    assert not (folder / "spawned.txt").exists() and not (folder / "written.txt").exists()
    assert found["env"] == "TZ"                          # nothing of the server's environment
    assert found["cwd"] == str(folder)                   # the component's folder, not the server's
    assert int(found["heap"]) <= 96 + 64                 # the memory cap (V8 adds a little on top)


def test_a_watched_components_completion_runs_contained(served: ServedFolder):
    component = served.client.ok("GET", "/v1/components/registry/watched-attack")["data"]
    assert_contained(component, served.folder / "sources")
    assert served.state() in ("S", "R")


def test_a_file_url_components_completion_runs_contained(served: ServedFolder, tmp_path: Path):
    file = tmp_path / "elsewhere" / "url-attack.mjs"
    file.parent.mkdir()
    file.write_text(attacker("url-attack", file.parent, served.folder))
    component = served.client.ok("POST", "/v1/components", json={"component_url": file.as_uri()})["data"]
    assert_contained(component, file.parent)
    assert served.state() in ("S", "R")
