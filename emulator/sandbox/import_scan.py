"""Whether a component file may need the @pipedream packages the sandbox provides, read from its imports.

On Node 20 the resolve hooks that supply them cost a loader thread (about twice the CPU of a
bare start), so a process goes without them only when the component's import graph, followed
through its relative imports, provably never asks for `@pipedream/platform` or `@pipedream/types`
where they are not installed. Anything unclear (an import built at run time, an unknown package,
a file not found or not parsed, too much to read) answers True. The imports are read, and relative
ones resolved, by the extractor's own rules (props.module_imports, props.node_resolution).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Parser

from emulator.props.diagnostics import ExtractionError
from emulator.props.module_imports import ModuleImports, read_imports
from emulator.props.node_resolution import is_relative, resolve_relative
from emulator.props.parse import javascript_parser, parse_module

PLATFORM = "@pipedream/platform"
STAND_INS = (PLATFORM, "@pipedream/types")
MAX_FILES = 100
MAX_FILE_BYTES = 1_000_000
BUILTINS = frozenset((
    "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
    "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises",
    "http", "http2", "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32",
    "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises", "stream",
    "stream/consumers", "stream/promises", "stream/web", "string_decoder", "sys", "timers",
    "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "wasi",
    "worker_threads", "zlib",
))


@dataclass(frozen=True)
class ImportNeeds:
    """resolve_hooks: some module may ask for a stand-in it does not install (or it is unclear);
    bundled_platform: some module statically imports @pipedream/platform where none is installed,
    so the process will load the bundled one (its spares may load it ahead, pool.ProcessShape)."""

    resolve_hooks: bool
    bundled_platform: bool


def needs_resolve_hooks(path: str) -> bool:
    """True unless every module reachable from the component at `path` can load without the stand-ins."""
    return scan_imports(path).resolve_hooks


def scan_imports(path: str) -> ImportNeeds:
    """What the component at `path` needs of the sandbox, from its import graph (read, never run)."""
    parser = javascript_parser()
    seen: set[Path] = set()
    pending = [Path(path)]
    unclear = False                 # the graph asks for a stand-in, or cannot be read to the end
    while pending and len(seen) <= MAX_FILES:
        file = pending.pop()
        if file in seen:
            continue
        seen.add(file)
        if file.suffix == ".json":
            continue
        text = _read(file)
        imports = None if text is None else _imports(parser, text, file)
        if imports is None:
            unclear = True
            continue
        if PLATFORM in imports.strings and not _installed(file.parent, [PLATFORM]):
            return ImportNeeds(resolve_hooks=True, bundled_platform=True)
        unclear = unclear or imports.computed or not all(
            _installed(file.parent, [name]) for name in imports.strings & set(STAND_INS))
        for specifier, _ in [*imports.loads, *imports.resolves]:
            if is_relative(specifier):
                target = resolve_relative(specifier, str(file))
                if target is None:
                    unclear = True
                else:
                    pending.append(Path(target))
            elif not _is_builtin(specifier) and specifier not in STAND_INS and not _installed(file.parent, STAND_INS):
                unclear = True        # a package may itself import a stand-in it does not install
    return ImportNeeds(resolve_hooks=unclear or bool(pending), bundled_platform=False)


def _read(file: Path) -> str | None:
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            return None
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _imports(parser: Parser, text: str, file: Path) -> ModuleImports | None:
    try:
        return read_imports(parse_module(parser, text, str(file)))
    except ExtractionError:           # a syntax error: Node will say what it is
        return None


def _is_builtin(specifier: str) -> bool:
    return specifier.startswith("node:") or specifier in BUILTINS


def _installed(folder: Path, packages: Iterable[str]) -> bool:
    """Whether Node finds every one of `packages` in node_modules from `folder` upwards."""
    missing = set(packages)
    for directory in (folder, *folder.parents):
        missing = {name for name in missing if not (directory / "node_modules" / name).is_dir()}
        if not missing:
            return True
    return False
