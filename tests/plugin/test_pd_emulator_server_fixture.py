"""`pd_emulator_server`: one threaded emulator per session, emptied per test, for sync clients."""
from __future__ import annotations

import shutil

import pytest

from emulator.testing import SEEDS

CLIENT_TESTS = """
import requests

URLS = []
SOURCE = 'export default { key: "k", name: "n", version: "0.1.0", type: "source", props: {}, async run() {} };'

def test_first_deploys(pd_emulator_server):
    URLS.append(pd_emulator_server.url)
    created = requests.post(f"{pd_emulator_server.url}/v1/sources", headers=pd_emulator_server.headers,
                            json={"component_code": SOURCE}, timeout=10)
    assert created.status_code == 200, created.text

def test_second_sees_an_empty_emulator_at_the_same_url(pd_emulator_server):
    listed = requests.get(f"{pd_emulator_server.url}/v1/users/me/sources", headers=pd_emulator_server.headers,
                          timeout=10)
    assert listed.json()["data"] == []
    assert URLS == [pd_emulator_server.url]
"""


def test_a_requests_client_gets_an_emptied_emulator_per_test(project: pytest.Pytester) -> None:
    project.makepyfile(CLIENT_TESTS)
    project.runpytest().assert_outcomes(passed=2)


def test_the_clock_starts_over_for_each_test(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import requests

        STARTS = []

        def now(server):
            return requests.get(f"{server.url}/_emulator/clock", headers=server.headers, timeout=10).json()["now_ms"]

        def test_first_advances(pd_emulator_server):
            STARTS.append(now(pd_emulator_server))
            requests.post(f"{pd_emulator_server.url}/_emulator/clock/advance", json={"seconds": 3600},
                          headers=pd_emulator_server.headers, timeout=10).raise_for_status()

        def test_second_starts_where_the_first_started(pd_emulator_server):
            assert now(pd_emulator_server) == STARTS[0]
    """)
    project.runpytest().assert_outcomes(passed=2)


def test_a_seed_state_loads_through_the_control_api(project: pytest.Pytester) -> None:
    shutil.copy(SEEDS / "busy_sources.json", project.path)
    project.makepyfile("""
        import json
        from pathlib import Path

        import requests

        def test_seeded(pd_emulator_server):
            url, seed = pd_emulator_server.url, json.loads(Path("busy_sources.json").read_text())
            put = requests.put(f"{url}/_emulator/state", json=seed, headers=pd_emulator_server.headers, timeout=10)
            assert put.json()["data"] == {"users": 3, "sources": 3, "events": 396, "owners": [
                {"user_id": seed["users"][0]["id"], "username": "dev", "sources": 3, "yours": False}]}
            # The seed's own users and keys now answer, and the fixture's key stays valid as a user of its own.
            mine = requests.get(f"{url}/v1/users/me/sources", headers=pd_emulator_server.headers, timeout=10)
            assert mine.json()["data"] == []
            seeded = {"Authorization": "Bearer " + seed["users"][0]["api_key"]}
            sources = requests.get(f"{url}/v1/users/me/sources", headers=seeded, timeout=10).json()["data"]
            assert sorted(s["name"] for s in sources) == ["greeter", "orders webhook", "python poller"]
            for source in sources:
                events = requests.get(f"{url}/v1/sources/{source['id']}/event_summaries",
                                      params={"limit": 100}, headers=seeded, timeout=10).json()
                assert len(events["data"]) == 100

        def test_next_test_is_empty_again(pd_emulator_server):
            listed = requests.get(f"{pd_emulator_server.url}/v1/users/me/sources",
                                  headers=pd_emulator_server.headers, timeout=10)
            assert listed.json()["data"] == []
    """)
    project.runpytest().assert_outcomes(passed=2)


def test_load_state_gives_the_seed_to_the_fixtures_key(project: pytest.Pytester) -> None:
    shutil.copy(SEEDS / "busy_sources.json", project.path)
    project.makepyfile("""
        import requests

        def test_seeded(pd_emulator_server):
            pd_emulator_server.load_state("busy_sources.json")
            url, headers = pd_emulator_server.url, pd_emulator_server.headers
            sources = requests.get(f"{url}/v1/users/me/sources", headers=headers, timeout=10).json()["data"]
            [webhook] = [s for s in sources if s["name"] == "orders webhook"]
            endpoint = webhook["configured_props"]["http"]["endpoint_url"]
            assert endpoint.startswith(url + "/http/")
            answer = requests.post(endpoint, json={"order": 121}, timeout=10)
            assert answer.json() == {"ok": True, "received": 121}
    """)
    project.runpytest().assert_outcomes(passed=1)


def test_a_reset_through_the_control_api_empties_the_emulator(project: pytest.Pytester) -> None:
    shutil.copy(SEEDS / "one_timer_source.json", project.path)
    project.makepyfile("""
        import requests

        def test_reset(pd_emulator_server):
            pd_emulator_server.load_state("one_timer_source.json")
            url, headers = pd_emulator_server.url, pd_emulator_server.headers
            requests.post(f"{url}/_emulator/reset", json={}, headers=headers, timeout=10).raise_for_status()
            assert requests.get(f"{url}/v1/users/me/sources", headers=headers, timeout=10).json()["data"] == []
    """)
    project.runpytest().assert_outcomes(passed=1)


def test_the_session_server_serves_session_scoped_clients(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import pytest
        import requests

        @pytest.fixture(scope="session")
        def api(pd_emulator_session_server):
            with requests.Session() as session:
                session.headers.update(pd_emulator_session_server.headers)
                session.base = pd_emulator_session_server.url
                yield session

        @pytest.mark.parametrize("attempt", [1, 2, 3])
        def test_session_client(api, pd_emulator_server, attempt):
            assert api.base == pd_emulator_server.url
            assert api.get(f"{api.base}/v1/users/me", timeout=10).status_code == 200
    """)
    project.runpytest().assert_outcomes(passed=3)


def test_each_xdist_worker_has_its_own_server(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import os
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_records_its_server(pd_emulator_server, worker_id, n):
            with open(f"urls-{worker_id}.txt", "a") as out:
                out.write(pd_emulator_server.url + "\\n")
    """)
    project.runpytest("-n", "2").assert_outcomes(passed=6)
    urls = {path.name: set(path.read_text().split()) for path in project.path.glob("urls-gw*.txt")}
    assert sorted(urls) == ["urls-gw0.txt", "urls-gw1.txt"]
    assert all(len(seen) == 1 for seen in urls.values())
    assert urls["urls-gw0.txt"] != urls["urls-gw1.txt"]


def test_the_marker_gives_the_threaded_server_a_components_folder(project: pytest.Pytester) -> None:
    project.mkdir("components")
    project.path.joinpath("counter.mjs").rename(project.path / "components" / "counter.mjs")
    project.makepyfile("""
        import pytest
        import requests

        @pytest.mark.pd_components("components")
        def test_registry(pd_emulator_server):
            answer = requests.get(f"{pd_emulator_server.url}/v1/components/registry/counter",
                                  headers=pd_emulator_server.headers, timeout=10)
            assert answer.json()["data"]["key"] == "counter"

        def test_without_the_marker(pd_emulator_server):
            answer = requests.get(f"{pd_emulator_server.url}/v1/components/registry/counter",
                                  headers=pd_emulator_server.headers, timeout=10)
            assert answer.status_code == 404
    """)
    project.runpytest().assert_outcomes(passed=2)
