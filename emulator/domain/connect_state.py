"""All Connect records of one emulator: scoped lookups (another space's id is a 404), export and import."""
from __future__ import annotations

import dataclasses
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from emulator.domain.connect_models import (
    AccessToken,
    AccountLink,
    ConnectToken,
    DeployedTrigger,
    DynamicProps,
    ExternalUser,
    Project,
    TriggerWebhook,
)
from emulator.domain.ids import IdFactory
from emulator.domain.record_parsing import parse_records
from emulator.errors import BadRequest, NotFound

PROJECT_ID = re.compile(r"^proj_[A-Za-z0-9]+$")
ACCESS_TOKEN_TTL_S = 3600
_COLLECTIONS: dict[str, tuple[type, Callable[[Any], str]]] = {
    "projects": (Project, lambda r: r.id),
    "access_tokens": (AccessToken, lambda r: r.token),
    "external_users": (ExternalUser, lambda r: space_key(r.project_id, r.environment, r.external_user_id)),
    "connect_tokens": (ConnectToken, lambda r: r.token),
    "accounts": (AccountLink, lambda r: r.id),
    "triggers": (DeployedTrigger, lambda r: r.id),
    "webhooks": (TriggerWebhook, lambda r: r.id),
    "dynamic_props": (DynamicProps, lambda r: r.id),
}


def space_key(project_id: str, environment: str, external_user_id: str = "") -> str:
    return f"{project_id}\n{environment}\n{external_user_id}"


def new_secret(length: int = 32) -> str:
    return secrets.token_urlsafe(length)[:length]


class ConnectState:
    """Projects (kept across a reset, like users) and everything their environments hold."""

    def __init__(self, ids: IdFactory, now_ms: Callable[[], int], changed: Callable[[], None]) -> None:
        self.ids, self.now_ms, self.changed = ids, now_ms, changed
        self.projects: dict[str, Project] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.external_users: dict[str, ExternalUser] = {}
        self.connect_tokens: dict[str, ConnectToken] = {}
        self.accounts: dict[str, AccountLink] = {}
        self.triggers: dict[str, DeployedTrigger] = {}
        self.webhooks: dict[str, TriggerWebhook] = {}
        self.dynamic_props: dict[str, DynamicProps] = {}
        self.on_webhook_removed: list[Callable[[str], None]] = []
        self.on_replaced: list[Callable[[], None]] = []     # after a reset or an import: re-seed the starting project

    def now_s(self) -> int:
        return self.now_ms() // 1000

    # projects and OAuth clients ----------------------------------------------------------------
    def ensure_project(self, project_id: str | None, user_id: str, client_id: str | None = None,
                       client_secret: str | None = None, name: str | None = None) -> Project:
        """The project (created when missing) with this client added when missing."""
        project = self.projects.get(project_id or "")
        if project is None:
            project_id = project_id or "proj_" + self.ids.random_text(7)
            project = Project(id=project_id, name=name or project_id, user_id=user_id, clients=[],
                              created_at=self.now_s())
            self.projects[project.id] = project
        project.user_id = project.user_id or user_id
        if (not project.clients if client_id is None
                else not any(c["client_id"] == client_id for c in project.clients)):
            self.add_client(project, client_id, client_secret)
        self.changed()
        return project

    def add_client(self, project: Project, client_id: str | None = None, secret: str | None = None) -> dict[str, str]:
        client = {"client_id": client_id or new_secret(24), "client_secret": secret or new_secret(32)}
        project.clients.append(client)
        self.changed()
        return client

    def client(self, client_id: str) -> tuple[Project, dict[str, str]] | None:
        for project in self.projects.values():
            for client in project.clients:
                if secrets.compare_digest(client["client_id"].encode(), client_id.encode()):
                    return project, client
        return None

    def get_project(self, project_id: str) -> Project:
        if project_id not in self.projects:
            raise NotFound("project", project_id)
        return self.projects[project_id]

    def issue_access_token(self, project: Project, client_id: str, scope: str | None) -> AccessToken:
        token = AccessToken(token="pda_" + new_secret(40), project_id=project.id, client_id=client_id,
                            scope=scope, expires_at_wall=time.time() + ACCESS_TOKEN_TTL_S)
        self._drop_expired_tokens()
        self.access_tokens[token.token] = token
        self.changed()
        return token

    def _drop_expired_tokens(self) -> None:
        now = time.time()
        for key in [k for k, t in self.access_tokens.items() if t.expires_at_wall <= now]:
            del self.access_tokens[key]
        for key in [k for k, t in self.connect_tokens.items() if t.expires_at_wall <= now - 86400]:
            del self.connect_tokens[key]

    # external users --------------------------------------------------------------------------
    def external_user(self, project_id: str, environment: str, external_user_id: str) -> ExternalUser:
        """The external user, coming into being on first use with a stable `exu_` owner id."""
        key = space_key(project_id, environment, external_user_id)
        user = self.external_users.get(key)
        if user is None:
            taken = {u.owner_id for u in self.external_users.values()}
            owner_id = "exu_" + self.ids.random_text(6)
            while owner_id in taken:
                owner_id = "exu_" + self.ids.random_text(6)
            user = ExternalUser(owner_id=owner_id, project_id=project_id, environment=environment,
                                external_user_id=external_user_id, created_at_ms=self.now_ms())
            self.external_users[key] = user
            self.changed()
        return user

    def owner_ids(self) -> set[str]:
        return {u.owner_id for u in self.external_users.values()}

    def users_of(self, project_id: str, environment: str) -> list[ExternalUser]:
        return [u for u in self.external_users.values() if (u.project_id, u.environment) == (project_id, environment)]

    # records scoped to (project, environment, external user) ----------------------------------------
    def trigger(self, project_id: str, environment: str, external_user_id: str, trigger_id: str) -> DeployedTrigger:
        trigger = self.triggers.get(trigger_id)
        if trigger is None or (trigger.project_id, trigger.environment, trigger.external_user_id) != (
                project_id, environment, external_user_id):
            raise NotFound("deployed trigger", trigger_id)
        return trigger

    def triggers_of(self, project_id: str, environment: str, external_user_id: str | None) -> list[DeployedTrigger]:
        """Newest first (ids sort in creation order within one prefix; the sequence part decides)."""
        found = [t for t in self.triggers.values() if (t.project_id, t.environment) == (project_id, environment)
                 and external_user_id in (None, t.external_user_id)]
        return sorted(found, key=lambda t: t.id[3:], reverse=True)

    def trigger_webhook(self, trigger: DeployedTrigger, webhook_id: str) -> TriggerWebhook:
        if webhook_id not in trigger.webhook_ids:
            raise NotFound("webhook", webhook_id)
        return self.webhooks[webhook_id]

    def webhooks_of(self, trigger: DeployedTrigger) -> list[TriggerWebhook]:
        return [self.webhooks[w] for w in trigger.webhook_ids if w in self.webhooks]

    def add_webhook(self, project_id: str, environment: str, trigger_id: str | None, url: str) -> TriggerWebhook:
        now = self.now_s()
        hook = TriggerWebhook(id=self.ids.new("wh_"), project_id=project_id, environment=environment,
                              trigger_id=trigger_id, url=url, signing_key=new_secret(40), active=True,
                              created_at=now, updated_at=now)
        self.webhooks[hook.id] = hook
        self.changed()
        return hook

    def remove_webhook(self, webhook_id: str) -> None:
        if self.webhooks.pop(webhook_id, None) is not None:
            for listener in self.on_webhook_removed:
                listener(webhook_id)
            self.changed()

    def default_webhook(self, project_id: str, environment: str) -> TriggerWebhook | None:
        return next((w for w in self.webhooks.values() if w.trigger_id is None
                     and (w.project_id, w.environment) == (project_id, environment)), None)

    def remove_trigger(self, trigger: DeployedTrigger) -> None:
        for webhook_id in list(trigger.webhook_ids):
            self.remove_webhook(webhook_id)
        self.triggers.pop(trigger.id, None)
        self.changed()

    def account(self, project_id: str, environment: str, account_id: str,
                external_user_id: str | None = None) -> AccountLink:
        link = self.accounts.get(account_id)
        if link is None or (link.project_id, link.environment) != (project_id, environment) or (
                external_user_id is not None and link.external_user_id != external_user_id):
            raise NotFound("account", account_id)
        return link

    def dynamic(self, dynamic_props_id: str, project_id: str, environment: str, external_user_id: str,
                component_id: str) -> DynamicProps:
        found = self.dynamic_props.get(dynamic_props_id)
        if found is None or (found.project_id, found.environment, found.external_user_id, found.component_id) != (
                project_id, environment, external_user_id, component_id):
            raise BadRequest(f"dynamic_props_id {dynamic_props_id} is not of this component, project, environment "
                             "and external user", param="dynamic_props_id")
        return found

    # whole state -------------------------------------------------------------------------------
    def reset(self, *, keep_projects: bool) -> None:
        projects = dict(self.projects) if keep_projects else {}
        for name in _COLLECTIONS:
            getattr(self, name).clear()
        self.projects.update(projects)
        self._replaced()

    def _replaced(self) -> None:
        for listener in self.on_replaced:
            listener()
        self.changed()

    def export(self) -> dict[str, Any]:
        return {name: [dataclasses.asdict(r) for r in getattr(self, name).values()] for name in _COLLECTIONS}

    @staticmethod
    def parse(document: Any) -> dict[str, list[Any]]:
        """Records of an exported document; BadRequest naming the first bad one. Touches nothing."""
        if document is None:
            return {name: [] for name in _COLLECTIONS}
        if not isinstance(document, dict):
            raise BadRequest("connect must be an object", param="connect")
        return {name: parse_records(document.get(name, []), f"connect.{name}", cls)
                for name, (cls, _key) in _COLLECTIONS.items()}

    def load(self, parsed: dict[str, list[Any]]) -> None:
        for name, (_cls, key) in _COLLECTIONS.items():
            collection = getattr(self, name)
            collection.clear()
            collection.update({key(r): r for r in parsed[name]})
        self._replaced()
