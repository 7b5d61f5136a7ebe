"""The README's Connect section is run as a user's project: its component and its SDK test pass."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugin.test_readme_example import named_files, section

ROOT = Path(__file__).parents[2]
HEADING = "## Test an app built on Pipedream Connect"


def test_the_readme_connect_example_passes(pytester: pytest.Pytester) -> None:
    files = named_files(section((ROOT / "README.md").read_text(encoding="utf-8"), HEADING))
    assert set(files) == {"new_ticket.mjs", "test_my_connect_app.py"}
    for name, body in files.items():
        pytester.path.joinpath(name).write_text(body, encoding="utf-8")
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings = error\n"
                     "addopts = --strict-markers -p no:cacheprovider -p no:hypothesispytest -p no:anyio -p no:benchmark\n")
    pytester.runpytest().assert_outcomes(passed=1)
