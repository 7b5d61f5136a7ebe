"""The dashboard's access: a one-time link becomes an HttpOnly, SameSite=Strict cookie session."""
from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from emulator.api import dashboard
from emulator.server.runner import Emulator
from tests.conftest import ApiClient


async def new_link(api: ApiClient) -> str:
    return (await api.ok("POST", "/_emulator/dashboard/links"))["data"]["url"]


@contextlib.asynccontextmanager
async def open_session(emu: Emulator, link: str) -> AsyncIterator[aiohttp.ClientSession]:
    """A cookie-keeping client (no API key) that has followed the link; `unsafe`: cookies for 127.0.0.1."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(link) as response:
            assert response.status == 200
        yield session


async def test_the_link_sets_an_http_only_strict_cookie_and_drops_the_token(emu: Emulator, api: ApiClient) -> None:
    link = await new_link(api)
    async with aiohttp.ClientSession() as session, session.get(link, allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/dashboard/"
        cookie = response.cookies[dashboard.session_cookie_for(emu.url)]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"


async def test_the_cookie_is_named_for_the_port(emu: Emulator) -> None:
    assert dashboard.session_cookie_for(emu.url) == f"pd_emulator_session_{URL(emu.url).port}"


async def test_a_link_works_only_once(emu: Emulator, api: ApiClient) -> None:
    link = await new_link(api)
    async with open_session(emu, link):
        pass
    async with aiohttp.ClientSession() as second, second.get(link) as response:
        assert response.status == 401
        assert "already used" in await response.text()


async def test_the_page_and_its_files_answer_401_without_token_or_cookie(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as session:
        for path in ("/dashboard/", "/dashboard/sources/dc_x", "/dashboard/static/app.mjs"):
            async with session.get(emu.url + path) as response:
                assert response.status == 401, path
                assert "pd-emulator dashboard" in await response.text()


async def test_the_stream_answers_401_without_key_or_cookie(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as session, session.get(emu.url + "/_emulator/stream") as response:
        assert response.status == 401


async def test_the_cookie_stands_in_for_the_api_key(emu: Emulator, api: ApiClient) -> None:
    async with open_session(emu, await new_link(api)) as session:
        async with session.get(emu.url + "/v1/users/me") as response:
            assert response.status == 200
            assert (await response.json())["data"]["api_key"] == emu.api_key
        async with session.get(emu.url + "/_emulator/stream") as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/event-stream"


async def test_a_forged_cookie_is_refused(emu: Emulator) -> None:
    async with aiohttp.ClientSession(cookies={dashboard.session_cookie_for(emu.url): "made-up"}) as session:
        async with session.get(emu.url + "/v1/users/me") as response:
            assert response.status == 401
        async with session.get(emu.url + "/dashboard/") as response:
            assert response.status == 401
            assert "session has ended" in await response.text()


async def test_static_files_are_served_with_their_types(emu: Emulator, api: ApiClient) -> None:
    async with open_session(emu, await new_link(api)) as session:
        async with session.get(emu.url + "/dashboard/static/app.mjs") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/javascript")
        async with session.get(emu.url + "/dashboard/clock") as response:
            assert response.status == 200
            assert '<div id="app">' in await response.text()


async def test_static_files_never_follow_symlinks_or_dot_dots(emu: Emulator, api: ApiClient, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "dashboard"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html>")
    (root / "real.css").write_text("body {}")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser")
    os.symlink(secret, root / "link.css")
    monkeypatch.setattr(dashboard, "STATIC_ROOT", root)
    async with open_session(emu, await new_link(api)) as session:
        async with session.get(emu.url + "/dashboard/static/real.css") as response:
            assert response.status == 200
        for path in ("link.css", "..%2Fsecret.txt", "%2E%2E/secret.txt", "%2E%2E%2Fsecret.txt"):
            async with session.get(URL(emu.url + "/dashboard/static/" + path, encoded=True)) as response:
                assert "not for the browser" not in await response.text(), path
                assert response.status == 404 or response.url.path == "/dashboard/secret.txt", path


async def test_banner_link_is_the_dashboard_with_a_token(emu: Emulator) -> None:
    from emulator.cli.main import dashboard_lines

    [line] = dashboard_lines(emu)
    assert line.split()[-1].startswith(emu.url + "/dashboard/?token=")


def test_the_page_preloads_every_module_it_imports() -> None:
    modules = {str(p.relative_to(dashboard.STATIC_ROOT)) for p in dashboard.STATIC_ROOT.rglob("*.mjs")}
    index = (dashboard.STATIC_ROOT / "index.html").read_text()
    preloaded = set(re.findall(r'rel="modulepreload" href="/dashboard/static/([^"]+)"', index))
    assert preloaded == modules - {"app.mjs"}
