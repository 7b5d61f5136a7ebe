"""Where Node imports a component from: its own file, or inline code written to a private folder."""
from __future__ import annotations

import asyncio
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .node_runtime import NODE_DIR

OFFLINE_PACKAGES = {"platform": NODE_DIR / "platform", "types": NODE_DIR / "types"}

_ESM_SYNTAX = re.compile(r"^[ \t]*(import[ \t]*[\w*{\"']|export[ \t])", re.MULTILINE)
_COMMONJS_SYNTAX = re.compile(r"\bmodule\.exports\b|\bexports\.[A-Za-z_$][\w$]*\s*=|\brequire\s*\(")


def module_kind(code: str, path: str | None = None) -> str:
    """'esm' or 'cjs': by extension when it decides, else by the syntax the code uses."""
    suffix = Path(path).suffix if path else ""
    if suffix == ".mjs":
        return "esm"
    if suffix == ".cjs":
        return "cjs"
    if _ESM_SYNTAX.search(code):
        return "esm"
    return "cjs" if _COMMONJS_SYNTAX.search(code) else "esm"


@dataclass(frozen=True)
class ComponentModule:
    """A component file Node can import, and how to show its path in stack traces.

    `needs_resolve_hooks`: whether Node must load register.mjs for `@pipedream/platform` (inline
    code finds our copy in its folder's node_modules, which spares Node 20 a loader thread).
    """

    path: str
    kind: str
    digest: str
    display_name: str | None = None
    needs_resolve_hooks: bool = True

    def to_runner(self) -> dict:
        display = None
        if self.display_name:
            display = {"from": self.path, "url": Path(self.path).as_uri(), "to": self.display_name}
        return {"path": self.path, "kind": self.kind, "display": display}


class InlineCodeFolder:
    """Writes inline code to `<root>/<sha256>/component.(mjs|cjs)`, once per distinct code."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._written: set[Path] = set()

    async def module_for(self, code: str, path: str | None) -> ComponentModule:
        digest = hashlib.sha256(code.encode()).hexdigest()
        kind = module_kind(code, path)
        if path is not None:
            return ComponentModule(os.path.abspath(path), kind, digest)
        name = f"component.{'cjs' if kind == 'cjs' else 'mjs'}"
        file = self.root / digest / name
        if file not in self._written:
            await asyncio.to_thread(_write_component, file, code)
            self._written.add(file)
        return ComponentModule(str(file), kind, digest, display_name=name, needs_resolve_hooks=False)


def _write_component(file: Path, code: str) -> None:
    """Writes the code and links our offline @pipedream packages into the folder's node_modules."""
    scope = file.parent / "node_modules" / "@pipedream"
    scope.mkdir(parents=True, exist_ok=True)
    for name, target in OFFLINE_PACKAGES.items():
        link = scope / name
        if not link.is_symlink():
            link.symlink_to(target, target_is_directory=True)
    partial = file.with_suffix(".partial")
    partial.write_text(code, encoding="utf-8")
    partial.replace(file)
