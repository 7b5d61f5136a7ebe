"""The dashboard in a real browser: the banner's link, live rows, the clock, reloads, props, state."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from emulator.api.event_stream import STREAMS
from emulator.devserver.watcher import WATCHER
from emulator.testing import SEEDS
from tests.dashboard.conftest import Served, screenshot, sign_in, threaded_emulator

TICKER = """export default {
  key: "ticker", name: "Ticker", version: "0.0.1", type: "source",
  props: { timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
           label: { type: "string", label: "Label", default: "tick" },
           count: { type: "integer", label: "Count", default: 1 } },
  async run(event) {
    for (let i = 0; i < this.count; i++) this.$emit({ label: this.label, i, at: event.timestamp }, { summary: `${this.label} ${i}` });
  },
};
"""
BIG_OR_FAILING = """export default {
  key: "big", name: "Big", version: "0.0.1", type: "source",
  async run(event) {
    if (event.fail) throw new Error("asked to fail");
    this.$emit({ text: "y".repeat(event.size) }, { summary: "big one" });
  },
};
"""
BROKEN = """export default {
  key: "ticker", name: "Ticker", version: "0.0.2", type: "source",
  async run() { this.$emit({ }, { summary: "x" ) },
};
"""


def test_the_banners_link_opens_the_dashboard(page: Any, tmp_path: Path) -> None:
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "ticker.mjs").write_text(TICKER)
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "emulator", "serve", str(folder), "--port", "0", "--deploy",
                                "--clock", "virtual", "--no-watch"], cwd=tmp_path, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        link = _banner_link(process)
        page.goto(link)
        expect(page.get_by_test_id("stream-status")).to_have_text(re.compile("live"))
        expect(page.locator("table.sources")).to_contain_text("every 1m")
        assert "token" not in page.url
        screenshot(page, "overview")
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)


def _banner_link(process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 20
    lines = []
    while time.monotonic() < deadline and process.stdout:
        line = process.stdout.readline()
        lines.append(line)
        match = re.search(r"dashboard\s+(http://\S+)", line)
        if match:
            return match[1]
    raise AssertionError("no dashboard link in the banner:\n" + "".join(lines))


def test_the_dashboard_refuses_a_missing_token(page: Any, served: Served) -> None:
    response = page.goto(f"{served.url}/dashboard/")
    assert response.status == 401
    expect(page.locator("h1")).to_have_text("Open the dashboard from its link")
    assert page.request.get(f"{served.url}/_emulator/stream").status == 401
    screenshot(page, "refused")


def test_a_runs_emit_appears_live_without_reloading(page: Any, served: Served) -> None:
    source = served.deploy(TICKER)
    sign_in(page, served, f"sources/{source['id']}")
    expect(page.locator(".empty")).to_contain_text("No events")
    page.evaluate("window.notReloaded = true")
    served.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {}})
    row = page.locator("li[data-event-id]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("tick 0")
    assert page.evaluate("window.notReloaded") is True
    row.locator(".row-head").click()
    expect(row.locator(".json-tree").first).to_contain_text('"tick"')
    screenshot(page, "source-events")


def test_after_a_dropped_stream_the_page_shows_it_and_resumes_without_loss_or_duplicates(page: Any,
                                                                                        served: Served) -> None:
    source = served.deploy(TICKER)
    served.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {}})
    sign_in(page, served, f"sources/{source['id']}")
    expect(page.locator("li[data-event-id]")).to_have_count(1)
    served.server.call(_drop_streams(served))
    expect(page.get_by_role("status").filter(has_text="reconnecting")).to_be_visible()
    served.call("PUT", f"/v1/sources/{source['id']}", {"configured_props": {"count": 2}})
    served.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {}})
    expect(page.get_by_test_id("stream-status")).to_have_text(re.compile("live"))
    rows = page.locator("li[data-event-id]")
    expect(rows).to_have_count(3)
    ids = rows.evaluate_all("rows => rows.map(r => r.dataset.eventId)")
    assert len(set(ids)) == 3
    screenshot(page, "source-events-resumed")


async def _drop_streams(served: Served) -> None:
    """End every open SSE response the way shutdown does, leaving the emulator running."""
    assert served.server.emulator is not None
    for task in list(served.server.emulator.app[STREAMS].tasks):
        task.cancel()


def test_a_large_event_opens_whole_and_errors_have_their_channel(page: Any, served: Served) -> None:
    source = served.deploy(BIG_OR_FAILING)
    served.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"size": 3000}})
    served.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"fail": True}})
    sign_in(page, served, f"sources/{source['id']}")
    row = page.locator("li[data-event-id]")
    expect(row).to_contain_text("3011 bytes")
    row.locator(".row-head").click()
    expect(row.locator(".json-string").first).to_contain_text("y" * 3000)
    page.get_by_label("channel").select_option("$errors")
    expect(page).to_have_url(re.compile(r"channel=%24errors"))
    expect(page.locator("li[data-event-id]")).to_contain_text("asked to fail")
    screenshot(page, "source-errors-channel")


def test_advancing_the_clock_from_the_page_runs_the_timers(page: Any, served: Served) -> None:
    source = served.deploy(TICKER, configured_props={"timer": {"intervalSeconds": 60}})
    sign_in(page, served, "clock")
    expect(page.locator("table.upcoming")).to_contain_text("in 1m")
    page.get_by_role("button", name="+15m").click()
    expect(page.get_by_test_id("advance-result")).to_contain_text("15 timer runs")
    expect(page.get_by_test_id("clock-now")).to_have_text("2023-11-14 22:28:20 UTC")
    screenshot(page, "clock")
    page.goto(f"{served.url}/dashboard/sources/{source['id']}/runs")
    expect(page.locator("li[data-run-id]")).to_have_count(15)
    expect(page.locator("li[data-run-id]").first).to_contain_text("(timer)")
    screenshot(page, "source-runs")


def test_a_broken_save_shows_the_error_line_and_the_last_good_version(page: Any, tmp_path: Path) -> None:
    folder = tmp_path / "components"
    folder.mkdir()
    component = folder / "ticker.mjs"
    component.write_text(TICKER)
    server = threaded_emulator(folders=(str(folder),), watch=True)
    try:
        _wait_until(lambda: server.emulator.app[WATCHER].ready.is_set())
        served = Served(server)
        sign_in(page, served, "components")
        expect(page.locator("table.components")).to_contain_text("up to date")
        component.write_text(BROKEN)
        error = page.get_by_test_id("reload-error")
        expect(error).to_contain_text("Running the last good version")
        expect(error).to_contain_text("ticker.mjs:3:")
        screenshot(page, "components-broken-save")
    finally:
        server.stop()


def _wait_until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_editing_props_saves_them_through_the_api(page: Any, served: Served) -> None:
    source = served.deploy(TICKER)
    sign_in(page, served, f"sources/{source['id']}/configuration")
    page.get_by_label("value of label").fill("tock")
    page.get_by_label("value of count").fill("3")
    page.get_by_role("button", name="Save configuration").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    configured = served.call("GET", f"/v1/sources/{source['id']}")["data"]["configured_props"]
    assert (configured["label"], configured["count"]) == ("tock", 3)
    screenshot(page, "source-configuration")


def test_state_exports_as_a_download_and_imports_from_a_file(page: Any, served: Served, tmp_path: Path) -> None:
    source = served.deploy(TICKER, name="kept")
    served.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {}})
    sign_in(page, served, "state")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download state").click()
    saved = tmp_path / "state.json"
    download.value.save_as(saved)
    assert [s["name"] for s in json.loads(saved.read_text())["sources"]] == ["kept"]
    served.call("POST", "/_emulator/reset", {})
    assert served.call("GET", "/v1/users/me/sources")["data"] == []
    page.get_by_label("state file").set_input_files(str(saved))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("1 source, 1 event")
    assert [s["name"] for s in served.call("GET", "/v1/users/me/sources")["data"]] == ["kept"]
    screenshot(page, "state")


def test_importing_a_seed_of_another_user_shows_its_sources_or_says_whose_they_are(page: Any, served: Served) -> None:
    sign_in(page, served, "state")
    page.get_by_label("state file").set_input_files(str(SEEDS / "busy_sources.json"))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("3 sources, 396 events.")
    assert len(served.call("GET", "/v1/users/me/sources")["data"]) == 3      # now the dashboard's own
    page.get_by_label("keep the file's users and keys").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("3 sources belong to user u_0001ztys (dev), not to you")
