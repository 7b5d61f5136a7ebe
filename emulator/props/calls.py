"""Calls evaluated without running the module: `require`, pure built-ins, and small pure functions."""
from __future__ import annotations

import functools
from typing import Any

from tree_sitter import Node

from emulator.props import builtins
from emulator.props.linking import Expressions, Linker, Scope, unknown
from emulator.props.operators import UNSUPPORTED, truthy
from emulator.props.parse import field_of, string_literal
from emulator.props.values import UNDEFINED, JSFunction, JSObject, Namespace, Unknown

_MAX_CALL_DEPTH = 32
_SKIPPED_STATEMENTS = {"comment", "empty_statement"}


class FunctionCalls:
    """Evaluates calls whose result follows from known values; anything with side effects stays Unknown."""

    def __init__(self, expressions: Expressions, linker: Linker) -> None:
        self.expressions = expressions
        self.linker = linker
        self._call_depth = 0

    def evaluate_call(self, node: Node, scope: Scope) -> Any:
        callee = field_of(node, "function")
        arguments_node = field_of(node, "arguments")
        argument_nodes = [a for a in arguments_node.named_children if a.type != "comment"]
        parsed = scope.record.parsed
        if callee.type == "identifier" and parsed.text(callee) == "require" and not self._is_bound(scope, "require") \
                and argument_nodes and argument_nodes[0].type == "string":
            return self.linker.require(scope.record, string_literal(parsed, argument_nodes[0]), argument_nodes[0])
        result = UNSUPPORTED if arguments_node.type != "arguments" else self._call(callee, argument_nodes, scope)
        if isinstance(result, Unknown) or result is UNSUPPORTED:
            message = f"`{parsed.excerpt(node)}` is a call, computed only when the module runs"
            return unknown(scope.record, node, message)
        return result

    def _is_bound(self, scope: Scope, name: str) -> bool:
        current: Scope | None = scope
        while current is not None:
            if name in current.values:
                return True
            current = current.parent
        return name in scope.record.bindings

    def _call(self, callee: Node, argument_nodes: list[Node], scope: Scope) -> Any:
        arguments = self._arguments(argument_nodes, scope)
        if isinstance(arguments, Unknown):
            return arguments
        call = functools.partial(self.call_function, scope=scope)
        text = scope.record.parsed.text
        if callee.type == "member_expression":
            owner, name = field_of(callee, "object"), text(field_of(callee, "property"))
            is_global = owner.type == "identifier" and not self._is_bound(scope, text(owner))
            if is_global and text(owner) in builtins.GLOBAL_OBJECTS:
                try:
                    return builtins.call_static(text(owner), name, arguments, call)
                except (builtins.NotComputed, IndexError, TypeError, ValueError):
                    return UNSUPPORTED
            target = self.expressions.evaluate(owner, scope)
            if isinstance(target, (JSObject, Namespace)):
                method = self.expressions.member(target, name, callee, scope)
                return self.call_function(method, arguments, scope) if isinstance(method, JSFunction) else UNSUPPORTED
            return builtins.call_method(target, name, arguments, call)
        if callee.type == "identifier" and not self._is_bound(scope, text(callee)):
            try:
                return builtins.call_global(text(callee), arguments)
            except (builtins.NotComputed, IndexError, TypeError, ValueError):
                return UNSUPPORTED
        function = self.expressions.evaluate(callee, scope)
        return self.call_function(function, arguments, scope) if isinstance(function, JSFunction) else UNSUPPORTED

    def _arguments(self, argument_nodes: list[Node], scope: Scope) -> list[Any] | Unknown:
        values: list[Any] = []
        for argument in argument_nodes:
            spread = argument.type == "spread_element"
            value = self.expressions.evaluate(argument.named_children[0] if spread else argument, scope)
            if isinstance(value, Unknown):
                return value
            if spread and not isinstance(value, list):
                return unknown(scope.record, argument, "spread of a value that is not an array")
            values.extend(value if spread else [value])
        return values

    def call_function(self, function: Any, arguments: list[Any], scope: Scope) -> Any:
        """The result of a pure, synchronous function made of declarations, `if` and `return`; else UNSUPPORTED."""
        if not isinstance(function, JSFunction) or self._call_depth >= _MAX_CALL_DEPTH:
            return UNSUPPORTED
        node = function.node
        if node.type in ("class", "class_declaration") or any(c.type in ("async", "*") for c in node.children):
            return UNSUPPORTED
        local = Scope(function.scope.record, {}, function.scope)
        single = node.child_by_field_name("parameter")
        parameters = [single] if single is not None else [
            p for p in field_of(node, "parameters").named_children if p.type != "comment"]
        for index, parameter in enumerate(parameters):
            if parameter.type == "rest_pattern":
                self.linker.bind_pattern(parameter.named_children[0], arguments[index:], local, local.values)
            else:
                argument = arguments[index] if index < len(arguments) else UNDEFINED
                self.linker.bind_pattern(parameter, argument, local, local.values)
        body = field_of(node, "body")
        self._call_depth += 1
        try:
            if body.type != "statement_block":
                return self.expressions.evaluate(body, local)
            returned, value = self._run_statements(body.named_children, local)
            return value if returned else UNDEFINED
        finally:
            self._call_depth -= 1

    def _run_statements(self, statements: list[Node], scope: Scope) -> tuple[bool, Any]:
        """Runs declarations, `if` and `return`; (True, UNSUPPORTED) for any other statement."""
        for statement in statements:
            if statement.type in _SKIPPED_STATEMENTS:
                continue
            if statement.type in ("lexical_declaration", "variable_declaration"):
                for declarator in (d for d in statement.named_children if d.type == "variable_declarator"):
                    value_node = declarator.child_by_field_name("value")
                    value = self.expressions.evaluate(value_node, scope) if value_node is not None else UNDEFINED
                    self.linker.bind_pattern(field_of(declarator, "name"), value, scope, scope.values)
            elif statement.type == "return_statement":
                value_nodes = [c for c in statement.named_children if c.type != "comment"]
                return True, self.expressions.evaluate(value_nodes[0], scope) if value_nodes else UNDEFINED
            elif statement.type in ("if_statement", "statement_block"):
                returned, value = self._run_branch(statement, scope)
                if returned:
                    return True, value
            else:
                return True, UNSUPPORTED
        return False, UNDEFINED

    def _run_branch(self, statement: Node | None, scope: Scope) -> tuple[bool, Any]:
        if statement is not None and statement.type == "if_statement":
            condition = self.expressions.evaluate(field_of(statement, "condition"), scope)
            if isinstance(condition, Unknown):
                return True, condition
            statement = statement.child_by_field_name("consequence" if truthy(condition) else "alternative")
            if statement is not None and statement.type == "else_clause":
                statement = statement.named_children[-1]
        if statement is None:
            return False, UNDEFINED
        inner = Scope(scope.record, {}, scope)
        statements = statement.named_children if statement.type == "statement_block" else [statement]
        return self._run_statements(statements, inner)
