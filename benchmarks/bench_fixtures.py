"""Setup + teardown time per test of the plugin's fixtures against bare aiohttp test servers.

    python benchmarks/bench_fixtures.py [--tests 100]

One pytest run (in this process) of a generated project: N empty tests per fixture, function
scope, in this order: an aiohttp AppRunner on port 0, pytest-aiohttp's `aiohttp_server`,
`pd_emulator`, `pd_emulator_server`; then tests whose body does work: `pd_emulator` and
`pd_emulator_server` deploying and running a source (a Node worker started and stopped per
test), against `aiohttp_server` with a body that starts Node running the same component code
and sends one request (the same work without the emulator). For those, the figure is setup +
body + teardown, so the first test includes its first run's Node start. Prints p50, p90 and the
first test's (cold) figure, and the ratios with both sides.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

PROJECT_INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
addopts = -p no:cacheprovider -p no:hypothesispytest -p no:benchmark -q
"""

TESTS = '''
import pytest
from aiohttp import web

N = range({tests})
SOURCE = """export default {{ key: "b", name: "b", version: "0.1.0", type: "source", props: {{}},
  async run(event) {{ this.$emit({{ n: event.n }}); }} }};"""


async def hello(request):
    return web.json_response({{"ok": True}})


def app():
    application = web.Application()
    application.router.add_get("/", hello)
    return application


@pytest.fixture
async def apprunner():
    runner = web.AppRunner(app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield runner
    await runner.cleanup()


@pytest.fixture
async def aiohttp_test_server(aiohttp_server):
    return await aiohttp_server(app())


@pytest.mark.parametrize("n", N)
async def test_aiohttp_apprunner(apprunner, n):
    pass


@pytest.mark.parametrize("n", N)
async def test_aiohttp_server(aiohttp_test_server, n):
    pass


@pytest.mark.parametrize("n", N)
async def test_pd_emulator(pd_emulator, n):
    pass


@pytest.mark.parametrize("n", N)
def test_pd_emulator_server(pd_emulator_server, n):
    pass


@pytest.mark.parametrize("n", N)
async def test_pd_emulator_with_a_source_run(pd_emulator, n):
    source = await pd_emulator.deploy(SOURCE)
    assert (await pd_emulator.run(source["id"], {{"n": n}}))["outcome"] == "ok"


@pytest.mark.parametrize("n", N)
async def test_aiohttp_server_with_a_node_run(aiohttp_test_server, n):
    import asyncio, aiohttp
    node = await asyncio.create_subprocess_exec(
        "node", "--input-type=module", "-e",
        SOURCE.replace("export default", "const c =") + "; const out = []; const self = {{ $emit: (e) => out.push(e) }};"
        + "await c.run.call(self, {{ n: " + str(n) + " }}); if (out.length !== 1) process.exit(1);")
    assert await node.wait() == 0
    async with aiohttp.ClientSession() as session:
        async with session.get(str(aiohttp_test_server.make_url("/"))) as response:
            assert response.status == 200


@pytest.mark.parametrize("n", N)
def test_pd_emulator_server_with_a_source_run(pd_emulator_server, n):
    from emulator.client.http import EmulatorClient
    client = EmulatorClient(pd_emulator_server.url, pd_emulator_server.api_key)
    source = client.ok("POST", "/v1/sources", json={{"component_code": SOURCE}})["data"]
    run = client.ok("POST", f"/_emulator/sources/{{source['id']}}/run", json={{"event": {{"n": n}}}})
    assert run["data"]["outcome"] == "ok"
'''


class FixtureTimes:
    """Collects setup + teardown seconds per test, grouped by test function."""

    def __init__(self) -> None:
        self.per_test: dict[str, float] = defaultdict(float)
        self.failed: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.append(report.nodeid)
        counted = ("setup", "call", "teardown") if "_with_a_" in report.nodeid else ("setup", "teardown")
        if report.when in counted:
            self.per_test[report.nodeid] += report.duration

    def by_function(self) -> dict[str, list[float]]:
        grouped: dict[str, list[float]] = defaultdict(list)
        for nodeid, seconds in self.per_test.items():
            grouped[nodeid.split("::")[-1].split("[")[0]].append(seconds)
        return grouped


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=100, help="tests per fixture (default 100)")
    args = parser.parse_args()
    times = FixtureTimes()
    with tempfile.TemporaryDirectory(prefix="bench-fixtures-") as folder:
        project = Path(folder)
        (project / "pytest.ini").write_text(PROJECT_INI)
        (project / "test_fixture_times.py").write_text(TESTS.format(tests=args.tests))
        code = pytest.main([str(project), "--rootdir", str(project), "-c", str(project / "pytest.ini")],
                           plugins=[times])
    if code != 0 or times.failed:
        print(f"pytest failed ({code}): {times.failed[:5]}")
        return 1
    print(f"\nper test, {args.tests} tests each (ms): setup + teardown; for '…with a … run', setup + body + teardown")
    print(f"{'fixture (test)':42} {'p50':>7} {'p90':>7} {'first':>7}")
    grouped = times.by_function()
    for name, values in grouped.items():
        ms = [v * 1000 for v in values]
        print(f"{name.removeprefix('test_'):42} {statistics.median(ms):7.2f} {percentile(ms, 0.9):7.2f} {ms[0]:7.2f}")
    p50 = {name: statistics.median(values) * 1000 for name, values in grouped.items()}
    first = {name: values[0] * 1000 for name, values in grouped.items()}
    for measured, baseline in (("test_pd_emulator", "test_aiohttp_server"),
                               ("test_pd_emulator_server", "test_aiohttp_server"),
                               ("test_pd_emulator_with_a_source_run", "test_aiohttp_server_with_a_node_run"),
                               ("test_pd_emulator_server_with_a_source_run", "test_aiohttp_server_with_a_node_run")):
        print(f"ratio {measured.removeprefix('test_')} / {baseline.removeprefix('test_')}: p50 {p50[measured]:.1f} / "
              f"{p50[baseline]:.1f} ms = {p50[measured] / p50[baseline]:.2f}; first {first[measured]:.1f} / "
              f"{first[baseline]:.1f} ms = {first[measured] / first[baseline]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
