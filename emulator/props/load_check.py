"""What would stop Node from loading a component file, found statically at registration.

Node links every static import before running anything: a named import that the imported module
does not export, or a package that is not installed, fails the whole module. Found here, they are
reported with file and line when the file is registered or saved, not first at deploy.
"""
from __future__ import annotations

import os

from emulator.props.diagnostics import Diagnostic
from emulator.props.imports import INLINE_FILE, ModuleLoader
from emulator.props.linking import Linker
from emulator.props.modules import ModuleRecord
from emulator.props.node_resolution import is_relative

# Messages of the problems that make a module unloadable (the reloader keeps the last good version).
MISSING_MODULE, MISSING_PACKAGE, MISSING_EXPORT = "cannot find module", "cannot find package", "cannot find export"
LOAD_FAILURES = (MISSING_MODULE, MISSING_PACKAGE, MISSING_EXPORT)
PROVIDED_PACKAGES = {"@pipedream/platform", "@pipedream/types"}    # the sandbox brings them offline
NODE_BUILTINS = {
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module",
    "net", "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream",
    "string_decoder", "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi",
    "worker_threads", "zlib",
}


def load_problems(linker: Linker, loader: ModuleLoader, record: ModuleRecord) -> list[Diagnostic]:
    """Missing named exports and missing packages of `record` and the relative modules it imports."""
    if record.file == INLINE_FILE:
        return []
    problems: list[Diagnostic] = []
    for module in [record, *_loaded(loader, record)]:
        problems += _missing_exports(linker, module) + _missing_packages(module)
    return list(dict.fromkeys(problems))


def _loaded(loader: ModuleLoader, record: ModuleRecord) -> list[ModuleRecord]:
    modules = []
    for path in loader.imported_files(record):
        if not path.endswith(".json"):
            try:
                modules.append(loader.load(path))
            except Exception:          # a module that does not parse is reported on its own
                continue
    return modules


def _missing_exports(linker: Linker, record: ModuleRecord) -> list[Diagnostic]:
    wanted = [(b.specifier, b.imported, b.node) for b in record.bindings.values()
              if b.kind == "imported" and b.imported not in ("default", "*")]
    wanted += [(e.specifier, e.imported, e.node) for e in record.exports.values() if e.kind == "reexport"]
    problems = []
    for specifier, name, node in wanted:
        if not is_relative(specifier):
            continue
        target = linker.import_module(record, specifier, node)
        if not isinstance(target, ModuleRecord) or not target.is_esm or not _exports_known(linker, target):
            continue                   # CommonJS exports are guessed by Node; unknown ones are not judged
        names = linker.export_names(target)
        if name not in names:
            offered = ", ".join(n for n in names if n != "default") or "nothing by name"
            problems.append(record.parsed.diagnostic(
                node, f"{MISSING_EXPORT} '{name}' in '{specifier}': it exports {offered}"))
    return problems


def _exports_known(linker: Linker, record: ModuleRecord, seen: frozenset[str] = frozenset()) -> bool:
    for specifier, statement in record.star_exports:
        target = linker.import_module(record, specifier, statement)
        if not isinstance(target, ModuleRecord) or not target.is_esm:
            return False
        if target.file not in seen and not _exports_known(linker, target, seen | {record.file}):
            return False
    return True


def _missing_packages(record: ModuleRecord) -> list[Diagnostic]:
    """Packages of static `import`/`export … from` statements that no node_modules above the file holds."""
    problems = []
    for specifier, node in record.specifiers:
        if node.type not in ("import_statement", "export_statement") or not _is_package(specifier):
            continue
        name = package_name(specifier)
        if name not in PROVIDED_PACKAGES and not _installed(name, os.path.dirname(record.file)):
            problems.append(record.parsed.diagnostic(
                node, f"{MISSING_PACKAGE} '{name}': no node_modules/{name} in "
                      f"{os.path.dirname(record.file)} or above (npm install {name})"))
    return problems


def _is_package(specifier: str) -> bool:
    return not (is_relative(specifier) or specifier.startswith(("node:", "#", "data:", "file:", "http:", "https:"))
                or specifier.split("/")[0] in NODE_BUILTINS)


def package_name(specifier: str) -> str:
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def _installed(name: str, folder: str) -> bool:
    while True:
        if os.path.exists(os.path.join(folder, "node_modules", name)):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent
