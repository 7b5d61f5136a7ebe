"""`emulator/__init__.py` is the public surface: what a Python user imports to run an emulator in-process."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

import emulator


def test_the_public_names_run_an_emulator_on_a_real_port() -> None:
    from emulator import Config, ThreadedEmulator

    with ThreadedEmulator(Config(port=0, clock_mode="virtual", watch=False, dashboard=False)) as served:
        answer = requests.get(served.url + "/v1/users/me", headers={"Authorization": f"Bearer {served.api_key}"},
                              timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["id"].startswith("u_")


def test_every_name_of_all_is_importable_and_the_version_is_the_packages() -> None:
    assert all(getattr(emulator, name) is not None for name in emulator.__all__)
    from importlib.metadata import version
    assert emulator.__version__ == version("pd-emulator")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        emulator.NoSuchThing  # noqa: B018


def test_importing_the_package_loads_nothing_until_a_name_is_used() -> None:
    probe = ("import sys, emulator; print(sorted(m for m in sys.modules if m.startswith(('emulator.', 'aiohttp'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_readme_python_example_runs_as_written() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run an emulator from Python\n", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "dev"
