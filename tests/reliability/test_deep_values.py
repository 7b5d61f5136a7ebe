"""Values nested hundreds or 100,000 levels deep, at every way in: refused with a 4xx naming where.

Before, a value ~500 levels deep was stored (in a db, configured_props, an anonymous `/http/` body
a source kept) and then broke every state export with RecursionError; 100,000-deep bodies and
1,000-deep emits answered 500. After each attack the state still exports.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from emulator.domain.json_depth import MAX_BODY_DEPTH, MAX_JSON_DEPTH, too_deep_path
from emulator.server.runner import Emulator
from tests.conftest import ApiClient, create_source

KEEPER = """
export default {
  key: "keeper", name: "Keeper", version: "0.0.1", type: "source",
  props: { db: "$.service.db", http: "$.interface.http", anything: { type: "object", label: "Anything", optional: true } },
  async run(event) {
    if (event.build) {
      let v = {}; const top = v;
      for (let i = 0; i < event.build; i++) { v.a = {}; v = v.a; }
      if (event.into === "db") this.db.set("deep", top); else this.$emit(top, { summary: "deep" });
      return;
    }
    this.db.set("last", event.body ?? event);
    this.$emit(event.body ?? event, { summary: "kept" });
  },
};
"""


def nested(levels: int) -> Any:
    value: Any = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def deep_text(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.fixture
async def keeper(api: ApiClient) -> dict[str, Any]:
    return await create_source(api, KEEPER)


async def assert_state_exports(api: ApiClient, emu: Emulator) -> None:
    await emu.services.runtime.idle()
    assert (await api.get("/_emulator/state"))[0] == 200
    assert emu.internal_errors == []


@pytest.mark.parametrize("method, path, body, param", [
    ("PUT", "/_emulator/sources/{id}/db", {"db": {"deep": nested(500)}}, "db"),
    ("PUT", "/v1/sources/{id}", {"configured_props": {"anything": nested(500)}}, "configured_props"),
    ("POST", "/_emulator/sources/{id}/run", {"event": nested(500)}, "event"),
])
async def test_a_500_level_value_in_a_json_body_is_refused_naming_the_parameter(
        api: ApiClient, emu: Emulator, keeper: dict[str, Any], method: str, path: str, body: Any, param: str) -> None:
    status, answer = await api.call(method, path.format(id=keeper["id"]), json=body)
    assert (status, answer["code"], answer["param"]) == (400, "too_deep", param)
    assert f"deeper than {MAX_BODY_DEPTH} levels" in answer["error"] and f"body.{param}" in answer["error"]
    await assert_state_exports(api, emu)


async def test_a_100000_level_api_body_is_a_400_not_a_500(api: ApiClient, emu: Emulator) -> None:
    for text in (deep_text(100_000), b'{"component_code": ' + deep_text(100_000) + b"}"):
        status, answer = await api.post("/v1/sources", data=text, headers={"Content-Type": "application/json"})
        assert (status, answer["code"]) == (400, "too_deep")
    await assert_state_exports(api, emu)


async def test_a_deep_object_in_a_query_string_is_a_400(api: ApiClient, emu: Emulator) -> None:
    status, answer = await api.post("/v1/sources", params={"configured_props": "[" * 1200 + "]" * 1200})
    assert (status, answer["code"], answer["param"]) == (400, "too_deep", "configured_props")
    assert emu.internal_errors == []


@pytest.mark.parametrize("levels", [500, 100_000])
async def test_an_anonymous_deep_body_to_an_endpoint_is_refused_and_nothing_is_stored(
        api: ApiClient, emu: Emulator, keeper: dict[str, Any], levels: int) -> None:
    endpoint_url = keeper["configured_props"]["http"]["endpoint_url"]
    async with api.session.post(endpoint_url, data=deep_text(levels),
                                headers={"Content-Type": "application/json"}) as response:
        answer = await response.json()
    assert (response.status, answer["code"], answer["param"]) == (400, "too_deep", "body")
    await assert_state_exports(api, emu)
    assert (await api.ok("GET", f"/_emulator/sources/{keeper['id']}/db"))["data"] == {}


async def test_a_run_emitting_1000_levels_keeps_nothing_deep_and_says_so(api: ApiClient, emu: Emulator,
                                                                         keeper: dict[str, Any]) -> None:
    run = (await api.ok("POST", f"/_emulator/sources/{keeper['id']}/run",
                        json={"event": {"build": 1000}}))["data"]
    assert run["emitted"] == []
    assert any("nests deeper than" in line["message"] for line in run["logs"])
    await assert_state_exports(api, emu)


async def test_a_run_storing_500_levels_in_its_db_fails_naming_the_key(api: ApiClient, emu: Emulator,
                                                                       keeper: dict[str, Any]) -> None:
    run = (await api.ok("POST", f"/_emulator/sources/{keeper['id']}/run",
                        json={"event": {"build": 500, "into": "db"}}))["data"]
    assert run["outcome"] == "error"
    assert 'db.set("deep")' in run["error"]["message"] and "deeper than" in run["error"]["message"]
    assert (await api.ok("GET", f"/_emulator/sources/{keeper['id']}/db"))["data"] == {}
    await assert_state_exports(api, emu)


async def test_values_at_the_limit_are_kept(api: ApiClient, keeper: dict[str, Any]) -> None:
    await api.ok("PUT", f"/_emulator/sources/{keeper['id']}/db", json={"db": {"ok": nested(MAX_JSON_DEPTH - 2)}})
    run = (await api.ok("POST", f"/_emulator/sources/{keeper['id']}/run",
                        json={"event": {"build": MAX_JSON_DEPTH - 1}}))["data"]
    assert len(run["emitted"]) == 1


async def test_a_state_holding_values_at_the_limit_exports_and_imports_again(api: ApiClient,
                                                                            keeper: dict[str, Any]) -> None:
    await run_source_building(api, keeper["id"], MAX_JSON_DEPTH - 1, into="db")
    await run_source_building(api, keeper["id"], MAX_JSON_DEPTH - 1, into="emit")
    state = await api.ok("GET", "/_emulator/state")
    await api.ok("PUT", "/_emulator/state", json=state)
    assert "deep" in (await api.ok("GET", f"/_emulator/sources/{keeper['id']}/db"))["data"]


async def run_source_building(api: ApiClient, source_id: str, levels: int, into: str) -> None:
    run = (await api.ok("POST", f"/_emulator/sources/{source_id}/run",
                        json={"event": {"build": levels, "into": into}}))["data"]
    assert run["outcome"] == "ok" and not run["logs"], run["logs"]


def test_the_depth_walk_names_the_path_without_recursing() -> None:
    assert too_deep_path(nested(MAX_JSON_DEPTH)) is None
    assert too_deep_path(nested(200_000)) == ["a"] * MAX_JSON_DEPTH
    assert too_deep_path([1, {"x": [[[]]]}], limit=3) == ["1", "x", "0"]


def test_node_and_python_agree_on_the_limit() -> None:
    mjs = Path(__file__).resolve().parents[2] / "emulator/sandbox/node/runner/json-depth.mjs"
    assert re.search(r"MAX_JSON_DEPTH = (\d+)", mjs.read_text())[1] == str(MAX_JSON_DEPTH)
