"""The OpenAPI document (openapi.json): the API contract, and the source of every request schema."""
from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

import jsonschema

COMMON_PARAMS = {"include": {"type": "string"}, "exclude": {"type": "string"}}


@functools.cache
def document() -> dict[str, Any]:
    return json.loads(resources.files("emulator.contract").joinpath("openapi.json").read_text())


@functools.cache
def _operations() -> dict[str, dict[str, Any]]:
    return {operation["operationId"]: operation
            for item in document()["paths"].values() for operation in item.values()}


@functools.cache
def request_schema(operation_id: str) -> dict[str, Any]:
    """The schema of the operation's merged parameters: its JSON body plus its query parameters."""
    operation = _operations()[operation_id]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = _resolve(copy.deepcopy(content.get("schema", {"type": "object"})))
    properties = schema.setdefault("properties", {})
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query":
            properties.setdefault(parameter["name"], parameter["schema"])
    for name, prop in COMMON_PARAMS.items():
        properties.setdefault(name, prop)
    return schema


@functools.cache
def request_validator(operation_id: str) -> jsonschema.protocols.Validator:
    """A compiled validator per operation: building one per request would dominate a request's cost."""
    return jsonschema.Draft202012Validator(request_schema(operation_id))


def _resolve(node: Any) -> Any:
    """Inline local `$ref`s (the document's schemas are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _resolve(copy.deepcopy(document()["components"]["schemas"][name]))
        return {key: _resolve(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(item) for item in node]
    return node
