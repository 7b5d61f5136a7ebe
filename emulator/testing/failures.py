"""How the emulator's own failures and refused calls reach the test."""
from __future__ import annotations

from typing import Any


class EmulatorError(RuntimeError):
    """The emulator itself failed while serving the test (a bug in the emulator, not in the test)."""


class ApiCallError(AssertionError):
    """The emulator refused a call the test made (a 4xx, or an injected fault's status)."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {path} answered {status}: {body}")
        self.status, self.body = status, body


def failure_report(problems: list[str]) -> str:
    return "the emulator failed during this test:\n" + "\n".join(f"  - {p}" for p in problems)
