"""Comparing what static extraction read with what Node computes by importing the module.

The import itself runs component code, so it lives in the sandbox (emulator/sandbox/props_import.py),
contained exactly like a run."""
from __future__ import annotations

import json
from typing import Any

from emulator.props.configurable import METADATA_FIELDS
from emulator.props.extraction import Extraction


class NodeImportError(Exception):
    """Node is missing, timed out, or could not import a file."""


def static_view(extraction: Extraction) -> dict[str, Any]:
    """The extraction in the shape Node's import prints, to compare the two."""
    return {**{name: getattr(extraction, name) for name in METADATA_FIELDS},
            "configurable_props": extraction.configurable_props}


def differences(static: dict[str, Any], node: dict[str, Any]) -> list[str]:
    """Readable differences between a static view and a Node result (key order of props included)."""
    found = [f"{name}: static {static.get(name)!r}, node {node.get(name)!r}"
             for name in METADATA_FIELDS if static.get(name) != node.get(name)]
    static_props = {p["name"]: p for p in static["configurable_props"]}
    node_props = {p["name"]: p for p in node.get("configurable_props", []) if isinstance(p, dict)}
    for name in [n for n in node_props if n not in static_props]:
        found.append(f"prop {name!r}: only in node: {json.dumps(node_props[name])}")
    for name in [n for n in static_props if n not in node_props]:
        found.append(f"prop {name!r}: only in static: {json.dumps(static_props[name])}")
    for name in [n for n in static_props if n in node_props]:
        mine, theirs = static_props[name], node_props[name]
        if json.dumps(mine) == json.dumps(theirs):
            continue
        for key in dict.fromkeys([*mine, *theirs]):
            if json.dumps(mine.get(key)) != json.dumps(theirs.get(key)):
                found.append(f"prop {name!r} {key}: static {json.dumps(mine.get(key))[:200]}, "
                             f"node {json.dumps(theirs.get(key))[:200]}")
        if list(mine) != list(theirs) and all(json.dumps(mine.get(k)) == json.dumps(theirs.get(k)) for k in theirs):
            found.append(f"prop {name!r}: attribute order static {list(mine)}, node {list(theirs)}")
    if not found and list(static_props) != list(node_props):
        found.append(f"prop order: static {list(static_props)}, node {list(node_props)}")
    return found
