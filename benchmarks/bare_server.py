"""The baseline: a bare aiohttp handler answering a constant JSON document.

    python bare_server.py PORT [BODY_FILE] [--pre-encoded]

With BODY_FILE, the document is that file's JSON (the benchmark passes the emulator's own answer,
so both servers send the same bytes and only the work behind them differs). Like any handler, it
encodes its answer per request, with the emulator's encoder (orjson); `--pre-encoded` sends the
file's bytes as they are instead: the floor of what aiohttp costs per request.
"""
from __future__ import annotations

import sys

import orjson
from aiohttp import web

RAW = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else b'{"data":[]}'
DOCUMENT = orjson.loads(RAW)


async def encoded(request: web.Request) -> web.Response:
    return web.Response(body=orjson.dumps(DOCUMENT), content_type="application/json")


async def pre_encoded(request: web.Request) -> web.Response:
    return web.Response(body=RAW, content_type="application/json")


app = web.Application()
app.router.add_get("/{tail:.*}", pre_encoded if "--pre-encoded" in sys.argv else encoded)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
