"""A component's configure calls in the sandbox: a prop's `options()` and `additionalProps()`.

One code path for every caller: Connect (`/triggers/configure`, `/triggers/props`, `/triggers/deploy`)
and the `/v1` deploy, update and code reload of a source. The props `additionalProps()` returns become
part of what a source is configured with (`Source.configurable_props`), as in the cloud.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.domain.models import Component
from emulator.domain.store import Store
from emulator.errors import AdditionalPropsFailed
from emulator.outbound.redaction import Redactor, secret_values
from emulator.sandbox.host import Invocation, InvocationResult, SandboxHost
from emulator.sandbox.read_roots import component_read_roots
from emulator.timing.clock import Clock

ADDITIONAL_PROPS = "additionalProps"
RETURNED = "$returned"                  # the runner's emit carrying the method's result (configure.mjs)
FRAME = re.compile(r"(?:file://)?([^\s()]+\.[cm]?[jt]s):(\d+):(\d+)")   # `at f (/x/y.mjs:7:11)`


@dataclass
class ConfigureCall:
    """What one configure call needs: the component, `this`'s props, and where the code may read."""

    component: Component
    props: dict[str, Any]
    folders: list[str]


def uses_additional_props(component: Component) -> bool:
    """Whether the component may define `additionalProps`: its code or a file it imports names it (a
    published source often gets it by spreading a common file: `...common`). Natives have no code."""
    if ADDITIONAL_PROPS in component.code:
        return True
    for file in component.imported_files:
        try:
            if ADDITIONAL_PROPS in Path(file).read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


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


def call_secrets(call: ConfigureCall) -> list[str]:
    """What never reaches a cassette, a record or an error body: `$auth` strings, `secret` props' values."""
    names = [str(p.get("name")) for p in call.component.configurable_props if p.get("secret")]
    return sorted(secret_values(call.props, names))


async def run_configure(sandbox: SandboxHost, clock: Clock, call: ConfigureCall, method: str,
                        event: dict[str, Any] | None) -> tuple[Any, InvocationResult]:
    """(what the method returned, the whole result); never raises for a throwing component."""
    component = call.component
    # One warm process per component for its configure calls, apart from its sources' processes.
    invocation = Invocation(source_id=f"configure-{component.id}", method=method, code=component.code,
                            path=component.run_path or component.path, props=call.props, db={}, event=event,
                            now_ms=clock.now_ms(), clock_speed=clock.run_speed, env={"PD_COMPONENT": component.id},
                            read_roots=component_read_roots(component.path, call.folders), secrets=call_secrets(call))
    result = await sandbox.invoke(invocation)
    returned = next((e.get("event") for e in reversed(result.emits)
                     if (e.get("metadata") or {}).get("name") == RETURNED), None)
    return returned, result


async def additional_props(sandbox: SandboxHost, clock: Clock,
                           call: ConfigureCall) -> tuple[list[dict[str, Any]] | None, InvocationResult | None]:
    """(the whole configurable list: static props, then the returned ones; the run), (None, run) when
    additionalProps() threw; (the static list, None) for a component without it."""
    static = call.component.configurable_props
    if not uses_additional_props(call.component):
        return static, None
    returned, result = await run_configure(sandbox, clock, call, ADDITIONAL_PROPS, None)
    if result.outcome != "ok":
        return None, result
    return merge_dynamic(static, returned if isinstance(returned, list) else []), result


def merge_dynamic(static: list[dict[str, Any]], returned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The static props, then the returned ones; a returned name equal to a static one replaces it in place."""
    merged = [dict(p) for p in static]
    for prop in returned:
        if not isinstance(prop, dict) or not isinstance(prop.get("name"), str):
            continue
        index = next((i for i, p in enumerate(merged) if p.get("name") == prop.get("name")), None)
        if index is None:
            merged.append(prop)
        else:
            merged[index] = prop
    return merged


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


def thrown_at(result: InvocationResult) -> str | None:
    """`file:line:column` of the first stack frame of what the call threw, if the stack names one."""
    stack = str((result.error or {}).get("stack") or "")
    for line in stack.splitlines()[1:]:
        found = FRAME.search(line)
        if found:
            return f"{found.group(1)}:{found.group(2)}:{found.group(3)}"
    return None


def additional_props_failed(call: ConfigureCall, result: InvocationResult, when: str,
                            param: str = "component_id", run: dict[str, Any] | None = None) -> AdditionalPropsFailed:
    """The 400 a throwing additionalProps() answers: the component, the message, where it was thrown;
    the secrets the call was given are redacted from all of it (a blocked URL may carry a token)."""
    component, redact = call.component, Redactor(call_secrets(call)).text
    where = thrown_at(result)
    name = component.key or component.path or component.name
    message = f"additionalProps() of {name} failed at {when}: {error_message(result)}" + (f" (at {where})" if where else "")
    error = {k: redact(v) if isinstance(v, str) else v for k, v in (result.error or {}).items()}
    logs = [{**log, "message": redact(str(log.get("message", "")))} for log in result.logs]
    return AdditionalPropsFailed(redact(message), param=param, component_id=component.id, error=error,
                                 logs=logs, location=where, run=run)
