"""Fixtures of the reliability suites: one threaded emulator per module, with a registry folder."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.server.runner import ThreadedEmulator
from tests.reliability.harness import REGISTRY_COMPONENT, SUMMARY_LINES, JsonClient, threaded_config


@pytest.fixture(scope="module")
def registry_folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("components")
    (folder / "fuzz").mkdir()
    (folder / "fuzz" / "registry.mjs").write_text(REGISTRY_COMPONENT)
    return str(folder)


@pytest.fixture(scope="module")
def served(registry_folder: str) -> Iterator[ThreadedEmulator]:
    """One emulator for a whole module, in its own thread, with a registry folder."""
    with ThreadedEmulator(threaded_config(folders=(registry_folder,))) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def client(served: ThreadedEmulator) -> Iterator[JsonClient]:
    client = JsonClient(served.url, served.api_key)
    yield client
    client.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in config.stash.get(SUMMARY_LINES, []):
        terminalreporter.write_line(line)
