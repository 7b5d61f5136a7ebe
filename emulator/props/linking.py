"""Module-level names: declarations, destructuring, imports, exports and `require`, evaluated on demand."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from tree_sitter import Node

from emulator.props.diagnostics import ExtractionError
from emulator.props.imports import INLINE_FILE, ModuleLoader, read_source
from emulator.props.modules import Binding, ModuleRecord
from emulator.props.node_resolution import is_relative, resolve_relative
from emulator.props.operators import number
from emulator.props.parse import field_of, string_literal
from emulator.props.values import UNDEFINED, JSFunction, JSObject, Namespace, Unknown

PLATFORM_PACKAGE = "@pipedream/platform"
PLATFORM_CONSTANTS = {"DEFAULT_POLLING_SOURCE_TIMER_INTERVAL": 900}


@dataclass
class Scope:
    """Names visible at a point: locals of an evaluated arrow function, then the module's top level."""

    record: ModuleRecord
    values: dict[str, Any] = field(default_factory=dict)
    parent: Scope | None = None


class Expressions(Protocol):
    """What the linker and the calls need of the expression evaluator."""

    def evaluate(self, node: Node, scope: Scope) -> Any: ...

    def member(self, target: Any, key: str, node: Node, scope: Scope, *, optional: bool = False) -> Any: ...


def unknown(record: ModuleRecord, node: Node, message: str) -> Unknown:
    """A value not known statically, with the reason and where, for the extraction's warnings."""
    return Unknown(record.parsed.diagnostic(node, message))


class Linker:
    """Resolves module-level names across files; values are computed (once) by `expressions`."""

    def __init__(self, loader: ModuleLoader, expressions: Expressions) -> None:
        self.loader = loader
        self.expressions = expressions
        self._memo: dict[tuple[int, int], Any] = {}
        self._active: set[tuple[int, int]] = set()

    def _memoized(self, record: ModuleRecord, node: Node, compute: Any, *, cycle: Any = None) -> Any:
        key = (id(record), node.id)
        if key not in self._memo:
            if key in self._active:
                circular = unknown(record, node, "circular reference between module values")
                return circular if cycle is None else cycle(circular)
            self._active.add(key)
            try:
                self._memo[key] = compute()
            finally:
                self._active.discard(key)
        return self._memo[key]

    def binding(self, record: ModuleRecord, name: str, node: Node) -> Any:
        """The value of top-level `name` of `record`."""
        found: Binding = record.bindings[name]
        if name in record.mutated:
            line = record.mutated[name].start_point[0] + 1
            return unknown(record, node, f"`{name}` is changed by top-level code (line {line})")
        if found.kind == "function":
            return JSFunction(found.node, Scope(record))
        if found.kind == "imported":
            return self._imported(record, found, name)
        values = self._memoized(record, found.node, lambda: self._declare(record, found.node),
                                cycle=lambda circular: {"": circular})
        return values.get(name, values.get("", UNDEFINED))

    def _declare(self, record: ModuleRecord, declarator: Node) -> dict[str, Any]:
        scope, values = Scope(record), dict[str, Any]()
        value_node = declarator.child_by_field_name("value")
        value = self.expressions.evaluate(value_node, scope) if value_node is not None else UNDEFINED
        self.bind_pattern(field_of(declarator, "name"), value, scope, values)
        return values

    def bind_pattern(self, pattern: Node, value: Any, scope: Scope, out: dict[str, Any]) -> None:
        """Destructure `value` into `out` as `pattern` (`x`, `{ a, b: c = 1, ...d }`, `[e, ...f]`) would."""
        text = scope.record.parsed.text
        if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
            out[text(pattern)] = value
        elif pattern.type in ("assignment_pattern", "object_assignment_pattern"):
            if value is UNDEFINED:
                value = self.expressions.evaluate(field_of(pattern, "right"), scope)
            self.bind_pattern(field_of(pattern, "left"), value, scope, out)
        elif pattern.type == "object_pattern":
            taken: list[str] = []
            for part in (p for p in pattern.named_children if p.type != "comment"):
                if part.type == "rest_pattern":
                    rest = JSObject({k: v for k, v in value.items() if k not in taken}, gaps=value.gaps) \
                        if isinstance(value, JSObject) else value
                    self.bind_pattern(part.named_children[0], rest, scope, out)
                    continue
                key_node = part.child_by_field_name("key") or part.child_by_field_name("left") or part
                key = string_literal(scope.record.parsed, key_node) if key_node.type == "string" else text(key_node)
                taken.append(key)
                target = field_of(part, "value") if part.type == "pair_pattern" else part
                self.bind_pattern(target, self.expressions.member(value, key, part, scope), scope, out)
        elif pattern.type == "array_pattern":
            for index, part in enumerate(p for p in pattern.named_children if p.type != "comment"):
                if part.type == "rest_pattern":
                    rest = value[index:] if isinstance(value, list) else value
                    self.bind_pattern(part.named_children[0], rest, scope, out)
                else:
                    self.bind_pattern(part, self.expressions.member(value, str(index), part, scope), scope, out)

    def _imported(self, record: ModuleRecord, found: Binding, local: str) -> Any:
        target = self.import_module(record, found.specifier, found.node, local)
        if not isinstance(target, ModuleRecord):
            if found.imported in ("default", "*") or isinstance(target, Unknown):
                return target
            return self.expressions.member(target, found.imported, found.node, Scope(record))
        if found.imported == "*":
            return Namespace(target)
        return self.export(target, found.imported, found.node)

    def import_module(self, record: ModuleRecord, specifier: str, node: Node, local: str = "") -> Any:
        """The ModuleRecord a specifier names, or the value of a JSON file or known package, or Unknown."""
        if specifier == PLATFORM_PACKAGE:
            missing = unknown(record, node, f"`{local or specifier}` from {specifier} is not known statically")
            return JSObject(PLATFORM_CONSTANTS, gaps=[missing])
        if not is_relative(specifier):
            message = f"`{local or specifier}` comes from package '{specifier}', not read statically"
            return unknown(record, node, message)
        if record.file == INLINE_FILE:
            return unknown(record, node, f"relative import '{specifier}' is not followed for inline code")
        path = resolve_relative(specifier, record.file)
        if path is None:
            return unknown(record, node, f"cannot find module '{specifier}'")
        if path.endswith(".json"):
            return self._json_file(record, node, path)
        try:
            return self.loader.load(path)
        except ExtractionError as error:
            return unknown(record, node, f"'{specifier}' cannot be read: {error}")

    def _json_file(self, record: ModuleRecord, node: Node, path: str) -> Any:
        try:
            return json.loads(read_source(path), object_pairs_hook=JSObject, parse_float=lambda t: number(float(t)))
        except ValueError as error:
            return unknown(record, node, f"'{path}' is not valid JSON: {error}")

    def require(self, record: ModuleRecord, specifier: str, node: Node) -> Any:
        target = self.import_module(record, specifier, node)
        if not isinstance(target, ModuleRecord):
            return target
        return Namespace(target) if target.is_esm else self.module_value(target)

    def module_value(self, record: ModuleRecord) -> Any:
        """A CommonJS module's `module.exports` after its top-level assignments."""
        def compute() -> Any:
            value: Any = JSObject()
            for member, node in record.cjs_assignments:
                assigned = self.expressions.evaluate(node, Scope(record))
                if member is None:
                    value = assigned
                elif isinstance(value, JSObject):
                    value = value.copy()
                    value[member] = assigned
            return value
        return self._memoized(record, record.parsed.root, compute)

    def export(self, record: ModuleRecord, name: str, node: Node) -> Any:
        """The value `record` exports as `name` (`node` is where it is imported, for diagnostics)."""
        if not record.is_esm:
            value = self.module_value(record)
            return value if name == "default" else self.expressions.member(value, name, node, Scope(record))
        found = record.exports.get(name)
        if found is None:
            for specifier, statement in record.star_exports if name != "default" else []:
                target = self.import_module(record, specifier, statement)
                if isinstance(target, ModuleRecord) and name in self.export_names(target):
                    return self.export(target, name, node)
            return Unknown(record.parsed.diagnostic(record.parsed.root, f"module has no export '{name}'"))
        if found.kind == "local":
            return self.binding(record, found.local, node) if found.local in record.bindings else UNDEFINED
        if found.kind == "expression":
            return self._memoized(record, found.node, lambda: self.expressions.evaluate(found.node, Scope(record)))
        target = self.import_module(record, found.specifier, found.node)
        if not isinstance(target, ModuleRecord):
            return target
        if found.kind == "namespace" or found.imported == "*":
            return Namespace(target)
        return self.export(target, found.imported, found.node)

    def export_names(self, record: ModuleRecord, seen: frozenset[int] = frozenset()) -> list[str]:
        if not record.is_esm:
            value = self.module_value(record)
            return list(value) if isinstance(value, JSObject) else []
        names = list(record.exports)
        for specifier, statement in record.star_exports:
            target = self.import_module(record, specifier, statement)
            if isinstance(target, ModuleRecord) and id(target) not in seen:
                names += [n for n in self.export_names(target, seen | {id(record)}) if n != "default"]
        return names

    def namespace_object(self, namespace: Namespace) -> JSObject:
        record = namespace.module
        return JSObject({n: self.export(record, n, record.parsed.root) for n in self.export_names(record)})
