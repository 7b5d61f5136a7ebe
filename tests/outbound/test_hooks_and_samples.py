"""`"run_hooks": false` on create, and `sampleEmit` emitted as a sample event."""
from __future__ import annotations

from tests.conftest import ApiClient

HOOKED = """
export default {
  key: "hooked", name: "Hooked", version: "0.0.1", type: "source",
  props: { db: "$.service.db", timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } },
  hooks: {
    async deploy() { await fetch("https://api.example.test/history"); },
    async activate() { await fetch("https://api.example.test/hooks", { method: "POST" }); },
    async deactivate() { await fetch("https://api.example.test/hooks/1", { method: "DELETE" }); },
  },
  async run() { this.$emit({ ran: true }, { id: "r", summary: "ran" }); },
};
"""

SAMPLED = """
const sampleEmit = { id: 42, title: "Sample issue", created: 1700000000000 };
export default {
  key: "sampled", name: "Sampled", version: "0.0.1", type: "source",
  props: {},
  methods: {
    generateMeta(item) { return { id: item.id, summary: `New issue: ${item.title}`, ts: item.created }; },
  },
  async run() {},
  sampleEmit,
};
"""


async def test_run_hooks_false_creates_and_deletes_without_hooks(api: ApiClient) -> None:
    await api.ok("PUT", "/_emulator/http", json={"mode": "offline"})
    status, body = await api.post("/v1/sources", json={"component_code": HOOKED})
    assert status == 400, body                                          # deploy hit the (offline) network
    assert "https://api.example.test/history was blocked" in body["error"]

    source = (await api.ok("POST", "/v1/sources", json={"component_code": HOOKED, "run_hooks": False}))["data"]
    logs = (await api.ok("GET", f"/_emulator/sources/{source['id']}/logs"))["data"]
    assert logs == []
    advanced = await api.ok("POST", "/_emulator/clock/advance", json={"seconds": 60})
    assert [r["outcome"] for r in advanced["runs"]] == ["ok"]          # scheduled all the same
    await api.ok("DELETE", f"/v1/sources/{source['id']}")
    http = (await api.ok("GET", "/_emulator/http"))["data"]
    assert http["counts"]["blocked"] == 1                               # only the first create's deploy


async def test_sample_emits_sample_emit_with_the_components_generate_meta(api: ApiClient) -> None:
    source = (await api.ok("POST", "/v1/sources", json={"component_code": SAMPLED}))["data"]
    body = await api.ok("POST", f"/_emulator/sources/{source['id']}/sample")
    event = body["data"]
    assert event["event"] == {"id": 42, "title": "Sample issue", "created": 1700000000000}
    assert event["metadata"]["summary"] == "New issue: Sample issue" and event["metadata"]["id"] == "42"
    listed = (await api.ok("GET", f"/v1/sources/{source['id']}/event_summaries?expand=event"))["data"]
    assert [e["event"]["title"] for e in listed] == ["Sample issue"]


async def test_sample_without_generate_meta_is_summarised_as_sample_event(api: ApiClient) -> None:
    code = SAMPLED.replace("generateMeta(item)", "otherMethod(item)")
    source = (await api.ok("POST", "/v1/sources", json={"component_code": code}))["data"]
    event = (await api.ok("POST", f"/_emulator/sources/{source['id']}/sample"))["data"]
    assert event["metadata"]["summary"] == "sample event"


async def test_sample_of_a_component_without_sample_emit_is_a_422(api: ApiClient) -> None:
    source = (await api.ok("POST", "/v1/sources", json={"component_code": SAMPLED.replace("  sampleEmit,\n", "")}))
    status, body = await api.post(f"/_emulator/sources/{source['data']['id']}/sample")
    assert status == 422 and "exports no sampleEmit" in body["error"]
