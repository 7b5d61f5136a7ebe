"""Stubs through the control API and `*.stubs.json` files: matching rules, times, most recent
first, per source, bad input as a 400 naming the field, files reloaded on save."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ApiClient
from tests.outbound.conftest import Upstream, body_json, call, create_caller, emitted
from tests.reload.conftest import Watched, eventually, watched  # noqa: F401  (the fixture)

HOST = "https://api.example.test"


async def stub(api: ApiClient, **fields: object) -> dict:
    return (await api.ok("POST", "/_emulator/http/stubs", json=fields))["data"]


async def answers(api: ApiClient, source_id: str, *specs: dict) -> list[object]:
    """What each request got: the stubbed JSON, or "blocked"."""
    run = await call(api, source_id, *[{"client": "fetch", **spec} for spec in specs])
    return [body_json(r) if "body" in r else "blocked" for r in emitted(run)["results"]]


@pytest.fixture
async def offline_caller(api: ApiClient) -> dict:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    return await create_caller(api)


async def test_wildcards_match_one_segment_and_double_star_the_rest(api: ApiClient, offline_caller: dict) -> None:
    await stub(api, url=f"{HOST}/projects/*/hooks", json="one")
    await stub(api, url=f"{HOST}/files/**", json="rest")
    await stub(api, url=f"{HOST}/v*/me", json="part")
    got = await answers(api, offline_caller["id"], {"url": f"{HOST}/projects/12/hooks"},
                        {"url": f"{HOST}/projects/12/x/hooks"}, {"url": f"{HOST}/files/a/b/c.txt"},
                        {"url": f"{HOST}/v2/me"})
    assert got == ["one", "blocked", "rest", "part"]


async def test_query_in_the_stub_must_be_present_and_others_are_ignored(api: ApiClient, offline_caller: dict) -> None:
    await stub(api, url=f"{HOST}/items?state=open", json="open")
    got = await answers(api, offline_caller["id"], {"url": f"{HOST}/items?page=2&state=open"},
                        {"url": f"{HOST}/items?state=closed"}, {"url": f"{HOST}/items"})
    assert got == ["open", "blocked", "blocked"]


async def test_method_defaults_to_any_and_restricts_when_given(api: ApiClient, offline_caller: dict) -> None:
    await stub(api, url=f"{HOST}/any", json="any")
    await stub(api, method="post", url=f"{HOST}/only-post", json="post")
    got = await answers(api, offline_caller["id"], {"method": "DELETE", "url": f"{HOST}/any"},
                        {"method": "POST", "url": f"{HOST}/only-post"}, {"url": f"{HOST}/only-post"})
    assert got == ["any", "post", "blocked"]


async def test_request_json_and_text_tell_graphql_queries_apart(api: ApiClient, offline_caller: dict) -> None:
    await stub(api, method="POST", url=f"{HOST}/graphql", request_json={"variables": {"id": 1}}, json="first")
    await stub(api, method="POST", url=f"{HOST}/graphql", request_text="viewer", json="viewer")
    post = {"method": "POST", "url": f"{HOST}/graphql", "headers": {"content-type": "application/json"}}
    got = await answers(api, offline_caller["id"],
                        {**post, "body": json.dumps({"query": "q", "variables": {"id": 1, "x": 2}})},
                        {**post, "body": json.dumps({"query": "{ viewer { id } }"})},
                        {**post, "body": json.dumps({"query": "q", "variables": {"id": 2}})})
    assert got == ["first", "viewer", "blocked"]


async def test_most_recent_stub_wins_and_times_runs_out(api: ApiClient, offline_caller: dict) -> None:
    await stub(api, url=f"{HOST}/n", json="older")
    once = await stub(api, url=f"{HOST}/n", json="newer", times=1)
    got = await answers(api, offline_caller["id"], {"url": f"{HOST}/n"}, {"url": f"{HOST}/n"})
    assert got == ["newer", "older"]
    listed = {s["id"]: s for s in (await api.ok("GET", "/_emulator/http/stubs"))["data"]}
    assert listed[once["id"]]["calls"] == 1


async def test_a_stub_for_one_source_does_not_answer_another(api: ApiClient, offline_caller: dict) -> None:
    other = await create_caller(api)
    await stub(api, url=f"{HOST}/mine", json="mine", source_id=offline_caller["id"])
    assert await answers(api, offline_caller["id"], {"url": f"{HOST}/mine"}) == ["mine"]
    assert await answers(api, other["id"], {"url": f"{HOST}/mine"}) == ["blocked"]


async def test_stub_status_headers_body_and_removal(api: ApiClient, offline_caller: dict) -> None:
    created = await stub(api, url=f"{HOST}/text", status=418, headers={"X-Kind": "teapot"}, body="short and stout")
    run = await call(api, offline_caller["id"], {"client": "https", "url": f"{HOST}/text"})
    assert emitted(run)["results"][0] == {"status": 418, "body": "short and stout"}
    await api.ok("DELETE", f"/_emulator/http/stubs/{created['id']}")
    assert await answers(api, offline_caller["id"], {"url": f"{HOST}/text"}) == ["blocked"]
    status, _ = await api.delete(f"/_emulator/http/stubs/{created['id']}")
    assert status == 404


@pytest.mark.parametrize(("fields", "param"), [
    ({"json": {}}, "url"),
    ({"url": "not a url"}, "url"),
    ({"url": f"{HOST}/x", "status": 99}, "status"),
    ({"url": f"{HOST}/x", "status": "200"}, "status"),
    ({"url": f"{HOST}/x", "times": 0}, "times"),
    ({"url": f"{HOST}/x", "headers": {"a": 1}}, "headers.a"),
    ({"url": f"{HOST}/x", "json": 1, "body": "x"}, "body"),
    ({"url": f"{HOST}/x", "method": "GET /"}, "method"),
    ({"url": f"{HOST}/x", "delay_ms": -1}, "delay_ms"),
    ({"url": f"{HOST}/x", "request_json": [1]}, "request_json"),
    ({"url": f"{HOST}/x", "colour": "red"}, "body"),
])
async def test_bad_stub_is_a_400_naming_the_field(api: ApiClient, fields: dict, param: str) -> None:
    status, body = await api.post("/_emulator/http/stubs", json=fields)
    assert status == 400, body
    assert body["param"] == param, body
    assert (await api.ok("GET", "/_emulator/http/stubs"))["data"] == []


async def test_another_user_may_stub_only_their_own_sources(api: ApiClient, offline_caller: dict) -> None:
    user = (await api.ok("POST", "/_emulator/users", json={}))["data"]
    status, _ = await api.post("/_emulator/http/stubs", key=user["api_key"], json={"url": f"{HOST}/x"})
    assert status == 403
    status, _ = await api.post("/_emulator/http/stubs", key=user["api_key"],
                               json={"url": f"{HOST}/x", "source_id": offline_caller["id"]})
    assert status == 404
    status, _ = await api.put("/_emulator/http", key=user["api_key"], json={"mode": "live"})
    assert status == 403


STUB_FILE = [{"url": f"{HOST}/from-file", "json": {"v": 1}}]


@pytest.mark.parametrize("watched", [{"api.stubs.json": json.dumps(STUB_FILE)}], indirect=True)
async def test_stub_files_load_at_start_and_reload_on_save(watched: Watched) -> None:
    api = watched.api
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    source_id = (await create_caller(api))["id"]
    assert await answers(api, source_id, {"url": f"{HOST}/from-file"}) == [{"v": 1}]

    watched.write("api.stubs.json", json.dumps([{"url": f"{HOST}/from-file", "json": {"v": 2}}]))

    async def reloaded() -> bool:
        return await answers(api, source_id, {"url": f"{HOST}/from-file"}) == [{"v": 2}]
    await eventually(reloaded)
    listed = (await api.ok("GET", "/_emulator/http/stubs"))["data"]
    assert [s["file"] for s in listed] == [str(watched.folder / "api.stubs.json")]

    watched.write("api.stubs.json", json.dumps([{"json": {"v": 3}}]))
    failure = await eventually(lambda: _reload_failure(watched))
    assert "[0].url" in failure["message"] and "previous stubs stay" in failure["message"]
    assert await answers(api, source_id, {"url": f"{HOST}/from-file"}) == [{"v": 2}]

    (watched.folder / "api.stubs.json").unlink()

    async def removed() -> bool:
        return await answers(api, source_id, {"url": f"{HOST}/from-file"}) == ["blocked"]
    await eventually(removed)


async def _reload_failure(watched: Watched) -> dict | None:
    return next((r for r in watched.reloads() if r["kind"] == "reload_failed"), None)


async def test_live_stub_answers_before_the_network(api: ApiClient, upstream: Upstream) -> None:
    source = await create_caller(api)
    await stub(api, url=f"{upstream.url}/x", json="stubbed", delay_ms=20)
    run = await call(api, source["id"], {"client": "fetch", "url": f"{upstream.url}/x"},
                     {"client": "fetch", "url": f"{upstream.url}/y"})
    assert [r["answered_by"] for r in run["requests"]] == ["stub", "network"]
    assert run["requests"][0]["duration_ms"] >= 20
    assert len(upstream.received) == 1


async def test_a_default_port_in_the_url_does_not_matter(api: ApiClient, offline_caller: dict) -> None:
    await stub(api, url=f"{HOST}/plain", json="plain")
    await stub(api, url="https://api.example.test:443/explicit", json="explicit")
    got = await answers(api, offline_caller["id"], {"url": "https://api.example.test:443/plain"},
                        {"url": f"{HOST}/explicit"}, {"url": "https://api.example.test:8443/plain"})
    assert got == ["plain", "explicit", "blocked"]
