"""How the emulator's own failures and refused calls reach the test."""
from __future__ import annotations

from emulator.client.http import CallRefused


class EmulatorError(RuntimeError):
    """The emulator itself failed while serving the test (a bug in the emulator, not in the test)."""


class ApiCallError(CallRefused, AssertionError):
    """The emulator refused a call the test made (a 4xx, or an injected fault's status): a failed assertion."""


def failure_report(problems: list[str]) -> str:
    return "the emulator failed during this test:\n" + "\n".join(f"  - {p}" for p in problems)
