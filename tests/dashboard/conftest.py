"""Browser fixtures: Debian's Chromium driven by Playwright (sync API), and a threaded emulator."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.cli.client import Client, Connection
from emulator.config import Config
from emulator.server.runner import ThreadedEmulator
from tests.conftest import START_MS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "dashboard"
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module (the sync API keeps its own loop away from pytest-asyncio's)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see README's test command)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Served:
    """A threaded emulator plus a companion client holding its key."""

    def __init__(self, server: ThreadedEmulator) -> None:
        self.server = server
        self.url = server.url
        self.client = Client(Connection(server.url, server.api_key, "test"))

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return self.client.call(method, path, body)

    def link(self) -> str:
        return self.call("POST", "/_emulator/dashboard/links")["data"]["url"]

    def deploy(self, code: str, **params: Any) -> dict[str, Any]:
        return self.call("POST", "/v1/sources", {"component_code": code, **params})["data"]


def threaded_emulator(**settings: Any) -> ThreadedEmulator:
    config = {"port": 0, "clock_mode": "virtual", "start_ms": START_MS, "seed": 7, "watch": False, **settings}
    return ThreadedEmulator(Config(**config)).start()


@pytest.fixture
def served() -> Iterator[Served]:
    server = threaded_emulator()
    try:
        yield Served(server)
    finally:
        server.stop()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context; an uncaught error in the page fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield opened
    finally:
        context.close()
    assert not errors, f"errors in the page: {errors}"


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]', '-', name)}.png"), full_page=True)


def sign_in(page: Any, served: Served, path: str = "") -> None:
    """Follow a one-time link, then go to `path` of the dashboard with the session cookie."""
    page.goto(served.link())
    if path:
        page.goto(f"{served.url}/dashboard/{path}")
    page.get_by_test_id("stream-status").filter(has_text="live").wait_for()
