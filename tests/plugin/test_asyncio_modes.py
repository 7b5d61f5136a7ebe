"""`async def test_x(pd_emulator)` without a marker, in a project with no pytest config, in each
pytest-asyncio mode: it runs, and the run shows no warning."""
from __future__ import annotations

import pytest

from tests.plugin.conftest import TIMER_SOURCE

UNMARKED = """
async def test_unmarked(pd_emulator):
    source = await pd_emulator.deploy("counter.mjs", configured_props={"label": "x"})
    await pd_emulator.clock.advance(1800)
    assert [e["event"]["count"] for e in await pd_emulator.events(source["id"])] == [1, 2]


def test_a_plain_test_is_left_alone():
    assert True
"""
# No ini file: the project has no pytest config. A separate process, so that nothing of this
# run's own settings (warnings as errors, the loop scope) leaks into the user's run.
PLUGINS_OFF = ("-p", "no:cacheprovider")


@pytest.mark.parametrize("mode", [(), ("-o", "asyncio_mode=auto")], ids=["strict by default", "auto"])
def test_an_unmarked_async_test_runs_in_every_mode_without_warnings(pytester: pytest.Pytester,
                                                                     mode: tuple[str, ...]) -> None:
    pytester.makefile(".mjs", counter=TIMER_SOURCE)
    pytester.makepyfile(test_unmarked=UNMARKED)
    result = pytester.runpytest_subprocess(*PLUGINS_OFF, *mode)
    result.assert_outcomes(passed=2, warnings=0)
    assert "Warning" not in result.stdout.str() + result.stderr.str()
