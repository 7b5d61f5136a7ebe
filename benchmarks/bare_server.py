"""The baseline: a bare aiohttp handler answering a constant JSON body.

    python bare_server.py PORT [BODY_FILE]

With BODY_FILE, the constant body is that file's JSON (the benchmark passes the emulator's own
answer, so both servers send the same bytes and only the work behind them differs).
"""
from __future__ import annotations

import json
import sys

from aiohttp import web

BODY = json.loads(open(sys.argv[2]).read()) if len(sys.argv) > 2 else {"data": []}


async def constant(request: web.Request) -> web.Response:
    return web.json_response(BODY)


app = web.Application()
app.router.add_get("/{tail:.*}", constant)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
