"""The one in-memory state of the emulator: every record, scoped by user, with change tracking."""
from __future__ import annotations

import functools
import hashlib
import hmac
import operator
import re
from collections.abc import Callable
from typing import Any

from emulator.domain.connect_state import ConnectState
from emulator.domain.event_log import EventLog
from emulator.domain.ids import IdFactory
from emulator.domain.models import Account, AutoSubscription, Component, Source, Subscription, User, Webhook
from emulator.errors import NotFound

DEFAULT_USERNAME = "dev"
_by_id = operator.attrgetter("id")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "-", name.lower())


def _key_bytes(api_key: str) -> bytes:
    # surrogatepass: a header of non-UTF-8 bytes arrives as lone surrogates and must not crash the check.
    return api_key.encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=64)           # every authenticated request hashes its key
def _key_digest(api_key: str) -> str:
    return hashlib.sha256(_key_bytes(api_key)).hexdigest()


class Store:
    """Users, accounts, components, sources, events, subscriptions and webhooks.

    Readers pass the caller's user id: another user's record is reported exactly like a missing one.
    Every mutation bumps `version`, which persistence watches.
    """

    def __init__(self, ids: IdFactory, now_ms: Callable[[], int]) -> None:
        self.ids = ids
        self.now_ms = now_ms
        self.events = EventLog()
        self.version = 0
        self.users: dict[str, User] = {}
        self._user_by_key_digest: dict[str, str] = {}
        self.accounts: dict[str, Account] = {}
        self.components: dict[str, Component] = {}
        self.sources: dict[str, Source] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.auto_subscriptions: dict[str, AutoSubscription] = {}
        self.webhooks: dict[str, Webhook] = {}
        self.connect = ConnectState(ids, now_ms, self.changed)
        self.events.listeners.append(lambda _event: self.changed())

    def changed(self) -> None:
        self.version += 1

    def now_s(self) -> int:
        return self.now_ms() // 1000

    # users -----------------------------------------------------------------------------------
    def create_user(self, *, username: str | None = None, email: str | None = None,
                    api_key: str | None = None, user_id: str | None = None) -> User:
        user_id = user_id or self.ids.new("u_")
        username = username or f"user-{user_id[2:].lower()}"
        user = User(id=user_id, api_key=api_key or self.ids.api_key(), username=username,
                    email=email or f"{username}@example.com", created_at=self.now_s())
        self.add_user(user)
        return user

    def add_user(self, user: User) -> None:
        self.users[user.id] = user
        self._user_by_key_digest[_key_digest(user.api_key)] = user.id
        self.changed()

    def user_for_key(self, api_key: str) -> User | None:
        """Look a key up by its digest, then compare in constant time: no timing tells a near miss."""
        user_id = self._user_by_key_digest.get(_key_digest(api_key))
        user = self.users.get(user_id) if user_id else None
        if user is None or not hmac.compare_digest(_key_bytes(user.api_key), _key_bytes(api_key)):
            return None
        return user

    def default_user(self) -> User:
        return next(iter(self.users.values()))

    def record_usage(self, user_id: str, duration_ms: float) -> None:
        user = self.users.get(user_id)
        if user:
            user.compute_time_used_ms += max(1, round(duration_ms))
            user.invocations += 1

    # accounts --------------------------------------------------------------------------------
    def create_account(self, user_id: str, app: str, auth: dict[str, Any], name: str | None = None) -> Account:
        account = Account(id=self.ids.new("apn_"), user_id=user_id, app=app, auth=auth, name=name,
                          created_at=self.now_s())
        self.accounts[account.id] = account
        self.changed()
        return account

    def get_account(self, user_id: str, account_id: str) -> Account:
        account = self.accounts.get(account_id)
        if account is None or account.user_id != user_id:
            raise NotFound("account", account_id)
        return account

    # components ------------------------------------------------------------------------------
    def put_component(self, component: Component) -> Component:
        self.components[component.id] = component
        self.changed()
        return component

    def get_component(self, user_id: str, ident: str) -> Component:
        """By id or by key; the user's own components and the watched folders' registry."""
        component = self.components.get(ident)
        if component is not None and component.user_id in (None, user_id):
            return component
        by_key = [c for c in self.components.values() if c.key == ident and c.user_id in (None, user_id)]
        if by_key:
            # The user's own newest component wins over the registry's.
            return max(by_key, key=lambda c: (c.user_id is not None, c.id))
        raise NotFound("component", ident)

    def registry_component(self, key: str) -> Component:
        for component in self.components.values():
            if component.user_id is None and component.key == key:
                return component
        raise NotFound("registry component", key)

    def registry_components(self) -> list[Component]:
        return sorted((c for c in self.components.values() if c.user_id is None), key=lambda c: c.path or c.id)

    # sources ---------------------------------------------------------------------------------
    def unique_slug(self, user_id: str, name: str, *, ignore_source: str | None = None) -> str:
        base = slugify(name)
        taken = {s.name_slug for s in self.sources.values() if s.user_id == user_id and s.id != ignore_source}
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def add_source(self, source: Source) -> Source:
        self.sources[source.id] = source
        self.changed()
        return source

    def get_source(self, user_id: str, source_id: str) -> Source:
        source = self.sources.get(source_id)
        if source is None or source.user_id != user_id:
            raise NotFound("source", source_id)
        return source

    def user_sources(self, user_id: str) -> list[Source]:
        """Newest first (ids sort in creation order)."""
        return sorted([s for s in self.sources.values() if s.user_id == user_id], key=_by_id, reverse=True)

    def sources_of_component(self, component_id: str) -> list[Source]:
        return [s for s in self.sources.values() if s.component_id == component_id]

    def source_by_endpoint(self, endpoint_id: str) -> Source | None:
        return next((s for s in self.sources.values() if s.endpoint_id == endpoint_id), None)

    def remove_source(self, source_id: str) -> None:
        self.sources.pop(source_id, None)
        self.events.remove_source(source_id)
        for sub in [s for s in self.subscriptions.values() if source_id in (s.emitter_id, s.listener_id)]:
            del self.subscriptions[sub.id]
        for auto in [a for a in self.auto_subscriptions.values() if a.listener_id == source_id]:
            del self.auto_subscriptions[auto.id]
        self.changed()

    # subscriptions -----------------------------------------------------------------------------
    def add_subscription(self, user_id: str, emitter_id: str, listener_id: str, event_name: str) -> Subscription:
        for existing in self.subscriptions.values():
            if (existing.user_id, existing.emitter_id, existing.listener_id, existing.event_name) == (
                    user_id, emitter_id, listener_id, event_name):
                return existing
        sub = Subscription(id=self.ids.new("sub_"), user_id=user_id, emitter_id=emitter_id,
                           listener_id=listener_id, event_name=event_name, created_at=self.now_s())
        self.subscriptions[sub.id] = sub
        self.changed()
        return sub

    def remove_subscriptions(self, user_id: str, emitter_id: str, listener_id: str,
                             event_name: str | None) -> int:
        doomed = [s.id for s in self.subscriptions.values()
                  if s.user_id == user_id and s.emitter_id == emitter_id and s.listener_id == listener_id
                  and (event_name is None or s.event_name == event_name)]
        for sub_id in doomed:
            del self.subscriptions[sub_id]
        self.changed()
        return len(doomed)

    def user_subscriptions(self, user_id: str) -> list[Subscription]:
        return sorted((s for s in self.subscriptions.values() if s.user_id == user_id), key=lambda s: s.id)

    def listeners_of(self, source: Source, channel: str) -> list[str]:
        """Listener ids subscribed to this source's channel (directly, by glob or by user id)."""
        listeners = []
        for sub in sorted(self.subscriptions.values(), key=lambda s: s.id):
            if sub.user_id != source.user_id or sub.event_name != channel:
                continue
            # A glob never makes a source hear itself; only an explicit self-subscription does.
            if sub.emitter_id == source.id or (sub.emitter_id in ("dc_*", source.user_id)
                                               and sub.listener_id != source.id):
                listeners.append(sub.listener_id)
        return listeners

    def add_auto_subscription(self, user_id: str, listener_id: str, event_name: str) -> AutoSubscription:
        auto = AutoSubscription(id=self.ids.new("asub_"), user_id=user_id, listener_id=listener_id,
                                event_name=event_name, created_at=self.now_s())
        self.auto_subscriptions[auto.id] = auto
        self.changed()
        return auto

    def auto_subscriptions_of(self, user_id: str) -> list[AutoSubscription]:
        return [a for a in self.auto_subscriptions.values() if a.user_id == user_id]

    # webhooks --------------------------------------------------------------------------------
    def add_webhook(self, user_id: str, url: str, name: str | None, description: str | None) -> Webhook:
        now = self.now_s()
        hook = Webhook(id=self.ids.new("wh_"), user_id=user_id, name=name, description=description, url=url,
                       active=True, created_at=now, updated_at=now)
        self.webhooks[hook.id] = hook
        self.changed()
        return hook

    def get_webhook(self, user_id: str, webhook_id: str) -> Webhook:
        hook = self.webhooks.get(webhook_id)
        if hook is None or hook.user_id != user_id:
            raise NotFound("webhook", webhook_id)
        return hook

    def user_webhooks(self, user_id: str) -> list[Webhook]:
        return sorted((w for w in self.webhooks.values() if w.user_id == user_id), key=lambda w: w.id,
                      reverse=True)

    def remove_webhook(self, webhook_id: str) -> None:
        self.webhooks.pop(webhook_id, None)
        for sub in [s for s in self.subscriptions.values() if s.listener_id == webhook_id]:
            del self.subscriptions[sub.id]
        self.changed()

    def listener_exists(self, user_id: str, listener_id: str) -> bool:
        source = self.sources.get(listener_id)
        hook = self.webhooks.get(listener_id)
        return (source is not None and source.user_id == user_id) or (hook is not None and hook.user_id == user_id)

    # whole state -------------------------------------------------------------------------------
    def reset(self, *, keep_users: bool = True) -> None:
        users = list(self.users.values()) if keep_users else []
        registry = [c for c in self.components.values() if c.user_id is None]
        self.users.clear()
        self._user_by_key_digest.clear()
        for collection in (self.accounts, self.components, self.sources, self.subscriptions,
                           self.auto_subscriptions, self.webhooks):
            collection.clear()
        self.events.clear()
        for user in users:
            self.add_user(user)
        for component in registry:
            self.components[component.id] = component
        self.connect.reset(keep_projects=keep_users)
        self.changed()
