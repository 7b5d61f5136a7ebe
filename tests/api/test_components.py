"""`/v1/components`: save code, get it back by id or key, registry lookups."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import EMITTER, ApiClient


async def test_create_component_returns_extracted_metadata(api: ApiClient) -> None:
    _, body = await api.post("/v1/components", json={"component_code": EMITTER})
    component = body["data"]
    assert component["id"].startswith("sc_")
    assert component["name"] == "test-emitter"
    assert component["version"] == "0.0.1"
    assert component["code_hash"] == hashlib.sha256(EMITTER.encode()).hexdigest()
    assert component["configurable_props"] == [
        {"name": "count", "type": "integer", "label": "How many", "default": 1}]
    assert isinstance(component["created_at"], int)


async def test_component_is_found_by_id_and_by_key(api: ApiClient) -> None:
    _, created = await api.post("/v1/components", json={"component_code": EMITTER})
    _, by_id = await api.get(f"/v1/components/{created['data']['id']}")
    _, by_key = await api.get("/v1/components/test-emitter")
    assert by_id["data"]["id"] == by_key["data"]["id"] == created["data"]["id"]


async def test_component_code_that_does_not_parse_is_422_with_position(api: ApiClient) -> None:
    status, body = await api.post("/v1/components", json={"component_code": 'export default {\n  key: "x"\n  name: "y",\n}'})
    assert status == 422
    assert body["details"][0]["line"] == 3


async def test_component_code_or_url_is_required(api: ApiClient) -> None:
    status, body = await api.post("/v1/components", json={})
    assert status == 400
    assert "component_code" in body["error"]


async def test_component_url_that_resolves_to_nothing_is_422(api: ApiClient) -> None:
    status, body = await api.post("/v1/components", json={
        "component_url": "https://github.com/PipedreamHQ/pipedream/components/rss/nothing.js"})
    assert status == 422
    assert "offline" in body["error"]


@pytest.mark.emulator_config(folders=())
async def test_component_url_as_file_url(api: ApiClient, tmp_path: Path) -> None:
    path = tmp_path / "emitter.mjs"
    path.write_text(EMITTER)
    _, body = await api.post("/v1/components", json={"component_url": path.as_uri()})
    assert body["data"]["name"] == "test-emitter"
    assert body["data"]["component_url"] == path.as_uri()


async def test_unknown_registry_key_is_404(api: ApiClient) -> None:
    status, body = await api.get("/v1/components/registry/nothing-here")
    assert status == 404
    assert "nothing-here" in body["error"]


COMPUTED = """
function buildLabel() { let label = "Feed"; for (const part of [" ", "URL"]) label += part; return label; }
export default { key: "computed", name: "Computed", version: "1.0.0", type: "source",
  props: { url: { type: "string", label: buildLabel() } }, async run() {} };
"""


async def test_file_component_values_unknowable_statically_are_completed_by_node(api: ApiClient, tmp_path: Path) -> None:
    path = tmp_path / "computed.mjs"
    path.write_text(COMPUTED)
    _, body = await api.post("/v1/components", json={"component_url": path.as_uri()})
    assert body["data"]["configurable_props"] == [{"name": "url", "type": "string", "label": "Feed URL"}]
    assert any("completed by importing the module in Node" in w["message"] for w in body["data"]["warnings"])


async def test_inline_component_with_unknowable_values_keeps_the_static_result_and_warns(api: ApiClient) -> None:
    _, body = await api.post("/v1/components", json={"component_code": COMPUTED})
    assert body["data"]["configurable_props"] == [{"name": "url", "type": "string"}]
    warning = body["data"]["warnings"][0]
    assert "buildLabel()" in warning["message"] and warning["line"] == 4
