"""`GET /v1/components/search`: the registered components whose key, name or description match a query."""
from __future__ import annotations

import re
from collections.abc import Iterable

from emulator.domain.models import Component

WORD = re.compile(r"[a-z0-9]+")
FIELD_WEIGHTS = (("key", 3), ("name", 2), ("description", 1))


def search_components(components: Iterable[Component], query: str, app: str | None = None) -> dict[str, list[str]]:
    """`{"sources": [key, …], "actions": [key, …]}`, best match first; every word of `query` must match."""
    words = WORD.findall(query.lower())
    scored: list[tuple[int, str, str]] = []
    for component in components:
        if not component.key or (app and app not in apps_of(component)):
            continue
        score = _score(component, words)
        if score is not None:
            kind = "actions" if component.type == "action" else "sources"
            scored.append((-score, component.key, kind))
    found: dict[str, list[str]] = {"sources": [], "actions": []}
    for _, key, kind in sorted(scored):
        found[kind].append(key)
    return found


def apps_of(component: Component) -> set[str]:
    """The apps a component works with: its app props, else the prefix of its key (`slack-new-message`)."""
    apps = {p["app"] for p in component.configurable_props if p.get("type") == "app" and p.get("app")}
    return apps or {(component.key or "").split("-", 1)[0]}


def _score(component: Component, words: list[str]) -> int | None:
    total = 0
    for word in words:
        hits = [weight for field, weight in FIELD_WEIGHTS
                if word in WORD.findall((getattr(component, field) or "").lower())]
        partial = [weight for field, weight in FIELD_WEIGHTS if word in (getattr(component, field) or "").lower()]
        if not hits and not partial:
            return None
        total += 2 * max(hits, default=0) + max(partial, default=0)
    return total
