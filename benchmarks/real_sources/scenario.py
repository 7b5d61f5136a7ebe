"""One real source played offline: its scenario file, the stubs beside it, and what came of it.

A `<source>.scenario.json` names the component inside its npm package, the account's `$auth`, the
configured props, the trigger (`{"timer": N}` fires the timer N times; `{"webhook": {...}}` sends a
request to its endpoint; `{"event": {...}}` runs it with an app event, as an apphook delivers it) and
what must be emitted. Strings may hold `{{db.KEY}}`, `{{headers.NAME}}`, `{{body}}`, `{{now_s}}` and
`{{endpoint}}`; a webhook's `sign` computes the HMAC its app sends.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.testing.fixtures import ApiCallError, PdEmulator

HERE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{\{\s*([\w.-]+)\s*\}\}")


def cache_dir() -> Path:
    """Where the npm packages go: the user's cache directory, shared by every run."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pd-emulator" / "real-sources"


def install(packages: list[str]) -> Path:
    """npm install the `@pipedream/*` packages (with their dependencies) into the cache; its node_modules."""
    cache = cache_dir()
    missing = [p for p in packages if not (cache / "node_modules" / "@pipedream" / p / "package.json").is_file()]
    if missing:
        cache.mkdir(parents=True, exist_ok=True)
        if not (cache / "package.json").exists():
            (cache / "package.json").write_text('{"name": "pd-real-sources", "private": true}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
                        *[f"@pipedream/{p}" for p in missing]], cwd=cache, check=True)
    return cache / "node_modules"


@dataclass
class Scenario:
    name: str                   # app/source
    file: Path
    spec: dict[str, Any]
    stubs: list[dict[str, Any]]

    @property
    def package(self) -> str:
        return self.spec["component"].split("/", 1)[0]

    @property
    def kind(self) -> str:
        trigger = self.spec["trigger"]
        return "webhook" if "webhook" in trigger else "app event" if "event" in trigger else "polling"

    @property
    def expected_events(self) -> int:
        return int(self.spec["expect"]["events"])


def load_scenarios(only: list[str] = ()) -> list[Scenario]:
    scenarios = []
    for file in sorted(HERE.glob("*/*.scenario.json")):
        name = f"{file.parent.name}/{file.name.removesuffix('.scenario.json')}"
        if only and not any(name == o or file.parent.name == o for o in only):
            continue
        stubs_file = file.with_name(file.name.replace(".scenario.json", ".stubs.json"))
        stubs = json.loads(stubs_file.read_text()) if stubs_file.exists() else []
        scenarios.append(Scenario(name, file, json.loads(file.read_text()), stubs))
    return scenarios


@dataclass
class Outcome:
    scenario: Scenario
    ok: bool = False
    reason: str = ""
    events: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def requests_summary(self) -> str:
        answered: dict[str, int] = {}
        for request in self.requests:
            who = request.get("answered_by", "?")
            answered[who] = answered.get(who, 0) + 1
        return ", ".join(f"{n} {who}" for who, n in sorted(answered.items())) or "none"


def fill(value: Any, names: dict[str, Any]) -> Any:
    """`value` with every `{{name}}` replaced (a whole-string placeholder keeps the value's type)."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            return lookup(names, whole[1])
        return PLACEHOLDER.sub(lambda m: str(lookup(names, m[1])), value)
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    return value


def lookup(names: dict[str, Any], dotted: str) -> Any:
    head, _, rest = dotted.partition(".")
    value = names[head]
    if rest:
        value = value.get(rest) if isinstance(value, dict) else None
    if value is None:
        raise KeyError(f"{{{{{dotted}}}}} has no value")
    return value


def signature(sign: dict[str, Any], names: dict[str, Any]) -> str:
    """The HMAC an app puts in its webhook header, as its `sign` entry describes it."""
    key = fill(sign["key"], names)
    key_bytes = base64.b64decode(key) if sign.get("key_encoding") == "base64" else str(key).encode()
    message = fill(sign.get("message", "{{body}}"), names)
    digest = hmac.new(key_bytes, str(message).encode(), getattr(hashlib, sign.get("algorithm", "sha256"))).digest()
    text = base64.b64encode(digest).decode() if sign.get("digest") == "base64" else digest.hex()
    return fill(sign.get("format", "{signature}"), names).replace("{signature}", text)


async def app_prop(emulator: PdEmulator, component_file: Path) -> tuple[dict[str, Any], str, str]:
    """The registered component, the name of its app prop and the app's name."""
    component = await emulator.register(component_file)
    for prop in component["configurable_props"]:
        if prop.get("type") == "app":
            return component, prop["name"], prop["app"]
    raise ValueError(f"{component_file} has no app prop")


async def play(emulator: PdEmulator, scenario: Scenario, modules: Path) -> Outcome:
    """Deploy, trigger, check and delete one source; never raises for the source's own failures."""
    outcome = Outcome(scenario)
    try:
        await _play(emulator, scenario, modules, outcome)
    except ApiCallError as error:
        outcome.reason = str(error)[:300]
    except (KeyError, ValueError, TimeoutError) as error:
        outcome.reason = f"{type(error).__name__}: {error}"
    return outcome


async def _play(emulator: PdEmulator, scenario: Scenario, modules: Path, outcome: Outcome) -> None:
    spec = scenario.spec
    await emulator.call("PUT", "/_emulator/http", json={"mode": "offline"})
    await emulator.call("DELETE", "/_emulator/http/stubs")
    for stub in scenario.stubs:
        await emulator.call("POST", "/_emulator/http/stubs", json=stub)
    component, prop_name, app = await app_prop(emulator, modules / "@pipedream" / spec["component"])
    account = await emulator.call("POST", "/_emulator/accounts", json={"app": app, "auth": spec["auth"]})
    props = {prop_name: {"authProvisionId": account["id"]}, **spec.get("props", {})}
    activity = emulator.services.bus.subscribe()
    try:
        source = await emulator.deploy(component["id"], configured_props=props)
    except ApiCallError as error:
        code = error.body.get("code", "deploy_failed") if isinstance(error.body, dict) else "deploy_failed"
        outcome.reason = f"{code.replace('_', ' ')}: {_message(error.body)}"
        _collect_requests(outcome, _runs_published(emulator, activity))
        return
    finally:
        emulator.services.bus.unsubscribe(activity)
    await _trigger(emulator, source, spec["trigger"])
    events = await emulator.events(source["id"])
    outcome.events = len(events)
    runs = await emulator.logs(source["id"], limit=50)
    _collect_requests(outcome, list(reversed(runs)))
    failed = [r for r in runs if r.get("error")]
    deactivate = await _delete(emulator, source["id"], outcome)
    if deactivate is not None:
        _collect_requests(outcome, [deactivate])
        if deactivate.get("error"):
            failed.append(deactivate)
    problem = _check(spec["expect"], events, failed, outcome)
    outcome.ok, outcome.reason = problem is None, problem or ""


async def _trigger(emulator: PdEmulator, source: dict[str, Any], trigger: dict[str, Any]) -> None:
    if "timer" in trigger:
        timer = next((v for v in source["configured_props"].values()
                      if isinstance(v, dict) and v.get("interval_seconds")), None)
        if timer is None:
            raise ValueError("the source has no interval timer to fire")
        for _ in range(int(trigger["timer"])):
            await emulator.clock.advance(timer["interval_seconds"])
    elif "event" in trigger:
        await emulator.run(source["id"], trigger["event"])
    else:
        requests = trigger["webhook"]
        for request in requests if isinstance(requests, list) else [requests]:
            await _send(emulator, source, request)


async def _send(emulator: PdEmulator, source: dict[str, Any], request: dict[str, Any]) -> None:
    """One realistic webhook request to the source's endpoint, signed as its app signs it."""
    names = {"db": await emulator.db(source["id"]), "now_s": (await emulator.clock.now_ms()) // 1000}
    headers = fill(request.get("headers", {}), names)
    body = json.dumps(fill(request.get("body", {}), names), separators=(",", ":"))
    names.update(headers=headers, body=body)
    if "sign" in request:
        headers[request["sign"]["header"]] = signature(request["sign"], names)
    headers.setdefault("content-type", "application/json")
    await emulator.http(source["id"], request.get("method", "POST"), request.get("path", "/"),
                        headers=headers, data=body.encode())


def _runs_published(emulator: PdEmulator, activity: asyncio.Queue[dict[str, Any]]) -> list[dict[str, Any]]:
    """The full records of the runs announced on `activity` (also those of a source since removed)."""
    runs = []
    while not activity.empty():
        message = activity.get_nowait()
        summary = message.get("run") if message.get("kind") == "run" else None
        record = emulator.services.runtime.runs.get(summary["id"]) if summary else None
        if record is not None:
            runs.append(record.to_api())
    return runs


async def _delete(emulator: PdEmulator, source_id: str, outcome: Outcome) -> dict[str, Any] | None:
    """Deletes the source (its deactivate hook runs) and answers that deactivate run, if any."""
    activity = emulator.services.bus.subscribe()
    try:
        await emulator.call("DELETE", f"/v1/sources/{source_id}")
    except ApiCallError as error:
        outcome.details.append(f"delete: {_message(error.body)}")
    finally:
        emulator.services.bus.unsubscribe(activity)
    return next((r for r in _runs_published(emulator, activity)
                 if r["source_id"] == source_id and r["method"] == "deactivate"), None)


def _collect_requests(outcome: Outcome, runs: list[dict[str, Any]]) -> None:
    """Adds the requests of `runs` (oldest first) to the outcome, and a detail line for each."""
    for run in runs:
        for request in run.get("requests", []):
            outcome.requests.append(request)
            outcome.details.append(f"{run.get('method', run.get('trigger', '?'))}: {request.get('method')} "
                                   f"{request.get('url')} -> {request.get('status')} by {request.get('answered_by')}"
                                   + (f" ({request['error']})" if request.get("error") else ""))
        if run.get("error"):
            outcome.details.append(f"{run.get('method', '?')} error: {_message(run['error'])}")


def _check(expect: dict[str, Any], events: list[dict[str, Any]], failed: list[dict[str, Any]], outcome: Outcome) -> str | None:
    blocked = [r for r in outcome.requests if r.get("answered_by") == "blocked"]
    if failed:
        run = failed[0]
        return f"{run.get('method', 'run')} failed: {_message(run['error'])}"
    if blocked:
        return f"request not stubbed: {blocked[0].get('method')} {blocked[0].get('url')}"
    if len(events) < int(expect["events"]):
        return f"emitted {len(events)} event(s), expected {expect['events']}"
    summaries = [e.get("metadata", {}).get("summary") for e in events]
    if "summary" in expect and expect["summary"] not in summaries:
        return f"no event summarised {expect['summary']!r} (got {summaries})"
    if "event" in expect and not any(_contains(e["event"], expect["event"]) for e in events):
        return f"no event contains {json.dumps(expect['event'])}"
    return None


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _contains(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) >= len(expected) and all(
            _contains(a, e) for a, e in zip(actual, expected))
    return actual == expected


def _message(body: Any) -> str:
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return str(error.get("message") or error.get("name") or error)[:300]
        return str(error)[:300]
    return str(body)[:300]
