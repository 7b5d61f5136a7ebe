"""`/_emulator/stream`, runs, replay and the reload log (filled in by the dashboard work)."""
from __future__ import annotations

from aiohttp import web

routes = web.RouteTableDef()
