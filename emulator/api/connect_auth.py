"""Who calls a Connect route: a project's OAuth access token, the emulator's key, or a Connect token."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from emulator.api.auth import bearer_key
from emulator.domain.connect_models import DEFAULT_ENVIRONMENT, ENVIRONMENTS, ExternalUser, Project
from emulator.domain.connect_state import PROJECT_ID, ConnectState
from emulator.errors import BadRequest, Forbidden, NotFound, Unauthorized
from emulator.server.services import services_of

ENVIRONMENT_HEADER = "x-pd-environment"


@dataclass(frozen=True)
class ConnectCaller:
    project: Project
    environment: str
    kind: str                              # "client" | "emulator" | "connect_token"
    token_user: str | None = None          # a Connect token acts only for its external user

    @property
    def sees_signing_keys(self) -> bool:
        return self.kind != "connect_token"

    def external_user_id(self, params: dict[str, Any]) -> str:
        """The required `external_user_id`; a Connect token naming anyone else is refused."""
        value = params.get("external_user_id")
        if not isinstance(value, str) or not value:
            raise BadRequest("external_user_id is required", param="external_user_id")
        if len(value) > 250:
            raise BadRequest("external_user_id must be 1-250 characters", param="external_user_id")
        if self.token_user is not None and value != self.token_user:
            raise Forbidden("this Connect token acts only for its own external user", param="external_user_id")
        return value

    def external_user(self, connect: ConnectState, params: dict[str, Any]) -> ExternalUser:
        return connect.external_user(self.project.id, self.environment, self.external_user_id(params))

    def require_server_side(self, action: str) -> None:
        if self.kind == "connect_token":
            raise Forbidden(f"{action} needs an access token or the emulator's key, not a Connect token")


def environment_of(request: web.Request) -> str:
    value = request.headers.get(ENVIRONMENT_HEADER)
    if value is None:
        return DEFAULT_ENVIRONMENT
    if value not in ENVIRONMENTS:
        raise BadRequest(f"header x-pd-environment must be development or production, got {value!r}",
                         param=ENVIRONMENT_HEADER)
    return value


def connect_caller(request: web.Request) -> ConnectCaller:
    services = services_of(request)
    connect = services.store.connect
    key = bearer_key(request)
    if key is None:
        raise Unauthorized("missing credentials: send Authorization: Bearer <access token>")
    project_id = request.match_info.get("project_id", "")
    access = connect.access_tokens.get(key)
    ctok = connect.connect_tokens.get(key) if key.startswith("ctok_") else None
    emulator_key = key == services.control.api_key
    other_user = not (access or ctok or emulator_key) and services.store.user_for_key(key) is not None
    if access is not None and access.expires_at_wall <= time.time():
        raise Unauthorized("access token expired: request a new one from POST /v1/oauth/token")
    if ctok is not None and ctok.expires_at_wall <= time.time():
        raise Unauthorized("Connect token expired")
    if not (access or ctok or emulator_key or other_user):
        raise Unauthorized("invalid access token")
    if not PROJECT_ID.match(project_id):
        raise BadRequest(f"project_id must look like proj_abc123, got {project_id!r}", param="project_id")
    environment = environment_of(request)
    if other_user:
        raise Forbidden("a /v1 user's API key does not give access to Connect projects")
    if access is not None:
        if access.project_id != project_id:
            raise Forbidden(f"this access token is for another project, not {project_id}")
        return ConnectCaller(connect.get_project(project_id), environment, "client")
    if ctok is not None:
        if ctok.project_id != project_id or ctok.environment != environment:
            raise Forbidden("this Connect token is for another project or environment")
        return ConnectCaller(connect.get_project(project_id), environment, "connect_token", ctok.external_user_id)
    if project_id not in connect.projects:
        raise NotFound("project", project_id)
    return ConnectCaller(connect.projects[project_id], environment, "emulator")
