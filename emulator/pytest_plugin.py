"""pytest plugin: `pd_emulator` (async) and `pd_emulator_server` (threaded) fixtures.

Imports only pytest at import time: it loads in every pytest run of an environment that has the
package; the fixtures themselves live in emulator.testing and are registered at configure time.
"""
from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pd-emulator")
    group.addoption("--pd-components", action="store", default=None, metavar="FOLDER",
                    help="component folder the pd_emulator fixtures register (default: none)")
    group.addoption("--pd-speed", action="store", type=float, default=None, metavar="N",
                    help="run the fixtures' clock in real time at N times speed (default: virtual clock)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pd_components(folder): component folder for the pd_emulator fixtures")
    from emulator import testing
    config.pluginmanager.register(testing.Fixtures(), "pd-emulator-fixtures")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Attach the emulator's recent log to a failing test's report."""
    report = yield
    if report.failed:
        for line_source in getattr(item, "_pd_emulator_logs", []):
            lines = line_source()
            if lines:
                report.sections.append(("pd-emulator log", "\n".join(lines)))
    return report
