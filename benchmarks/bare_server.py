"""The baseline: a bare aiohttp handler answering a constant JSON body (`python bare_server.py PORT`)."""
from __future__ import annotations

import sys

from aiohttp import web

BODY = {"page_info": {"total_count": 1, "count": 1, "start_cursor": None, "end_cursor": None}, "data": [{"id": "x"}]}


async def constant(request: web.Request) -> web.Response:
    return web.json_response(BODY)


app = web.Application()
app.router.add_get("/{tail:.*}", constant)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
