"""Dedupe strategies by the metadata id, exactly as the cloud applies them."""
from __future__ import annotations

from tests.conftest import ApiClient, create_source, run_source


def emitter(dedupe: str | None) -> str:
    strategy = f'dedupe: "{dedupe}",' if dedupe else ""
    return f"""
export default {{
  key: "dedupe-{dedupe}", name: "Dedupe", version: "0.0.1", type: "source", {strategy}
  async run(event) {{
    for (const id of event.ids) this.$emit({{ id }}, id === null ? {{}} : {{ id, summary: `#${{id}}` }});
  }},
}};
"""


async def _emitted(api: ApiClient, source_id: str, ids: list) -> list:
    run = await run_source(api, source_id, {"ids": ids})
    return [e["event"]["id"] for e in run["events"]]


async def test_unique_drops_ids_already_emitted(api: ApiClient) -> None:
    source = await create_source(api, emitter("unique"))
    assert await _emitted(api, source["id"], [1, 2, 2, 3]) == [1, 2, 3]
    assert await _emitted(api, source["id"], [3, 4]) == [4]


async def test_unique_forgets_ids_after_100(api: ApiClient) -> None:
    source = await create_source(api, emitter("unique"))
    assert len(await _emitted(api, source["id"], list(range(100)))) == 100
    assert await _emitted(api, source["id"], [0]) == []          # still remembered: 100 ids kept
    assert await _emitted(api, source["id"], [100]) == [100]     # the 101st id pushes 0 out
    assert await _emitted(api, source["id"], [0]) == [0]


async def test_greatest_emits_only_ids_above_every_earlier_one(api: ApiClient) -> None:
    source = await create_source(api, emitter("greatest"))
    assert await _emitted(api, source["id"], [5, 3, 7, 7]) == [5, 7]
    assert await _emitted(api, source["id"], [6, 8, "9"]) == [8, "9"]


async def test_last_emits_only_what_follows_the_previous_last_id(api: ApiClient) -> None:
    source = await create_source(api, emitter("last"))
    assert await _emitted(api, source["id"], ["a", "b", "c"]) == ["a", "b", "c"]
    assert await _emitted(api, source["id"], ["a", "b", "c", "d", "e"]) == ["d", "e"]
    assert await _emitted(api, source["id"], ["x", "y"]) == ["x", "y"]      # "e" absent: all of them


async def test_no_dedupe_always_emits(api: ApiClient) -> None:
    source = await create_source(api, emitter(None))
    assert await _emitted(api, source["id"], [1, 1, None]) == [1, 1, None]


async def test_a_dedupe_strategy_drops_events_without_id_and_says_so(api: ApiClient) -> None:
    source = await create_source(api, emitter("unique"))
    run = await run_source(api, source["id"], {"ids": [None, 1]})
    assert [e["event"]["id"] for e in run["events"]] == [1]
    assert run["dropped"] == [{"id": None, "reason": "no metadata id, so the 'unique' dedupe strategy drops it"}]


async def test_metadata_id_is_a_string_even_when_emitted_as_a_number(api: ApiClient) -> None:
    source = await create_source(api, emitter("unique"))
    run = await run_source(api, source["id"], {"ids": [42]})
    assert run["events"][0]["metadata"]["id"] == "42"
