"""JSON responses encoded with orjson (several times faster than the standard library on the hot
list endpoints), falling back to the standard library for what orjson refuses: integers past
64 bits, nesting past 254 levels, lone surrogates."""
from __future__ import annotations

import json
from typing import Any

import orjson
from aiohttp import web


def dumps(data: Any) -> bytes:
    try:
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(data).encode()


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=dumps(data), status=status, headers=headers, content_type="application/json")
