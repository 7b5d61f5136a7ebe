"""Installing the package is enough: the entry point, options, marker and fixtures, no conftest."""
from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest


def test_the_pytest11_entry_point_names_the_plugin_module() -> None:
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins["pd_emulator"] == "emulator.testing.pytest_plugin"


def test_importing_the_plugin_leaves_the_emulator_unloaded() -> None:
    probe = ("import sys, emulator.testing.pytest_plugin; "
             "print(sorted(m for m in sys.modules if m.startswith(('emulator.', 'aiohttp'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['emulator.testing', 'emulator.testing.pytest_plugin']"


def test_options_are_listed_in_help(project: pytest.Pytester) -> None:
    result = project.runpytest("--help")
    result.stdout.fnmatch_lines(["*--pd-components=FOLDER*", "*--pd-speed=N*"])


def test_the_marker_is_registered_for_strict_markers(project: pytest.Pytester) -> None:
    result = project.runpytest("--markers")
    result.stdout.fnmatch_lines(["*pd_components(folder)*"])


def test_the_fixtures_need_no_conftest(project: pytest.Pytester) -> None:
    result = project.runpytest("--fixtures")
    for fixture in ("pd_emulator --", "pd_emulator_server --", "pd_emulator_session_server ?session scope? --"):
        result.stdout.fnmatch_lines([fixture + "*"])
