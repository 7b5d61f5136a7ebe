"""The one entry point: a component's metadata and configurable props, read from its code without running it."""
from __future__ import annotations

import hashlib
import os

from emulator.props.configurable import read_component
from emulator.props.diagnostics import Diagnostic, ExtractionError
from emulator.props.evaluate import Evaluator
from emulator.props.extraction import Extraction
from emulator.props.imports import INLINE_FILE, ModuleCache, ModuleLoader, read_source
from emulator.props.load_check import load_problems
from emulator.props.modules import ModuleRecord
from emulator.props.node_resolution import is_relative
from emulator.props.values import Unknown

__all__ = ["Diagnostic", "Extraction", "ExtractionError", "ModuleCache", "extract_code",
           "extract_file", "is_component_file"]


def extract_code(code: str, *, path: str | None = None, cache: ModuleCache | None = None) -> Extraction:
    """Extract from `code`; with `path`, relative imports are followed from that file's folder.

    A `cache` shared between calls parses each imported file once per change instead of once per call.
    """
    loader = ModuleLoader(cache)
    file = os.path.abspath(path) if path is not None else INLINE_FILE
    record = loader.parse(code, file)
    evaluator = Evaluator(loader)
    import_warnings = _import_warnings(evaluator, record)
    import_warnings += [p for p in load_problems(evaluator.linker, loader, record) if p not in import_warnings]
    fields = read_component(_component_export(evaluator, record), evaluator.linker.namespace_object, import_warnings)
    return Extraction(
        **fields.metadata,
        configurable_props=fields.configurable_props,
        warnings=import_warnings + fields.warnings,
        code_hash=hashlib.sha256(code.encode("utf-8")).hexdigest(),
        imported_files=loader.imported_files(record) if path is not None else [],
        needs_completion=fields.needs_completion,
    )


def extract_file(path: str, *, cache: ModuleCache | None = None) -> Extraction:
    """Extract from a component file on disk."""
    return extract_code(read_source(path), path=path, cache=cache)


def _component_export(evaluator: Evaluator, record: ModuleRecord) -> object:
    if record.is_esm and "default" in evaluator.linker.export_names(record):
        return evaluator.linker.export(record, "default", record.parsed.root)
    if not record.is_esm and any(member is None for member, _ in record.cjs_assignments):
        return evaluator.linker.module_value(record)
    raise ExtractionError(Diagnostic(
        "no component export: expected `export default {…}` or `module.exports = {…}`", record.file, 1, 1))


def _import_warnings(evaluator: Evaluator, record: ModuleRecord) -> list[Diagnostic]:
    """One warning per relative import that cannot be followed (inline code, missing or broken file)."""
    warnings: list[Diagnostic] = []
    for specifier, node in record.specifiers:
        if not is_relative(specifier):
            continue
        target = evaluator.linker.import_module(record, specifier, node)
        if isinstance(target, Unknown) and target.diagnostic not in warnings:
            warnings.append(target.diagnostic)
    return warnings


COMPONENT_PARTS = ("run", "props", "hooks", "methods", "dedupe")


def is_component_file(path: str) -> bool:
    """Cheap check for the folder scanner: a default export or module.exports that looks like a component."""
    try:
        record = ModuleLoader().parse(read_source(path), os.path.abspath(path))
    except (OSError, ExtractionError):
        return False
    return _looks_like_component(record)


def _looks_like_component(record: ModuleRecord) -> bool:
    export = record.exports.get("default")
    node = export.node if export is not None and export.kind == "expression" else None
    if node is None:
        node = next((value for member, value in reversed(record.cjs_assignments) if member is None), None)
    if node is not None and node.type == "identifier":
        binding = record.bindings.get(record.parsed.text(node))
        node = binding.node.child_by_field_name("value") if binding and binding.kind == "declared" else None
    if node is None or node.type != "object":
        return False
    keys: dict[str, str] = {}
    for part in node.named_children:
        if part.type == "shorthand_property_identifier":
            keys[record.parsed.text(part)] = ""
        elif part.type in ("pair", "method_definition"):
            key = part.child_by_field_name("key") or part.child_by_field_name("name")
            value = part.child_by_field_name("value")
            if key is None:
                continue
            keys[record.parsed.text(key).strip("'\"")] = record.parsed.text(value) if value is not None else ""
    kind = keys.get("type", "").strip("'\"`")
    if kind == "app":
        return False
    # A sample event (`test-event.mjs`) has data fields, even `key` and `name`, but none of these.
    behaves = (kind in ("source", "action") or any(k in keys for k in COMPONENT_PARTS)
               or any(part.type == "spread_element" for part in node.named_children))
    return ("key" in keys or "name" in keys) and behaves
