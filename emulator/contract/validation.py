"""Checking a document against a schema of openapi.json: every problem named by its parameter path."""
from __future__ import annotations

import json
from typing import Any

import jsonschema

from emulator.errors import BadRequest


def validate(params: dict[str, Any], schema: dict[str, Any]) -> None:
    """Raise BadRequest naming each parameter that does not fit `schema`."""
    check_params(params, jsonschema.Draft202012Validator(schema))


def check_params(params: dict[str, Any], validator: jsonschema.protocols.Validator) -> None:
    errors = sorted(validator.iter_errors(params), key=lambda e: list(e.path))
    if not errors:
        return
    details = [{"param": _param_name(e), "error": _describe(e)} for e in errors]
    first = details[0]
    message = first["error"] if len(details) == 1 else "; ".join(d["error"] for d in details)
    raise BadRequest(message, param=first["param"], details=details if len(details) > 1 else None)


def _param_name(error: jsonschema.ValidationError) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        path.append(error.message.split("'")[1])
    return ".".join(path) or "body"


def _describe(error: jsonschema.ValidationError) -> str:
    name = _param_name(error)
    if error.validator == "required":
        return f"{name} is required"
    if error.validator == "type":
        return f"{name} must be of type {error.validator_value}, got {json.dumps(error.instance)[:80]}"
    if error.validator == "additionalProperties":
        return f"unknown parameter in {name}: {error.message}"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator in ("anyOf", "oneOf") and schema.get("description"):
        return f"{name}: {schema['description']}"
    return f"{name}: {error.message}"
