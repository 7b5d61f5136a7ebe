"""Connect's records, and how each one looks in the API (times: seconds, except ISO for accounts/tokens)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ENVIRONMENTS = ("development", "production")
DEFAULT_ENVIRONMENT = "production"       # the header missing: what both SDKs default to
EMITTER_TYPES = {"DeployedComponent": "source", "HttpInterface": "http", "TimerInterface": "timer"}


def iso_ms(ms: int) -> str:
    """`2026-03-25T17:49:15.000Z`, as the SDKs type accounts' and tokens' times."""
    moment = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


@dataclass
class Project:
    id: str
    name: str
    user_id: str
    clients: list[dict[str, str]]            # [{"client_id", "client_secret"}]
    created_at: int

    def to_api(self) -> dict[str, Any]:
        return {"project_id": self.id, "name": self.name, "clients": [dict(c) for c in self.clients]}


@dataclass
class AccessToken:
    token: str
    project_id: str
    client_id: str
    scope: str | None
    expires_at_wall: float                   # wall clock: SDKs cache tokens in real time


@dataclass
class ExternalUser:
    owner_id: str
    project_id: str
    environment: str
    external_user_id: str
    created_at_ms: int


@dataclass
class ConnectToken:
    token: str
    project_id: str
    environment: str
    external_user_id: str
    expires_at_wall: float
    created_at_ms: int
    used: bool = False
    options: dict[str, Any] = field(default_factory=dict)   # redirect URIs, webhook_uri, app_id, scope…


@dataclass
class AccountLink:
    """Connect's view of an account; its credentials are the store's Account (id shared) for `$auth`."""

    id: str
    project_id: str
    environment: str
    external_user_id: str
    app_slug: str
    created_at_ms: int
    updated_at_ms: int


def happy_state() -> dict[str, Any]:
    return {"state": "happy", "since": None, "last_error": None, "consecutive_failures": 0, "sheds": 0}


@dataclass
class TriggerWebhook:
    """A webhook of one deployed trigger, or (trigger_id None) the default webhook of a project's environment."""

    id: str
    project_id: str
    environment: str
    trigger_id: str | None
    url: str
    signing_key: str
    active: bool
    created_at: int
    updated_at: int
    delivery_state: dict[str, Any] = field(default_factory=happy_state)

    def to_api(self, *, with_key: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "url": self.url}
        if with_key:
            body["signing_key"] = self.signing_key
        body.update({"signing_key_set": True, "active": self.active, "delivery_state": dict(self.delivery_state),
                     "created_at": self.created_at, "updated_at": self.updated_at})
        return body

    def to_default_api(self, *, with_key: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "url": self.url}
        if with_key:
            body["signing_key"] = self.signing_key
        body.update({"signing_key_set": True, "created_at": self.created_at, "updated_at": self.updated_at})
        return body


@dataclass
class DeployedTrigger:
    """Connect's side of a deployed trigger; the Source with the same id does the running."""

    id: str
    project_id: str
    environment: str
    external_user_id: str
    owner_id: str
    type: str                                 # DeployedComponent | HttpInterface | TimerInterface
    component_key: str
    configurable_props: list[dict[str, Any]]
    emit_on_deploy: bool = True
    webhook_ids: list[str] = field(default_factory=list)
    workflow_ids: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    schedule_changed_at: int = 0


@dataclass
class DynamicProps:
    id: str
    project_id: str
    environment: str
    external_user_id: str
    component_id: str
    configurable_props: list[dict[str, Any]]
