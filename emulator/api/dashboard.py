"""The dashboard's static files and its token → cookie session (filled in by the dashboard work)."""
from __future__ import annotations

from aiohttp import web

routes = web.RouteTableDef()
