"""One source cannot hold the server's memory: channels, retained event bytes and db size are capped
per source, and run records keep small copies of a large db.

The attacks: emits to hundreds of new channel names (each had its own 100-event cap), 40 events of
~1 MB, a db grown past 8 MB by a run or by `PUT db`, and runs over a 2 MB db (each record kept the
db twice).
"""
from __future__ import annotations

import io
import json
from typing import Any

from emulator.domain.db_limits import DB_BYTES_PER_SOURCE, RUN_COPY_BYTES
from emulator.domain.event_log import CHANNELS_PER_SOURCE, EVENT_BYTES_PER_SOURCE
from emulator.server.runner import Emulator
from tests.conftest import ApiClient, create_source

HOG = """
export default {
  key: "hog", name: "Hog", version: "0.0.1", type: "source", props: { db: "$.service.db" },
  async run(event) {
    for (let i = 0; i < (event.channels || 0); i++) this.$emit({ i }, { name: `channel-${i}` });
    for (let i = 0; i < (event.big || 0); i++) this.$emit({ i, pad: "x".repeat(990000) }, { name: `c${i % 2}` });
    if (event.db_mb) this.db.set("blob", "y".repeat(event.db_mb * 1024 * 1024));
    if (event.emit_too) this.$emit({ kept: "no" }, { summary: "with the big db" });
  },
};
"""


async def run(api: ApiClient, source_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return (await api.ok("POST", f"/_emulator/sources/{source_id}/run", json={"event": event}))["data"]


async def test_new_channel_names_stop_at_the_per_source_cap(api: ApiClient, emu: Emulator) -> None:
    source = await create_source(api, HOG)
    result = await run(api, source["id"], {"channels": 200})
    assert len(result["emitted"]) == CHANNELS_PER_SOURCE
    assert len(result["dropped"]) == 200 - CHANNELS_PER_SOURCE
    assert f"at most {CHANNELS_PER_SOURCE} channels per source" in result["dropped"][0]["reason"]
    assert len(emu.services.store.events.channels(source["id"])) == CHANNELS_PER_SOURCE
    status, _ = await api.get(f"/v1/sources/{source['id']}/event_summaries", json={"event_name": "channel-0"})
    assert status == 200


async def test_retained_event_bytes_stop_at_the_per_source_cap_oldest_first(api: ApiClient, emu: Emulator) -> None:
    source = await create_source(api, HOG)
    result = await run(api, source["id"], {"big": 40})
    assert len(result["emitted"]) == 40
    events = emu.services.store.events
    assert events.bytes_of(source["id"]) <= EVENT_BYTES_PER_SOURCE
    kept = {e.id for channel in events.channels(source["id"]) for e in events.newest_first(source["id"], channel)}
    assert result["emitted"][-1] in kept and result["emitted"][0] not in kept
    assert len(kept) >= EVENT_BYTES_PER_SOURCE // 1_000_000 - 1


async def test_a_run_growing_the_db_past_the_cap_fails_whole(api: ApiClient, emu: Emulator) -> None:
    source = await create_source(api, HOG)
    mb = DB_BYTES_PER_SOURCE // (1024 * 1024) + 1
    result = await run(api, source["id"], {"db_mb": mb, "emit_too": True})
    assert result["outcome"] == "error" and result["error"]["name"] == "DbLimitError"
    assert f"{DB_BYTES_PER_SOURCE // (1024 * 1024)} MB limit" in result["error"]["message"]
    assert result["emitted"] == []
    assert (await api.ok("GET", f"/_emulator/sources/{source['id']}/db"))["data"] == {}
    errors = (await api.ok("GET", f"/v1/sources/{source['id']}/event_summaries",
                           json={"event_name": "$errors"}))["data"]
    assert "DbLimitError" in str(errors[0]["event"])


async def test_put_db_over_the_cap_is_refused(api: ApiClient) -> None:
    source = await create_source(api, HOG)
    body_bytes = json.dumps({"db": {"blob": "z" * (DB_BYTES_PER_SOURCE + 1)}}).encode()
    status, body = await api.put(f"/_emulator/sources/{source['id']}/db", data=io.BytesIO(body_bytes),
                                 headers={"Content-Type": "application/json"})
    assert (status, body["code"], body["param"]) == (400, "too_large", "db")


async def test_run_records_keep_a_summary_of_a_large_db_not_two_copies(api: ApiClient, emu: Emulator) -> None:
    source = await create_source(api, HOG)
    await run(api, source["id"], {"db_mb": 2})
    result = await run(api, source["id"], {"db_mb": 2})
    for name in ("db_before", "db_after"):
        assert result[name]["$truncated"] is True and result[name]["bytes"] > 2 * 1024 * 1024
        assert result[name]["keys"] == ["blob"]
    assert result["db_changes"]["blob"]["$truncated"] is True
    record = emu.services.runtime.runs.get(result["id"])
    assert record is not None and len(str(record.db_before)) < RUN_COPY_BYTES
    small = await create_source(api, HOG)
    assert (await run(api, small["id"], {"emit_too": True}))["db_after"] == {}
