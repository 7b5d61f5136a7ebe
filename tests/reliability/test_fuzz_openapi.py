"""Every `/v1` and `/_emulator` operation of `/openapi.json`, fuzzed with schemathesis on a real port.

Schemathesis draws valid and invalid requests for each operation from the document the emulator
serves; path ids and the ids named in queries and bodies often point at real objects of a seeded
source (its component, webhook, last run and event, and a registry component). Each answer must
not be a 5xx, must have a documented status and content type and a body that matches the documented
schema, and invalid input must be refused with a 4xx. Objects the fuzzing deletes or replaces are
restored between cases (a state import of the seeded world).

The normal test run draws a bounded, repeatable set (PD_FUZZ_EXAMPLES cases per operation, default
8, per generation mode). A longer, randomised run:

    PD_FUZZ_EXAMPLES=200 python -m pytest tests/reliability/test_fuzz_openapi.py -q

(about 17,000 cases, some 4 minutes on two cores; each such run draws new cases).
"""
from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jsonschema
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from emulator.contract.openapi import request_schema, request_validator
from emulator.server.runner import ThreadedEmulator
from tests.reliability.harness import SUMMARY_LINES, JsonClient

EXAMPLES = int(os.environ.get("PD_FUZZ_EXAMPLES", "8"))
REPEATABLE = "PD_FUZZ_EXAMPLES" not in os.environ
DOCUMENT = json.loads(resources.files("emulator.contract").joinpath("openapi.json").read_text())
OPERATIONS = sorted(op["operationId"] for path, item in DOCUMENT["paths"].items() for op in item.values()
                    if path.startswith(("/v1/", "/_emulator/")))
STREAMS = {"streamSourceEvents", "streamActivity"}
# Operations that may delete, replace or pause what the seeded world holds: restore it after each case.
CHANGES_WORLD = {"deleteSource", "updateSource", "deleteSourceEvents", "deleteWebhook", "deleteSubscription",
                 "putSourceDb", "reset", "importState", "createUser", "createAccount", "setClock"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, negative_data_rejection]
SHAPING_PARAMS = ("include", "exclude")


@dataclass
class World:
    """The seeded objects fuzzed ids point at, and the state to put back after destructive cases."""

    ids: dict[str, str]
    snapshot: dict[str, Any]
    cases: dict[str, int] = field(default_factory=dict)

    def real_id_for(self, path: str) -> str:
        if "/registry/" in path:
            return self.ids["key"]
        if path.startswith("/v1/components/"):
            return self.ids["component_id"]
        if path.startswith("/v1/webhooks/"):
            return self.ids["webhook_id"]
        if path.startswith("/_emulator/runs/"):
            return self.ids["run_id"]
        return self.ids["source_id"]


@pytest.fixture(scope="module")
def world(served: ThreadedEmulator, client: JsonClient, request: pytest.FixtureRequest) -> Iterator[World]:
    source = client.ok("POST", "/v1/sources", json={"key": "fuzz-registry", "name": "fuzzed"})["data"]
    run = client.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": {"n": 1}})["data"]
    webhook = client.ok("POST", "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"})["data"]
    client.ok("POST", "/v1/subscriptions", json={"emitter_id": source["id"], "listener_id": source["id"],
                                                 "event_name": "never-emitted"})
    client.ok("POST", "/_emulator/accounts", json={"app": "slack", "auth": {"oauth_access_token": "xoxb-1"}})
    ids = {"source_id": source["id"], "component_id": source["component_id"], "webhook_id": webhook["id"],
           "run_id": run["id"], "event_id": run["emitted"][0], "key": "fuzz-registry",
           "emitter_id": source["id"], "listener_id": source["id"]}
    world = World(ids=ids, snapshot=client.ok("GET", "/_emulator/state"))
    yield world
    request.config.stash[SUMMARY_LINES] = [
        *request.config.stash.get(SUMMARY_LINES, []),
        f"openapi fuzzing: {sum(world.cases.values())} cases over {len(world.cases)} operations"]


@pytest.fixture(scope="module")
def api_schema(served: ThreadedEmulator) -> Any:
    return schemathesis.openapi.from_url(served.url + "/openapi.json")


@pytest.fixture(scope="module")
def transport() -> Iterator[requests.Session]:
    """Schemathesis sends its cases through requests."""
    with requests.Session() as session:
        yield session


def test_the_served_document_is_the_packaged_one(client: JsonClient) -> None:
    assert client.ok("GET", "/openapi.json") == DOCUMENT


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_operation_answers_as_documented(operation_id: str, api_schema: Any, world: World,
                                         served: ThreadedEmulator, client: JsonClient,
                                         transport: requests.Session) -> None:
    operation = api_schema.find_operation_by_id(operation_id)
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    if "{" in operation.path:
        name = operation.path.split("{")[1].split("}")[0]
        real = world.real_id_for(operation.path)
        strategies += [operation.as_strategy(mode, path_parameters={name: real}) for mode in GenerationMode]

    @settings(max_examples=EXAMPLES * 2, deadline=None, database=None, derandomize=REPEATABLE,
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies), aim=st.booleans())
    def fuzz(case: Any, aim: bool) -> None:
        world.cases[operation_id] = world.cases.get(operation_id, 0) + 1
        if aim:
            _name_real_objects(case, world)
        _use_the_emulator_key(case, served.api_key)
        try:
            if operation_id in STREAMS:
                _check_stream(case, served.url)
            else:
                _call_and_check(case, operation_id, served.url, transport)
        finally:
            _restore(operation_id, world, client)

    fuzz()
    assert served.emulator is not None and served.emulator.internal_errors == []


def _name_real_objects(case: Any, world: World) -> None:
    """Point ids given in the query or body at the seeded objects (only where they are strings)."""
    for container in (case.query, case.body):
        if isinstance(container, dict):
            for name, value in list(container.items()):
                if name in world.ids and isinstance(value, str):
                    container[name] = world.ids[name]


def _use_the_emulator_key(case: Any, key: str) -> None:
    """Generated bearer tokens are random: swap in the real key (a case that drops the header keeps it dropped)."""
    if case.headers and "Authorization" in case.headers:
        case.headers["Authorization"] = f"Bearer {key}"


def _call_and_check(case: Any, operation_id: str, base_url: str, session: requests.Session) -> None:
    shaped = any(_param(case, name) for name in SHAPING_PARAMS)
    checks = CHECKS if shaped else [*CHECKS, response_schema_conformance]
    if _completed_by_query(case, operation_id):
        checks = [check for check in checks if check is not negative_data_rejection]
    response = case.call_and_validate(base_url=base_url, session=session, timeout=30, checks=checks)
    if shaped and response.status_code < 300 and response.content:
        _validator(case.operation.path, case.method.lower(), response.status_code).validate(response.json())


def _completed_by_query(case: Any, operation_id: str) -> bool:
    """A body that lacks a required parameter the query gives is valid here: the emulator merges them."""
    body = case.body if isinstance(case.body, dict) else {}
    query = case.query or {}
    required = request_schema(operation_id).get("required", [])
    return (any(name in query and name not in body for name in required)
            and request_validator(operation_id).is_valid({**query, **body}))


def _param(case: Any, name: str) -> Any:
    for container in (case.query, case.body):
        if isinstance(container, dict) and container.get(name):
            return container[name]
    return None


def _validator(path: str, method: str, status: int) -> jsonschema.Validator:
    """The documented schema with `required` dropped: include/exclude may leave any field out."""
    response = DOCUMENT["paths"][path][method]["responses"][str(status)]
    schema = _without_required({**response["content"]["application/json"]["schema"],
                                "components": DOCUMENT["components"]})
    return jsonschema.Draft202012Validator(schema)


def _without_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_required(v) for k, v in node.items() if k != "required" or not isinstance(v, list)}
    if isinstance(node, list):
        return [_without_required(item) for item in node]
    return node


def _check_stream(case: Any, base_url: str) -> None:
    """An SSE operation: a documented status; a stream opens with its handshake, an error is JSON."""
    kwargs = case.as_transport_kwargs(base_url=base_url)
    with requests.request(**kwargs, stream=True, timeout=10) as response:
        documented = DOCUMENT["paths"][case.operation.path]["get"]["responses"]
        assert str(response.status_code) in documented, f"{response.status_code} is not documented"
        if response.status_code == 200:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            assert next(response.iter_content(chunk_size=None)).startswith(b":sse-handshake")
            return
        body = response.json()
        assert isinstance(body["error"], str)


def _restore(operation_id: str, world: World, client: JsonClient) -> None:
    if operation_id in ("addFault", "clearFaults"):
        client.ok("DELETE", "/_emulator/faults")
    if operation_id == "setClock":
        client.ok("PUT", "/_emulator/clock", json={"mode": "virtual"})
    if operation_id in CHANGES_WORLD:
        client.ok("PUT", "/_emulator/state", json=copy.deepcopy(world.snapshot))
