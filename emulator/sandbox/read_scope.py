"""What a component's Node process may read: its folder (or the watched folder holding it) and
whatever its imports resolve to, wherever that is, by real path; never the emulator's own files.

Node's --allow-fs-read is an allow-list of path prefixes, so a denied file inside a readable
folder is kept out by listing that folder's other entries instead of the folder (split_around).
Imports are followed statically: relative files one by one, packages as whole folders (the
symlinked path Node resolves through and the real path it loads from), then each package's own
dependencies from its real folder, as Node resolves them (pnpm's store layout included).
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from emulator.props.node_resolution import is_relative, resolve_relative
from emulator.props.parse import javascript_parser

from .import_scan import STAND_INS, _imports, _is_builtin, _read

CONNECTION_FILE_NAME = ".pd-emulator.json"
MAX_SOURCE_FILES = 500
MAX_PACKAGES = 2000
DEPENDENCY_FIELDS = ("dependencies", "optionalDependencies", "peerDependencies")


@dataclass(frozen=True)
class ReadScope:
    """readable: paths for --allow-fs-read; denied: files never readable, with the reason for each."""

    readable: tuple[str, ...]
    denied: tuple[tuple[str, str], ...] = ()


def read_scope(component: str | None, roots: Iterable[str], denied: dict[str, str]) -> ReadScope:
    """The read scope of a component file (None: inline code) given its read roots and the files
    the emulator never lets a component read (path → why). Reads files: call it in a thread."""
    readable = _both_forms(roots)
    if component is not None:
        folder = os.path.dirname(os.path.abspath(component))
        if not any(_inside(folder, root) for root in readable):
            readable |= _both_forms([folder])
        readable |= _imported_paths(Path(os.path.abspath(component)))
    never = dict(denied)
    for root in list(readable):
        connection_file = os.path.join(root, CONNECTION_FILE_NAME)
        if os.path.isdir(root) and os.path.exists(connection_file):
            never.setdefault(connection_file, "the emulator's connection file (its URL and API key)")
    never = {form: why for path, why in never.items() for form in _both_forms([path])}
    allowed: set[str] = set()
    for path in readable:
        allowed |= split_around(path, never)
    return ReadScope(tuple(sorted(_outermost(allowed))), tuple(sorted(never.items())))


def split_around(path: str, denied: Iterable[str]) -> set[str]:
    """`path` itself when no denied file is in it; else its entries (recursively split), without
    the denied ones. Entries created later are not readable until a new process starts."""
    denied = set(denied)
    if path in denied:
        return set()
    if not any(_inside(file, path) and file != path for file in denied):
        return {path}
    try:
        entries = os.listdir(path)
    except OSError:
        return set()
    allowed: set[str] = set()
    for entry in entries:
        allowed |= split_around(os.path.join(path, entry), denied)
    return allowed


def _imported_paths(component: Path) -> set[str]:
    """Relative imports (files, followed through their own imports) and packages (folders, with
    their dependencies), each in the form Node opens and its real path."""
    paths: set[str] = set()
    packages: list[Path] = []
    seen: set[Path] = set()
    pending = [component]
    parser = javascript_parser()
    while pending and len(seen) < MAX_SOURCE_FILES:
        file = pending.pop()
        if file in seen:
            continue
        seen.add(file)
        paths |= _both_forms([str(file)])
        text = _read(file) if file.suffix != ".json" else None
        imports = _imports(parser, text, file) if text else None
        for specifier, _ in [*imports.loads, *imports.resolves] if imports else []:
            if is_relative(specifier):
                target = resolve_relative(specifier, str(file))
                if target is not None:
                    pending.append(Path(target))
            elif not _is_builtin(specifier):
                package = _find_package(file.parent, _package_name(specifier))
                if package is not None:
                    packages.append(package)
    return paths | _package_closure(packages)


def _package_closure(packages: list[Path]) -> set[str]:
    """Each package folder and, from its real folder, its dependencies' folders, transitively."""
    paths: set[str] = set()
    seen: set[str] = set()
    while packages and len(seen) < MAX_PACKAGES:
        package = packages.pop()
        real = os.path.realpath(package)
        paths |= {os.path.abspath(package), real}
        if real in seen:
            continue
        seen.add(real)
        for name in _dependencies(Path(real)):
            found = _find_package(Path(real), name)
            if found is not None:
                packages.append(found)
    return paths


def _dependencies(package: Path) -> list[str]:
    try:
        manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names: list[str] = []
    for field in DEPENDENCY_FIELDS:
        if isinstance(manifest, dict) and isinstance(manifest.get(field), dict):
            names += [name for name in manifest[field] if isinstance(name, str)]
    return names


def _package_name(specifier: str) -> str:
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def _find_package(folder: Path, name: str) -> Path | None:
    """The folder Node finds `name` in, looking in node_modules from `folder` upwards."""
    if not name or (name in STAND_INS and not _installed_anywhere(folder, name)):
        return None
    for directory in (folder, *folder.parents):
        candidate = directory / "node_modules" / name
        if candidate.is_dir():
            return candidate
    return None


def _installed_anywhere(folder: Path, name: str) -> bool:
    return any((directory / "node_modules" / name).is_dir() for directory in (folder, *folder.parents))


def _both_forms(paths: Iterable[str]) -> set[str]:
    return {form for path in paths for form in (os.path.abspath(path), os.path.realpath(path))}


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _outermost(paths: set[str]) -> set[str]:
    """Drops paths inside another readable path (Node would allow them anyway)."""
    ordered = sorted(paths)
    kept: list[str] = []
    for path in ordered:
        if not any(_inside(path, outer) for outer in kept):
            kept.append(path)
    return set(kept)

