"""What the runtime asks the sandbox to run, and what comes back."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

OUTCOMES = ("ok", "error", "timeout", "memory", "exit", "crash")
METHODS = ("run", "deploy", "activate", "deactivate", "sample")


@dataclass(frozen=True)
class SandboxLimits:
    """Per-invocation limits, the same for every source of one host."""

    timeout_s: float = 30.0
    memory_mb: int = 256
    max_log_bytes: int = 64_000
    max_event_bytes: int = 1_000_000
    max_reply_bytes: int = 64 * 2**20      # a run's whole result (emits, db); a larger frame kills the process
    tmp_mb: int = 512                       # a source's /tmp folder; checked after each run, and while idle or running


@dataclass
class Invocation:
    """One call of a component method (`run` or a hook) for one source."""

    source_id: str
    method: str
    code: str
    path: str | None
    props: dict
    db: dict
    event: Any = None
    now_ms: int = 0
    clock_speed: float = 1.0
    env: dict[str, str] = field(default_factory=dict)
    read_roots: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)     # never written to a record or a cassette
    # The source's props as additionalProps() completed them (described): `this` gives the ones the
    # code does not declare by their type (an added `http` prop has `respond`, a `db` prop is the db).
    prop_definitions: list[dict] = field(default_factory=list)


@dataclass
class InvocationResult:
    """The outcome of an invocation; `db`/`db_changes` are meaningful only when outcome is "ok".

    error: {"name", "message", "stack"}, plus "code" when Node gave one (e.g. ERR_ACCESS_DENIED)
    and "exit_code" for outcome "exit". http_response: {"status": int, "headers": {str: str},
    "body": str, "body_base64": bool}. emits: in call order, also those made before an error.
    """

    outcome: str
    error: dict | None
    emits: list[dict]
    db: dict
    db_changes: dict
    http_response: dict | None
    logs: list[dict]
    duration_ms: float
    requests: list[dict] = field(default_factory=list)    # outbound HTTP, oldest first


def failed_result(
    invocation: Invocation,
    outcome: str,
    error: dict,
    *,
    logs: list[dict],
    http_response: dict | None,
    duration_ms: float,
) -> InvocationResult:
    """A result for a run that never reported back: nothing emitted, the db as it was."""
    return InvocationResult(
        outcome=outcome,
        error=error,
        emits=[],
        db=dict(invocation.db),
        db_changes={},
        http_response=http_response,
        logs=logs,
        duration_ms=duration_ms,
    )


# Answers one outbound HTTP request of a run: (the reply for the runner, the entry for the run record).
HttpHandler = Callable[[Invocation, dict], Awaitable[tuple[dict, dict]]]
