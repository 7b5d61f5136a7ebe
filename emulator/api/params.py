"""Request parameters: query and JSON body merged, validated against openapi.json; response shaping."""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from emulator.api.auth import SAFE_METHODS, via_cookie
from emulator.api.json_body import json_response
from emulator.contract.openapi import request_schema, request_validator
from emulator.contract.validation import check_params
from emulator.domain.json_depth import MAX_BODY_DEPTH, loads_bounded
from emulator.domain.pagination import Page, decode_cursor, encode_cursor, paginate, parse_limit
from emulator.errors import InvalidJson, UnsupportedMediaType

IGNORED_PARAMS = ("workspace_id", "org_id")


async def read_json_body(request: web.Request) -> dict[str, Any] | None:
    """The JSON object body, or None when there is none; an empty body is no body."""
    if not request.can_read_body:
        return None
    raw = await request.read()
    if not raw:
        return None
    if request.content_type != "application/json" and not request.content_type.endswith("+json"):
        raise UnsupportedMediaType(
            f"{request.method} {request.path} needs Content-Type: application/json, got "
            f"{request.content_type or 'none'!r}")
    try:
        body = loads_bounded(raw, limit=MAX_BODY_DEPTH, by_top_key=True)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise InvalidJson(f"request body is not valid JSON{where}") from None
    if not isinstance(body, dict):
        raise InvalidJson(f"request body must be a JSON object, got {type(body).__name__}")
    return body


async def read_params(request: web.Request, operation: str) -> dict[str, Any]:
    """Query string and body merged (the body wins), coerced and validated with the operation's schema."""
    if not request.query_string and not request.can_read_body and _accepts_no_params(operation):
        return {}                        # the common GET: nothing to coerce or validate
    schema = request_schema(operation)
    # A cookie-authenticated change takes its parameters from its JSON body alone: a cross-site form
    # or no-cors request can put anything in a query string, but cannot send a JSON body.
    query = {} if via_cookie(request) and request.method not in SAFE_METHODS else request.query
    params: dict[str, Any] = {k: _coerce(k, v, schema.get("properties", {}).get(k)) for k, v in query.items()}
    body = await read_json_body(request)
    if body:
        params.update(body)
    for name in IGNORED_PARAMS:
        params.pop(name, None)
    check_params(params, request_validator(operation))
    return _integers_as_int(params, schema)


@functools.cache
def _accepts_no_params(operation: str) -> bool:
    return request_validator(operation).is_valid({})


def _coerce(name: str, value: str, prop_schema: dict[str, Any] | None) -> Any:
    """Query strings are text; give them the type the schema asks for when they read as one."""
    types = _types_of(prop_schema)
    if "boolean" in types and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if "integer" in types:
        try:
            return int(value)
        except ValueError:
            pass
    if "number" in types:
        try:
            return float(value)
        except ValueError:
            pass
    if ("object" in types or "array" in types) and value[:1] in "{[":
        try:
            return loads_bounded(value, name, limit=MAX_BODY_DEPTH)
        except json.JSONDecodeError:
            pass
    return value


def _integers_as_int(params: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema counts 5.0 as an integer; hand handlers a real int so slicing and clocks accept it."""
    for name, value in params.items():
        types = _types_of(schema.get("properties", {}).get(name))
        if isinstance(value, float) and value.is_integer() and "integer" in types and "number" not in types:
            params[name] = int(value)
    return params


def _types_of(prop_schema: dict[str, Any] | None) -> set[str]:
    if not prop_schema:
        return set()
    declared = prop_schema.get("type", [])
    types = {declared} if isinstance(declared, str) else set(declared)
    for option in prop_schema.get("anyOf", []) + prop_schema.get("oneOf", []):
        types |= _types_of(option)
    return types


def shape(obj: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Apply `include` / `exclude` (comma-separated top-level field names) to one object."""
    return shaper(params)(obj)


def shaper(params: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """`shape` for many objects of one request: the field lists are parsed once."""
    include = _field_list(params.get("include"))
    exclude = _field_list(params.get("exclude"))
    if not include and not exclude:
        return unchanged

    def shaped(obj: dict[str, Any]) -> dict[str, Any]:
        if include:
            obj = {k: v for k, v in obj.items() if k in include}
        if exclude:
            obj = {k: v for k, v in obj.items() if k not in exclude}
        return obj
    return shaped


def unchanged(obj: dict[str, Any]) -> dict[str, Any]:
    return obj


def _field_list(value: Any) -> set[str]:
    if not value or not isinstance(value, str):
        return set()
    return {part.strip() for part in value.split(",") if part.strip()}


def data_response(obj: dict[str, Any], params: dict[str, Any], status: int = 200) -> web.Response:
    return json_response({"data": shape(obj, params)}, status=status)


def resource_page(items: list[Any], params: dict[str, Any], default_limit: int = 10) -> Page:
    """A page of records listed newest first, with base64 id cursors."""
    return paginate(items, sort_key=lambda r: r.id, cursor_key=lambda c: c, cursor_of=lambda r: encode_cursor(r.id),
                    limit=parse_limit(params.get("limit"), default_limit),
                    after=decode_cursor(params["after"], "after") if params.get("after") else None,
                    before=decode_cursor(params["before"], "before") if params.get("before") else None)
