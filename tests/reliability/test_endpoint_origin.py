"""A source's HTTP endpoint serving a hostile page: it must not reach the dashboard's session.

The page's script tries to read `/v1/users/me` (the API key) with the dashboard's cookie, and its
answer sets a cookie named like the dashboard's session. On the `/http/…` path (the dashboard's
origin) the page is sandboxed and loses its cookies; on its own origin (`<id>.localhost`) the
browser keeps it away from the dashboard's origin. The browser test drives Debian's Chromium.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator.api.dashboard import session_cookie_for
from emulator.client.http import EmulatorClient
from emulator.server.runner import Emulator, ThreadedEmulator
from tests.conftest import ApiClient, create_source, emulator_config
from tests.dashboard.conftest import WAIT_MS, browser  # noqa: F401  (the Chromium fixture)

HOSTILE_PAGE = """<!doctype html><title>start</title><script>
const target = new URLSearchParams(location.search).get("target") || "/v1/users/me";
fetch(target, {credentials: "include"}).then(r => r.text())
  .then(t => { document.title = "read:" + t; }, e => { document.title = "blocked:" + e; });
</script>"""
HOSTILE_SOURCE = """
export default {
  key: "hostile-page", name: "Hostile Page", version: "0.0.1", type: "source",
  props: { http: { type: "$.interface.http", customResponse: true } },
  async run(event) {
    this.http.respond({ status: 200, body: PAGE,
      headers: { "content-type": "text/html", "set-cookie": event.query.cookie || "planted=1; Path=/" } });
  },
};
""".replace("PAGE", repr(HOSTILE_PAGE))


async def test_on_the_dashboards_origin_the_page_is_sandboxed_and_sets_no_cookie(emu: Emulator,
                                                                                 api: ApiClient) -> None:
    source = await create_source(api, HOSTILE_SOURCE)
    endpoint_url = source["configured_props"]["http"]["endpoint_url"]
    cookie = f"{session_cookie_for(emu.url)}=attacker; Path=/"
    async with api.session.get(endpoint_url, params={"cookie": cookie}) as response:
        assert response.status == 200
        assert response.headers["Content-Security-Policy"] == "sandbox"
        assert "Set-Cookie" not in response.headers
        assert "<script>" in await response.text()


async def test_on_its_own_origin_the_page_keeps_host_only_cookies_but_no_domain_cookie(emu: Emulator,
                                                                                       api: ApiClient) -> None:
    source = await create_source(api, HOSTILE_SOURCE)
    endpoint_id = source["configured_props"]["http"]["endpoint_url"].rsplit("/", 1)[1]
    own_host = f"{endpoint_id}.localhost:{emu.url.rsplit(':', 1)[1]}"
    for cookie, kept in (("mine=1; Path=/", True), ("tossed=1; Domain=localhost; Path=/", False)):
        async with api.session.get(emu.url + "/any/path", params={"cookie": cookie},
                                   headers={"Host": own_host}) as response:
            assert response.status == 200
            assert "<script>" in await response.text()
            assert "Content-Security-Policy" not in response.headers
            assert ("Set-Cookie" in response.headers) is kept


@pytest.mark.emulator_config(endpoint_origins=True)
async def test_endpoint_origins_make_endpoint_url_the_endpoints_own_origin(emu: Emulator, api: ApiClient) -> None:
    source = await create_source(api, HOSTILE_SOURCE)
    endpoint_url = source["configured_props"]["http"]["endpoint_url"]
    port = emu.url.rsplit(":", 1)[1]
    assert endpoint_url.startswith("http://en") and endpoint_url.endswith(f".localhost:{port}")
    overview = await api.ok("GET", "/_emulator/overview")
    assert overview["sources"][0]["endpoint_origin_url"] == endpoint_url


@pytest.fixture(scope="module")
def served() -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(emulator_config()) as emulator:
        yield emulator


def test_in_a_browser_the_hostile_page_never_reads_the_dashboard_session(browser: Any,
                                                                         served: ThreadedEmulator) -> None:
    client = EmulatorClient(served.url, served.api_key)
    source = client.ok("POST", "/v1/sources", json={"component_code": HOSTILE_SOURCE})["data"]
    endpoint_url = source["configured_props"]["http"]["endpoint_url"]
    link = client.ok("POST", "/_emulator/dashboard/links")["data"]["url"]
    port = served.url.rsplit(":", 1)[1]
    own_origin = f"http://{endpoint_url.rsplit('/', 1)[1]}.localhost:{port}/"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(link)                                         # the owner's dashboard session, in this browser
        assert page.evaluate("fetch('/v1/users/me').then(r => r.status)") == 200
        page.goto(endpoint_url)                                 # the hostile page on the dashboard's origin
        page.wait_for_timeout(500)
        assert page.title() == "start"                          # sandboxed: its script never ran
        page.goto(own_origin + "?target=" + served.url + "/v1/users/me")
        page.wait_for_function("document.title !== 'start'", timeout=WAIT_MS)
        assert page.title().startswith("blocked:")              # another origin: the browser keeps the answer
        assert served.api_key not in page.title()
    finally:
        context.close()
