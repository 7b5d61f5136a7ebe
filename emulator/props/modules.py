"""What a module declares at its top level: bindings, exports, CommonJS assignments, imports."""
from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from emulator.props.module_imports import read_imports
from emulator.props.parse import ParsedModule, field_of, string_literal

_DECLARATIONS = {"lexical_declaration", "variable_declaration"}
_FUNCTIONS = {"function_declaration", "generator_function_declaration", "class_declaration"}


@dataclass(frozen=True)
class Binding:
    """A top-level name: `declared` (a declarator, maybe a pattern), `function`, or `imported`."""

    kind: str
    node: Node
    specifier: str = ""  # imported: the module specifier
    imported: str = ""  # imported: export name, "default", or "*" for a namespace


@dataclass(frozen=True)
class Export:
    """An exported name: a `local` binding, an `expression` (export default …) or a re-export."""

    kind: str  # "local" | "expression" | "reexport" | "namespace"
    node: Node
    local: str = ""
    specifier: str = ""
    imported: str = ""


@dataclass
class ModuleRecord:
    parsed: ParsedModule
    bindings: dict[str, Binding] = field(default_factory=dict)
    exports: dict[str, Export] = field(default_factory=dict)
    star_exports: list[tuple[str, Node]] = field(default_factory=list)
    cjs_assignments: list[tuple[str | None, Node]] = field(default_factory=list)  # (member or None, value)
    specifiers: list[tuple[str, Node]] = field(default_factory=list)  # every literal import/require (loads)
    is_esm: bool = False
    mutated: dict[str, Node] = field(default_factory=dict)  # top-level names changed by top-level statements

    @property
    def file(self) -> str:
        return self.parsed.file


def scan_module(parsed: ParsedModule) -> ModuleRecord:
    """Index the top-level statements of a parsed module."""
    record = ModuleRecord(parsed)
    for statement in parsed.root.named_children:
        if statement.type == "import_statement":
            _scan_import(record, statement)
        elif statement.type == "export_statement":
            _scan_export(record, statement)
        elif statement.type in _DECLARATIONS | _FUNCTIONS:
            _declare(record, statement)
        elif statement.type == "expression_statement" and statement.named_children:
            _scan_cjs_assignment(record, statement.named_children[0])
            _scan_mutation(record, statement.named_children[0])
    record.specifiers = read_imports(parsed).loads
    return record


def _source_of(record: ModuleRecord, statement: Node) -> str | None:
    source = statement.child_by_field_name("source")
    if source is None:
        return None
    return string_literal(record.parsed, source)


def _scan_import(record: ModuleRecord, statement: Node) -> None:
    record.is_esm = True
    specifier = _source_of(record, statement) or ""
    clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
    for part in clause.named_children if clause else []:
        if part.type == "identifier":
            record.bindings[record.parsed.text(part)] = Binding("imported", statement, specifier, "default")
        elif part.type == "namespace_import":
            name = record.parsed.text(part.named_children[-1])
            record.bindings[name] = Binding("imported", statement, specifier, "*")
        elif part.type == "named_imports":
            for spec in (s for s in part.named_children if s.type == "import_specifier"):
                imported = _name(record, field_of(spec, "name"))
                alias = spec.child_by_field_name("alias")
                local = record.parsed.text(alias) if alias else imported
                record.bindings[local] = Binding("imported", statement, specifier, imported)


def _name(record: ModuleRecord, node: Node) -> str:
    return string_literal(record.parsed, node) if node.type == "string" else record.parsed.text(node)


def _scan_export(record: ModuleRecord, statement: Node) -> None:
    specifier = _source_of(record, statement)
    declaration = statement.child_by_field_name("declaration")
    value = statement.child_by_field_name("value")
    clause = next((c for c in statement.named_children if c.type == "export_clause"), None)
    record.is_esm = True
    if declaration is not None:
        names = _declare(record, declaration)
        is_default = any(c.type == "default" for c in statement.children)
        for exported, name in [("default", names[0])] if is_default else zip(names, names):
            record.exports[exported] = Export("local", declaration, local=name)
    elif value is not None:
        record.exports["default"] = Export("expression", value)
    elif clause is not None:
        for spec in (s for s in clause.named_children if s.type == "export_specifier"):
            local = _name(record, field_of(spec, "name"))
            alias = spec.child_by_field_name("alias")
            exported = _name(record, alias) if alias else local
            if specifier is None:
                record.exports[exported] = Export("local", spec, local=local)
            else:
                record.exports[exported] = Export("reexport", spec, specifier=specifier, imported=local)
    elif specifier is not None:
        namespace = next((c for c in statement.named_children if c.type == "namespace_export"), None)
        if namespace is not None:
            name = _name(record, namespace.named_children[-1])
            record.exports[name] = Export("namespace", statement, specifier=specifier)
        else:
            record.star_exports.append((specifier, statement))


def _declare(record: ModuleRecord, declaration: Node) -> list[str]:
    if declaration.type in _FUNCTIONS:
        name_node = declaration.child_by_field_name("name")
        name = record.parsed.text(name_node) if name_node else "default"
        record.bindings[name] = Binding("function", declaration)
        return [name]
    names: list[str] = []
    for declarator in (d for d in declaration.named_children if d.type == "variable_declarator"):
        for name in pattern_names(record.parsed, field_of(declarator, "name")):
            record.bindings[name] = Binding("declared", declarator)
            names.append(name)
    return names


def pattern_names(parsed: ParsedModule, pattern: Node) -> list[str]:
    """The names a binding pattern (`x`, `{ a, b: c }`, `[d, ...e]`) declares."""
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [parsed.text(pattern)]
    if pattern.type == "pair_pattern":
        return pattern_names(parsed, field_of(pattern, "value"))
    if pattern.type in ("assignment_pattern", "object_assignment_pattern"):
        return pattern_names(parsed, field_of(pattern, "left"))
    return [n for child in pattern.named_children if child.type != "comment"
            for n in pattern_names(parsed, child)]


def _scan_cjs_assignment(record: ModuleRecord, expression: Node | None) -> None:
    if expression is None or expression.type != "assignment_expression":
        return
    target = record.parsed.text(field_of(expression, "left")).replace(" ", "")
    value = field_of(expression, "right")
    if target == "module.exports":
        record.cjs_assignments.append((None, value))
        return
    member = target.removeprefix("module.exports.") if target.startswith("module.") else target.removeprefix("exports.")
    if member != target and member.isidentifier():
        record.cjs_assignments.append((member, value))


def _scan_mutation(record: ModuleRecord, expression: Node) -> None:
    """`x.y = …`, `x += …`, `x++`, `delete x.y`, `Object.assign(x, …)` at the top level change `x`."""
    target = None
    if expression.type in ("assignment_expression", "augmented_assignment_expression"):
        target = expression.child_by_field_name("left")
    elif expression.type == "update_expression" or (expression.type == "unary_expression" and expression.children[0].type == "delete"):
        target = expression.child_by_field_name("argument")
    elif expression.type == "call_expression" and record.parsed.text(field_of(expression, "function")) \
            == "Object.assign":
        arguments = field_of(expression, "arguments").named_children
        target = arguments[0] if arguments else None
    while target is not None and target.type in ("member_expression", "subscript_expression"):
        target = target.child_by_field_name("object")
    if target is not None and target.type == "identifier":
        name = record.parsed.text(target)
        if name not in ("module", "exports"):
            record.mutated.setdefault(name, expression)
