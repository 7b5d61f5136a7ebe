"""Subscriptions between sources, auto-subscriptions, and webhooks with delivery."""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from tests.conftest import ApiClient, create_source, run_source

LISTENER = """
export default {
  key: "listener", name: "Listener", version: "0.0.1", type: "source",
  async run(event) { this.$emit({ heard: event }, { summary: "heard" }); },
};
"""


async def test_listener_source_runs_with_the_emitted_event(api: ApiClient) -> None:
    emitter = await create_source(api)
    listener = await create_source(api, LISTENER)
    _, sub = await api.post(f"/v1/subscriptions?emitter_id={emitter['id']}&listener_id={listener['id']}")
    assert sub["data"]["event_name"] == "" and sub["data"]["id"].startswith("sub_")
    await run_source(api, emitter["id"], {"count": 2})
    _, body = await api.get(f"/v1/sources/{listener['id']}/event_summaries")
    assert [e["event"]["heard"]["i"] for e in body["data"]] == [1, 0]


async def test_subscriptions_are_listed_and_deleted(api: ApiClient) -> None:
    emitter = await create_source(api)
    listener = await create_source(api, LISTENER)
    await api.post("/v1/subscriptions", json={"emitter_id": emitter["id"], "listener_id": listener["id"]})
    _, listing = await api.get("/v1/users/me/subscriptions")
    assert [(s["emitter_id"], s["listener_id"]) for s in listing["data"]] == [(emitter["id"], listener["id"])]
    assert "page_info" not in listing
    status, _ = await api.delete(f"/v1/subscriptions?emitter_id={emitter['id']}&listener_id={listener['id']}")
    assert status == 200
    _, listing = await api.get("/v1/users/me/subscriptions")
    assert listing["data"] == []


async def test_delete_without_event_name_removes_only_the_default_channel(api: ApiClient) -> None:
    emitter = await create_source(api)
    listener = await create_source(api, LISTENER)
    for channel in ("", "alerts"):
        await api.post(f"/v1/subscriptions?emitter_id={emitter['id']}&listener_id={listener['id']}"
                       f"&event_name={channel}")
    status, _ = await api.delete(f"/v1/subscriptions?emitter_id={emitter['id']}&listener_id={listener['id']}")
    assert status == 200
    _, listing = await api.get("/v1/users/me/subscriptions")
    assert [s["event_name"] for s in listing["data"]] == ["alerts"]
    status, _ = await api.delete(f"/v1/subscriptions?emitter_id={emitter['id']}&listener_id={listener['id']}")
    assert status == 404


async def test_unknown_emitter_or_listener_is_404(api: ApiClient) -> None:
    listener = await create_source(api, LISTENER)
    assert (await api.post(f"/v1/subscriptions?emitter_id=dc_nope&listener_id={listener['id']}"))[0] == 404
    assert (await api.post(f"/v1/subscriptions?emitter_id={listener['id']}&listener_id=dc_nope"))[0] == 404


async def test_missing_emitter_is_400(api: ApiClient) -> None:
    status, body = await api.post("/v1/subscriptions?listener_id=dc_x")
    assert status == 400 and body["param"] == "emitter_id"


async def test_glob_emitter_hears_every_source(api: ApiClient) -> None:
    listener = await create_source(api, LISTENER)
    await api.post(f"/v1/subscriptions?emitter_id=dc_*&listener_id={listener['id']}")
    emitter = await create_source(api)
    await run_source(api, emitter["id"], {"count": 1})
    _, body = await api.get(f"/v1/sources/{listener['id']}/event_summaries")
    assert len(body["data"]) == 1


async def test_auto_subscription_covers_sources_created_later(api: ApiClient) -> None:
    listener = await create_source(api, LISTENER)
    _, auto = await api.post(f"/v1/auto_subscriptions?event_name=&listener_id={listener['id']}")
    assert auto["data"]["listener_id"] == listener["id"]
    emitter = await create_source(api)
    await run_source(api, emitter["id"], {"count": 1})
    _, body = await api.get(f"/v1/sources/{listener['id']}/event_summaries")
    assert len(body["data"]) == 1


SELF_LOOP = """
export default {
  key: "self-loop", name: "Self Loop", version: "0.0.1", type: "source",
  async run(event) { this.$emit({ n: ((event && event.n) || 0) + 1 }, { name: "loop" }); },
};
"""


async def test_a_subscription_loop_stops_at_depth_16(api: ApiClient) -> None:
    source = await create_source(api, SELF_LOOP)
    await api.post(f"/v1/subscriptions?emitter_id={source['id']}&listener_id={source['id']}&event_name=loop")
    await run_source(api, source["id"], {"n": 0})
    _, body = await api.get(f"/v1/sources/{source['id']}/event_summaries?event_name=loop")
    assert len(body["data"]) == 17        # the first run plus 16 chained deliveries


async def test_webhook_receives_events_and_failures_are_retried(api: ApiClient, emu: Any) -> None:
    received: list[Any] = []
    attempts = {"n": 0}

    async def hook(request: web.Request) -> web.Response:
        attempts["n"] += 1
        if attempts["n"] == 1:
            return web.Response(status=503)
        received.append((await request.json(), request.headers))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        _, created = await api.post(f"/v1/webhooks?url=http://127.0.0.1:{port}/hook&name=mine")
        webhook = created["data"]
        assert webhook["id"].startswith("wh_") and webhook["active"] is True and webhook["name"] == "mine"
        emitter = await create_source(api)
        await api.post(f"/v1/subscriptions?emitter_id={emitter['id']}&listener_id={webhook['id']}")
        await run_source(api, emitter["id"], {"count": 1})
        await asyncio.wait_for(emu.services.webhooks.idle(), 10)
        assert attempts["n"] == 2
        [(body, headers)] = received
        assert body == {"i": 0, "payload": None}          # the emitted event itself, no envelope
        assert headers["X-PD-Emitter-Id"] == emitter["id"] and headers["X-PD-Event-Id"].endswith("-0")
    finally:
        await runner.cleanup()


async def test_webhooks_are_listed_and_deleted_with_204(api: ApiClient) -> None:
    _, created = await api.post("/v1/webhooks", json={"url": "https://example.com/x", "description": "d"})
    _, listing = await api.get("/v1/users/me/webhooks")
    assert [w["id"] for w in listing["data"]] == [created["data"]["id"]]
    assert listing["page_info"]["total_count"] == 1
    status, _ = await api.delete(f"/v1/webhooks/{created['data']['id']}")
    assert status == 204
    assert (await api.delete(f"/v1/webhooks/{created['data']['id']}"))[0] == 404


async def test_webhook_url_must_be_http(api: ApiClient) -> None:
    status, body = await api.post("/v1/webhooks?url=ftp://example.com")
    assert status == 400 and body["param"] == "url"
