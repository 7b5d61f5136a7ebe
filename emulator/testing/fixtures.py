"""The test-facing emulators behind the pytest fixtures (usable without pytest too).

`PdEmulator` runs on the test's event loop, for source authors; `PdEmulatorServer` runs in a
thread, for synchronous clients. Both keep the emulator's recent log and report its own failures
(a 500, an exception on its loop) as `EmulatorError`, so a bug in the emulator fails the test.
"""
from __future__ import annotations

from emulator.testing.async_emulator import ClockControl, HttpAnswer, PdEmulator
from emulator.testing.emulator_log import EmulatorLog
from emulator.testing.failures import ApiCallError, EmulatorError, failure_report
from emulator.testing.fixture_state import fixture_config, keyed_state, read_state, reset_for_test
from emulator.testing.threaded_emulator import PdEmulatorServer, ServerPool

__all__ = ["ApiCallError", "ClockControl", "EmulatorError", "EmulatorLog", "HttpAnswer", "PdEmulator",
           "PdEmulatorServer", "ServerPool", "failure_report", "fixture_config", "keyed_state", "read_state",
           "reset_for_test"]
