"""Check a source's `configured_props` against its component's `configurable_props`, and normalise them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.errors import Unprocessable
from emulator.props.prop_types import APP, DB, HTTP, NO_VALUE_TYPES, TIMER
from emulator.timing.scheduler import ScheduleError, validate_timer

_MISSING = object()            # a prop that takes no value (optional and unset, or informational)
_SCALARS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "any": lambda v: True,
}


def normalise_configured_props(configurable: list[dict[str, Any]], given: dict[str, Any], *,
                               account_exists: Callable[[str], bool], endpoint_url: str | None) -> dict[str, Any]:
    """The stored form of `given`; raises Unprocessable naming every bad prop at once."""
    problems: list[dict[str, str]] = []
    result: dict[str, Any] = {}
    for prop in configurable:
        name, kind = prop.get("name"), prop.get("type")
        if not isinstance(name, str):
            continue
        value = given.get(name)
        try:
            normalised = _normalise(prop, kind, value, account_exists, endpoint_url)
        except ValueError as exc:
            problems.append({"param": f"configured_props.{name}", "error": f"{name}: {exc}"})
            continue
        if normalised is not _MISSING:
            result[name] = normalised
    known = {p.get("name") for p in configurable}
    result.update({k: v for k, v in given.items() if k not in known})
    if problems:
        summary = "; ".join(p["error"] for p in problems)
        raise Unprocessable(f"invalid configured_props: {summary}", param=problems[0]["param"],
                            details=problems, code="invalid_configured_props")
    return result



INTERFACE_TYPES = frozenset({TIMER, HTTP, DB})    # props whose value the emulator gives, not the user


def outdated_values(declared_before: list[dict[str, Any]], declared_now: list[dict[str, Any]],
                    configured: dict[str, Any]) -> set[str]:
    """Names in `configured` that new code makes outdated: a prop whose type changed to or from an interface
    (http, timer, db) or that is no longer declared as one, and a timer still at the old code's default when
    the default changed (the new one applies)."""
    before = {p.get("name"): p for p in declared_before}
    now = {p.get("name"): p for p in declared_now}
    outdated: set[str] = set()
    for name, value in configured.items():
        was, is_ = before.get(name), now.get(name)
        was_type, is_type = (was or {}).get("type"), (is_ or {}).get("type")
        if was is None or INTERFACE_TYPES.isdisjoint({was_type, is_type}):
            continue
        changed_default = was_type == TIMER and value == _default_timer(was) != _default_timer(is_ or {})
        if was_type != is_type or changed_default:
            outdated.add(name)
    return outdated


def with_interface_values(configurable: list[dict[str, Any]], configured: dict[str, Any], *,
                          endpoint_url: str | None) -> dict[str, Any]:
    """`configured` with a value for each interface prop declared (an http prop its endpoint, a timer its
    schedule, else its default); other values as they are, even ones the props no longer accept (a hot
    reload keeps them)."""
    result = dict(configured)
    for prop in configurable:
        name, kind = prop.get("name"), prop.get("type")
        if not isinstance(name, str) or kind not in INTERFACE_TYPES:
            continue
        try:
            result[name] = _normalise(prop, kind, result.get(name), lambda _: False, endpoint_url)
        except ValueError:                     # a schedule that is no schedule: the default
            default = _default_timer(prop)
            if default is None:
                result.pop(name, None)
            else:
                result[name] = default
    return result


def _default_timer(prop: dict[str, Any]) -> Any:
    try:
        return _normalise(prop, TIMER, None, lambda _: False, None)
    except ValueError:
        return None


def _normalise(prop: dict[str, Any], kind: Any, value: Any, account_exists: Callable[[str], bool],
               endpoint_url: str | None) -> Any:
    if kind == TIMER:
        config = value if value is not None else prop.get("default") or {"intervalSeconds": 900}
        try:
            return validate_timer(config)
        except ScheduleError as exc:
            raise ValueError(str(exc)) from None
    if kind == HTTP:
        return {"endpoint_url": endpoint_url}
    if kind == DB:
        return {"type": DB}
    if kind in NO_VALUE_TYPES:
        return _MISSING
    if value is None and "default" in prop:
        value = prop["default"]
    if value is None:
        if prop.get("optional") or prop.get("hidden") or prop.get("disabled"):
            return _MISSING
        raise ValueError("is required" + (" (an app account: {\"authProvisionId\": \"apn_…\"})" if kind == APP else ""))
    if kind == APP:
        return _app_value(value, account_exists)
    if prop.get("withLabel") and _labelled_items(value) is not None:
        plain = [item["value"] for item in _labelled_items(value) or []]
        checked = plain if isinstance(kind, str) and kind.endswith("[]") else plain[0] if len(plain) == 1 else plain
        _check_type(kind, checked)
        _check_bounds(prop, checked)
        _check_options(prop, checked)
        return value
    _check_type(kind, value)
    _check_bounds(prop, value)
    _check_options(prop, value)
    return value


def run_value(prop: dict[str, Any] | None, value: Any) -> Any:
    """What `this.<prop>` is in a run: a `withLabel` prop's `{"__lv": x}` is given as `x` (`{label, value}`)."""
    if prop and prop.get("withLabel") and isinstance(value, dict) and set(value) == {"__lv"}:
        return value["__lv"]
    return value


def _labelled_items(value: Any) -> list[dict[str, Any]] | None:
    """A `withLabel` value's `{label, value}` items (the cloud's `{"__lv": …}` wrapper allowed), else None."""
    if isinstance(value, dict) and set(value) == {"__lv"}:
        value = value["__lv"]
    items = value if isinstance(value, list) else [value]
    if items and all(isinstance(i, dict) and set(i) == {"label", "value"} for i in items):
        return items
    return None


def _app_value(value: Any, account_exists: Callable[[str], bool]) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("authProvisionId"), str):
        raise ValueError('must be {"authProvisionId": "apn_…"} naming an account from POST /_emulator/accounts')
    if not account_exists(value["authProvisionId"]):
        raise ValueError(f"account {value['authProvisionId']} not found")
    return {"authProvisionId": value["authProvisionId"]}


def _check_type(kind: Any, value: Any) -> None:
    if not isinstance(kind, str):
        return
    if kind.endswith("[]"):
        item_check = _SCALARS.get(kind[:-2])
        if not isinstance(value, list) or (item_check and not all(item_check(v) for v in value)):
            raise ValueError(f"must be a list of {kind[:-2]}")
        return
    check = _SCALARS.get(kind)
    if check and not check(value):
        raise ValueError(f"must be of type {kind}, got {type(value).__name__}")


def _check_bounds(prop: dict[str, Any], value: Any) -> None:
    numbers = value if isinstance(value, list) else [value]
    for number in numbers:
        if not isinstance(number, (int, float)) or isinstance(number, bool):
            continue
        if isinstance(prop.get("min"), (int, float)) and number < prop["min"]:
            raise ValueError(f"must be at least {prop['min']}")
        if isinstance(prop.get("max"), (int, float)) and number > prop["max"]:
            raise ValueError(f"must be at most {prop['max']}")


def _check_options(prop: dict[str, Any], value: Any) -> None:
    options = prop.get("options")
    if not isinstance(options, list) or not options:
        return
    allowed = [o.get("value") if isinstance(o, dict) else o for o in options]
    for item in value if isinstance(value, list) else [value]:
        if item not in allowed:
            raise ValueError(f"{item!r} is not one of the options {allowed}")
