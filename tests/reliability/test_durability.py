"""`serve --state`: SIGKILL at random moments of a stream of writes never leaves a state file that
fails to load, and a clean restart keeps everything acknowledged before the last successful save.

One client writes in sequence (deploy a source, or run one: its db remembers the write's number
and it emits an event carrying it). A write is acknowledged when its answer arrived. Since the
writes are sequential, the state file must hold a prefix of them: every write acknowledged before
the newest write the file holds is in it, with the db that write left. After a bounded number of
kill cycles a clean restart must serve exactly what the file holds.

The test run makes 5 cycles at random moments; more cycles, or the seed a failure printed (the
same choices of writes and kill delays; the machine's timing still varies):

    PD_DURABILITY_CYCLES=100 PD_DURABILITY_SEED=1234 python -m pytest tests/reliability/test_durability.py -q
"""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from emulator.client.http import CallRefused, EmulatorClient
from emulator.devserver.state_file import read_state_file
from emulator.domain.ids import IdFactory
from emulator.domain.state_document import import_state
from emulator.domain.store import Store
from emulator.server.runner import Emulator
from tests.conftest import emulator_config

KEY = "pd_emu_durability_key_0123456789ab"
CYCLES = int(os.environ.get("PD_DURABILITY_CYCLES", "5"))
SEED = int(os.environ.get("PD_DURABILITY_SEED", str(random.randrange(1 << 30))))
DURABLE = """
export default {
  key: "durable", name: "Durable", version: "0.0.1", type: "source", props: { db: "$.service.db" },
  async run(event) { this.db.set("last", event.k); this.$emit({ k: event.k }, { summary: `write ${event.k}` }); },
};
"""
RUNS_PER_SOURCE_MAX = 90          # under the 100 events a channel keeps: every run stays countable


class Served:
    """`python -m emulator serve --state FILE --port 0 --no-watch` in its own process."""

    def __init__(self, workdir: Path, state: Path) -> None:
        self.log = workdir / f"console-{time.monotonic_ns()}.txt"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "emulator", "serve", "--state", str(state), "--port", "0", "--no-watch",
                 "--api-key", KEY], cwd=workdir, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"})
        self.url = self._wait_for_url()
        self.client = EmulatorClient(self.url, KEY, timeout=30)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = re.search(r"ready at (http://\S+)", self.log.read_text())
            if found:
                return found[1]
            assert self.process.poll() is None, f"serve exited {self.process.returncode}:\n{self.log.read_text()}"
            time.sleep(0.05)
        raise AssertionError("serve did not start:\n" + self.log.read_text())

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.ok(method, path, **kwargs)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(20)


@dataclass
class History:
    """What the client asked for, and which writes were acknowledged."""

    next_write: int = 0
    acked: set[int] = field(default_factory=set)
    last_acked: int = -1                                          # read while the writer runs
    runs_on: dict[int, str] = field(default_factory=dict)        # run write -> source name
    created: dict[int, str] = field(default_factory=dict)        # deploy write -> source name

    def forget_unsaved(self, saved: set[int]) -> None:
        """Writes after the last save died with the process: the next run starts from the file."""
        self.acked &= saved
        self.runs_on = {k: name for k, name in self.runs_on.items() if k in saved}
        self.created = {k: name for k, name in self.created.items() if k in saved}


@dataclass
class Held:
    """What one state file holds, by write number."""

    writes: set[int]
    last_run_of: dict[str, int]            # source name -> `last` in its db
    runs_of: dict[str, set[int]]


def read_held(path: Path) -> Held:
    state = read_state_file(path)                    # raises on a file that does not load
    assert state is not None
    import_state(Store(IdFactory(), lambda: 0), state)
    names = {s["id"]: s["name"] for s in state["sources"]}
    created = {int(name[1:]) for name in names.values() if name.startswith("w")}
    runs_of: dict[str, set[int]] = {name: set() for name in names.values()}
    for event in state["events"]:
        if event.get("channel", "") == "" and isinstance(event.get("event"), dict):
            runs_of[names[event["source_id"]]].add(event["event"]["k"])
    last = {names[s["id"]]: s["db"]["last"] for s in state["sources"] if "last" in s.get("db", {})}
    return Held(writes=created | set().union(*runs_of.values()), last_run_of=last, runs_of=runs_of)


def write_until_stopped(served: Served, history: History, component_id: str, stop: threading.Event,
                        chooser: random.Random) -> None:
    """Sequential writes; each is counted as acknowledged only once its answer arrived."""
    sources = served.call("GET", "/v1/users/me/sources?limit=100")["data"]
    while not stop.is_set():
        k = history.next_write
        history.next_write += 1
        try:
            runs = Counter(history.runs_on.values())
            usable = [s for s in sources if runs[s["name"]] < RUNS_PER_SOURCE_MAX]
            if not usable or chooser.random() < 0.08:
                history.created[k] = f"w{k}"
                sources.append(served.call("POST", "/v1/sources", json={"component_id": component_id,
                                                                        "name": f"w{k}"})["data"])
            else:
                source = chooser.choice(usable)
                history.runs_on[k] = source["name"]
                served.call("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {"k": k}})
        except (CallRefused, OSError):
            return
        history.acked.add(k)
        history.last_acked = k


def check_prefix(held: Held, history: History) -> None:
    """Everything acknowledged before the newest held write is held, with the db it left."""
    frontier = max(held.writes, default=-1)
    missing = sorted(k for k in history.acked if k < frontier and k not in held.writes)
    assert not missing, f"acknowledged writes {missing} lost although write {frontier} was saved (seed {SEED})"
    assert held.writes <= set(history.runs_on) | set(history.created), "the file holds writes never made"
    for name, runs in held.runs_of.items():
        if runs:
            assert held.last_run_of.get(name) == max(runs), f"db of {name} disagrees with its events (seed {SEED})"


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def test_sigkill_during_writes_never_loses_what_was_saved(workdir: Path) -> None:
    state = workdir / "state.json"
    chooser = random.Random(SEED)
    history = History()
    first = Served(workdir, state)
    component_id = first.call("POST", "/v1/components", json={"component_code": DURABLE})["data"]["id"]
    assert first.stop() == 0
    frontiers = []
    for cycle in range(CYCLES):
        served = Served(workdir, state)
        stop = threading.Event()
        writer = threading.Thread(target=write_until_stopped, args=(served, history, component_id, stop, chooser))
        writer.start()
        if cycle % 2:
            _wait_until_saved(state, history)       # sometimes the last write is saved for sure
        time.sleep(chooser.uniform(0.05, 1.2))
        served.kill()
        stop.set()
        writer.join(30)
        held = read_held(state)
        check_prefix(held, history)
        history.forget_unsaved(held.writes)
        frontiers.append(max(held.writes, default=-1))
    assert frontiers == sorted(frontiers) and frontiers[-1] > 0, f"saves stopped advancing: {frontiers}"

    held = read_held(state)
    restarted = Served(workdir, state)
    try:
        _serves_exactly(restarted, held)
    finally:
        assert restarted.stop() == 0
    assert not list(workdir.glob(".state.json.*.tmp")), "a clean restart leaves no half-written temp files"


def _wait_until_saved(state: Path, history: History) -> None:
    """Wait for a write acknowledged now to be saved (the saver debounces; it must not fall behind for ever)."""
    deadline = time.monotonic() + 15
    while history.last_acked < 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    target = history.last_acked
    while time.monotonic() < deadline:
        if state.exists() and max(read_held(state).writes, default=-1) >= target >= 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"acknowledged write {target} never reached the state file (seed {SEED})")


def _serves_exactly(served: Served, held: Held) -> None:
    sources = served.call("GET", "/v1/users/me/sources?limit=100")["data"]
    assert {s["name"] for s in sources} == set(held.runs_of)
    for source in sources:
        events = served.call("GET", f"/v1/sources/{source['id']}/event_summaries")["data"]
        assert {e["event"]["k"] for e in events} == held.runs_of[source["name"]]
        db = served.call("GET", f"/_emulator/sources/{source['id']}/db")["data"]
        assert db.get("last") == held.last_run_of.get(source["name"])


async def test_temp_files_a_killed_save_left_are_swept_at_start(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    stale = tmp_path / ".state.json.k1ll3d.tmp"
    stale.write_text('{"users": [')
    unrelated = tmp_path / ".other.json.k1ll3d.tmp"
    unrelated.write_text("{}")
    async with Emulator(emulator_config(state_file=str(state))):
        assert not stale.exists()
    assert unrelated.exists()
