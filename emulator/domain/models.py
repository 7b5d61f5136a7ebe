"""The emulator's records, and how each one looks in the API."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DAILY_COMPUTE_QUOTA_MS = 30 * 24 * 60 * 60 * 1000  # generous: the emulator never throttles
DAILY_INVOCATIONS_QUOTA = 1_000_000_000


@dataclass
class User:
    id: str
    api_key: str
    username: str
    email: str
    created_at: int
    compute_time_used_ms: int = 0
    invocations: int = 0

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id, "username": self.username, "email": self.email, "api_key": self.api_key,
            "lambda_time_quota": DAILY_COMPUTE_QUOTA_MS, "lambda_time_used": self.compute_time_used_ms,
            "daily_compute_time_quota": DAILY_COMPUTE_QUOTA_MS,
            "daily_compute_time_used": self.compute_time_used_ms,
            "daily_invocations_quota": DAILY_INVOCATIONS_QUOTA, "daily_invocations_used": self.invocations,
            "orgs": [], "created_at": self.created_at,
        }


@dataclass
class Account:
    """Connected-account credentials, named by an app prop's `authProvisionId`."""

    id: str
    user_id: str
    app: str
    auth: dict[str, Any]
    name: str | None
    created_at: int

    def to_api(self) -> dict[str, Any]:
        # The credentials themselves are never echoed back: they would end up in logs.
        return {"id": self.id, "app": self.app, "name": self.name, "created_at": self.created_at}


@dataclass
class Component:
    id: str
    user_id: str | None          # None: a registry component from a watched folder, visible to every user
    code: str
    code_hash: str
    name: str
    key: str | None
    version: str | None
    description: str | None
    type: str | None
    dedupe: str | None
    configurable_props: list[dict[str, Any]]
    created_at: int
    updated_at: int
    path: str | None = None
    component_url: str | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    imported_files: list[str] = field(default_factory=list)
    run_path: str | None = None   # where Node imports it from when not `path` (its last good copy)

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "code": self.code, "code_hash": self.code_hash, "name": self.name,
            "version": self.version, "configurable_props": self.configurable_props,
            "created_at": self.created_at, "updated_at": self.updated_at,
        }
        for name in ("key", "description", "component_url", "path"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        body["warnings"] = self.warnings
        body["errors"] = self.errors
        return body


@dataclass
class Source:
    id: str
    user_id: str
    component_id: str
    name: str
    name_slug: str
    configured_props: dict[str, Any]
    active: bool
    created_at: int
    updated_at: int
    db: dict[str, Any] = field(default_factory=dict)
    dedupe_state: dict[str, Any] = field(default_factory=dict)
    endpoint_id: str | None = None
    component_url: str | None = None
    status_note: str | None = None
    timer_anchor_ms: int | None = None    # interval timers fire every interval from here, across restarts
    run_hooks: bool = True                # False: created with "run_hooks": false, its hooks never run
    # The props it was deployed with when its component has additionalProps(): the static ones, then
    # those additionalProps() returned for its configured props. None: the component's own.
    configurable_props: list[dict[str, Any]] | None = None

    def configurable(self, component: Component) -> list[dict[str, Any]]:
        """The props this source is configured against: its dynamic list, else the component's."""
        return self.configurable_props if self.configurable_props is not None else component.configurable_props

    def to_api(self) -> dict[str, Any]:
        body = {
            "id": self.id, "user_id": self.user_id, "owner_id": self.user_id,
            "component_id": self.component_id, "configured_props": self.configured_props,
            "active": self.active, "created_at": self.created_at, "updated_at": self.updated_at,
            "name": self.name, "name_slug": self.name_slug,
        }
        if self.status_note:
            body["status_note"] = self.status_note
        if self.configurable_props is not None:
            body["configurable_props"] = self.configurable_props
        return body


@dataclass
class Event:
    id: str
    source_id: str
    channel: str
    event: Any
    metadata: dict[str, Any]
    indexed_at_ms: int
    size: int                     # bytes of the event's JSON, for the 1 KB listing truncation
    # Its event_summaries entry as JSON, made at its first listing: a stored event never changes.
    summary_json: bytes | None = field(default=None, repr=False, compare=False)

    def to_summary(self, preview: Any) -> dict[str, Any]:
        return {"id": self.id, "indexed_at_ms": self.indexed_at_ms, "event": preview, "metadata": self.metadata}


@dataclass
class Subscription:
    id: str
    user_id: str
    emitter_id: str               # a source id, "dc_*", or the user's own id
    listener_id: str              # a source or a webhook
    event_name: str
    created_at: int

    def to_api(self) -> dict[str, Any]:
        return {"id": self.id, "emitter_id": self.emitter_id, "listener_id": self.listener_id,
                "event_name": self.event_name, "created_at": self.created_at}


@dataclass
class AutoSubscription:
    id: str
    user_id: str
    listener_id: str
    event_name: str
    created_at: int

    def to_api(self) -> dict[str, Any]:
        return {"id": self.id, "listener_id": self.listener_id, "event_name": self.event_name,
                "created_at": self.created_at}


@dataclass
class Webhook:
    id: str
    user_id: str
    name: str | None
    description: str | None
    url: str
    active: bool
    created_at: int
    updated_at: int

    def to_api(self) -> dict[str, Any]:
        return {"id": self.id, "user_id": self.user_id, "name": self.name, "description": self.description,
                "url": self.url, "active": self.active, "created_at": self.created_at,
                "updated_at": self.updated_at}
