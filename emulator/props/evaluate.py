"""Evaluating JavaScript expressions without running them: what is static is computed, the rest is Unknown."""
from __future__ import annotations

import math
from typing import Any

from tree_sitter import Node

from emulator.props import operators
from emulator.props.calls import FunctionCalls
from emulator.props.imports import ModuleLoader
from emulator.props.linking import Linker, Scope, unknown
from emulator.props.parse import decode_escapes, field_of, string_literal
from emulator.props.values import UNDEFINED, JSFunction, JSObject, JSRegExp, Namespace, Thunk, Unknown

_FUNCTIONS = {"arrow_function", "function_expression", "function", "generator_function", "class"}
_IMMEDIATE = {"number", "true", "false", "null", "undefined"} | _FUNCTIONS
_GLOBALS = {"undefined": UNDEFINED, "NaN": math.nan, "Infinity": math.inf}


class Evaluator:
    """Computes the value of expression nodes; module names and imports come from its Linker, calls
    from its FunctionCalls (both evaluate their own sub-expressions through it)."""

    def __init__(self, loader: ModuleLoader) -> None:
        self.linker = Linker(loader, self)
        self.calls = FunctionCalls(self, self.linker)

    def evaluate(self, node: Node, scope: Scope) -> Any:
        handler = getattr(self, "_eval_" + node.type, None)
        if handler is not None:
            return handler(node, scope)
        if node.type in _FUNCTIONS:
            return JSFunction(node, scope)
        return unknown(scope.record, node, f"`{scope.record.parsed.excerpt(node)}` is not known statically")

    def lookup(self, scope: Scope, name: str, node: Node) -> Any:
        current: Scope | None = scope
        while current is not None:
            if name in current.values:
                return current.values[name]
            current = current.parent
        if name in scope.record.bindings:
            return self.linker.binding(scope.record, name, node)
        if name in _GLOBALS:
            return _GLOBALS[name]
        return unknown(scope.record, node, f"`{name}` is not a constant of the module")

    def _eval_call_expression(self, node: Node, scope: Scope) -> Any:
        return self.calls.evaluate_call(node, scope)

    def _eval_parenthesized_expression(self, node: Node, scope: Scope) -> Any:
        return self.evaluate(node.named_children[-1], scope)

    def _eval_string(self, node: Node, scope: Scope) -> Any:
        return string_literal(scope.record.parsed, node)

    def _eval_template_string(self, node: Node, scope: Scope) -> Any:
        source, parts, position = scope.record.parsed.source, [], node.start_byte + 1

        def cooked(end: int) -> str:  # template literals read CRLF in their raw text as LF
            return decode_escapes(source[position:end].decode("utf-8", "replace").replace("\r\n", "\n"))
        for child in node.named_children:
            if child.type == "template_substitution":
                parts.append(cooked(child.start_byte))
                value = self.evaluate(child.named_children[0], scope)
                if isinstance(value, Unknown):
                    return value
                parts.append(operators.to_string(value))
                position = child.end_byte
        parts.append(cooked(node.end_byte - 1))
        return "".join(parts)

    def _eval_number(self, node: Node, scope: Scope) -> Any:
        text = scope.record.parsed.text(node).replace("_", "")
        if text.endswith("n"):
            return unknown(scope.record, node, "BigInt values do not serialize to JSON")
        if text[:2].lower() in ("0x", "0o", "0b"):
            return int(text, 0)
        if len(text) > 1 and text[0] == "0" and text.isdigit():
            return int(text, 8) if set(text) <= set("01234567") else int(text)
        return operators.number(float(text))

    def _eval_true(self, node: Node, scope: Scope) -> Any:
        return True

    def _eval_false(self, node: Node, scope: Scope) -> Any:
        return False

    def _eval_null(self, node: Node, scope: Scope) -> Any:
        return None

    def _eval_undefined(self, node: Node, scope: Scope) -> Any:
        return UNDEFINED

    def _eval_identifier(self, node: Node, scope: Scope) -> Any:
        return self.lookup(scope, scope.record.parsed.text(node), node)

    def _eval_array(self, node: Node, scope: Scope) -> Any:
        items: list[Any] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type != "spread_element":
                items.append(self.evaluate(child, scope))
                continue
            spread = self.evaluate(child.named_children[0], scope)
            if isinstance(spread, (list, str)):
                items.extend(spread)
            elif isinstance(spread, JSObject) and spread.gaps:
                return spread.gaps[0]
            else:
                message = f"cannot spread `{scope.record.parsed.excerpt(child)}` into an array"
                return unknown(scope.record, child, message)
        return items

    def _eval_object(self, node: Node, scope: Scope) -> Any:
        result = JSObject()
        for child in node.named_children:
            if child.type == "pair":
                key = self._property_key(field_of(child, "key"), scope)
                if isinstance(key, Unknown):
                    result.gaps.append(key)
                else:
                    result[key] = self._deferred(field_of(child, "value"), scope)
            elif child.type == "shorthand_property_identifier":
                result[scope.record.parsed.text(child)] = self._deferred(child, scope)
            elif child.type == "spread_element":
                self._spread_into(result, self.evaluate(child.named_children[0], scope), scope)
            elif child.type == "method_definition":
                self._define_method(result, child, scope)
        return result

    def _deferred(self, node: Node, scope: Scope) -> Any:
        if node.type in _IMMEDIATE:
            return self.evaluate(node, scope)
        return Thunk(lambda: self.evaluate(node, scope),
                     lambda: unknown(scope.record, node, "value refers to itself"))

    def _eval_shorthand_property_identifier(self, node: Node, scope: Scope) -> Any:
        return self.lookup(scope, scope.record.parsed.text(node), node)

    def _define_method(self, result: JSObject, method: Node, scope: Scope) -> None:
        key = self._property_key(field_of(method, "name"), scope)
        if isinstance(key, Unknown):
            result.gaps.append(key)
        elif any(c.type == "get" for c in method.children):
            result[key] = unknown(scope.record, method, f"getter `{key}` is computed when read")
        elif not any(c.type == "set" for c in method.children):
            result[key] = JSFunction(method, scope)

    def _property_key(self, key: Node, scope: Scope) -> Any:
        if key.type == "computed_property_name":
            value = self.evaluate(key.named_children[0], scope)
            return value if isinstance(value, Unknown) else operators.to_string(value)
        if key.type == "string":
            return string_literal(scope.record.parsed, key)
        if key.type == "number":
            return operators.to_string(self._eval_number(key, scope))
        return scope.record.parsed.text(key)

    def _spread_into(self, result: JSObject, value: Any, scope: Scope) -> None:
        if isinstance(value, Unknown):
            result.gaps.append(value)
        elif isinstance(value, JSObject):
            result.update(value)
            result.gaps.extend(value.gaps)
        elif isinstance(value, Namespace):
            self._spread_into(result, self.linker.namespace_object(value), scope)
        elif isinstance(value, (list, str)):
            result.update((str(i), item) for i, item in enumerate(value))

    def _eval_member_expression(self, node: Node, scope: Scope) -> Any:
        target = self.evaluate(field_of(node, "object"), scope)
        key = scope.record.parsed.text(field_of(node, "property"))
        return self.member(target, key, node, scope, optional=node.child_by_field_name("optional_chain") is not None)

    def _eval_subscript_expression(self, node: Node, scope: Scope) -> Any:
        target = self.evaluate(field_of(node, "object"), scope)
        key = self.evaluate(field_of(node, "index"), scope)
        if isinstance(key, Unknown):
            return key
        optional = node.child_by_field_name("optional_chain") is not None
        return self.member(target, operators.to_string(key), node, scope, optional=optional)

    def member(self, target: Any, key: str, node: Node, scope: Scope, *, optional: bool = False) -> Any:
        """`target[key]` as JavaScript reads it."""
        if isinstance(target, Unknown):
            return target
        if isinstance(target, JSObject):
            if key in target:
                return target[key]
            return target.gaps[0] if target.gaps else UNDEFINED
        if isinstance(target, Namespace):
            return self.linker.export(target.module, key, node) if key in self.linker.export_names(target.module) else UNDEFINED
        if isinstance(target, (list, str)):
            if key == "length":
                return len(target)
            return target[int(key)] if key.isdigit() and int(key) < len(target) else UNDEFINED
        if (target is UNDEFINED or target is None) and optional:
            return UNDEFINED
        if target is UNDEFINED or target is None or isinstance(target, JSFunction):
            what = "undefined" if target is UNDEFINED else "null" if target is None else "a function"
            return unknown(scope.record, node, f"`{scope.record.parsed.excerpt(node)}` reads a property of {what}")
        return UNDEFINED

    def _eval_unary_expression(self, node: Node, scope: Scope) -> Any:
        value = self.evaluate(field_of(node, "argument"), scope)
        if isinstance(value, Unknown):
            return value
        operator = scope.record.parsed.text(field_of(node, "operator"))
        return self._computed(operators.unary(operator, value), node, scope)

    def _eval_binary_expression(self, node: Node, scope: Scope) -> Any:
        operator = scope.record.parsed.text(field_of(node, "operator"))
        left = self.evaluate(field_of(node, "left"), scope)
        if isinstance(left, Unknown):
            return left
        if operator in ("&&", "||", "??"):
            if operator == "??":
                decided = left is not None and left is not UNDEFINED
            else:
                decided = operators.truthy(left) == (operator == "||")
            return left if decided else self.evaluate(field_of(node, "right"), scope)
        right = self.evaluate(field_of(node, "right"), scope)
        if isinstance(right, Unknown):
            return right
        return self._computed(operators.binary(operator, left, right), node, scope)

    def _computed(self, value: Any, node: Node, scope: Scope) -> Any:
        if value is operators.UNSUPPORTED:
            return unknown(scope.record, node, f"`{scope.record.parsed.excerpt(node)}` is not computed statically")
        return value

    def _eval_ternary_expression(self, node: Node, scope: Scope) -> Any:
        condition = self.evaluate(field_of(node, "condition"), scope)
        if isinstance(condition, Unknown):
            return condition
        branch = "consequence" if operators.truthy(condition) else "alternative"
        return self.evaluate(field_of(node, branch), scope)

    def _eval_sequence_expression(self, node: Node, scope: Scope) -> Any:
        values = [self.evaluate(child, scope) for child in node.named_children]
        return values[-1]

    def _eval_regex(self, node: Node, scope: Scope) -> Any:
        flags = node.child_by_field_name("flags")
        text = scope.record.parsed.text
        return JSRegExp(text(field_of(node, "pattern")), text(flags) if flags is not None else "")

