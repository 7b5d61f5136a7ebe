"""The emulator's recent activity, kept per test emulator and attached to a failing test's report."""
from __future__ import annotations

import logging
from collections import deque
from typing import Any

from emulator.devserver.console import describe
from emulator.server.services import Services

LOG_LINES_KEPT = 200


class EmulatorLog:
    """The emulator's recent activity as console lines, plus its own warnings and errors."""

    def __init__(self, services: Services, thread_id: int) -> None:
        self.lines: deque[str] = deque(maxlen=LOG_LINES_KEPT)
        self._services = services
        self._handler = _ThreadLogHandler(self.lines, thread_id)
        logging.getLogger("emulator").addHandler(self._handler)
        services.bus.printers.append(self.on_activity)

    def on_activity(self, record: dict[str, Any]) -> None:
        line = describe(record, verbose=True)
        if line is None:
            return
        self.lines.append(f"[{line[0]}] {line[1]}")
        if record["kind"] == "run":
            run = self._services.runtime.runs.of_source(record["run"]["source_id"], 1)
            for entry in run[0].logs if run else []:
                self.lines.append(f"        console.{entry.get('level', 'log')}: {entry.get('message', '')}")

    def snapshot(self) -> list[str]:
        return list(self.lines)

    def close(self) -> None:
        logging.getLogger("emulator").removeHandler(self._handler)
        if self.on_activity in self._services.bus.printers:
            self._services.bus.printers.remove(self.on_activity)


class _ThreadLogHandler(logging.Handler):
    """Keeps the emulator's log records from one thread (each emulator logs from its own loop)."""

    def __init__(self, lines: deque[str], thread_id: int) -> None:
        super().__init__(logging.WARNING)
        self.lines, self.thread_id = lines, thread_id

    def emit(self, record: logging.LogRecord) -> None:
        """One line per record; the traceback stays in pytest's own "Captured log" section."""
        if record.thread != self.thread_id:
            return
        error = record.exc_info[1] if record.exc_info else None
        cause = f": {type(error).__name__}: {error}" if error else ""
        self.lines.append(f"[{record.levelname.lower()}] {record.name}: {record.getMessage()}{cause}")
