"""The README's pytest section is run as a user's project: every file it shows, every test passing."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
HEADING = "## Test your source with pytest"
# A fenced block whose info string names its file: ```python test_my_source.py
NAMED_BLOCK = re.compile(r"^```\w+ +(?P<name>[\w./-]+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def section(markdown: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same level."""
    start = markdown.index(heading + "\n")
    after = markdown.find("\n## ", start + len(heading))
    return markdown[start:] if after == -1 else markdown[start:after]


def named_files(markdown: str) -> dict[str, str]:
    return {m["name"]: m["body"] for m in NAMED_BLOCK.finditer(markdown)}


def test_the_readme_pytest_example_passes(pytester: pytest.Pytester) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert HEADING + "\n" in readme, f"README.md has no {HEADING!r} section"
    files = named_files(section(readme, HEADING))
    assert any(name.endswith(".mjs") for name in files) and any(name.startswith("test_") for name in files)
    for name, body in files.items():
        pytester.path.joinpath(name).parent.mkdir(parents=True, exist_ok=True)
        pytester.path.joinpath(name).write_text(body, encoding="utf-8")
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings = error\n"
                     "addopts = --strict-markers -p no:cacheprovider -p no:hypothesispytest -p no:anyio -p no:benchmark\n")
    tests = sum(len(re.findall(r"^(?:async )?def test_", body, re.MULTILINE)) for body in files.values())
    pytester.runpytest().assert_outcomes(passed=tests)
