"""JavaScript's conversions and operators on statically known values."""
from __future__ import annotations

import math
from typing import Any

from emulator.props.values import UNDEFINED, JSFunction, JSObject, Namespace

UNSUPPORTED = object()  # an operator this evaluator does not compute


def number(value: float) -> int | float:
    """A JS number as Python keeps it: integral values as int (so JSON prints `900`, not `900.0`)."""
    negative_zero = value == 0 and math.copysign(1, value) < 0
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21 and not negative_zero:
        return int(value)
    return value


def truthy(value: Any) -> bool:
    if value is UNDEFINED or value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return True


def to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, (int, float)):
        return _number_to_string(value)
    if isinstance(value, list):
        return ",".join("" if v is None or v is UNDEFINED else to_string(v) for v in value)
    return "[object Object]"


def _number_to_string(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa.removesuffix('.0')}e{'+' if not exponent.startswith('-') else ''}{int(exponent)}"
    return text


def to_number(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if value is None:
        return 0
    if value is UNDEFINED:
        return math.nan
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        try:
            return number(int(text, 0) if text[:2].lower() in ("0x", "0o", "0b") else float(text))
        except ValueError:
            return math.nan
    return UNSUPPORTED


def typeof(value: Any) -> str:
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, JSFunction):
        return "function"
    return "object"


def _strict_equal(a: Any, b: Any) -> bool:
    if isinstance(a, (JSObject, list, JSFunction, Namespace)) or isinstance(b, (JSObject, list, JSFunction, Namespace)):
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return typeof(a) == typeof(b) and a == b


def _loose_equal(a: Any, b: Any) -> Any:
    if (a is None or a is UNDEFINED) and (b is None or b is UNDEFINED):
        return True
    if typeof(a) == typeof(b):
        return _strict_equal(a, b)
    if isinstance(a, (JSObject, list)) or isinstance(b, (JSObject, list)):
        return UNSUPPORTED
    if a is None or a is UNDEFINED or b is None or b is UNDEFINED:
        return False
    return to_number(a) == to_number(b)


def _arithmetic(operator: str, a: Any, b: Any) -> Any:
    """Numbers, or two strings for the comparisons."""
    try:
        match operator:
            case "-": return a - b
            case "*": return a * b
            case "/": return a / b if b else _divide_by_zero(a, b)
            case "%": return math.fmod(a, b) if b else math.nan
            case "**": return float(a) ** b
            case "<": return a < b
            case ">": return a > b
            case "<=": return a <= b
            case ">=": return a >= b
    except (OverflowError, ValueError, ZeroDivisionError):
        return UNSUPPORTED
    return UNSUPPORTED


def _divide_by_zero(a: float, b: float) -> float:
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1, b)


def binary(operator: str, a: Any, b: Any) -> Any:
    """`a <operator> b` for the non-short-circuit operators; UNSUPPORTED when not computed here."""
    if operator in ("===", "!=="):
        return _strict_equal(a, b) == (operator == "===")
    if operator in ("==", "!="):
        equal = _loose_equal(a, b)
        return equal if equal is UNSUPPORTED else equal == (operator == "==")
    if operator == "+" and (isinstance(a, (str, list, JSObject)) or isinstance(b, (str, list, JSObject))):
        return to_string(a) + to_string(b)
    if operator in ("<", ">", "<=", ">=") and isinstance(a, str) and isinstance(b, str):
        return _arithmetic(operator, a, b)
    left, right = to_number(a), to_number(b)
    if left is UNSUPPORTED or right is UNSUPPORTED:
        return UNSUPPORTED
    if operator == "+":
        return number(left + right)
    result = _arithmetic(operator, left, right)
    return number(result) if isinstance(result, float) else result


def unary(operator: str, value: Any) -> Any:
    match operator:
        case "!": return not truthy(value)
        case "typeof": return typeof(value)
        case "void": return UNDEFINED
        case "-" | "+":
            numeric = to_number(value)
            if numeric is UNSUPPORTED:
                return UNSUPPORTED
            return number(-numeric if operator == "-" else numeric)
    return UNSUPPORTED

