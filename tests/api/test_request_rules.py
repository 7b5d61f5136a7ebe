"""Rules every request follows: auth, content types, JSON bodies, trailing slashes, error shape."""
from __future__ import annotations

import aiohttp

from tests.conftest import ApiClient


async def test_missing_key_is_401_with_json_error(api: ApiClient) -> None:
    async with api.session.get(api.base + "/v1/users/me") as response:
        assert response.status == 401
        body = await response.json()
    assert body["code"] == "unauthorized"
    assert "Authorization" in body["error"]


async def test_wrong_key_is_401(api: ApiClient) -> None:
    status, body = await api.get("/v1/users/me", key="pd_emu_wrong")
    assert status == 401
    assert body["error"] == "invalid API key"


async def test_malformed_authorization_header_is_401(api: ApiClient) -> None:
    async with api.session.get(api.base + "/v1/users/me", headers={"Authorization": f"Token {api.key}"}) as r:
        assert r.status == 401


async def test_post_without_json_content_type_is_415(api: ApiClient) -> None:
    status, body = await api.post("/v1/components", data="component_code=x",
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415
    assert "application/json" in body["error"]


async def test_broken_json_is_400_naming_the_position(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", data='{"name": ', headers={"Content-Type": "application/json"})
    assert status == 400
    assert body["code"] == "invalid_json"
    assert "line 1" in body["error"]


async def test_json_that_is_not_an_object_is_400(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json=[1, 2])
    assert status == 400
    assert "object" in body["error"]


async def test_empty_body_with_json_content_type_is_no_body(api: ApiClient) -> None:
    status, body = await api.get("/v1/users/me", data=b"", headers={"Content-Type": "application/json"})
    assert status == 200
    status, body = await api.delete("/v1/sources/dc_nothing", data=b"", headers={"Content-Type": "application/json"})
    assert status == 404


async def test_trailing_slash_is_answered_directly(api: ApiClient) -> None:
    async with api.open("GET", "/v1/users/me/sources/", allow_redirects=False) as response:
        assert response.status == 200


async def test_unknown_route_is_json_404(api: ApiClient) -> None:
    status, body = await api.get("/v1/nothing/here")
    assert status == 404
    assert body == {"error": "no route GET /v1/nothing/here", "code": "not_found"}


async def test_wrong_method_is_json_405(api: ApiClient) -> None:
    status, body = await api.call("PATCH", "/v1/users/me")
    assert status == 405
    assert body["code"] == "method_not_allowed"


async def test_schema_violation_names_the_param(api: ApiClient) -> None:
    status, body = await api.post("/v1/sources", json={"component_code": 42})
    assert status == 400
    assert body["param"] == "component_code"
    assert "string" in body["error"]


async def test_openapi_document_is_served_without_auth(api: ApiClient) -> None:
    async with api.session.get(api.base + "/openapi.json") as response:
        doc = await response.json()
    assert doc["openapi"].startswith("3.1")
    assert "/v1/sources" in doc["paths"]


async def test_include_and_exclude_shape_objects(api: ApiClient) -> None:
    _, body = await api.get("/v1/users/me?include=id,username,nonexistent")
    assert set(body["data"]) == {"id", "username"}
    _, body = await api.get("/v1/users/me?exclude=api_key")
    assert "api_key" not in body["data"] and "id" in body["data"]


async def test_workspace_id_is_accepted_and_ignored(api: ApiClient) -> None:
    status, _ = await api.get("/v1/users/me?workspace_id=o_abc&org_id=o_abc")
    assert status == 200


async def test_health_needs_no_key(api: ApiClient) -> None:
    async with aiohttp.ClientSession() as bare, bare.get(api.base + "/_emulator/health") as response:
        body = await response.json()
    assert body["status"] == "ok"
    assert body["clock"]["mode"] == "virtual"
