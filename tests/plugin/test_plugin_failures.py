"""A failure in the emulator fails the test that caused it, with the emulator's log; never a hang."""
from __future__ import annotations

import time

import pytest

# Emulator bugs cannot be caused from outside on purpose: these user tests break one method of
# the emulator they were given, which is what a bug in it would look like to them.
BROKEN_LISTING = """
def break_listing(monkeypatch, services):
    def broken(user_id):
        raise ZeroDivisionError("a bug in the emulator")
    monkeypatch.setattr(services.store, "user_sources", broken)
"""


def test_a_failing_test_shows_the_emulators_log(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_source_fails(pd_emulator):
            source = await pd_emulator.deploy("failing.mjs")
            run = await pd_emulator.run(source["id"])
            assert run["outcome"] == "ok"
    """)
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*- pd-emulator log -*", "*run*(control) error*the upstream API said no*",
                                 "*console.log: about to fail*"])


def test_a_passing_test_shows_no_log(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_source_fails(pd_emulator):
            source = await pd_emulator.deploy("failing.mjs")
            assert (await pd_emulator.run(source["id"]))["outcome"] == "error"
    """)
    result = project.runpytest("-rA")
    result.assert_outcomes(passed=1)
    assert "pd-emulator log" not in result.stdout.str()


def test_an_emulator_500_errors_a_passing_test_with_the_log(project: pytest.Pytester) -> None:
    project.makepyfile(BROKEN_LISTING + """
import pytest

@pytest.mark.asyncio
async def test_lists(pd_emulator, monkeypatch):
    break_listing(monkeypatch, pd_emulator.services)
    async with pd_emulator.client.get("/v1/users/me/sources") as response:
        assert response.status == 500
""")
    result = project.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*EmulatorError: the emulator failed during this test:",
                                 "*GET /v1/users/me/sources: ZeroDivisionError: a bug in the emulator",
                                 "*- pd-emulator log -*", "*internal error on GET /v1/users/me/sources*"])


def test_an_emulator_500_behind_a_helper_fails_the_test_once(project: pytest.Pytester) -> None:
    project.makepyfile(BROKEN_LISTING + """
import pytest

@pytest.mark.asyncio
async def test_lists(pd_emulator, monkeypatch):
    break_listing(monkeypatch, pd_emulator.services)
    await pd_emulator.call("GET", "/v1/users/me/sources")
""")
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E*EmulatorError: the emulator failed during this test:", "*- pd-emulator log -*"])


def test_a_threaded_emulator_500_errors_the_test(project: pytest.Pytester) -> None:
    project.makepyfile(BROKEN_LISTING + """
import requests

def test_lists(pd_emulator_server, monkeypatch):
    break_listing(monkeypatch, pd_emulator_server.services)
    answer = requests.get(f"{pd_emulator_server.url}/v1/users/me/sources", headers=pd_emulator_server.headers,
                          timeout=10)
    assert answer.status_code == 500
""")
    result = project.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*EmulatorError*", "*ZeroDivisionError: a bug in the emulator",
                                 "*- pd-emulator log -*", "*internal error on GET /v1/users/me/sources*"])


def test_an_exception_on_the_threaded_emulators_loop_errors_the_test(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import asyncio

        def test_crash(pd_emulator_server):
            async def crash_a_callback():
                asyncio.get_running_loop().call_soon(lambda: 1 / 0)
                await asyncio.sleep(0)
            pd_emulator_server.control(crash_a_callback())
    """)
    result = project.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*EmulatorError*", "*Exception in callback*ZeroDivisionError*"])


def test_a_stopped_emulator_fails_fast_and_the_next_test_gets_a_new_one(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import asyncio
        import pytest
        from emulator.testing.fixtures import EmulatorError

        URLS = []

        def test_stops_the_loop(pd_emulator_server):
            URLS.append(pd_emulator_server.url)
            async def stop():
                asyncio.get_running_loop().stop()
            with pytest.raises(EmulatorError, match="stopped while the test waited"):
                pd_emulator_server.control(stop())
            with pytest.raises(EmulatorError, match="not running"):
                pd_emulator_server.reset()

        def test_next(pd_emulator_server):
            assert pd_emulator_server.running and pd_emulator_server.url != URLS[0]
    """)
    started = time.monotonic()
    result = project.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*the emulator's thread stopped*"])
    assert time.monotonic() - started < 10
