"""The dashboard on a narrow window, with names, plurals and plain words where ids and errors were."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from emulator.cli.client import CompanionError
from emulator.devserver.watcher import WATCHER
from tests.dashboard.conftest import Served, screenshot, sign_in, threaded_emulator
from tests.dashboard.test_browser import TICKER, _wait_until

NARROW = {"width": 420, "height": 860}


@pytest.fixture
def narrow_page(browser: Any) -> Any:
    context = browser.new_context(viewport=NARROW)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"errors in the page: {errors}"


def _overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_every_page_fits_a_420_pixel_window(narrow_page: Any, served: Served) -> None:
    source = served.deploy(TICKER, name="a source with a rather long name for a phone")
    served.call("POST", "/_emulator/clock/advance", {"seconds": 120})
    sign_in(narrow_page, served)
    for path in ("", "clock", "components", "state", f"sources/{source['id']}", f"sources/{source['id']}/runs",
                 f"sources/{source['id']}/configuration", f"sources/{source['id']}/actions"):
        narrow_page.goto(f"{served.url}/dashboard/{path}")
        expect(narrow_page.locator("main h1")).to_be_visible()
        narrow_page.wait_for_load_state("networkidle")
        assert _overflow(narrow_page) <= 0, f"/dashboard/{path} is wider than 420 px"
    narrow_page.get_by_role("link", name="Clock", exact=True).click()
    expect(narrow_page.get_by_test_id("clock-now")).to_be_visible()
    screenshot(narrow_page, "narrow-clock")


def test_the_clock_names_the_sources_it_ran_and_counts_in_words(page: Any, served: Served) -> None:
    served.deploy(TICKER, name="minutely", configured_props={"timer": {"intervalSeconds": 60}})
    sign_in(page, served, "clock")
    page.get_by_role("button", name="+1m").click()
    result = page.get_by_test_id("advance-result")
    expect(result).to_contain_text(": 1 timer run")
    expect(result).not_to_contain_text("1 timer runs")
    expect(result.locator("td a")).to_have_text("minutely")
    screenshot(page, "clock-advance-names")


def test_an_unknown_tab_links_to_the_real_ones(page: Any, served: Served) -> None:
    source = served.deploy(TICKER)
    sign_in(page, served, f"sources/{source['id']}/run")
    note = page.get_by_test_id("unknown-tab")
    expect(note).to_contain_text("There is no “run” tab")
    note.get_by_role("link", name="Runs").click()
    expect(page).to_have_url(f"{served.url}/dashboard/sources/{source['id']}/runs")


def test_a_failed_deploys_console_link_shows_its_hook_run(page: Any, served: Served) -> None:
    failing = TICKER.replace("async run(event) {", 'hooks: { async deploy() { console.log("checking"); '
                                                     'throw new Error("feed unreachable"); } },\n  async run(event) {')
    with pytest.raises(CompanionError, match="feed unreachable"):
        served.call("POST", "/v1/sources", {"component_code": failing})
    [deploy] = served.call("GET", "/_emulator/runs?method=deploy")["data"]
    source_id = deploy["source_id"]
    sign_in(page, served, f"sources/{source_id}/runs")
    expect(page.get_by_test_id("failed-deploy")).to_contain_text("its deploy failed")
    run = page.locator("li[data-run-id]")
    expect(run).to_contain_text("deploy (hook)")
    run.locator(".row-head").click()
    expect(run).to_contain_text("feed unreachable")
    expect(run).to_contain_text("checking")


def test_a_source_whose_file_is_broken_says_so_on_its_page(page: Any, tmp_path: Path) -> None:
    folder = tmp_path / "components"
    folder.mkdir()
    component = folder / "ticker.mjs"
    component.write_text(TICKER)
    server = threaded_emulator(folders=(str(folder),), watch=True)
    try:
        _wait_until(lambda: server.emulator is not None and server.emulator.app[WATCHER].ready.is_set())
        served = Served(server)
        source = served.call("POST", "/v1/sources", {"component_url": component.as_uri()})["data"]
        sign_in(page, served, f"sources/{source['id']}")
        component.write_text(TICKER.replace('type: "source",', 'type: "source",,'))
        note = page.get_by_test_id("broken-file")
        expect(note).to_contain_text("The file is broken")
        expect(note).to_contain_text("ticker.mjs:2:67")           # where Node stops reading it
        expect(note).to_contain_text("running the last good version")
        screenshot(page, "source-broken-file")
    finally:
        server.stop()
