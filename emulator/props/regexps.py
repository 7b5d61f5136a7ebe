"""JavaScript regular expressions and replacement patterns, translated to Python's `re` when equivalent."""
from __future__ import annotations

import re

from emulator.props.values import JSRegExp

_JS_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_", "s": _JS_SPACE}
_REPLACEMENT = re.compile(r"\$(\$|&|`|'|\d{1,2}|<[^>]*>)")


class UntranslatableRegExp(Exception):
    """The pattern uses something whose meaning differs between JavaScript and Python."""


def compile_js(regexp: JSRegExp) -> re.Pattern[str]:
    """A Python pattern that matches what `regexp` matches in JavaScript."""
    if set(regexp.flags) - set("gimsu"):
        raise UntranslatableRegExp(f"flags {regexp.flags!r}")
    flags = re.ASCII
    flags |= re.IGNORECASE if "i" in regexp.flags else 0
    flags |= re.MULTILINE if "m" in regexp.flags else 0
    flags |= re.DOTALL if "s" in regexp.flags else 0
    try:
        return re.compile(_translate(regexp.pattern, multiline="m" in regexp.flags), flags)
    except re.error as error:
        raise UntranslatableRegExp(str(error)) from error


def _translate(pattern: str, *, multiline: bool) -> str:
    out: list[str] = []
    in_class, index = False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escape = pattern[index + 1]
            index += 2
            if escape in _CLASS_ESCAPES:
                out.append(_CLASS_ESCAPES[escape] if in_class else f"[{_CLASS_ESCAPES[escape]}]")
            elif escape.lower() in _CLASS_ESCAPES and not in_class:
                out.append(f"[^{_CLASS_ESCAPES[escape.lower()]}]")
            elif escape in "bB" and not in_class:
                out.append("\\" + escape)
            elif escape in "kpPcu" or (escape.isdigit() and escape != "0") or escape.lower() in _CLASS_ESCAPES:
                raise UntranslatableRegExp(f"escape \\{escape}")
            else:
                out.append("\\" + escape)
            continue
        if in_class:
            in_class = char != "]"
            out.append("\\[" if char == "[" else char)
        elif char == "[":
            in_class = True
            if pattern.startswith("[]", index) or pattern.startswith("[^]", index):
                raise UntranslatableRegExp("empty class")
            out.append(char)
        elif char == "$" and not multiline:
            out.append(r"(?!\n)\Z")
        elif pattern.startswith("(?<", index) and pattern[index + 3:index + 4] not in ("=", "!"):
            out.append("(?P<")
            index += 3
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


def expand_replacement(template: str, match: re.Match[str]) -> str:
    """`$&`, `$1`, `$<name>`, `` $` ``, `$'` and `$$` in a String.prototype.replace template."""
    def one(token: re.Match[str]) -> str:
        code = token.group(1)
        if code == "$":
            return "$"
        if code == "&":
            return match.group(0)
        if code == "`":
            return match.string[:match.start()]
        if code == "'":
            return match.string[match.end():]
        if code.startswith("<"):
            return (match.groupdict().get(code[1:-1]) or "") if match.re.groupindex else token.group(0)
        number = int(code)
        if 0 < number <= match.re.groups:
            return match.group(number) or ""
        if len(code) == 2 and 0 < int(code[0]) <= match.re.groups:
            return (match.group(int(code[0])) or "") + code[1]
        return token.group(0)
    return _REPLACEMENT.sub(one, template)

