"""Through the real server: every source has its own `/tmp`. Source A's files are not source B's;
neither reaches the other's temp folder by its real path, the host's `pd-sandbox-*` root, or the
emulator's own files in /tmp; a deleted source's folder is removed."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.harness import JsonClient

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

PROBE = """
import fs from "node:fs";
import os from "node:os";
export default {
  async run(event) {
    if (event.write) fs.writeFileSync("/tmp/x", event.write);
    const tried = {};
    for (const target of event.read ?? []) {
      try { tried[target] = fs.readFileSync(target, "utf8"); } catch (error) { tried[target] = error.message; }
    }
    console.log(JSON.stringify({ tmpdir: os.tmpdir(), tried }));
  },
};
"""


@pytest.fixture
def host_file() -> Iterator[Path]:
    """A file of the emulator's user directly in /tmp, as the host's own temporary files are."""
    fd, name = tempfile.mkstemp(prefix="pd-host-secret-", dir="/tmp")
    os.write(fd, b"the host's")
    os.close(fd)
    yield Path(name)
    os.unlink(name)


def run(client: JsonClient, source_id: str, event: dict[str, Any]) -> dict[str, Any]:
    record = client.ok("POST", f"/_emulator/sources/{source_id}/run", json={"event": event})["data"]
    assert record["outcome"] == "ok", record["error"]
    return json.loads(record["logs"][-1]["message"])


def test_sources_have_separate_tmp_folders_that_survive_runs_and_go_with_the_source(client, host_file):
    a = client.ok("POST", "/v1/sources", json={"component_code": PROBE, "name": "tmp a"})["data"]["id"]
    b = client.ok("POST", "/v1/sources", json={"component_code": PROBE, "name": "tmp b"})["data"]["id"]

    a_first = run(client, a, {"write": "from A"})
    a_folder = a_first["tmpdir"]
    assert run(client, a, {"read": ["/tmp/x"]})["tried"] == {"/tmp/x": "from A"}      # a later run of A

    b_folder = run(client, b, {})["tmpdir"]
    root = os.path.dirname(a_folder)
    assert b_folder != a_folder and os.path.dirname(b_folder) == root
    # "//" + a path is not a /tmp path to the mapping, so only Node's permission model stands in the way.
    targets = ["/tmp/x", f"{a_folder}/x", f"/{a_folder}/x", f"/{root}/owner", f"/{host_file}", str(host_file)]
    tried = run(client, b, {"read": targets})["tried"]
    assert "from A" not in json.dumps(tried) and "the host's" not in json.dumps(tried)
    assert tried["/tmp/x"] == "ENOENT: no such file or directory, open '/tmp/x'"
    for target in targets[2:5]:
        assert tried[target].startswith(f"Access to this API has been restricted: reading {target[1:]} is denied")
    # Other literal /tmp paths are B's own /tmp: the host's file is not in it.
    assert tried[str(host_file)] == f"ENOENT: no such file or directory, open '{host_file}'"
    # The host's sandbox folder keeps its real paths, so A's folder is denied by name.
    assert tried[f"{a_folder}/x"].startswith(f"Access to this API has been restricted: reading {a_folder}/x is denied")

    client.ok("DELETE", f"/v1/sources/{a}")
    deadline = time.monotonic() + 10
    while os.path.exists(a_folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(a_folder) and os.path.exists(b_folder)
