"""Whether a component file may need our @pipedream stand-ins, read from the text of its imports.

On Node 20 the resolve hooks that supply them cost a loader thread (about twice the CPU of a
bare start), so a process goes without them only when the component's import graph, followed
through its relative imports, provably never asks for `@pipedream/platform` or `@pipedream/types`
where they are not installed. Anything unclear (an import built at run time, an unknown package,
a file not found, too much to read) answers True.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

STAND_INS = ("@pipedream/platform", "@pipedream/types")
MAX_FILES = 100
MAX_FILE_BYTES = 1_000_000
EXTENSIONS = ("", ".mjs", ".js", ".cjs", ".json")
INDEX_FILES = ("index.js", "index.mjs", "index.cjs", "index.json")

_STATIC_SPECIFIER = re.compile(r"""(?:\bfrom|\bimport)\s*(["'])([^"'\n]*)\1""")
_CALLED_SPECIFIER = re.compile(
    r"""(?:\bimport|\brequire|\bimport\.meta\.resolve|\brequire\.resolve)\s*\(\s*(?:(["'])([^"'\n]*)\1\s*[,)])?"""
)
_STAND_IN_MENTION = re.compile(r"""["'`](@pipedream/(?:platform|types))["'`]""")
_CODE_FROM_TEXT = re.compile(r"\beval\s*\(|\bFunction\s*\(|\bcreateRequire\b|\bnode:vm\b|[\"']vm[\"']")
BUILTINS = frozenset((
    "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
    "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises",
    "http", "http2", "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32",
    "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises", "stream",
    "stream/consumers", "stream/promises", "stream/web", "string_decoder", "sys", "timers",
    "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "wasi",
    "worker_threads", "zlib",
))


def needs_resolve_hooks(path: str) -> bool:
    """True unless every module reachable from the component at `path` can load without the stand-ins."""
    seen: set[Path] = set()
    pending = [Path(path)]
    while pending:
        file = pending.pop()
        if file in seen:
            continue
        seen.add(file)
        if file.suffix == ".json":
            continue
        text = _read(file)
        if text is None or len(seen) > MAX_FILES:
            return True
        specifiers = _specifiers(text)
        if specifiers is None:
            return True
        if not all(_installed(file.parent, [name]) for name in set(_STAND_IN_MENTION.findall(text))):
            return True
        for specifier in specifiers:
            if specifier.startswith((".", "/")):
                target = _resolve_relative(file.parent, specifier)
                if target is None:
                    return True
                pending.append(target)
            elif not _is_builtin(specifier) and specifier not in STAND_INS and not _installed(file.parent, STAND_INS):
                return True        # a package may itself import a stand-in it does not install
    return False


def _read(file: Path) -> str | None:
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            return None
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _specifiers(text: str) -> list[str] | None:
    """Every literal specifier the text imports or requires; None when one is computed at run time."""
    if _CODE_FROM_TEXT.search(text):
        return None
    found = [match[2] for match in _STATIC_SPECIFIER.finditer(text)]
    for match in _CALLED_SPECIFIER.finditer(text):
        if match[2] is None:
            return None
        found.append(match[2])
    return found


def _is_builtin(specifier: str) -> bool:
    return specifier.startswith("node:") or specifier in BUILTINS


def _resolve_relative(folder: Path, specifier: str) -> Path | None:
    base = folder / specifier
    for extension in EXTENSIONS:
        candidate = base.with_name(base.name + extension) if extension else base
        if candidate.is_file():
            return candidate
    for index in INDEX_FILES:
        if (base / index).is_file():
            return base / index
    return None


def _installed(folder: Path, packages: Iterable[str]) -> bool:
    """Whether Node finds every one of `packages` in node_modules from `folder` upwards."""
    missing = set(packages)
    for directory in (folder, *folder.parents):
        missing = {name for name in missing if not (directory / "node_modules" / name).is_dir()}
        if not missing:
            return True
    return False
