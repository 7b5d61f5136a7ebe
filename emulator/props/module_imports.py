"""Reading what a module imports, from its syntax tree: the one place that knows the shapes of an import.

`loads` are the specifiers Node loads (import and export-from statements, `import()`, `require()`);
`resolves` those it only resolves (`require.resolve()`, `import.meta.resolve()`). `computed` says the
module may load something no literal names: an import or require of a computed value, or code made
from text (eval, Function, vm, createRequire).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from emulator.props.parse import ParsedModule, string_literal

_STATEMENTS = {"import_statement", "export_statement"}
_RESOLVERS = {"require.resolve", "import.meta.resolve"}
_CODE_FROM_TEXT = {"eval", "Function", "createRequire"}
_VM_MODULES = {"vm", "node:vm"}


@dataclass
class ModuleImports:
    loads: list[tuple[str, Node]] = field(default_factory=list)
    resolves: list[tuple[str, Node]] = field(default_factory=list)
    strings: set[str] = field(default_factory=set)           # every string literal's value
    computed: bool = False


def read_imports(parsed: ParsedModule) -> ModuleImports:
    """Every import of the module, in document order."""
    found = ModuleImports()
    pending = [parsed.root]
    while pending:
        node = pending.pop()
        kind = node.type
        if kind in _STATEMENTS and node.parent is not None and node.parent.type == "program":
            source = node.child_by_field_name("source")
            if source is not None:
                found.loads.append((string_literal(parsed, source), node))
        elif kind == "call_expression":
            _read_call(parsed, node, found)
        elif kind == "new_expression":
            constructor = node.child_by_field_name("constructor")
            if constructor is not None and parsed.text(constructor) == "Function":
                found.computed = True
        elif kind in ("identifier", "property_identifier", "shorthand_property_identifier_pattern",
                      "shorthand_property_identifier") and parsed.text(node) == "createRequire":
            found.computed = True
        elif kind == "string":
            value = string_literal(parsed, node)
            found.strings.add(value)
            found.computed |= value in _VM_MODULES
        elif kind == "template_string" and not any(c.type == "template_substitution" for c in node.children):
            found.strings.add(parsed.text(node)[1:-1])
        pending.extend(reversed(node.children))
    return found


def _read_call(parsed: ParsedModule, call: Node, found: ModuleImports) -> None:
    callee = call.child_by_field_name("function")
    if callee is None:
        return
    name = "import" if callee.type == "import" else "".join(parsed.text(callee).split())
    if name in _CODE_FROM_TEXT:
        found.computed = True
        return
    if name not in ("import", "require") and name not in _RESOLVERS:
        return
    arguments = call.child_by_field_name("arguments")
    first = next((a for a in arguments.named_children if a.type != "comment"), None) if arguments else None
    if first is None or first.type != "string":
        found.computed = True
        return
    (found.resolves if name in _RESOLVERS else found.loads).append((string_literal(parsed, first), first))
