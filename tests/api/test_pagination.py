"""Cursor pagination of resource lists: limits, cursors, edges."""
from __future__ import annotations

import base64

from tests.conftest import ApiClient, create_source


async def _sources(api: ApiClient, n: int) -> list[str]:
    return [(await create_source(api, name=f"s{i}"))["id"] for i in range(n)]


async def test_empty_list_has_null_cursors(api: ApiClient) -> None:
    _, body = await api.get("/v1/users/me/sources")
    assert body == {"page_info": {"total_count": 0, "count": 0, "start_cursor": None, "end_cursor": None},
                    "data": []}


async def test_default_limit_is_10_newest_first(api: ApiClient) -> None:
    ids = await _sources(api, 12)
    _, body = await api.get("/v1/users/me/sources")
    assert [s["id"] for s in body["data"]] == list(reversed(ids))[:10]
    assert body["page_info"]["total_count"] == 12 and body["page_info"]["count"] == 10


async def test_cursor_is_unpadded_base64_of_the_id(api: ApiClient) -> None:
    await _sources(api, 2)
    _, body = await api.get("/v1/users/me/sources")
    cursor = body["page_info"]["start_cursor"]
    assert "=" not in cursor
    assert base64.b64decode(cursor + "=" * (-len(cursor) % 4)).decode() == body["data"][0]["id"]


async def test_after_pages_through_everything_and_ends_empty(api: ApiClient) -> None:
    ids = await _sources(api, 5)
    seen, after = [], ""
    while True:
        _, body = await api.get(f"/v1/users/me/sources?limit=2&after={after}")
        if not body["data"]:
            break
        seen += [s["id"] for s in body["data"]]
        after = body["page_info"]["end_cursor"]
    assert seen == list(reversed(ids))


async def test_exact_page_then_empty_page(api: ApiClient) -> None:
    await _sources(api, 3)
    _, page = await api.get("/v1/users/me/sources?limit=3")
    assert page["page_info"]["count"] == 3
    _, rest = await api.get(f"/v1/users/me/sources?limit=3&after={page['page_info']['end_cursor']}")
    assert rest["data"] == [] and rest["page_info"]["end_cursor"] is None


async def test_before_returns_the_page_just_newer(api: ApiClient) -> None:
    ids = list(reversed(await _sources(api, 6)))   # newest first
    _, second = await api.get(f"/v1/users/me/sources?limit=2&after={_cursor(ids[1])}")
    assert [s["id"] for s in second["data"]] == ids[2:4]
    _, back = await api.get(f"/v1/users/me/sources?limit=2&before={second['page_info']['start_cursor']}")
    assert [s["id"] for s in back["data"]] == ids[0:2]


async def test_cursor_of_a_deleted_item_still_pages(api: ApiClient) -> None:
    ids = list(reversed(await _sources(api, 4)))
    await api.delete(f"/v1/sources/{ids[1]}")
    _, body = await api.get(f"/v1/users/me/sources?after={_cursor(ids[1])}")
    assert [s["id"] for s in body["data"]] == ids[2:]


async def test_padded_cursor_is_accepted(api: ApiClient) -> None:
    ids = list(reversed(await _sources(api, 2)))
    padded = base64.b64encode(ids[0].encode()).decode()
    _, body = await api.get(f"/v1/users/me/sources?after={padded}")
    assert [s["id"] for s in body["data"]] == ids[1:]


async def test_limit_out_of_range_or_not_integer_is_400(api: ApiClient) -> None:
    for bad in ("0", "101", "abc", "1.5"):
        status, body = await api.get(f"/v1/users/me/sources?limit={bad}")
        assert status == 400, bad
        assert body["param"] == "limit"


async def test_undecodable_cursor_is_400(api: ApiClient) -> None:
    status, body = await api.get("/v1/users/me/sources?after=%%%")
    assert status == 400
    assert body["param"] == "after"


def _cursor(item_id: str) -> str:
    return base64.b64encode(item_id.encode()).decode().rstrip("=")


async def test_ids_keep_creation_order_past_62_to_the_4th_creations(api: ApiClient) -> None:
    state = await api.ok("GET", "/_emulator/state")
    await api.ok("PUT", "/_emulator/state", json={**state, "id_sequence": 62 ** 4 - 3})
    ids = await _sources(api, 6)                        # crosses 62**4: the sequence part grows
    assert ids == sorted(ids) and len(ids[-1]) > len(ids[0])
    seen, after = [], ""
    while True:
        _, body = await api.get(f"/v1/users/me/sources?limit=4&after={after}")
        if not body["data"]:
            break
        seen += [s["id"] for s in body["data"]]
        after = body["page_info"]["end_cursor"]
    assert seen == list(reversed(ids))
