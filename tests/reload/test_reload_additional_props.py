"""A saved component with additionalProps(): its deployed sources get the new code's props, or keep the last good."""
from __future__ import annotations

import pytest

from tests.conftest import run_source
from tests.reload.conftest import Watched, eventually


def dynamic_code(version: str, added: str) -> str:
    return f"""export default {{
  key: "dynamic", name: "Dynamic", version: "{version}", type: "source",
  props: {{ db: "$.service.db", mode: {{ type: "string", default: "webhook" }} }},
  async additionalProps() {{
    {added}
  }},
  async run() {{ this.$emit({{ http: this.http?.endpoint ?? null, timer: this.timer ?? null }}, {{ summary: "run" }}); }},
}};
"""


WEBHOOK = 'return { http: "$.interface.http" };'
POLLING = 'return { timer: { type: "$.interface.timer", default: { intervalSeconds: 120 } } };'
THROWING = 'throw new Error("props broke");'
START = {"dynamic.mjs": dynamic_code("0.0.1", WEBHOOK)}


async def _source(watched: Watched, source_id: str) -> dict:
    return (await watched.api.ok("GET", f"/v1/sources/{source_id}"))["data"]


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_save_runs_additional_props_of_the_new_code(watched: Watched) -> None:
    source = (await watched.api.ok("POST", "/v1/sources", json={"key": "dynamic"}))["data"]
    endpoint = source["configured_props"]["http"]["endpoint_url"]
    assert (await run_source(watched.api, source["id"]))["events"][0]["event"]["http"] == endpoint

    watched.write("dynamic.mjs", dynamic_code("0.0.2", POLLING))
    await eventually(lambda: _reloaded(watched, "0.0.2"))
    now = await _source(watched, source["id"])
    assert now["configured_props"]["timer"] == {"cron": None, "interval_seconds": 120}
    assert "http" not in now["configured_props"]            # a prop the new code no longer adds is gone
    assert [p["name"] for p in now["configurable_props"]] == ["db", "mode", "timer"]
    run = await run_source(watched.api, source["id"])
    assert run["events"][0]["event"] == {"http": None, "timer": {"cron": None, "interval_seconds": 120}}
    fired = await watched.api.ok("POST", "/_emulator/clock/advance", json={"seconds": 125})
    assert [r["source_id"] for r in fired["runs"]] == [source["id"]]      # the added timer drives it

    watched.write("dynamic.mjs", dynamic_code("0.0.3", THROWING))

    async def failed() -> dict | None:
        return next((r for r in watched.reloads() if r["kind"] == "reload_failed"), None)

    failure = await eventually(failed)
    assert failure["message"].startswith("additionalProps() of dynamic failed at reload: props broke")
    assert failure["line"] == 5                              # the line of the throw in the saved file
    kept = await _source(watched, source["id"])
    assert kept["configured_props"] == now["configured_props"]
    assert kept["configurable_props"] == now["configurable_props"]


async def _reloaded(watched: Watched, version: str, key: str = "dynamic") -> bool:
    _, body = await watched.api.get(f"/v1/components/registry/{key}")
    return body["data"]["version"] == version and any(r["kind"] == "reload" for r in watched.reloads())


def moody_code(version: str, body: str) -> str:
    return f"""export default {{
  key: "moody", name: "Moody", version: "{version}", type: "source",
  props: {{ mode: {{ type: "string" }} }},
  async additionalProps() {{ {body} }},
  async run() {{}},
}};
"""


FITS_ALL = "return {};"
REFUSES_BAD = 'if (this.mode === "bad") throw new Error("bad mode"); return { extra: { type: "string", optional: true } };'
FITS_AGAIN = 'return { extra: { type: "string", optional: true } };'


@pytest.mark.parametrize("watched", [{"moody.mjs": moody_code("0.0.1", FITS_ALL)}], indirect=True)
async def test_a_paused_source_whose_props_do_not_follow_does_not_hold_back_the_others(watched: Watched) -> None:
    api = watched.api
    good = (await api.ok("POST", "/v1/sources", json={"key": "moody", "configured_props": {"mode": "good"}}))["data"]
    bad = (await api.ok("POST", "/v1/sources", json={"key": "moody", "configured_props": {"mode": "bad"}}))["data"]
    await api.ok("PUT", f"/v1/sources/{bad['id']}", json={"active": False})

    watched.write("moody.mjs", moody_code("0.0.2", REFUSES_BAD))
    await eventually(lambda: _reloaded(watched, "0.0.2", "moody"))
    assert [p["name"] for p in (await _source(watched, good["id"]))["configurable_props"]] == ["mode", "extra"]
    paused = await _source(watched, bad["id"])
    assert paused["status_note"].startswith("its props did not follow the reload: additionalProps() of moody "
                                            "failed at reload: bad mode")
    assert "configurable_props" not in paused and paused["active"] is False

    watched.write("moody.mjs", moody_code("0.0.3", FITS_AGAIN))

    async def noted_no_more() -> bool:
        source = await _source(watched, bad["id"])
        return "status_note" not in source and "configurable_props" in source
    await eventually(noted_no_more)
