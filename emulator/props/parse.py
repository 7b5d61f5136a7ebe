"""Parsing JavaScript with tree-sitter, and locating nodes as 1-based lines and columns."""
from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser

from emulator.props.diagnostics import Diagnostic, ExtractionError

_ESCAPE = re.compile(
    r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|\r\n|[\s\S])"
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v",
                   "\n": "", "\r\n": "", "\r": "", "\u2028": "", "\u2029": ""}


def javascript_parser() -> Parser:
    """A parser for JavaScript (ESM or CommonJS, any modern syntax)."""
    return Parser(Language(tree_sitter_javascript.language()))


@dataclass(frozen=True)
class ParsedModule:
    """A file's source and syntax tree, able to locate any of its nodes."""

    file: str
    source: bytes
    root: Node

    def diagnostic(self, node: Node, message: str) -> Diagnostic:
        row, byte_column = node.start_point
        line_start = node.start_byte - byte_column
        column = len(self.source[line_start:node.start_byte].decode("utf-8", errors="replace"))
        return Diagnostic(message, self.file, row + 1, column + 1)

    def text(self, node: Node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def excerpt(self, node: Node, limit: int = 60) -> str:
        """The node's code on one line, shortened, for messages."""
        text = " ".join(self.text(node).split())
        return text if len(text) <= limit else text[:limit - 3] + "..."


def field_of(node: Node, name: str) -> Node:
    """The child in `name`, which the grammar guarantees on an error-free tree (parse_module checks that)."""
    child = node.child_by_field_name(name)
    if child is None:
        raise LookupError(f"tree-sitter {node.type} node without its {name!r} field")
    return child


def parse_module(parser: Parser, code: str, file: str) -> ParsedModule:
    """Parse `code`; raise ExtractionError at the first syntax error."""
    source = code.encode("utf-8")
    module = ParsedModule(file, source, parser.parse(source).root_node)
    if module.root.has_error:
        raise ExtractionError(_syntax_error(module, _first_error(module.root)))
    return module


def _syntax_error(module: ParsedModule, node: Node) -> Diagnostic:
    if node.is_missing:
        return module.diagnostic(node, f"syntax error: missing {node.type!r}")
    if not module.source[node.end_byte:].strip():
        end = module.diagnostic(node, "")
        lines = module.source.decode("utf-8", errors="replace").rstrip().split("\n")
        return Diagnostic("syntax error: unexpected end of input", end.file, len(lines), len(lines[-1]) + 1)
    # tree-sitter often folds the valid tokens before the culprit into the ERROR node
    culprit = node.named_children[-1] if node.child_count > 1 and node.named_children else node
    return module.diagnostic(culprit, f"syntax error: unexpected {_snippet(module, culprit)!r}")


def _first_error(root: Node) -> Node:
    node = root
    while True:
        broken = next((c for c in node.children if c.is_error or c.is_missing or c.has_error), None)
        if broken is None or broken.is_missing:
            return broken or node
        if broken.is_error and not any(c.has_error for c in broken.children):
            return broken
        node = broken


def _snippet(module: ParsedModule, node: Node) -> str:
    text = module.text(node).strip() or module.text(node)
    return text.splitlines()[0][:40] if text else ""


def decode_escapes(raw: str) -> str:
    """The characters a JS string or template literal's raw text stands for."""
    def replace(match: re.Match) -> str:
        escape = match.group(1)
        if escape in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[escape]
        if escape[0] == "u":
            return chr(int(escape.strip("u{}"), 16))
        if escape[0] == "x":
            return chr(int(escape[1:], 16))
        if escape[0] in "01234567":
            return chr(int(escape, 8))
        return escape
    decoded = _ESCAPE.sub(replace, raw)
    # \uD83D\uDE00 pairs become one character, as in JavaScript's UTF-16 strings
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def string_literal(module: ParsedModule, node: Node) -> str:
    """The value of a `string` node ('…' or "…")."""
    return decode_escapes(module.text(node)[1:-1])
