"""Importing components in a separate `node` process, to complete what static extraction cannot know."""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

from emulator.props.configurable import METADATA_FIELDS
from emulator.props.diagnostics import Diagnostic
from emulator.props.extraction import Extraction

IMPORT_SCRIPT = Path(__file__).parent / "node" / "import_props.mjs"
PLATFORM_REGISTER = Path(__file__).parent.parent / "sandbox" / "node" / "register.mjs"
_MARKER = "@@pd-props "


class NodeImportError(Exception):
    """Node is missing, timed out, or could not import a file."""


def node_command(paths: list[str]) -> list[str]:
    """The command that imports `paths` in Node, with the platform shim when the sandbox provides one."""
    node = shutil.which("node")
    if node is None:
        raise NodeImportError("`node` is not on PATH")
    register = ["--import", PLATFORM_REGISTER.as_uri()] if PLATFORM_REGISTER.is_file() else []
    return [node, *register, str(IMPORT_SCRIPT), *[str(Path(p).resolve()) for p in paths]]


def parse_node_output(stdout: bytes, stderr: bytes, paths: list[str]) -> list[dict]:
    """One result per path: {"file", "ok", metadata…, "configurable_props"} or {"file", "ok": False, "error"}."""
    lines = stdout.decode("utf-8", "replace").splitlines()
    results = [json.loads(line[len(_MARKER):]) for line in lines if line.startswith(_MARKER)]
    if len(results) != len(paths):
        last_words = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise NodeImportError(f"node answered for {len(results)} of {len(paths)} files: {' '.join(last_words)}")
    return results


def import_with_node_sync(paths: list[str], *, timeout_s: float = 60.0) -> list[dict]:
    """Blocking variant for the command line and benchmarks."""
    try:
        done = subprocess.run(node_command(paths), capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as error:
        raise NodeImportError(f"node did not finish within {timeout_s:g} s") from error
    return parse_node_output(done.stdout, done.stderr, paths)


async def import_with_node(paths: list[str], *, timeout_s: float) -> list[dict]:
    process = await asyncio.create_subprocess_exec(
        *node_command(paths), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout_s)
    except TimeoutError as error:
        process.kill()
        await process.wait()
        raise NodeImportError(f"node did not finish within {timeout_s:g} s") from error
    return parse_node_output(stdout, stderr, paths)


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


async def complete_with_node(path: str, extraction: Extraction, *, timeout_s: float = 10.0) -> Extraction:
    """The extraction with metadata and props computed by importing `path` in Node; unchanged on failure."""
    where = Diagnostic("", str(await asyncio.to_thread(Path(path).resolve)), 1, 1)
    try:
        result = (await import_with_node([path], timeout_s=timeout_s))[0]
        if not result.get("ok"):
            raise NodeImportError(result.get("error", "import failed").splitlines()[0])
    except (NodeImportError, OSError, ValueError) as error:
        note = replace(where, message=f"props could not be completed by importing the module in Node: {error}")
        return replace(extraction, warnings=[*extraction.warnings, note])
    note = replace(where, message="configurable props completed by importing the module in Node "
                                  "(static extraction could not know every value)")
    metadata: dict[str, Any] = {name: result.get(name) for name in METADATA_FIELDS}
    return replace(extraction, **metadata,
                   configurable_props=result["configurable_props"],
                   warnings=[*extraction.warnings, note], completed_by_node=True)
