"""`POST /_emulator/sources/{id}/sample`: emit the component's `sampleEmit` as an event.

Differences from the cloud: the cloud uses sampleEmit only to show a sample in its UI; here it is
emitted (deduped, stored, delivered to listeners) as if run() had emitted it.
"""
from __future__ import annotations

from aiohttp import web

from emulator.api.auth import own_source
from emulator.domain.event_summary import run_with_events
from emulator.errors import Unprocessable
from emulator.server.services import services_of

routes = web.RouteTableDef()


@routes.post("/_emulator/sources/{id}/sample")
async def emit_sample(request: web.Request) -> web.Response:
    services = services_of(request)
    source = own_source(request)
    record = await services.runtime.invoke(source, "sample", trigger="sample")
    error = record.error or {}
    if record.outcome != "ok" and error.get("name") == "NoSampleEmit":
        raise Unprocessable(f"source {source.id}: {error['message']}")
    run = run_with_events(record, services.store.events)
    return web.json_response({"data": run["events"][0] if run["events"] else None, "run": run})
