"""`/v1/users/me` and multi-user isolation."""
from __future__ import annotations

from tests.conftest import ApiClient, create_source


async def test_users_me_has_cloud_fields(api: ApiClient) -> None:
    _, body = await api.get("/v1/users/me")
    user = body["data"]
    assert user["id"].startswith("u_")
    for field in ("email", "username", "lambda_time_quota", "lambda_time_used", "api_key",
                  "daily_compute_time_quota", "daily_compute_time_used", "daily_invocations_quota",
                  "daily_invocations_used"):
        assert field in user
    assert user["orgs"] == []


async def test_lambda_time_used_grows_with_runs(api: ApiClient) -> None:
    _, before = await api.get("/v1/users/me")
    await create_source(api)
    _, after = await api.get("/v1/users/me")
    assert after["data"]["lambda_time_used"] > before["data"]["lambda_time_used"]


async def test_another_users_source_is_404_like_a_missing_one(api: ApiClient) -> None:
    source = await create_source(api)
    _, created = await api.post("/_emulator/users", json={"username": "other"})
    other_key = created["data"]["api_key"]
    status, body = await api.get(f"/v1/sources/{source['id']}", key=other_key)
    missing_status, missing = await api.get("/v1/sources/dc_00000000", key=other_key)
    assert (status, missing_status) == (404, 404)
    assert body["code"] == missing["code"]
    _, listing = await api.get("/v1/users/me/sources", key=other_key)
    assert listing["data"] == []
    status, _ = await api.delete(f"/v1/sources/{source['id']}", key=other_key)
    assert status == 404
    assert (await api.get(f"/v1/sources/{source['id']}"))[0] == 200
