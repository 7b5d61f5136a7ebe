"""Importing component files in a contained Node process, to complete what static extraction cannot
know (props computed by function calls) and to compare the two (`pd-emulator check`).

That process runs component code, so it is contained exactly like a run's worker (containment.py):
never with the server's environment, folder or rights."""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from emulator.props.configurable import METADATA_FIELDS
from emulator.props.diagnostics import Diagnostic
from emulator.props.extraction import Extraction
from emulator.props.node_import import NodeImportError

from .containment import DEFAULT_CONTAINMENT, Containment, node_environment
from .import_scan import needs_resolve_hooks
from .node_runtime import NODE_DIR, NodeRuntime, find_node_sync

__all__ = ["NodeImportError", "complete_with_node", "import_with_node", "import_with_node_sync"]

IMPORT_SCRIPT = NODE_DIR / "import-props.mjs"
_MARKER = "@@pd-props "
MAX_OUTPUT_BYTES = 16 * 2**20      # what Node may print before it is stopped
STDERR_TAIL_BYTES = 4096


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
