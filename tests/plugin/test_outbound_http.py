"""The plugin's outbound HTTP: offline by default, `pd_emulator.http.stub/requests`,
`@pytest.mark.pd_cassette` with `--pd-record-mode`, and `pd_emulator.sample`."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

POLLING_SOURCE = """
export default {
  key: "issues", name: "New Issues", version: "0.1.0", type: "source",
  props: {
    db: "$.service.db",
    timer: { type: "$.interface.timer", default: { intervalSeconds: 900 } },
    baseUrl: { type: "string", default: "https://api.example.test" },
  },
  async run() {
    const response = await fetch(`${this.baseUrl}/issues.json?state=open`);
    const issues = await response.json();
    for (const issue of issues) this.$emit(issue, { id: issue.id, summary: issue.title });
  },
  sampleEmit: { id: 0, title: "Sample issue" },
};
"""


@pytest.fixture
def http_project(project: pytest.Pytester) -> pytest.Pytester:
    project.makefile(".mjs", issues=POLLING_SOURCE)
    return project


def test_a_polling_source_answered_by_stubs(http_project: pytest.Pytester) -> None:
    http_project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_poll(pd_emulator):
            stub = pd_emulator.http.stub("GET", "https://api.example.test/issues.json",
                                         json=[{"id": 1, "title": "Bug"}, {"id": 2, "title": "Feature"}])
            source = await pd_emulator.deploy("issues.mjs")
            await pd_emulator.clock.advance(900)
            assert [e["event"]["title"] for e in await pd_emulator.events(source["id"])] == ["Bug", "Feature"]
            [request] = pd_emulator.http.requests(source["id"])
            assert request["url"] == "https://api.example.test/issues.json?state=open"
            assert (request["answered_by"], request["stub_id"]) == ("stub", stub["id"])
    """)
    http_project.runpytest().assert_outcomes(passed=1)


def test_tests_are_offline_by_default_and_say_how_to_answer(http_project: pytest.Pytester) -> None:
    http_project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_unanswered(pd_emulator):
            source = await pd_emulator.deploy("issues.mjs")
            run = await pd_emulator.run(source["id"])
            assert run["outcome"] == "error"
            assert "GET https://api.example.test/issues.json?state=open was blocked" in run["error"]["message"]
            assert "pd_emulator.http.stub" in run["error"]["message"]
            assert pd_emulator.http.requests()[0]["answered_by"] == "blocked"
    """)
    http_project.runpytest().assert_outcomes(passed=1)


def test_a_bad_stub_raises_naming_the_field(http_project: pytest.Pytester) -> None:
    http_project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_bad(pd_emulator):
            with pytest.raises(ValueError, match="times"):
                pd_emulator.http.stub("GET", "https://api.example.test/x", json={}, times=0)
    """)
    http_project.runpytest().assert_outcomes(passed=1)


def test_sample_emits_the_components_sample_event(http_project: pytest.Pytester) -> None:
    http_project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_sample(pd_emulator):
            source = await pd_emulator.deploy("issues.mjs")
            event = await pd_emulator.sample(source["id"])
            assert event["event"] == {"id": 0, "title": "Sample issue"}
    """)
    http_project.runpytest().assert_outcomes(passed=1)


@pytest.fixture
def static_api(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m http.server` on a free loopback port, serving issues.json."""
    (tmp_path / "issues.json").write_text(json.dumps([{"id": 9, "title": "Recorded"}]))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            import time
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", server
    server.kill()
    server.wait()


CASSETTE_TEST = """
import pytest

@pytest.mark.asyncio
@pytest.mark.pd_cassette("issues")
async def test_replayed(pd_emulator):
    source = await pd_emulator.deploy("issues.mjs", configured_props={"baseUrl": "%s"})
    await pd_emulator.clock.advance(900)
    assert [e["event"]["title"] for e in await pd_emulator.events(source["id"])] == ["Recorded"]
"""


def test_a_cassette_is_recorded_once_then_replayed_with_the_server_gone(
        http_project: pytest.Pytester, static_api: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, server = static_api
    http_project.makepyfile(test_issues=CASSETTE_TEST % url)
    http_project.runpytest("--pd-record-mode=once").assert_outcomes(passed=1)
    cassette = http_project.path / "cassettes" / "test_issues" / "issues.har"
    entries = json.loads(cassette.read_text())["log"]["entries"]
    assert [e["request"]["url"] for e in entries] == [f"{url}/issues.json?state=open"]

    server.kill()
    server.wait()
    http_project.runpytest().assert_outcomes(passed=1)                          # --pd-record-mode none


def test_a_missing_cassette_fails_the_test_saying_how_to_record_it(http_project: pytest.Pytester) -> None:
    http_project.makepyfile(test_issues=CASSETTE_TEST % "https://api.example.test")
    result = http_project.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*pd_cassette('issues'): cassette *issues.har does not exist*"
                                 "Record it with --pd-record-mode=once.*"])


def test_record_mode_all_records_afresh(http_project: pytest.Pytester,
                                        static_api: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, _ = static_api
    http_project.makepyfile(test_issues=CASSETTE_TEST % url)
    cassette = http_project.path / "cassettes" / "test_issues" / "issues.har"
    cassette.parent.mkdir(parents=True)
    cassette.write_text(json.dumps({"log": {"version": "1.2", "entries": []}}))
    http_project.runpytest("--pd-record-mode=all").assert_outcomes(passed=1)
    assert len(json.loads(cassette.read_text())["log"]["entries"]) == 1


NEW_EPISODES_TEST = """
import pytest

@pytest.mark.asyncio
@pytest.mark.pd_cassette("issues")
async def test_replayed(pd_emulator):
    old = await pd_emulator.deploy("issues.mjs", configured_props={"baseUrl": "%s"})
    new = await pd_emulator.deploy("issues.mjs", configured_props={"baseUrl": "%s/v2"})
    await pd_emulator.clock.advance(900)
    assert [e["event"]["title"] for e in await pd_emulator.events(old["id"])] == ["Recorded"]
    assert [e["event"]["title"] for e in await pd_emulator.events(new["id"])] == ["Changed"]
"""


def test_new_episodes_replays_what_is_recorded_and_records_the_rest(
        http_project: pytest.Pytester, static_api: tuple[str, subprocess.Popen[bytes]], tmp_path: Path) -> None:
    url, _ = static_api
    http_project.makepyfile(test_issues=CASSETTE_TEST % url)
    http_project.runpytest("--pd-record-mode=once").assert_outcomes(passed=1)
    (tmp_path / "issues.json").write_text(json.dumps([{"id": 9, "title": "Changed"}]))
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "issues.json").write_text(json.dumps([{"id": 10, "title": "Changed"}]))
    http_project.makepyfile(test_issues=NEW_EPISODES_TEST % (url, url))
    http_project.runpytest("--pd-record-mode=new_episodes").assert_outcomes(passed=1)
    cassette = http_project.path / "cassettes" / "test_issues" / "issues.har"
    urls = [e["request"]["url"] for e in json.loads(cassette.read_text())["log"]["entries"]]
    assert urls == [f"{url}/issues.json?state=open", f"{url}/v2/issues.json?state=open"]


def test_the_threaded_fixture_stubs_too(http_project: pytest.Pytester) -> None:
    http_project.makepyfile("""
        import pathlib

        import requests

        def test_sync(pd_emulator_server):
            stub = pd_emulator_server.http.stub("GET", "https://api.example.test/issues.json",
                                                json=[{"id": 1, "title": "Bug"}])
            code = pathlib.Path("issues.mjs").read_text()
            url = pd_emulator_server.url
            source = requests.post(f"{url}/v1/sources", headers=pd_emulator_server.headers,
                                   json={"component_code": code}, timeout=30).json()["data"]
            run = requests.post(f"{url}/_emulator/sources/{source['id']}/run", headers=pd_emulator_server.headers,
                                json={}, timeout=30).json()["data"]
            assert run["outcome"] == "ok", run["error"]
            [request] = pd_emulator_server.http.requests(source["id"])
            assert request["stub_id"] == stub["id"]

        def test_the_next_test_starts_offline_without_stubs(pd_emulator_server):
            assert pd_emulator_server.http.requests() == []
            assert requests.get(f"{pd_emulator_server.url}/_emulator/http/stubs", headers=pd_emulator_server.headers,
                                timeout=10).json()["data"] == []
    """)
    http_project.runpytest().assert_outcomes(passed=2)
