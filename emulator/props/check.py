"""`pd-emulator check FILE...`: what the emulator extracts from each component, and how it compares with Node."""
from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from emulator.props.configurable import METADATA_FIELDS
from emulator.props.diagnostics import Diagnostic
from emulator.props.extract import Extraction, ExtractionError, extract_file
from emulator.props.imports import ModuleCache
from emulator.props.node_import import NodeImportError, differences, static_view

_NODE_SECONDS_PER_FILE = 10.0
# Prop types Pipedream's component API documents (`$.airtable.baseId` and such app-specific `$.x.y` pass).
KNOWN_PROP_TYPES = {"string", "string[]", "integer", "integer[]", "boolean", "boolean[]", "object", "object[]",
                    "any", "app", "alert", "sql", "dir", "http_request", "data_store", "$.service.db",
                    "$.interface.http", "$.interface.timer", "$.interface.apphook", "$.interface.sse"}


NodeImporter = Callable[..., list[dict[str, Any]]]


def check_command(paths: list[str], *, fmt: str = "text", out: TextIO = sys.stdout,
                  import_with_node: NodeImporter | None = None) -> int:
    """Print each file's metadata and configurable props (and differences from Node's import, when
    `node` is on PATH); 0 when every file extracts, 1 when any fails."""
    cache = ModuleCache()
    results: dict[str, Extraction | ExtractionError] = {}
    for path in paths:
        try:
            results[path] = extract_file(path, cache=cache)
        except (ExtractionError, OSError) as error:
            results[path] = error if isinstance(error, ExtractionError) else _unreadable(path, error)
    comparisons = _compare_with_node([p for p, r in results.items() if isinstance(r, Extraction)], import_with_node)
    for path, result in results.items():
        write = _write_json if fmt == "json" else _write_text
        write(out, path, result, comparisons.get(path))
    return 1 if any(isinstance(r, ExtractionError) for r in results.values()) else 0


def unknown_type_warnings(path: str, extraction: Extraction) -> list[Diagnostic]:
    """A prop whose `type` Pipedream does not know (a typo such as "strnig"), located where it is written."""
    found = []
    for prop in extraction.configurable_props:
        kind = prop.get("type")
        if not isinstance(kind, str) or kind in KNOWN_PROP_TYPES or _app_specific(kind):
            continue
        line, column, where = _find_text(json.dumps(kind), [path, *extraction.imported_files])
        found.append(Diagnostic(f"prop '{prop['name']}' has the unknown type {kind!r}: the emulator "
                                f"takes any value for it (known types: string, integer, boolean, object, app, "
                                f"$.interface.timer, … and their [] lists)", where, line, column))
    return found


def _app_specific(kind: str) -> bool:
    return kind.startswith("$.") and not kind.startswith(("$.interface.", "$.service."))


def _find_text(quoted: str, files: list[str]) -> tuple[int, int, str]:
    """(line, column, file) of the first appearance of `quoted` (either quote style) in `files`."""
    needles = (quoted, "'" + quoted[1:-1] + "'")
    for file in files:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, text in enumerate(lines, 1):
            for needle in needles:
                if needle in text:
                    return number, text.index(needle) + 1, file
    return 1, 1, files[0]


def _unreadable(path: str, error: OSError) -> ExtractionError:
    from emulator.props.diagnostics import Diagnostic
    return ExtractionError(Diagnostic(f"cannot read file: {error.strerror or error}", path, 1, 1))


def _compare_with_node(paths: list[str], import_with_node: NodeImporter | None) -> dict[str, dict[str, Any]]:
    """Per path: {"differences": [...]} or {"error": "..."}; empty without `node` (or an importer:
    the sandbox's, which runs the files contained)."""
    if not paths or import_with_node is None or shutil.which("node") is None:
        return {}
    try:
        imported = import_with_node(paths, timeout_s=_NODE_SECONDS_PER_FILE * len(paths))
    except NodeImportError as error:
        return {path: {"error": str(error)} for path in paths}
    return {path: result for path, result in zip(paths, imported)}


def _node_summary(extraction: Extraction, node: dict[str, Any] | None) -> dict[str, Any] | None:
    if node is None:
        return None
    if not node.get("ok", False) or "error" in node:
        return {"ok": False, "error": str(node.get("error", "import failed")).splitlines()[0]}
    return {"ok": True, "differences": differences(static_view(extraction), node)}


def _write_json(out: TextIO, path: str, result: Extraction | ExtractionError, node: dict | None) -> None:
    if isinstance(result, ExtractionError):
        line: dict[str, Any] = {"file": path, "ok": False, "error": result.diagnostic.to_api()}
    else:
        line = {"file": path, "ok": True, **static_view(result),
                "warnings": [w.to_api() for w in result.warnings + unknown_type_warnings(path, result)],
                "needs_completion": result.needs_completion,
                "imported_files": result.imported_files, "code_hash": result.code_hash}
        summary = _node_summary(result, node)
        if summary is not None:
            line["node"] = summary
    out.write(json.dumps(line) + "\n")


def _write_text(out: TextIO, path: str, result: Extraction | ExtractionError, node: dict | None) -> None:
    if isinstance(result, ExtractionError):
        out.write(f"{result}\n")
        return
    out.write(f"{path}\n")
    for name in METADATA_FIELDS:
        value = getattr(result, name)
        if value is not None:
            out.write(f"  {name + ':':13}{value}\n")
    out.write(f"  props:{'' if result.configurable_props else ' (none)'}\n")
    for prop in result.configurable_props:
        attributes = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in prop.items()
                              if k not in ("name", "type"))
        out.write(f"    {prop['name']:20} {prop.get('type', '?')}  {attributes}".rstrip() + "\n")
    for warning in result.warnings + unknown_type_warnings(path, result):
        out.write(f"  warning: {warning}\n")
    summary = _node_summary(result, node)
    if summary is None:
        return
    if not summary["ok"]:
        out.write(f"  node: could not import the module: {summary['error']}\n")
    elif not summary["differences"]:
        out.write("  node: same metadata and props\n")
    else:
        out.write(f"  node: {len(summary['differences'])} difference(s)\n")
        out.writelines(f"    {line}\n" for line in summary["differences"])
