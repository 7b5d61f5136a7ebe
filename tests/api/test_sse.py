"""The SSE stream of a source's new events, with Last-Event-ID resume."""
from __future__ import annotations

import asyncio

from tests.conftest import ApiClient, create_source, read_sse_messages, run_source


async def test_stream_carries_new_events_as_unnamed_messages(api: ApiClient) -> None:
    source = await create_source(api)
    async with api.open("GET", f"/sources/{source['id']}/sse") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        assert (await response.content.readline()) == b":sse-handshake\n"
        await run_source(api, source["id"], {"count": 2})
        messages = await asyncio.wait_for(read_sse_messages(response, lambda m: len(m) == 2), 10)
    assert [m["data"]["event"]["i"] for m in messages] == [0, 1]
    assert all("event" not in m for m in messages)
    assert messages[0]["id"] == messages[0]["data"]["id"]
    assert messages[0]["data"]["metadata"]["emitter_id"] == source["id"]


async def test_last_event_id_resumes_after_that_event(api: ApiClient) -> None:
    source = await create_source(api)
    await run_source(api, source["id"], {"count": 3})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries")
    oldest = body["data"][-1]["id"]
    async with api.open("GET", f"/sse/dc/{source['id']}/emits", headers={"Last-Event-ID": oldest}) as response:
        messages = await asyncio.wait_for(read_sse_messages(response, lambda m: len(m) == 2), 10)
    assert [m["data"]["event"]["i"] for m in messages] == [1, 2]


async def test_stream_needs_the_key_and_an_own_source(api: ApiClient) -> None:
    source = await create_source(api)
    async with api.session.get(f"{api.base}/sources/{source['id']}/sse") as response:
        assert response.status == 401
    status, _ = await api.get("/v1/sources/dc_nope/sse")
    assert status == 404
