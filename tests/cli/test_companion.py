"""The companion commands against a real emulator: what they print, in text and as JSON lines."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emulator.api.event_stream import STREAMS
from emulator.cli.arguments import parse_duration
from emulator.cli.client import Client, CompanionError, Connection
from emulator.server.runner import ThreadedEmulator
from emulator.testing import SEEDS
from tests.cli.conftest import Cli, Follower, start_server
from tests.conftest import EMITTER

TIMED = """export default {
  key: "timed", name: "Timed", version: "0.0.1", type: "source",
  props: { timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
           label: { type: "string", label: "Label", default: "tick" } },
  async run(event) { console.log("firing", this.label); this.$emit({ label: this.label }, { summary: this.label }); },
};
"""
WEBHOOK = """export default { key: "hook", name: "Hook", version: "0.0.1", type: "source",
  props: { http: { type: "$.interface.http", customResponse: true } },
  async run(event) {
    this.http.respond({ status: 201, headers: { "x-order": String(event.body.id) }, body: { queued: true } });
  } };"""
FAILING = """export default { key: "failing", name: "Failing", version: "0.0.1", type: "source",
  async run() { throw new Error("nope"); } };"""


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_list_prints_each_source_with_state_schedule_and_next_fire(cli: Cli) -> None:
    source = cli.deploy(TIMED, name="ticker", configured_props={"timer": {"intervalSeconds": 90}})
    code, out, _ = cli("list")
    assert code == 0
    [line] = out.splitlines()
    assert line.startswith(source["id"]) and "ticker" in line and "active" in line
    assert "every 1m30s" in line and "next in 1m30s" in line and "last run never" in line


def test_list_format_json_prints_one_array_and_an_empty_one_when_there_are_none(cli: Cli) -> None:
    assert cli("list", "--format", "json")[:2] == (0, "[]\n")
    first, second = cli.deploy(EMITTER, name="a"), cli.deploy(EMITTER, name="b")
    code, out, _ = cli("list", "--format", "json")
    assert code == 0
    assert [s["id"] for s in json.loads(out)] == [second["id"], first["id"]]


def test_format_json_prints_one_object_per_line(cli: Cli) -> None:
    source = cli.deploy(EMITTER, name="a")
    cli.api.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"count": 2}})
    code, out, _ = cli("events", "a", "--format", "json")
    assert code == 0
    assert [e["event"]["i"] for e in json_lines(out)] == [0, 1]


def test_list_into_a_closed_pipe_prints_no_traceback(cli: Cli) -> None:
    cli.deploy(EMITTER, name="a")
    read_end, write_end = os.pipe()
    os.close(read_end)                   # like `| head` that has already exited
    try:
        done = subprocess.run([sys.executable, "-m", "emulator", "list", "--url", cli.server.url, "--api-key",
                               cli.server.api_key], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr == ""


def test_deploy_and_list_show_an_http_sources_endpoint(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "hook.mjs"
    path.write_text(WEBHOOK)
    code, out, _ = cli("deploy", str(path))
    assert code == 0
    endpoint = cli.api.call("GET", "/v1/users/me/sources")["data"][0]["configured_props"]["http"]["endpoint_url"]
    assert f"HTTP endpoint {endpoint}" in out
    code, out, _ = cli("list")
    assert out.rstrip().endswith(endpoint)


def test_run_shows_the_http_response_the_source_sent(cli: Cli) -> None:
    source = cli.deploy(WEBHOOK)
    code, out, _ = cli("run", source["id"], "--event", '{"body": {"id": 7}}')
    assert code == 0
    assert 'respond 201 x-order: 7 Content-Type: application/json {"queued":true}' in out


def test_logs_say_when_a_source_has_no_runs(cli: Cli) -> None:
    source = cli.deploy(EMITTER, name="quiet")
    state = cli.api.call("GET", "/_emulator/state")
    cli.api.call("PUT", "/_emulator/state", state)           # an imported source has no runs yet
    code, out, _ = cli("logs", "quiet")
    assert code == 0 and "no runs of quiet yet" in out
    assert source["id"]


def test_events_prints_the_last_n_oldest_first_by_name(cli: Cli) -> None:
    source = cli.deploy(EMITTER, name="emitter")
    cli.api.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"count": 5}})
    code, out, _ = cli("events", "emitter", "-n", "3", "--format", "json")
    assert code == 0
    assert [e["event"]["i"] for e in json_lines(out)] == [2, 3, 4]
    code, out, _ = cli("events", source["id"], "-n", "1")
    assert code == 0 and "item 4" in out


def test_logs_print_each_run_with_its_console_output(cli: Cli) -> None:
    source = cli.deploy(TIMED)
    cli.api.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {}})
    code, out, _ = cli("logs", source["id"], "-n", "1")
    assert code == 0
    head, log = out.splitlines()
    assert "run (control) ok in" in head and "1 emitted" in head
    assert log.split() == ["log", "firing", "tick"]


def test_deploy_a_file_with_props_and_a_name(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "timed.mjs"
    path.write_text(TIMED)
    code, out, _ = cli("deploy", str(path), "--prop", "label=hello world", "--prop", "timer=15m", "--name", "mine",
                       "--format", "json")
    assert code == 0
    [source] = json_lines(out)
    assert source["name"] == "mine"
    assert source["configured_props"]["label"] == "hello world"
    assert source["configured_props"]["timer"]["interval_seconds"] == 900


def test_deploy_with_an_unknown_prop_names_the_known_ones(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "timed.mjs"
    path.write_text(TIMED)
    code, _, err = cli("deploy", str(path), "--prop", "lable=x")
    assert code == 1
    assert "no prop lable" in err and "hint: its props are: timer, label" in err


def test_update_changes_props_and_pauses(cli: Cli) -> None:
    source = cli.deploy(TIMED, name="ticker")
    code, out, _ = cli("update", "ticker", "--prop", "label=tock", "--pause")
    assert code == 0 and "paused" in out
    after = cli.api.call("GET", f"/v1/sources/{source['id']}")["data"]
    assert after["configured_props"]["label"] == "tock" and after["active"] is False


def test_delete_removes_the_source(cli: Cli) -> None:
    source = cli.deploy(EMITTER)
    code, out, _ = cli("delete", source["id"])
    assert code == 0 and f"deleted {source['id']}" in out
    code, _, err = cli("delete", source["id"])
    assert code == 1 and "not found" in err and "pd-emulator list" in err


def test_run_prints_the_outcome_and_emits_and_fails_when_the_run_fails(cli: Cli) -> None:
    source = cli.deploy(EMITTER)
    code, out, _ = cli("run", source["id"], "--event", '{"count": 2}')
    assert code == 0
    assert "2 emitted" in out and out.count("emit ") == 2
    failing = cli.deploy(FAILING)
    code, out, _ = cli("run", failing["id"])
    assert code == 1 and "error" in out and "nope" in out


def test_run_with_bad_json_says_how_to_quote_it(cli: Cli) -> None:
    source = cli.deploy(EMITTER)
    code, _, err = cli("run", source["id"], "--event", "{count: 2}")
    assert code == 1 and "not valid JSON" in err and "hint: quote it" in err


def test_clock_advance_fires_due_timers(cli: Cli) -> None:
    source = cli.deploy(TIMED, configured_props={"timer": {"intervalSeconds": 600}})
    code, out, _ = cli("clock", "advance", "1h", "--format", "json")
    assert code == 0
    *runs, clock = json_lines(out)
    assert [r["source_id"] for r in runs] == [source["id"]] * 6
    assert clock["runs"] == 6
    code, out, _ = cli("clock")
    assert code == 0 and "virtual at 2023-11-14 23:13:20 UTC" in out


def test_state_export_then_import_round_trips(cli: Cli, tmp_path: Path) -> None:
    source = cli.deploy(EMITTER, name="kept")
    cli.api.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"count": 2}})
    saved = tmp_path / "state.json"
    assert cli("state", "export", str(saved))[0] == 0
    cli.api.call("POST", "/_emulator/reset", {})
    code, out, _ = cli("state", "import", str(saved))
    assert code == 0 and "1 source, 2 events" in out
    assert [s["name"] for s in cli.api.call("GET", "/v1/users/me/sources")["data"]] == ["kept"]


def test_state_import_gives_a_fixtures_sources_to_your_key_or_says_whose_they_are(cli: Cli) -> None:
    fixture = str(SEEDS / "busy_sources.json")
    code, out, _ = cli("state", "import", fixture)
    assert code == 0 and "3 sources" in out and "not to your key" not in out
    assert len(cli.api.call("GET", "/v1/users/me/sources")["data"]) == 3
    code, out, _ = cli("state", "import", fixture, "--keep-owners")
    assert code == 0 and "3 sources belong to user u_0001ztys (" in out and "not to your key" in out
    assert cli.api.call("GET", "/v1/users/me/sources")["data"] == []


def test_dashboard_prints_a_fresh_one_time_link(cli: Cli) -> None:
    code, out, _ = cli("dashboard", "--format", "json")
    assert code == 0
    assert json_lines(out)[0]["url"].startswith(cli.server.url + "/dashboard/?token=")


def test_the_environment_names_the_emulator(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PD_EMULATOR_URL", cli.server.url)
    monkeypatch.setenv("PD_EMULATOR_API_KEY", cli.server.api_key)
    assert cli("clock", connect=False)[0] == 0


def test_an_unreachable_emulator_is_reported_with_a_hint(cli: Cli) -> None:
    code, _, err = cli("list", "--url", "http://127.0.0.1:9", connect=False)
    assert code == 1
    assert "cannot reach the emulator at http://127.0.0.1:9" in err
    assert "hint: start it with `pd-emulator serve`" in err


def test_a_wrong_key_is_reported_with_a_hint(cli: Cli) -> None:
    code, _, err = cli("list", "--url", cli.server.url, "--api-key", "wrong", "--format", "json", connect=False)
    assert code == 1
    assert "PD_EMULATOR_API_KEY" in json.loads(err)["hint"]


def test_durations_read_like_an_author_writes_them() -> None:
    assert [parse_duration(t) for t in ("90s", "15m", "1h", "1d", "1h30m", "45")] == [90, 900, 3600, 86400, 5400, 45]
    with pytest.raises(CompanionError):
        parse_duration("soon")


def test_events_follow_prints_new_events_and_ends_cleanly_on_ctrl_c(cli: Cli) -> None:
    source = cli.deploy(EMITTER)
    cli.api.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"count": 1}})
    follower = Follower("events", source["id"], "--follow", "--url", cli.server.url, "--api-key", cli.server.api_key)
    try:
        follower.wait_for("item 0", timeout=60)             # a loaded machine starts Python slowly
        _wait_for_a_stream(cli.server)
        cli.api.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"count": 2}})
        follower.wait_for("item 1")
        follower.process.send_signal(signal.SIGINT)
        code, stderr = follower.finish()
    finally:
        follower.kill()
    assert code == 0 and "Traceback" not in stderr
    assert sum("item 0" in line for line in follower.seen) == 2       # the old one once, the new one once


def _wait_for_a_stream(server: ThreadedEmulator) -> None:
    assert server.emulator is not None
    deadline = time.monotonic() + 30
    while not server.emulator.app[STREAMS].tasks:
        assert time.monotonic() < deadline, "the follower never opened its stream"
        time.sleep(0.02)


def test_logs_follow_ends_cleanly_when_the_emulator_stops() -> None:
    server = start_server()
    try:
        api = Client(Connection(server.url, server.api_key, "test"))
        source = api.call("POST", "/v1/sources", {"component_code": EMITTER})["data"]
        follower = Follower("logs", source["id"], "--follow", "--url", server.url, "--api-key", server.api_key)
        follower.wait_for("activate (hook) ok")
        deadline = time.monotonic() + 10
        while not server.emulator.app[STREAMS].tasks:           # its stream is open: now stop under it
            assert time.monotonic() < deadline, "the follower never opened its stream"
            time.sleep(0.02)
    finally:
        server.stop()
    try:
        follower.wait_for("the emulator ended the stream")
        code, stderr = follower.finish()
    finally:
        follower.kill()
    assert code == 0 and "Traceback" not in stderr, stderr


def test_serve_leaves_what_the_commands_need_in_its_folder(tmp_path: Path) -> None:
    serve = Follower("serve", "--port", "0", "--clock", "virtual", "--no-watch", cwd=tmp_path)
    try:
        serve.wait_for("ready at")
        assert (tmp_path / ".pd-emulator.json").is_file()
        listing = Follower("clock", cwd=tmp_path)
        assert "virtual at" in listing.wait_for("clock")
        assert listing.finish()[0] == 0
        serve.process.send_signal(signal.SIGTERM)
        assert serve.finish()[0] == 0
    finally:
        serve.kill()
