"""`/v1/users/me`: the authenticated user.

Differences from the cloud: quotas are generous constants (the emulator never throttles);
`lambda_time_used` counts the milliseconds the user's sources really spent executing here.
"""
from __future__ import annotations

from aiohttp import web

from emulator.api.auth import current_user
from emulator.api.params import data_response, read_params

routes = web.RouteTableDef()


@routes.get("/v1/users/me")
async def get_current_user(request: web.Request) -> web.Response:
    params = await read_params(request, "getCurrentUser")
    return data_response(current_user(request).to_api(), params)
