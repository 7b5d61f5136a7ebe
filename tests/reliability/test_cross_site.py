"""A web page on another local port, a DNS-rebinding page and a second API user against the dashboard.

Each test sends exactly what the browser (or the intruder) would send, through the real server:
a no-cors, body-less POST carries the session cookie (SameSite does not separate ports) with an
`Origin` of the other port; a rebinding page carries its own name in `Host`.
"""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from yarl import URL

from emulator.server.runner import Emulator
from tests.conftest import ApiClient, create_source

OTHER_LOCAL_PAGE = "http://127.0.0.1:5173"


@contextlib.asynccontextmanager
async def dashboard_session(api: ApiClient) -> AsyncIterator[aiohttp.ClientSession]:
    """A browser-like client holding the owner's dashboard cookie (and no API key)."""
    link = (await api.ok("POST", "/_emulator/dashboard/links"))["data"]["url"]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(link) as response:
            assert response.status == 200
        yield session


async def test_a_no_cors_post_from_another_port_cannot_reset_with_the_cookie(emu: Emulator, api: ApiClient) -> None:
    source = await create_source(api)
    async with dashboard_session(api) as browser, browser.post(emu.url + "/_emulator/reset?all=true",
                            headers={"Origin": OTHER_LOCAL_PAGE, "Sec-Fetch-Site": "same-site",
                                     "Sec-Fetch-Mode": "no-cors"}) as response:
        body = await response.json()
    assert (response.status, body["code"]) == (403, "cross_site_request")
    assert OTHER_LOCAL_PAGE in body["error"]
    assert (await api.ok("GET", f"/v1/sources/{source['id']}"))["data"]["id"] == source["id"]


@pytest.mark.parametrize("headers", [
    {},                                                   # an old browser, or a script that kept the cookie
    {"Origin": "null"},                                   # a sandboxed page
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-origin", "Origin": OTHER_LOCAL_PAGE},
])
async def test_a_cookie_write_without_proof_of_the_same_origin_is_refused(emu: Emulator, api: ApiClient,
                                                                          headers: dict[str, str]) -> None:
    source = await create_source(api)
    url = emu.url + f"/v1/sources/{source['id']}"
    async with dashboard_session(api) as browser, browser.delete(url, headers=headers) as response:
        assert response.status == 403
        assert (await response.json())["code"] == "cross_site_request"
    assert (await api.get(f"/v1/sources/{source['id']}"))[0] == 200


async def test_the_dashboards_own_page_still_writes_but_only_from_its_json_body(emu: Emulator,
                                                                               api: ApiClient) -> None:
    users_before = len((await api.ok("GET", "/_emulator/state"))["users"])
    await api.ok("POST", "/_emulator/users", json={"username": "second"})
    async with dashboard_session(api) as browser, browser.post(emu.url + "/_emulator/reset?all=true", json={},
                            headers={"Origin": emu.url, "Sec-Fetch-Site": "same-origin"}) as response:
        assert response.status == 200
        assert (await response.json())["data"]["all"] is False    # the query string was not read
    assert len((await api.ok("GET", "/_emulator/state"))["users"]) == users_before + 1


async def test_cookie_reads_and_bearer_writes_need_no_origin(emu: Emulator, api: ApiClient) -> None:
    async with dashboard_session(api) as browser, browser.get(emu.url + "/v1/users/me") as response:
        assert response.status == 200
    status, _ = await api.post("/_emulator/reset", headers={"Origin": OTHER_LOCAL_PAGE})
    assert status == 200


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8788", "127.0.0.1.attacker.example",
                                  "localhost.attacker.example"])
async def test_a_foreign_host_header_is_refused(emu: Emulator, api: ApiClient, host: str) -> None:
    for path in ("/v1/users/me", "/_emulator/health", "/dashboard/"):
        status, body = await api.get(path, headers={"Host": host})
        assert (status, body["code"], body["param"]) == (421, "unknown_host", "Host"), path


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "LOCALHOST:1234", "en0abc.localhost",
                                  "en0abc.m.pipedream.net"])
async def test_local_names_and_endpoint_hosts_are_answered(emu: Emulator, api: ApiClient, host: str) -> None:
    status, _ = await api.get("/_emulator/health", headers={"Host": host})
    assert status in (200, 404)         # an endpoint host with no such endpoint answers 404, not 421


async def test_another_user_cannot_evict_the_owners_pending_links(emu: Emulator, api: ApiClient) -> None:
    link = (await api.ok("POST", "/_emulator/dashboard/links"))["data"]["url"]
    intruder = (await api.ok("POST", "/_emulator/users", json={"username": "intruder"}))["data"]["api_key"]
    for _ in range(150):
        await api.ok("POST", "/_emulator/dashboard/links", key=intruder)
    async with aiohttp.ClientSession() as browser, browser.get(link, allow_redirects=False) as response:
        assert response.status == 303


async def test_links_lead_to_this_emulator_whatever_the_host_header(emu: Emulator, api: ApiClient) -> None:
    body = await api.ok("POST", "/_emulator/dashboard/links", headers={"Host": "localhost:1"})
    assert body["data"]["url"].startswith(emu.url + "/dashboard/?token=")


async def test_a_nul_byte_in_a_dashboard_path_is_a_404(emu: Emulator, api: ApiClient) -> None:
    async with dashboard_session(api) as browser:
        for path in ("/dashboard/static/app%00.mjs", "/dashboard/static/%00"):
            async with browser.get(URL(emu.url + path, encoded=True)) as response:
                assert response.status == 404, path
    assert emu.internal_errors == []
