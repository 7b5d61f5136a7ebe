"""Which folders a component outside every watched folder may read: its package and its node_modules.

A published source imports `../common/base.mjs`, `../../<app>.app.mjs` and its dependencies, which npm
puts in the `node_modules` folders above the package; its own folder alone is not enough.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def component_read_roots(component_path: str | None, watched_folders: Iterable[str]) -> list[str]:
    """What a component's process may read: the watched folder holding it; outside every one, its
    package and the node_modules above; inline code (no path) nothing beyond its private folder."""
    if not component_path:
        return []
    for folder in watched_folders:
        if component_path.startswith(str(folder) + os.sep):
            return [str(folder)]
    return package_read_roots(component_path)


def package_read_roots(component_path: str) -> list[str]:
    """The nearest folder above the file with a package.json, and every node_modules folder above it."""
    folder = Path(component_path).parent
    package = next((p for p in (folder, *folder.parents) if (p / "package.json").is_file()), None)
    if package is None:
        return [str(folder)]
    roots = [package]
    for ancestor in package.parents:
        found = ancestor if ancestor.name == "node_modules" else ancestor / "node_modules"
        if found not in roots and found.is_dir():
            roots.append(found)
    # A package inside node_modules/@scope/x is read through the outer node_modules already.
    return [str(r) for r in roots if not any(r != o and o in r.parents for o in roots)]
