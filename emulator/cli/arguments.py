"""Reading the companion commands' arguments: files, sources by id or name, `--prop KEY=VALUE`, durations."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from emulator.cli.client import LIST_HINT, Client, CompanionError
from emulator.props import prop_types

DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def component_file(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise CompanionError(f"no file {name}", "give the path of a component file (.mjs, .js or .cjs)")
    return path


def read_file(name: str) -> str:
    try:
        return Path(name).read_text()
    except OSError as exc:
        raise CompanionError(f"cannot read {name}: {exc.strerror or exc}", "check the file's path") from None


def find_source(client: Client, ident: str) -> dict[str, Any]:
    """A source by id, or else by its name or name slug."""
    if ident.startswith("dc_"):
        return client.call("GET", f"/v1/sources/{ident}")["data"]
    sources = client.call("GET", "/_emulator/overview")["sources"]
    found = [s for s in sources if ident in (s["name"], s["name_slug"])]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CompanionError(f"no source named {ident}", LIST_HINT)
    raise CompanionError(f"{len(found)} sources are named {ident}: {', '.join(s['id'] for s in found)}",
                         "give the source's id instead")


def parse_props(pairs: list[str], configurable: list[dict[str, Any]]) -> dict[str, Any]:
    """`KEY=VALUE` pairs; a string prop keeps the text as it is, other types read it as JSON."""
    types = {p.get("name"): p.get("type") for p in configurable}
    props: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CompanionError(f"--prop {pair!r} is not KEY=VALUE", "for example: --prop count=3")
        if key not in types:
            known = ", ".join(n for n in types if n) or "none"
            raise CompanionError(f"the component has no prop {key}", f"its props are: {known}")
        props[key] = _prop_value(types[key], value)
    return props


def _prop_value(kind: str | None, text: str) -> Any:
    if kind == "string":
        return text
    if kind == prop_types.APP and not text.startswith("{"):
        return {"authProvisionId": text}
    if kind == prop_types.TIMER:
        try:
            return {"intervalSeconds": int(parse_duration(text))}
        except CompanionError:
            pass
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_duration(text: str) -> float:
    """`90s`, `15m`, `1h`, `1d`, `1h30m` or plain seconds → seconds."""
    trimmed = text.strip().lower()
    try:
        return float(trimmed)
    except ValueError:
        pass
    parts = DURATION.findall(trimmed)
    if not parts or "".join(n + u for n, u in parts) != trimmed:
        raise CompanionError(f"cannot read the duration {text!r}", "use a number with a unit: 90s, 15m, 1h, 1d, 1h30m")
    return sum(float(number) * DURATION_UNITS[unit] for number, unit in parts)
