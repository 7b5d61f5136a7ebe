"""`pd_emulator`: a fresh emulator per test on the test's loop, for source authors."""
from __future__ import annotations

import pytest

HTTP_SOURCE = """
export default {
  key: "orders", name: "Orders", version: "0.1.0", type: "source",
  props: { http: { type: "$.interface.http", customResponse: true } },
  async run(event) {
    this.http.respond({ status: 202, headers: { "x-order": String(event.body.id) }, body: { queued: event.body.id } });
    this.$emit(event.body, { summary: `${event.method} ${event.path}` });
  },
};
"""


def test_a_timer_source_runs_for_a_virtual_hour(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_hour(pd_emulator):
            source = await pd_emulator.deploy("counter.mjs", configured_props={"label": "jobs"})
            advanced = await pd_emulator.clock.advance(3600)
            assert len(advanced["runs"]) == 4
            events = await pd_emulator.events(source["id"])
            assert [e["event"] for e in events] == [{"label": "jobs", "count": n} for n in (1, 2, 3, 4)]
            assert await pd_emulator.db(source["id"]) == {"count": 4}
            runs = [run for run in await pd_emulator.logs(source["id"]) if run["trigger"] == "timer"]
            assert [run["logs"][0]["message"] for run in runs] == ["count 4", "count 3", "count 2", "count 1"]
    """)
    project.runpytest().assert_outcomes(passed=1)


def test_an_http_source_answers_its_custom_response(project: pytest.Pytester) -> None:
    project.makefile(".mjs", orders=HTTP_SOURCE)
    project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_post(pd_emulator):
            source = await pd_emulator.deploy("orders.mjs")
            answer = await pd_emulator.http(source["id"], "POST", "/orders", json={"id": 7})
            assert (answer.status, answer.json(), answer.headers["x-order"]) == (202, {"queued": 7}, "7")
            [event] = await pd_emulator.events(source["id"])
            assert event["event"] == {"id": 7}
    """)
    project.runpytest().assert_outcomes(passed=1)


def test_each_test_gets_a_fresh_emulator(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_first_deploys(pd_emulator):
            await pd_emulator.deploy("counter.mjs", configured_props={"label": "a"})

        @pytest.mark.asyncio
        async def test_second_sees_nothing(pd_emulator):
            body = await pd_emulator.call("GET", "/v1/users/me/sources")
            assert body["data"] == []
    """)
    project.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_marker_registers_a_components_folder(project: pytest.Pytester) -> None:
    project.mkdir("components")
    project.path.joinpath("counter.mjs").rename(project.path / "components" / "counter.mjs")
    project.makepyfile("""
        import pytest

        @pytest.mark.pd_components("components")
        @pytest.mark.asyncio
        async def test_by_key(pd_emulator):
            source = await pd_emulator.deploy("counter", configured_props={"label": "by key"})
            run = await pd_emulator.run(source["id"])
            assert run["outcome"] == "ok" and run["events"][0]["event"]["label"] == "by key"
    """)
    project.runpytest().assert_outcomes(passed=1)


def test_the_option_registers_a_components_folder(project: pytest.Pytester) -> None:
    project.mkdir("components")
    project.path.joinpath("counter.mjs").rename(project.path / "components" / "counter.mjs")
    project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_registry(pd_emulator):
            body = await pd_emulator.call("GET", "/v1/components/registry/counter")
            assert body["data"]["key"] == "counter"
    """)
    project.runpytest("--pd-components", "components").assert_outcomes(passed=1)


def test_the_speed_option_runs_a_real_clock(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_clock(pd_emulator):
            clock = await pd_emulator.call("GET", "/_emulator/clock")
            assert (clock["mode"], clock["speed"]) == ("real", 100.0)
    """)
    project.runpytest("--pd-speed", "100").assert_outcomes(passed=1)


def test_a_missing_component_file_names_where_it_looked(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import pytest

        @pytest.mark.asyncio
        async def test_missing(pd_emulator):
            with pytest.raises(FileNotFoundError, match="nowhere.mjs not found in"):
                await pd_emulator.deploy("nowhere.mjs")
    """)
    project.runpytest().assert_outcomes(passed=1)
