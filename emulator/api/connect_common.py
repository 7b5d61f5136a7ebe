"""What every Connect route module shares: the ConnectService key and registry pagination."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from emulator.connect.service import ConnectService
from emulator.domain.pagination import Page, decode_cursor, encode_cursor, parse_limit

CONNECT = web.AppKey("connect", ConnectService)


def connect_of(request: web.Request) -> ConnectService:
    return request.app[CONNECT]


def ascending_page(items: list[Any], key: Callable[[Any], str], params: dict[str, Any]) -> Page:
    """A page of items sorted ascending by `key`, with base64 cursors of the key (the registry's order)."""
    limit = parse_limit(params.get("limit"), 10)
    selected = list(items)
    if params.get("after"):
        bound = decode_cursor(params["after"], "after")
        selected = [i for i in selected if key(i) > bound]
    if params.get("before"):
        bound = decode_cursor(params["before"], "before")
        selected = [i for i in selected if key(i) < bound]
        page = selected[-limit:] if not params.get("after") else selected[:limit]
    else:
        page = selected[:limit]
    return Page(items=page, total_count=len(items), start_cursor=encode_cursor(key(page[0])) if page else None,
                end_cursor=encode_cursor(key(page[-1])) if page else None)
