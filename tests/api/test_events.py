"""A source's events: event_summaries, raw events, truncation, ranged deletes, retention."""
from __future__ import annotations

from tests.conftest import ApiClient, create_source, run_source


async def test_event_summaries_newest_first_with_metadata(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 3})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    events = body["data"]
    assert [e["event"]["i"] for e in events] == [2, 1, 0]
    first = events[-1]
    assert first["metadata"]["emitter_id"] == source["id"]
    assert first["metadata"]["summary"] == "item 0"
    assert first["metadata"]["name"] == "" and first["metadata"]["id"] is None
    assert len(first["metadata"]["emit_id"]) == 27
    assert first["indexed_at_ms"] == int(first["id"].split("-")[0])


async def test_event_ids_increase_in_emit_order_within_a_millisecond(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 3})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    ids = [e["id"] for e in reversed(body["data"])]
    ms = ids[0].split("-")[0]
    assert ids == [f"{ms}-0", f"{ms}-1", f"{ms}-2"]


async def test_limit_returns_newest_n(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 5})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries?limit=2")
    assert [e["event"]["i"] for e in body["data"]] == [4, 3]


async def test_event_cursors_are_event_ids(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 5})
    _, page = await api.get(f"/v1/sources/{source['id']}/event_summaries?limit=2")
    assert page["page_info"]["end_cursor"] == page["data"][-1]["id"]
    _, rest = await api.get(f"/v1/sources/{source['id']}/event_summaries?limit=2&after={page['page_info']['end_cursor']}")
    assert [e["event"]["i"] for e in rest["data"]] == [2, 1]


async def test_only_the_newest_100_are_kept(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 105})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert body["page_info"]["total_count"] == 100
    assert body["data"][-1]["event"]["i"] == 5


async def test_large_events_are_truncated_unless_expanded(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 1, "payload": "x" * 2000})
    _, listed = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    event = listed["data"][0]["event"]
    assert event["$truncated"] is True and len(event["preview"]) == 1024
    _, expanded = await api.get(f"/v1/sources/{source['id']}/event_summaries?expand=event")
    assert expanded["data"][0]["event"]["payload"] == "x" * 2000


async def test_raw_events_have_no_page_info_and_are_never_truncated(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 3, "payload": "y" * 2000})
    _, body = await api.get(f"/v1/sources/{source['id']}/events?n=2")
    assert set(body) == {"data"}
    assert [e["e"]["i"] for e in body["data"]] == [2, 1]
    assert body["data"][0]["k"] == "emit" and body["data"][0]["e"]["payload"] == "y" * 2000


async def test_delete_all_events_is_202(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 3})
    status, _ = await api.delete(f"/v1/sources/{source['id']}/events")
    assert status == 202
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert body["data"] == []


async def test_ranged_delete_is_inclusive(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 5})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    ids = [e["id"] for e in reversed(body["data"])]      # oldest first
    await api.delete(f"/v1/sources/{source['id']}/events?start_id={ids[1]}&end_id={ids[2]}")
    await api.delete(f"/v1/sources/{source['id']}/events", json={"start_id": ids[4], "end_id": ids[4]})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert [e["id"] for e in reversed(body["data"])] == [ids[0], ids[3]]


async def test_start_id_alone_deletes_to_the_newest_and_end_id_alone_from_the_oldest(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 5})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    ids = [e["id"] for e in reversed(body["data"])]
    await api.delete(f"/v1/sources/{source['id']}/events?start_id={ids[3]}")
    await api.delete(f"/v1/sources/{source['id']}/events?end_id={ids[0]}")
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert [e["id"] for e in reversed(body["data"])] == ids[1:3]


async def test_malformed_event_id_is_400(api: ApiClient) -> None:
    source = await create_source(api)
    status, body = await api.delete(f"/v1/sources/{source['id']}/events?start_id=yesterday")
    assert status == 400 and body["param"] == "start_id"


async def test_events_of_an_unknown_source_are_404(api: ApiClient) -> None:
    assert (await api.get("/v1/sources/dc_nope/event_summaries"))[0] == 404
