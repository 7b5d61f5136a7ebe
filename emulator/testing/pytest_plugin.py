"""pytest plugin: the `pd_emulator` (async) and `pd_emulator_server` (threaded) fixtures.

It loads in every pytest run of an environment that has the package, so it imports only pytest
(and pytest-asyncio, already loaded as a plugin); the emulator is imported when a fixture is used.
"""
from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

if TYPE_CHECKING:
    from emulator.testing.fixtures import PdEmulator, PdEmulatorServer, ServerPool

OUR_ASYNC_FIXTURES = {"pd_emulator"}
LOG_SOURCES = pytest.StashKey[list[Callable[[], list[str]]]]()
CALL_FAILED = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pd-emulator")
    group.addoption("--pd-components", action="store", default=None, metavar="FOLDER",
                    help="component folder the pd_emulator fixtures register (default: none)")
    group.addoption("--pd-speed", action="store", type=float, default=None, metavar="N",
                    help="run the fixtures' clock in real time at N times speed (default: a virtual clock)")
    group.addoption("--pd-record-mode", action="store", default="none",
                    choices=("none", "once", "new_episodes", "all"),
                    help="@pytest.mark.pd_cassette: none (default) replays only; once records a missing "
                         "cassette; new_episodes replays and records what is new; all records afresh")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "pd_components(folder): component folder (relative to the test file) for the pd_emulator fixtures")
    config.addinivalue_line(
        "markers", "pd_cassette(name): answer the sources' outbound HTTP from cassettes/<test module>/<name>.har "
                   "next to the test (see --pd-record-mode); without it, tests are offline")


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object
                              ) -> Generator[None, object, object]:
    """`async def test_x(pd_emulator)` runs on an event loop in any pytest-asyncio mode, unmarked.

    The innermost wrapper: it marks the new item before pytest-asyncio's wrapper decides, from the
    `asyncio` marker, whether the coroutine is an asyncio test (strict mode asks for the marker)."""
    result = yield
    for item in result if isinstance(result, list) else [result]:
        if (isinstance(item, pytest.Function) and inspect.iscoroutinefunction(item.obj)
                and OUR_ASYNC_FIXTURES & set(item.fixturenames) and item.get_closest_marker("asyncio") is None):
            item.add_marker(pytest.mark.asyncio)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                               ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the emulator's recent log to a failing test's report."""
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    if report.failed:
        lines = [line for snapshot in item.stash.get(LOG_SOURCES, []) for line in snapshot()]
        if lines:
            report.sections.append(("pd-emulator log", "\n".join(lines)))
    return report


@pytest_asyncio.fixture
async def pd_emulator(request: pytest.FixtureRequest) -> AsyncIterator[PdEmulator]:
    """A fresh emulator for this test on its event loop: virtual clock, free port, own API key."""
    __tracebackhide__ = True
    from emulator.testing.fixtures import PdEmulator, fixture_config

    config = fixture_config(_folders(request), request.config.getoption("pd_speed"))
    emulator = await PdEmulator(config, search_paths=[request.path.parent]).start()
    _attach_log(request, emulator.log.snapshot)
    try:
        _use_cassette(request, emulator.services.outbound)
    except BaseException:
        await emulator.close()
        raise
    try:
        yield emulator
        problems = emulator.problems()
    finally:
        await emulator.close()
    _fail_on(request, problems)


@pytest.fixture(scope="session")
def _pd_emulator_pool(request: pytest.FixtureRequest) -> Iterator[ServerPool]:
    from emulator.testing.fixtures import ServerPool

    pool = ServerPool(request.config.getoption("pd_speed"))
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def pd_emulator_session_server(request: pytest.FixtureRequest, _pd_emulator_pool: ServerPool) -> PdEmulatorServer:
    """The session's threaded emulator as it is (same URL and key all session; not reset here)."""
    return _pd_emulator_pool.get(_option_folders(request.config))


@pytest.fixture
def pd_emulator_server(request: pytest.FixtureRequest, _pd_emulator_pool: ServerPool) -> Iterator[PdEmulatorServer]:
    """The session's threaded emulator, emptied for this test (same URL and key all session)."""
    __tracebackhide__ = True
    server = _pd_emulator_pool.get(_folders(request))
    server.reset()

    async def use_cassette() -> None:
        _use_cassette(request, server.services.outbound)
    server.control(use_cassette())
    assert server.log is not None
    _attach_log(request, server.log.snapshot)
    yield server
    _fail_on(request, server.problems())


def _folders(request: pytest.FixtureRequest) -> list[Path]:
    marker = request.node.get_closest_marker("pd_components")
    if marker is not None:
        return [request.path.parent / folder for folder in marker.args]
    return _option_folders(request.config)


def _option_folders(config: pytest.Config) -> list[Path]:
    folder = config.getoption("pd_components")
    return [config.invocation_params.dir / folder] if folder else []


def cassette_path(request: pytest.FixtureRequest, name: str) -> Path:
    return request.path.parent / "cassettes" / request.path.stem / f"{name}.har"


def _use_cassette(request: pytest.FixtureRequest, outbound: object) -> None:
    """`@pytest.mark.pd_cassette("name")`: the emulator's mode for this test, per --pd-record-mode."""
    __tracebackhide__ = True
    marker = request.node.get_closest_marker("pd_cassette")
    if marker is None:
        return
    from emulator.outbound.cassette import CassetteError
    from emulator.testing.http_control import apply_record_mode

    name = marker.args[0] if marker.args else request.node.name
    record_mode = request.config.getoption("pd_record_mode")
    try:
        apply_record_mode(outbound, record_mode, cassette_path(request, name))  # type: ignore[arg-type]
        return
    except CassetteError as error:
        problem = str(error)
    pytest.fail(f"@pytest.mark.pd_cassette({name!r}): {problem}. Record it with --pd-record-mode=once.",
                pytrace=False)


def _attach_log(request: pytest.FixtureRequest, snapshot: Callable[[], list[str]]) -> None:
    request.node.stash.setdefault(LOG_SOURCES, []).append(snapshot)


def _fail_on(request: pytest.FixtureRequest, problems: list[str]) -> None:
    """A failure inside the emulator fails the test at teardown (unless the test already failed)."""
    __tracebackhide__ = True
    if problems and not request.node.stash.get(CALL_FAILED, False):
        from emulator.testing.fixtures import EmulatorError, failure_report

        raise EmulatorError(failure_report(problems))
