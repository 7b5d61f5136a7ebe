"""Importing components in a separate `node` process, to complete what static extraction cannot know.

That process runs component code, so it is contained exactly like a run's worker (see
emulator/sandbox/containment.py), never with the server's environment, folder or rights."""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from dataclasses import replace
from pathlib import Path
from collections.abc import Sequence
from typing import Any

from emulator.props.configurable import METADATA_FIELDS
from emulator.props.diagnostics import Diagnostic
from emulator.props.extraction import Extraction
from emulator.sandbox.containment import DEFAULT_CONTAINMENT, Containment, node_environment
from emulator.sandbox.import_scan import needs_resolve_hooks
from emulator.sandbox.node_runtime import NodeRuntime, find_node_sync

IMPORT_SCRIPT = Path(__file__).parent / "node" / "import_props.mjs"
_MARKER = "@@pd-props "
MAX_OUTPUT_BYTES = 16 * 2**20      # what Node may print before it is stopped
STDERR_TAIL_BYTES = 4096


class NodeImportError(Exception):
    """Node is missing, timed out, or could not import a file."""


def node_command(
    paths: list[str], *, containment: Containment, roots: Sequence[str] = (), runtime: NodeRuntime | None = None,
) -> tuple[list[str], str, dict[str, str]]:
    """(argv, cwd, env) importing `paths` in Node within `containment`: read-only to the files, their
    folders (or `roots`) and what they import; no writes, child processes, workers or listening;
    the memory cap; the cwd in the (first) component's folder. Reads files: call it in a thread."""
    runtime = runtime or find_node_sync()
    if runtime is None:
        raise NodeImportError("`node` is not on PATH")
    files = [str(Path(p).resolve()) for p in paths]
    readable: set[str] = set()
    denied: set[tuple[str, str]] = set()
    for file in files:
        scope = containment.scope(file, roots)
        readable |= set(scope.readable)
        denied |= set(scope.denied)
    argv = runtime.contained_argv(IMPORT_SCRIPT, files, read_paths=sorted(readable),
                                  memory_mb=containment.memory_mb,
                                  resolve_hooks=any(needs_resolve_hooks(file) for file in files))
    cwd = os.path.dirname(files[0]) if files else str(IMPORT_SCRIPT.parent)
    return argv, cwd, node_environment(tuple(sorted(denied)))


def parse_node_output(stdout: bytes, stderr: bytes, paths: list[str]) -> list[dict]:
    """One result per path: {"file", "ok", metadata…, "configurable_props"} or {"file", "ok": False, "error"}."""
    lines = stdout.decode("utf-8", "replace").splitlines()
    results = [json.loads(line[len(_MARKER):]) for line in lines if line.startswith(_MARKER)]
    if len(results) != len(paths):
        last_words = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise NodeImportError(f"node answered for {len(results)} of {len(paths)} files: {' '.join(last_words)}")
    return results


def import_with_node_sync(paths: list[str], *, timeout_s: float = 60.0,
                          containment: Containment = DEFAULT_CONTAINMENT) -> list[dict]:
    """Blocking variant for the command line and benchmarks (not from a running event loop)."""
    return asyncio.run(import_with_node(paths, timeout_s=timeout_s, containment=containment))


async def import_with_node(paths: list[str], *, timeout_s: float, containment: Containment = DEFAULT_CONTAINMENT,
                           roots: Sequence[str] = ()) -> list[dict]:
    """Imports `paths` in one contained Node process; its output is capped, its time too."""
    argv, cwd, env = await asyncio.to_thread(node_command, paths, containment=containment, roots=roots)
    process = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None and process.stderr is not None
    try:
        async with asyncio.timeout(timeout_s):
            stdout, stderr = await asyncio.gather(_read_capped(process.stdout), _read_tail(process.stderr))
            await process.wait()
    except TimeoutError as error:
        raise NodeImportError(f"node did not finish within {timeout_s:g} s") from error
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
    return parse_node_output(stdout, stderr, paths)


async def _read_capped(stream: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.read(65536):
        size += len(chunk)
        if size > MAX_OUTPUT_BYTES:
            raise NodeImportError(f"node printed more than {MAX_OUTPUT_BYTES // 2**20} MB while importing")
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_tail(stream: asyncio.StreamReader) -> bytes:
    tail = b""
    while chunk := await stream.read(65536):
        tail = (tail + chunk)[-STDERR_TAIL_BYTES:]
    return tail


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


async def complete_with_node(path: str, extraction: Extraction, *, timeout_s: float = 10.0,
                             containment: Containment = DEFAULT_CONTAINMENT, roots: Sequence[str] = ()) -> Extraction:
    """The extraction with metadata and props computed by importing `path` in a contained Node
    (read roots `roots`, else the file's folder); unchanged, with a warning, on failure."""
    where = Diagnostic("", str(await asyncio.to_thread(Path(path).resolve)), 1, 1)
    try:
        result = (await import_with_node([path], timeout_s=timeout_s, containment=containment, roots=roots))[0]
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
