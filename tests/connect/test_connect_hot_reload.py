"""A deployed trigger follows its component's file: a save updates it in place, a deletion deactivates it."""
from __future__ import annotations

import time
from pathlib import Path

from emulator.testing.fixtures import PdEmulatorServer, fixture_config
from tests.connect.conftest import ConnectApi, control

CODE = """export default { key: "greeter", name: "Greeter", version: "0.0.1", type: "source",
  props: { db: "$.service.db" },
  async run() { const n = (this.db.get("n") ?? 0) + 1; this.db.set("n", n); this.$emit({ word: "WORD", n }); } };"""


def eventually(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return result


def test_a_saved_file_updates_deployed_triggers_in_place_and_a_deleted_one_deactivates_them(tmp_path: Path) -> None:
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "greeter.mjs").write_text(CODE.replace("WORD", "hello"))
    server = PdEmulatorServer(fixture_config([folder], watch=True)).start()
    try:
        api = ConnectApi(server)
        deployed = api.deploy("user-1", "greeter")

        def run_and_read() -> dict:
            control(server).ok("POST", f"/_emulator/sources/{deployed['id']}/run", json={"event": {}})
            return api.ok("GET", f"/deployed-triggers/{deployed['id']}/events",
                          params={"external_user_id": "user-1", "n": 1})["data"][0]["e"]

        assert run_and_read() == {"word": "hello", "n": 1}
        (folder / "greeter.mjs").write_text(CODE.replace("WORD", "bonjour"))
        latest = eventually(lambda: (e := run_and_read())["word"] == "bonjour" and e)
        assert latest["n"] > 1                                        # same trigger, same db, new code
        (folder / "greeter.mjs").unlink()
        eventually(lambda: not api.ok("GET", f"/deployed-triggers/{deployed['id']}",
                                      params={"external_user_id": "user-1"})["data"]["active"])
        assert not server.problems()
    finally:
        server.stop()
