"""`/triggers/configure` and `/triggers/props`: a prop's options() and additionalProps(), run in the sandbox."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from emulator.domain.models import Component
from emulator.domain.store import Store
from emulator.errors import BadRequest
from emulator.sandbox.host import Invocation, InvocationResult, SandboxHost
from emulator.timing.clock import Clock

RETURNED = "$returned"                  # the runner's emit carrying the method's result (configure.mjs)


@dataclass
class ConfigureCall:
    """What one configure call needs: the component, `this`'s props, and where the code may read."""

    component: Component
    props: dict[str, Any]
    folders: list[str]


def sandbox_props(store: Store, component: Component, configurable: list[dict[str, Any]],
                  configured: dict[str, Any]) -> dict[str, Any]:
    """`this.<prop>` for a configure call: app props as `{$auth}` of their account, other values as given."""
    kinds = {p.get("name"): p.get("type") for p in configurable}
    props: dict[str, Any] = {}
    for name, value in configured.items():
        if kinds.get(name) == "app" and isinstance(value, dict):
            account = store.accounts.get(str(value.get("authProvisionId", "")))
            props[name] = {"$auth": dict(account.auth) if account else {}}
        elif kinds.get(name) not in ("$.service.db", "$.interface.http"):
            props[name] = value
    return props


def read_roots(component: Component, folders: list[str]) -> list[str]:
    if not component.path:
        return []
    for folder in folders:
        if component.path.startswith(folder + os.sep):
            return [folder]
    return [os.path.dirname(component.path)]


async def run_configure(sandbox: SandboxHost, clock: Clock, call: ConfigureCall, method: str,
                        event: dict[str, Any] | None) -> tuple[Any, InvocationResult]:
    """(what the method returned, the whole result); never raises for a throwing component."""
    component = call.component
    # One warm process per component for its configure calls, apart from its triggers' processes.
    invocation = Invocation(source_id=f"configure-{component.id}", method=method, code=component.code,
                            path=component.path, props=call.props, db={}, event=event, now_ms=clock.now_ms(),
                            clock_speed=clock.run_speed, env={"PD_COMPONENT": component.id},
                            read_roots=read_roots(component, call.folders))
    result = await sandbox.invoke(invocation)
    returned = next((e.get("event") for e in reversed(result.emits)
                     if (e.get("metadata") or {}).get("name") == RETURNED), None)
    return returned, result


def observations(result: InvocationResult) -> list[dict[str, Any]]:
    """Console output and a throw, as the cloud reports them."""
    seen = [{"k": f"console.{log.get('level', 'log')}", "msg": log.get("message", ""), "ts": log.get("ts")}
            for log in result.logs]
    if result.outcome != "ok" and result.error:
        err = {k: result.error.get(k, "") for k in ("name", "message", "stack")}
        seen.append({"k": "error", "err": err, "ts": seen[-1]["ts"] if seen else None})
    return seen


def error_message(result: InvocationResult) -> str:
    return (result.error or {}).get("message") or f"the call ended with {result.outcome}"


def options_answer(returned: Any) -> dict[str, Any]:
    """options() may return an array, or {options, context}; strings only are answered as stringOptions."""
    context = None
    if isinstance(returned, dict):
        context = returned.get("context")
        returned = returned.get("options")
    items = returned if isinstance(returned, list) else []
    if items and all(isinstance(i, str) for i in items):
        return {"options": None, "stringOptions": items, "context": context}
    return {"options": [_option(i) for i in items], "stringOptions": None, "context": context}


def _option(item: Any) -> dict[str, Any]:
    if isinstance(item, dict) and "value" in item:
        return {"label": str(item.get("label", item["value"])), "value": item["value"]}
    if isinstance(item, bool):
        return {"label": "true" if item else "false", "value": item}
    return {"label": str(item), "value": item}


def prop_of(component: Component, configurable: list[dict[str, Any]], prop_name: Any) -> dict[str, Any]:
    for prop in configurable:
        if prop.get("name") == prop_name:
            return prop
    raise BadRequest(f"prop_name {prop_name!r} is not a prop of {component.key}", param="prop_name")


def merge_dynamic(static: list[dict[str, Any]], returned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The static props, then the returned ones; a returned name equal to a static one replaces it in place."""
    merged = [dict(p) for p in static]
    for prop in returned:
        index = next((i for i, p in enumerate(merged) if p.get("name") == prop.get("name")), None)
        if index is None:
            merged.append(prop)
        else:
            merged[index] = prop
    return merged
