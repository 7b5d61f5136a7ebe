"""The dashboard's Connect page: projects, both environments, external users, webhooks and delivery state."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.testing.fixtures import PdEmulatorServer, fixture_config
from tests.connect.conftest import COMPONENTS, ConnectApi, control
from tests.connect.test_link_page import browser  # noqa: F401 (the module's Chromium)
from tests.dashboard.conftest import WAIT_MS


@pytest.fixture
def with_dashboard() -> Iterator[PdEmulatorServer]:
    server = PdEmulatorServer(fixture_config([COMPONENTS], dashboard=True, connect_retry_backoff_s=0.005)).start()
    yield server
    server.stop()


def test_the_connect_page_shows_users_triggers_and_live_delivery_state(browser, with_dashboard,
                                                                      receiver) -> None:
    api = ConnectApi(with_dashboard)
    api.account("alice")
    deployed = api.deploy("alice", "acme-hooks", webhook_url=receiver.url + "/hook")
    ConnectApi(with_dashboard, environment="production").deploy("bob", "http-new-requests")
    link = control(with_dashboard).ok("POST", "/_emulator/dashboard/links")["data"]["url"]
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(link)
        page.click("nav >> text=Connect")
        project = page.locator(f"[data-project={api.project_id}]")
        development = project.locator("[data-environment=development]")
        assert development.locator("[data-external-user=alice] td").nth(2).inner_text() == "1"      # one account
        state = development.locator(f"[data-trigger={deployed['id']}] [data-testid=delivery-state]")
        assert state.inner_text() == "happy"
        receiver.statuses = [500] * 5
        control(with_dashboard).ok("POST", f"/_emulator/sources/{deployed['id']}/run", json={"event": {}})
        page.wait_for_function("() => document.querySelector('[data-testid=delivery-state]')?.textContent === 'penalty'")
        assert "HTTP 500" in development.locator(f"[data-trigger={deployed['id']}]").inner_text()
        production = project.locator("[data-environment=production]")
        assert production.locator("[data-external-user=bob]").count() == 1
        assert development.locator("[data-external-user=bob]").count() == 0
    finally:
        context.close()
    assert not errors, errors
