"""A killed `pd-emulator serve` leaves its hidden last good copies behind; the next one removes them.

Only files named exactly as the dev server names its copies go, and only those no running emulator
keeps; the component files and every look-alike stay as they were.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from emulator.devserver.last_good import OWNER_LINE
from tests.serve.test_serve_command import GOOD, start

OTHER = GOOD.replace('"ticker"', '"other"').replace("Ticker", "Other")
BROKEN = GOOD.replace("export default {", "export default { broken(", 1)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_restarted_dev_server_removes_the_copies_a_killed_one_left(tmp_path: Path) -> None:
    folder = tmp_path / "components"
    (folder / "sub").mkdir(parents=True)
    (folder / "ticker.mjs").write_text(GOOD)
    (folder / "sub" / "other.mjs").write_text(OTHER)

    killed = start(folder, "--clock", "virtual")
    try:
        (folder / "ticker.mjs").write_text(BROKEN)
        killed.read_until(r"reload .*ticker\.mjs.*still running the last good version")
        copy = folder / ".ticker.pd-last-good.mjs"
        assert copy.read_text().startswith(GOOD)
    finally:
        killed.stop(signal.SIGKILL)
    assert copy.exists(), "a SIGKILLed server cannot remove its copy"

    host = socket.gethostname()
    owned = {  # a copy whose owner is gone, one from before owners were written, one half-written long ago
        folder / "sub" / ".other.pd-last-good.mjs": f"{OTHER}\n{OWNER_LINE.format(pid=dead_pid(), host=host)}\n",
        folder / ".old.pd-last-good.js": "export default {};\n",
        folder / ".ticker.pd-last-good.mjs.partial~": GOOD,
    }
    look_alikes = {
        folder / "ticker.pd-last-good.mjs": GOOD,                  # not hidden
        folder / ".ticker.pd-last-good.mjs.bak": GOOD,             # a backup of one
        folder / ".notes.pd-last-good.txt": "notes",               # not a component's suffix
        folder / ".ticker.pd-last-good-mine.mjs": GOOD,
        folder / "node_modules" / "pkg" / ".index.pd-last-good.js": "module.exports = {};",   # not watched
        # kept by a running emulator: this test's process, on this host
        folder / ".live.pd-last-good.mjs": f"{GOOD}\n{OWNER_LINE.format(pid=os.getpid(), host=host)}\n",
        folder / ".remote.pd-last-good.mjs": f"{GOOD}\n{OWNER_LINE.format(pid=dead_pid(), host='elsewhere')}\n",
    }
    for path, text in {**owned, **look_alikes}.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    long_ago = time.time() - 3600
    os.utime(folder / ".ticker.pd-last-good.mjs.partial~", (long_ago, long_ago))
    (folder / "ticker.mjs").write_text(GOOD)
    components = {path: path.read_text() for path in (folder / "ticker.mjs", folder / "sub" / "other.mjs")}

    restarted = start(folder, "--clock", "virtual")
    try:
        line = restarted.read_until(r"clean\s+.*")[0]
        for path in [copy, *owned]:
            assert not path.exists(), path
            assert str(path.relative_to(folder)) in line, line
        for path, text in {**look_alikes, **components}.items():
            assert path.read_text() == text, path
        assert ("kept .live.pd-last-good.mjs, .remote.pd-last-good.mjs: an emulator still running (or on another "
                "host) may use it") in line
        assert sum("clean " in printed for printed in restarted.lines) == 1
    finally:
        restarted.stop(signal.SIGKILL)


def test_a_dev_server_with_nothing_left_over_says_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "ticker.mjs").write_text(GOOD)
    served = start(folder, "--clock", "virtual")
    try:
        served.read_until("Ctrl-C")
        assert not any("clean " in line for line in served.lines)
    finally:
        served.stop(signal.SIGTERM)


def test_copies_beside_a_file_deployed_from_outside_the_folders_are_removed_too(tmp_path: Path) -> None:
    """Such a file is followed from its deploy on; with --state the next server knows it, and looks at
    its own copies only: the rest of that folder is not the emulator's."""
    folder, outside, state = tmp_path / "components", tmp_path / "elsewhere", tmp_path / "state.json"
    folder.mkdir()
    outside.mkdir()
    (outside / "ticker.mjs").write_text(GOOD)
    not_ours = outside / ".notes.pd-last-good.mjs"            # beside no deployed file: not looked at
    not_ours.write_text("export default {};\n")

    killed = start(folder, "--clock", "virtual", "--state", str(state))
    try:
        killed.call("POST", "/v1/sources", {"component_url": (outside / "ticker.mjs").as_uri()})
        (outside / "ticker.mjs").write_text(BROKEN)
        killed.read_until(r"reload .*ticker\.mjs.*still running the last good version")
        deadline = time.monotonic() + 10
        while str(outside / "ticker.mjs") not in (state.read_text() if state.exists() else ""):
            assert time.monotonic() < deadline, "the state file never named the deployed file"
            time.sleep(0.05)
    finally:
        killed.stop(signal.SIGKILL)
    copy = outside / ".ticker.pd-last-good.mjs"
    assert copy.exists(), "a SIGKILLed server cannot remove its copy"
    (outside / "ticker.mjs").write_text(GOOD)

    restarted = start(folder, "--clock", "virtual", "--state", str(state))
    try:
        line = restarted.read_until(r"clean\s+.*")[0]
        assert str(outside) in line and ".ticker.pd-last-good.mjs" in line, line
        assert not copy.exists()
        assert not_ours.read_text() == "export default {};\n"
    finally:
        restarted.stop(signal.SIGKILL)
