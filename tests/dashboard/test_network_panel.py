"""The run view's network panel and the sample-event button, in a real browser."""
from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.dashboard.conftest import Served, screenshot, sign_in

CALLER = """export default {
  key: "caller", name: "Caller", version: "0.0.1", type: "source",
  props: {},
  async run() {
    const answer = await (await fetch("https://api.example.test/items?page=1")).json();
    try { await fetch("https://api.example.test/other", { method: "POST", body: "x" }); } catch {}
    this.$emit(answer, { summary: "called" });
  },
  sampleEmit: { id: 5, title: "Sample" },
};
"""


def test_a_runs_requests_open_to_headers_and_bodies(page: Any, served: Served) -> None:
    served.call("PUT", "/_emulator/http", {"mode": "offline"})
    stub = served.call("POST", "/_emulator/http/stubs", {"url": "https://api.example.test/items",
                                                          "json": {"items": [1, 2]}})["data"]
    source = served.deploy(CALLER)
    served.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {}})
    sign_in(page, served, f"sources/{source['id']}/runs")
    run = page.locator("li[data-run-id]").first
    expect(run).to_contain_text("2 HTTP")
    expect(run).to_contain_text("1 blocked")
    run.locator(".row-head").click()
    rows = run.locator("table.network tr.request")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("https://api.example.test/items?page=1")
    expect(rows.nth(0)).to_contain_text(stub["id"])
    expect(rows.nth(1)).to_contain_text("blocked")
    expect(run.locator("tr.request-error")).to_contain_text("POST https://api.example.test/other was blocked")
    rows.nth(0).click()
    expect(run.locator("tr.request-detail")).to_contain_text('{"items": [1, 2]}')
    screenshot(page, "run-network")


def test_the_sample_button_emits_the_sample_event(page: Any, served: Served) -> None:
    source = served.deploy(CALLER, run_hooks=False)
    sign_in(page, served, f"sources/{source['id']}/actions")
    page.get_by_role("button", name="Emit sample").click()
    expect(page.get_by_test_id("sample-result")).to_contain_text("sample event")
    assert served.call("GET", f"/v1/sources/{source['id']}/event_summaries?expand=event")["data"][0]["event"] \
        == {"id": 5, "title": "Sample"}
