"""Hostile components are contained and reported while a healthy timer source keeps its schedule.

Each case deploys one hostile source into an emulator that also runs a 60 s ticker on a virtual
clock. While the hostile run is under way, the clock is advanced a minute: the ticker must fire
exactly on its minute, and the API must answer. Then the fault must be reported: by the run's
outcome and error, and by `GET /_emulator/sources/{id}/logs` (a failing deploy or activate hook is
reported by the 400 that refuses the source).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from emulator.server.runner import ThreadedEmulator
from tests.conftest import START_MS
from tests.reliability.harness import TICKER, JsonClient, threaded_config

MINUTE_MS = 60_000
API_ANSWER_S = 3.0          # generous on a loaded 2-core machine; a blocked loop would take the run's timeout


@dataclass(frozen=True)
class Hostile:
    name: str
    body: str                           # the component's members besides props
    outcome: str                        # the run's outcome, or "refused" when the deploy is refused
    says: str                           # a fragment of the reported error (or log) message
    trigger: str = "run"                # run | deploy | pause

    def code(self, state_file: str) -> str:
        body = self.body.replace("STATE_FILE", state_file)
        return ('import fs from "node:fs";\nimport child_process from "node:child_process";\n'
                'import { Worker } from "node:worker_threads";\n'
                f'export default {{ key: "hostile-{self.name}", version: "0.0.1", {body} }};')


HOSTILE = [
    Hostile("throw-in-deploy", 'hooks: { async deploy() { throw new Error("deploy exploded"); } }, async run() {}',
            "refused", "deploy exploded", trigger="deploy"),
    Hostile("throw-in-activate",
            'hooks: { async activate() { throw new Error("activate exploded"); } }, async run() {}',
            "refused", "activate exploded", trigger="deploy"),
    Hostile("throw-in-deactivate", 'hooks: { async deactivate() { throw new Error("deactivate exploded"); } }, '
            'async run() {}', "error", "deactivate exploded", trigger="pause"),
    Hostile("throw-in-run", 'async run() { throw new TypeError("run exploded"); }', "error", "run exploded"),
    Hostile("infinite-loop", "async run() { while (true) {} }", "timeout", "timeout"),
    Hostile("never-settles", "async run() { await new Promise(() => {}); }", "timeout", "timeout"),
    Hostile("unbounded-allocation",
            "async run() { const hoard = []; while (true) hoard.push(new Array(1e5).fill(7)); }",
            "memory", "memory limit"),
    Hostile("unbounded-buffers", "async run() { const hoard = []; while (true) hoard.push(Buffer.alloc(16e6, 1)); }",
            "memory", "memory limit"),
    Hostile("process-exit", "async run() { process.exit(3); }", "exit", "process.exit(3)"),
    Hostile("unhandled-rejection", 'async run() { Promise.reject(new Error("nobody caught me")); }',
            "error", "nobody caught me"),
    Hostile("throw-in-a-timer", 'async run() { setTimeout(() => { throw new Error("thrown later"); }, 1); '
            "await new Promise((r) => setTimeout(r, 50)); }", "error", "thrown later"),
    Hostile("huge-emit", 'async run() { this.$emit({ blob: "x".repeat(1_500_000) }); }', "ok",
            "over the 1000000-byte limit"),
    Hostile("thousands-of-emits", "async run() { for (let i = 0; i < 5000; i++) this.$emit({ i }); }", "ok", ""),
    Hostile("read-etc-passwd", 'async run() { this.$emit(fs.readFileSync("/etc/passwd", "utf8")); }',
            "error", "ERR_ACCESS_DENIED"),
    Hostile("read-the-state-file", 'async run() { this.$emit(fs.readFileSync("STATE_FILE", "utf8")); }',
            "error", "ERR_ACCESS_DENIED"),
    Hostile("list-the-root", 'async run() { this.$emit(fs.readdirSync("/")); }', "error", "ERR_ACCESS_DENIED"),
    Hostile("write-a-file", 'async run() { fs.writeFileSync("/var/tmp/pd-emulator-hostile.txt", "x"); }',
            "error", "ERR_ACCESS_DENIED"),
    Hostile("spawn-a-process", 'async run() { this.$emit(child_process.execSync("id").toString()); }',
            "error", "ERR_ACCESS_DENIED"),
    Hostile("start-a-worker-thread", 'async run() { new Worker("process.exit(0)", { eval: true }); }',
            "error", "ERR_ACCESS_DENIED"),
]


@pytest.fixture(scope="module")
def state_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("state") / "state.json")


@pytest.fixture(scope="module")
def served(state_file: str) -> Iterator[ThreadedEmulator]:
    config = threaded_config(run_timeout_s=1.5, memory_mb=64, state_file=state_file)
    with ThreadedEmulator(config) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def ticker(client: JsonClient) -> dict[str, Any]:
    return client.ok("POST", "/v1/sources", json={"component_code": TICKER, "name": "healthy ticker"})["data"]


def test_the_state_file_exists_for_the_hostile_reader(client: JsonClient, state_file: str) -> None:
    client.ok("POST", "/_emulator/accounts", json={"app": "slack", "auth": {}})   # a change: the saver writes
    deadline = time.monotonic() + 10
    while not Path(state_file).exists():
        assert time.monotonic() < deadline, "the state file was never written"
        time.sleep(0.05)


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
def test_hostile_component_is_contained_and_reported(hostile: Hostile, served: ThreadedEmulator, client: JsonClient,
                                                     ticker: dict[str, Any], state_file: str) -> None:
    code = hostile.code(state_file)
    with ThreadPoolExecutor(max_workers=1) as pool:
        if hostile.trigger == "deploy":
            fault = pool.submit(client.call, "POST", "/v1/sources", json={"component_code": code})
        else:
            source = client.ok("POST", "/v1/sources", json={"component_code": code})["data"]
            fault = pool.submit(_trigger, client, source["id"], hostile.trigger)
        _ticker_fires_on_its_minute(client, ticker["id"])
        _api_answers(client)
        status, body = fault.result(timeout=60)
    if hostile.outcome == "refused":
        assert status == 400 and hostile.says in body["error"], body
        assert body["code"] == hostile.name.removeprefix("throw-in-") + "_failed"
        return
    _reported(client, source["id"], hostile)
    _ticker_fires_on_its_minute(client, ticker["id"])


def _trigger(client: JsonClient, source_id: str, how: str) -> tuple[int, Any]:
    if how == "pause":
        return client.put(f"/v1/sources/{source_id}", json={"active": False})
    return client.post(f"/_emulator/sources/{source_id}/run", json={"event": {}})


def _ticker_fires_on_its_minute(client: JsonClient, ticker_id: str) -> None:
    """Advance one minute: the ticker runs once, at the minute it was due, and emits its tick."""
    now = client.ok("GET", "/_emulator/clock")["now_ms"]
    due = START_MS + MINUTE_MS * ((now - START_MS) // MINUTE_MS + 1)
    advanced = client.ok("POST", "/_emulator/clock/advance", json={"until_ms": due})
    runs = [r for r in advanced["runs"] if r["source_id"] == ticker_id]
    assert [(r["at_ms"], r["outcome"], r["emitted"]) for r in runs] == [(due, "ok", 1)], advanced


def _api_answers(client: JsonClient) -> None:
    started = time.monotonic()
    status, _ = client.get("/v1/users/me/sources", timeout=API_ANSWER_S)
    assert status == 200
    assert time.monotonic() - started < API_ANSWER_S


def _reported(client: JsonClient, source_id: str, hostile: Hostile) -> None:
    """The newest log entry of the source tells the outcome and why; nothing else of it went wrong."""
    logs = client.ok("GET", f"/_emulator/sources/{source_id}/logs?limit=1")["data"]
    run = logs[0]
    method = "deactivate" if hostile.trigger == "pause" else "run"
    assert (run["method"], run["outcome"]) == (method, hostile.outcome), run
    said = (run["error"] or {}).get("message", "") + (run["error"] or {}).get("code", "")
    said += " ".join(log["message"] for log in run["logs"])
    assert hostile.says in said, run
    if hostile.name == "thousands-of-emits":
        assert len(run["emitted"]) == 5000
        summaries = client.ok("GET", f"/v1/sources/{source_id}/event_summaries")
        assert summaries["page_info"]["total_count"] == 100
    if hostile.name == "huge-emit":
        assert run["emitted"] == []
