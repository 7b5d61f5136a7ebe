"""Whether a component file may need our @pipedream stand-ins, read from the text of its imports.

On Node 20 the resolve hooks that supply them cost a loader thread (about twice the CPU of a
bare start), so a process goes without them only when the component's import graph, followed
through its relative imports, provably never asks for `@pipedream/platform` or `@pipedream/types`
where they are not installed. Anything unclear (an import built at run time, an unknown package,
a file not found, too much to read) answers True.
"""
from __future__ import annotations

import re
from pathlib import Path

STAND_INS = ("platform", "types")
MAX_FILES = 100
MAX_FILE_BYTES = 1_000_000
EXTENSIONS = ("", ".mjs", ".js", ".cjs", ".json")
INDEX_FILES = ("index.js", "index.mjs", "index.cjs", "index.json")

_STATIC_SPECIFIER = re.compile(r"""(?:\bfrom|\bimport)\s*(["'])([^"'\n]*)\1""")
_CALLED_SPECIFIER = re.compile(
    r"""(?:\bimport|\brequire|\bimport\.meta\.resolve|\brequire\.resolve)\s*\(\s*(?:(["'])([^"'\n]*)\1\s*[,)])?"""
)
_STAND_IN_MENTION = re.compile(r"""["'`]@pipedream/(?:platform|types)["'`]""")
_CODE_FROM_TEXT = re.compile(r"\beval\s*\(|\bFunction\s*\(|\bcreateRequire\b|\bnode:vm\b|[\"']vm[\"']")
BUILTINS = frozenset("""
assert assert/strict async_hooks buffer child_process cluster console constants crypto dgram
diagnostics_channel dns dns/promises domain events fs fs/promises http http2 https inspector module
net os path path/posix path/win32 perf_hooks process punycode querystring readline readline/promises
stream stream/consumers stream/promises stream/web string_decoder sys timers timers/promises tls
trace_events tty url util util/types v8 wasi worker_threads zlib
""".split())


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
        if specifiers is None or (_STAND_IN_MENTION.search(text) and not _stand_ins_installed(file.parent)):
            return True
        for specifier in specifiers:
            if specifier.startswith((".", "/")):
                target = _resolve_relative(file.parent, specifier)
                if target is None:
                    return True
                pending.append(target)
            elif not _is_builtin(specifier) and not _stand_ins_installed(file.parent):
                return True
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
        if match[2] is None or "${" in match[2]:
            return None
        found.append(match[2])
    return found


def _is_builtin(specifier: str) -> bool:
    return specifier.startswith("node:") or specifier in BUILTINS


def _resolve_relative(folder: Path, specifier: str) -> Path | None:
    base = folder / specifier
    if specifier.endswith(".json"):
        return None if not base.is_file() else base
    for extension in EXTENSIONS:
        candidate = base.with_name(base.name + extension) if extension else base
        if candidate.is_file():
            return candidate
    for index in INDEX_FILES:
        if (base / index).is_file():
            return base / index
    return None


def _stand_ins_installed(folder: Path) -> bool:
    """Whether Node finds both @pipedream packages in node_modules from `folder` upwards."""
    for directory in (folder, *folder.parents):
        scope = directory / "node_modules" / "@pipedream"
        if all((scope / name).is_dir() for name in STAND_INS):
            return True
    return False
