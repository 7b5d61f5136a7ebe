"""The `--state` file format: the whole store as JSON, exported and imported atomically."""
from __future__ import annotations

import dataclasses
from typing import Any

from emulator.domain.models import Account, AutoSubscription, Component, Source, Subscription, User, Webhook
from emulator.domain.record_parsing import parse_records
from emulator.domain.store import Store
from emulator.errors import BadRequest

STATE_FORMAT = 1
RECORD_COLLECTIONS: dict[str, type] = {
    "users": User, "accounts": Account, "components": Component, "sources": Source,
    "subscriptions": Subscription, "auto_subscriptions": AutoSubscription, "webhooks": Webhook,
}


def export_state(store: Store) -> dict[str, Any]:
    state: dict[str, Any] = {"format": STATE_FORMAT, "id_sequence": store.ids.sequence}
    for name in RECORD_COLLECTIONS:
        state[name] = [dataclasses.asdict(r) for r in getattr(store, name).values()]
    state["events"] = store.events.export()
    state["connect"] = store.connect.export()
    return state


def owned_by_key(state: dict[str, Any], api_key: str) -> dict[str, Any]:
    """The state with its first user answering to `api_key`, so that key sees its sources
    (unchanged when one of its users already does, as in a round trip of this emulator's export)."""
    users = [dict(u) if isinstance(u, dict) else u for u in state.get("users", [])]
    if users and isinstance(users[0], dict) and not any(isinstance(u, dict) and u.get("api_key") == api_key
                                                        for u in users):
        users[0]["api_key"] = api_key
    return {**state, "users": users}


def owners(store: Store, api_key: str) -> list[dict[str, Any]]:
    """Whose sources are in the store: per user with sources, how many and whether `api_key` is theirs."""
    counts: dict[str, int] = {}
    for source in store.sources.values():
        counts[source.user_id] = counts.get(source.user_id, 0) + 1
    return [{"user_id": user_id, "username": store.users[user_id].username, "sources": count,
             "yours": store.users[user_id].api_key == api_key}
            for user_id, count in sorted(counts.items()) if user_id in store.users]


def import_state(store: Store, state: Any) -> None:
    """Replace the store's contents; nothing changes unless the whole document is valid."""
    apply_state(store, parse_state(store, state))


def parse_state(store: Store, state: Any) -> dict[str, Any]:
    """Check a whole state document and turn it into records, touching nothing."""
    if not isinstance(state, dict):
        raise BadRequest("state must be a JSON object", param="state")
    if state.get("format", STATE_FORMAT) != STATE_FORMAT:
        raise BadRequest(f"unsupported state format {state.get('format')!r} (expected {STATE_FORMAT})",
                         param="format")
    parsed = {name: parse_records(state.get(name, []), name, cls) for name, cls in RECORD_COLLECTIONS.items()}
    events = state.get("events", [])
    if not isinstance(events, list) or not all(isinstance(e, dict) and isinstance(e.get("id"), str)
                                               and isinstance(e.get("source_id"), str) for e in events):
        raise BadRequest("events must be a list of objects with string id and source_id", param="events")
    sequence = state.get("id_sequence", 0)
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0:
        raise BadRequest("id_sequence must be a non-negative integer", param="id_sequence")

    registry = {c.id: c for c in store.components.values() if c.user_id is None}
    connect = store.connect.parse(state.get("connect"))
    _check_references(parsed, registry, {u.owner_id for u in connect["external_users"]})
    return {**parsed, "events": events, "id_sequence": sequence, "registry": registry, "connect": connect}


def apply_state(store: Store, parsed: dict[str, Any]) -> None:
    registry, events, sequence = parsed["registry"], parsed["events"], parsed["id_sequence"]
    store.reset(keep_users=False)
    for user in parsed["users"]:
        store.add_user(user)
    for name in ("accounts", "components", "sources", "subscriptions", "auto_subscriptions", "webhooks"):
        collection = getattr(store, name)
        for record in parsed[name]:
            collection[record.id] = record
    store.components.update(registry)
    store.events.load(events)
    store.connect.load(parsed["connect"])
    store.ids.sequence = max(store.ids.sequence, sequence)
    store.changed()


def _check_references(parsed: dict[str, list[Any]], registry: dict[str, Any], connect_owners: set[str]) -> None:
    users = {u.id for u in parsed["users"]} | connect_owners     # a deployed trigger belongs to its external user
    components = {c.id for c in parsed["components"]} | set(registry)
    for index, source in enumerate(parsed["sources"]):
        if source.user_id not in users:
            raise BadRequest(f"sources[{index}] belongs to user {source.user_id}, who is not in users",
                             param=f"sources.{index}.user_id")
        if source.component_id not in components:
            raise BadRequest(f"sources[{index}] uses component {source.component_id}, which is not in components",
                             param=f"sources.{index}.component_id")
