"""Where Node imports a component from: its own file, or inline code written to its process's folder."""
from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .node_runtime import NODE_DIR

# The real @pipedream/platform, bundled (see node/vendor/README.md); absent if someone deleted it.
PLATFORM_BUNDLE = NODE_DIR / "vendor" / "platform.cjs"
PLATFORM_ESM = NODE_DIR / "vendor" / "platform.mjs"
PLATFORM_PACKAGE_JSON = '{"name": "@pipedream/platform", "exports": {"import": "./index.mjs", "require": "./index.cjs"}}\n'
TYPES_STAND_IN = NODE_DIR / "types"
PRELOAD_PLATFORM_VARIABLE = "PD_SANDBOX_PRELOAD_PLATFORM"    # read by runner.mjs once it is ready

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

    Node works in the file's folder (`cwd`), set by the runner when a pooled process takes it.
    """

    path: str
    kind: str
    display_name: str | None = None

    def to_runner(self, started_in: str | None = None) -> dict:
        """What the runner needs; no `cwd` when Node was started in the module's folder already."""
        display = None
        if self.display_name:
            display = {"from": self.path, "url": Path(self.path).as_uri(), "to": self.display_name}
        cwd = os.path.dirname(self.path)
        return {"path": self.path, "kind": self.kind, "cwd": None if cwd == started_in else cwd, "display": display}


def file_module(path: str, code: str) -> ComponentModule:
    """A component that lives in its own file (Node reads the file; `code` only tells its kind)."""
    return ComponentModule(os.path.abspath(path), module_kind(code, path))


async def write_inline_module(folder: Path, code: str) -> ComponentModule:
    """Writes inline code as `<folder>/component.(mjs|cjs)`, in a folder made by prepare_private_folder."""
    kind = module_kind(code)
    name = f"component.{'cjs' if kind == 'cjs' else 'mjs'}"
    file = folder / name
    await asyncio.to_thread(_write_atomically, file, code)
    return ComponentModule(str(file), kind, display_name=name)


def bundle_present() -> bool:
    """Whether the bundled @pipedream/platform is there (whoever may not accept its licence deletes it)."""
    return PLATFORM_BUNDLE.is_file()


def imports_bundled_platform(code: str) -> bool:
    """Inline code that names @pipedream/platform, which its private folder answers with the bundle:
    loading that takes a worker ~50-100 ms, so its spares load it while they wait (pool.ProcessShape)."""
    return "@pipedream/platform" in code and bundle_present()


def prepare_private_folder(folder: Path) -> None:
    """Makes a process's own folder, with our offline @pipedream packages linked into its node_modules.

    Inline code then finds them without resolve hooks, which spares Node 20 a loader thread. The
    platform package is a folder whose entries link to the bundle and its ES module face, so Node
    (which follows links) loads the very modules the resolve hooks would give."""
    scope = folder / "node_modules" / "@pipedream"
    scope.mkdir(parents=True, exist_ok=True)
    _link(scope / "types", TYPES_STAND_IN, is_folder=True)
    if bundle_present():
        platform = scope / "platform"
        platform.mkdir(exist_ok=True)
        (platform / "package.json").write_text(PLATFORM_PACKAGE_JSON)
        _link(platform / "index.cjs", PLATFORM_BUNDLE, is_folder=False)
        _link(platform / "index.mjs", PLATFORM_ESM, is_folder=False)


def _link(link: Path, target: Path, *, is_folder: bool) -> None:
    if not link.is_symlink():
        link.symlink_to(target, target_is_directory=is_folder)


def _write_atomically(file: Path, code: str) -> None:
    partial = file.with_suffix(".partial")
    partial.write_text(code, encoding="utf-8")
    partial.replace(file)
