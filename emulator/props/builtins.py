"""Pure built-ins (Object.keys, Array map, String replace, JSON.stringify, …) computed on known values."""
from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from typing import Any

from emulator.props import operators
from emulator.props.operators import UNSUPPORTED
from emulator.props.regexps import UntranslatableRegExp, compile_js, expand_replacement
from emulator.props.values import UNDEFINED, JSFunction, JSObject, JSRegExp, Unknown, entries

GLOBAL_OBJECTS = {"Object", "Array", "JSON", "Math", "Number", "String"}
GLOBAL_FUNCTIONS = {"String", "Number", "Boolean", "parseInt", "parseFloat"}
Call = Callable[[JSFunction, list[Any]], Any]


class NotComputed(Exception):
    """The call needs something the static evaluator does not compute."""


def known(value: Any) -> Any:
    if isinstance(value, Unknown) or value is UNSUPPORTED:
        raise NotComputed
    return value


def call_static(owner: str, name: str, args: list[Any], call: Call) -> Any:
    """`Object.keys(…)`, `JSON.stringify(…)`, `Math.max(…)`, … on known arguments."""
    first = args[0] if args else UNDEFINED
    match owner, name:
        case "Object", "keys" | "values" | "entries" if isinstance(first, JSObject):
            if first.gaps:
                raise NotComputed
            pairs = entries(first)
            return {"keys": [k for k, _ in pairs], "values": [v for _, v in pairs],
                    "entries": [[k, v] for k, v in pairs]}[name]
        case "Object", "keys" | "values" | "entries" if isinstance(first, list):
            return call_static("Object", name, [JSObject((str(i), v) for i, v in enumerate(first))], call)
        case "Object", "fromEntries" if isinstance(first, list):
            return JSObject((operators.to_string(known(pair[0])), pair[1]) for pair in first if isinstance(pair, list))
        case "Object", "assign" if all(isinstance(a, JSObject) and not a.gaps for a in args):
            merged = JSObject(first)
            for extra in args[1:]:
                merged.update(extra)
            return merged
        case "Object", "freeze":
            return first
        case "Array", "isArray":
            return isinstance(first, list)
        case "Array", "from" if isinstance(first, (list, str)):
            return [known(call(args[1], [v, i])) for i, v in enumerate(first)] if len(args) > 1 else list(first)
        case "JSON", "stringify":
            return stringify(first, args[2] if len(args) > 2 else UNDEFINED)
        case "JSON", "parse" if isinstance(first, str):
            try:
                return json.loads(first, object_pairs_hook=JSObject, parse_float=lambda t: operators.number(float(t)))
            except ValueError as error:
                raise NotComputed from error
        case "Math", "max" | "min" | "floor" | "ceil" | "round" | "abs" | "pow" | "trunc":
            return _math(name, [operators.to_number(a) for a in args])
        case "Number" | "String", _:
            return call_global(f"{owner}.{name}", args)
    raise NotComputed


def _math(name: str, numbers: list[Any]) -> Any:
    if any(n is UNSUPPORTED for n in numbers):
        raise NotComputed
    if any(isinstance(n, float) and math.isnan(n) for n in numbers):
        return math.nan
    match name:
        case "max": return max(numbers, default=-math.inf)
        case "min": return min(numbers, default=math.inf)
        case "floor": return operators.number(float(math.floor(numbers[0])))
        case "ceil": return operators.number(float(math.ceil(numbers[0])))
        case "round": return operators.number(float(math.floor(numbers[0] + 0.5)))
        case "trunc": return operators.number(float(math.trunc(numbers[0])))
        case "abs": return abs(numbers[0])
    return operators.number(float(numbers[0]) ** numbers[1])


def call_global(name: str, args: list[Any]) -> Any:
    """`String(x)`, `Number(x)`, `Boolean(x)`, `parseInt(x)`, `parseFloat(x)`."""
    first = args[0] if args else UNDEFINED
    match name:
        case "String":
            return operators.to_string(first) if args else ""
        case "Number":
            return known(operators.to_number(first)) if args else 0
        case "Boolean":
            return operators.truthy(first)
        case "parseInt" | "Number.parseInt" if len(args) < 2 and isinstance(first, (str, int, float)):
            digits = operators.to_string(first).strip()
            sign = -1 if digits.startswith("-") else 1
            digits = digits.lstrip("+-")
            prefix = len(digits) - len(digits.lstrip("0123456789"))
            return sign * int(digits[:prefix]) if prefix else math.nan
        case "Number.isInteger":
            return isinstance(first, int) and not isinstance(first, bool)
    raise NotComputed


def stringify(value: Any, indent: Any = UNDEFINED) -> Any:
    """JSON.stringify(value, null, indent)."""
    plain = _plain(value)
    if plain is UNDEFINED:
        return UNDEFINED
    spaces = indent if isinstance(indent, int) else (indent if isinstance(indent, str) else None)
    if isinstance(spaces, int):
        spaces = min(spaces, 10) or None
    separators = (",", ":") if spaces is None else (",", ": ")
    return json.dumps(plain, ensure_ascii=False, indent=spaces, separators=separators)


def _plain(value: Any) -> Any:
    if isinstance(value, Unknown) or (isinstance(value, JSObject) and value.gaps):
        raise NotComputed
    if value is UNDEFINED or isinstance(value, JSFunction):
        return UNDEFINED
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, JSRegExp):
        return {}
    if isinstance(value, JSObject):
        converted = ((k, _plain(v)) for k, v in entries(value))
        return {k: v for k, v in converted if v is not UNDEFINED}
    if isinstance(value, list):
        return [None if v is UNDEFINED else v for v in map(_plain, value)]
    if not isinstance(value, (str, int, float, bool, type(None))):
        raise NotComputed
    return value


def call_method(target: Any, name: str, args: list[Any], call: Call) -> Any:
    """`target.name(...args)` for arrays, strings and numbers; UNSUPPORTED when not computed here."""
    try:
        if isinstance(target, list):
            return _array_method(target, name, args, call)
        if isinstance(target, str):
            return _string_method(target, name, args, call)
        if isinstance(target, (int, float)) and not isinstance(target, bool) and name == "toString" and not args:
            return operators.to_string(target)
    except (NotComputed, UntranslatableRegExp, IndexError, TypeError, ValueError):
        return UNSUPPORTED
    return UNSUPPORTED


def _array_method(items: list[Any], name: str, args: list[Any], call: Call) -> Any:
    first = args[0] if args else UNDEFINED
    each = (lambda: [known(call(first, [v, i, items])) for i, v in enumerate(items)]) \
        if isinstance(first, JSFunction) else None
    match name:
        case "map" if each:
            return each()
        case "filter" if each:
            return [v for v, keep in zip(items, each()) if operators.truthy(keep)]
        case "find" if each:
            return next((v for v, hit in zip(items, each()) if operators.truthy(hit)), UNDEFINED)
        case "some" | "every" if each:
            return (any if name == "some" else all)(operators.truthy(hit) for hit in each())
        case "flatMap" if each:
            return [x for v in each() for x in (v if isinstance(v, list) else [v])]
        case "join":
            return (operators.to_string(first) if args and first is not UNDEFINED else ",").join(
                "" if v is None or v is UNDEFINED else operators.to_string(known(v)) for v in items)
        case "concat":
            return items + [x for a in args for x in (a if isinstance(a, list) else [a])]
        case "slice":
            return items[slice(*[_index(a, len(items)) for a in args])]
        case "includes":
            return any(operators.binary("===", known(v), first) for v in items)
        case "indexOf":
            return next((i for i, v in enumerate(items) if operators.binary("===", known(v), first)), -1)
        case "flat":
            return [x for v in items for x in (v if isinstance(v, list) else [v])]
        case "reverse":
            return items[::-1]
        case "sort" if not args:
            return sorted(items, key=lambda v: operators.to_string(known(v)))
        case "sort" if isinstance(first, JSFunction):
            order = functools.cmp_to_key(lambda a, b: operators.to_number(known(call(first, [a, b]))))
            return sorted(items, key=order)
    raise NotComputed


def _index(value: Any, length: int) -> int | None:
    if value is UNDEFINED:
        return None
    number = operators.to_number(value)
    if number is UNSUPPORTED or math.isnan(number):
        return 0
    return max(0, int(number) + length) if number < 0 else min(int(number), length)


def _string_method(text: str, name: str, args: list[Any], call: Call) -> Any:
    first = args[0] if args else UNDEFINED
    match name:
        case "trim" | "trimStart" | "trimEnd":
            strip = {"trim": str.strip, "trimStart": str.lstrip, "trimEnd": str.rstrip}[name]
            return strip(text, "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")
        case "toUpperCase" | "toLowerCase":
            return text.upper() if name == "toUpperCase" else text.lower()
        case "replace" | "replaceAll":
            return _replace(text, first, args[1] if len(args) > 1 else UNDEFINED, name == "replaceAll", call)
        case "split" if isinstance(first, str) and len(args) == 1:
            return list(text) if first == "" else text.split(first)
        case "startsWith" | "endsWith" | "includes" if isinstance(first, str) and len(args) == 1:
            return {"startsWith": text.startswith, "endsWith": text.endswith,
                    "includes": text.__contains__}[name](first)
        case "slice" | "substring" if name == "slice" or all(operators.to_number(a) >= 0 for a in args):
            return text[slice(*[_index(a, len(text)) for a in args])]
        case "padStart" | "padEnd" if isinstance(first, int):
            fill = operators.to_string(args[1]) if len(args) > 1 else " "
            missing = max(first - len(text), 0)
            padding = (fill * missing)[:missing] if fill else ""
            return padding + text if name == "padStart" else text + padding
        case "repeat" if isinstance(first, int) and first >= 0:
            return text * first
        case "charAt":
            index = int(operators.to_number(first)) if args else 0
            return text[index] if 0 <= index < len(text) else ""
        case "indexOf" if isinstance(first, str):
            return text.find(first)
        case "concat":
            return text + "".join(operators.to_string(known(a)) for a in args)
        case "toString":
            return text
    raise NotComputed


def _replace(text: str, pattern: Any, replacement: Any, every: bool, call: Call) -> str:
    if isinstance(pattern, JSRegExp):
        compiled = compile_js(pattern)
        count = 0 if "g" in pattern.flags else 1
    elif isinstance(pattern, str):
        compiled, count = compile_js(JSRegExp(_escape(pattern), "")), 0 if every else 1
    else:
        raise NotComputed
    if isinstance(replacement, JSFunction):
        def with_function(match: Any) -> str:
            groups = [UNDEFINED if g is None else g for g in match.groups()]
            return operators.to_string(known(call(replacement, [match.group(0), *groups, match.start(), text])))
        return compiled.sub(with_function, text, count=count)
    template = operators.to_string(replacement)
    return compiled.sub(lambda match: expand_replacement(template, match), text, count=count)


def _escape(literal: str) -> str:
    return "".join("\\" + c if c in "\\^$.|?*+()[]{}/" else c for c in literal)
