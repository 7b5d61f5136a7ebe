"""What every Node process that loads component code is held to: the runs' workers and the props
completion alike. The permission model and containment.mjs are in the command line
(NodeRuntime.contained_argv); this adds what differs per emulator: the memory cap and the files
a component may never read, and the environment Node starts with."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

from .read_scope import ReadScope, read_scope

# Node's whole environment: nothing of the server's (keys, tokens, paths). TZ=UTC as in the cloud.
CLEAN_ENV = {"TZ": "UTC"}
DENIED_VARIABLE = "PD_SANDBOX_DENIED"     # read and removed by containment.mjs before any component loads
CONNECTION_FILE_WHY = "the emulator's connection file (its URL and API key)"
STATE_FILE_WHY = "the emulator's --state file (every user's data)"


@dataclass(frozen=True)
class Containment:
    """memory_mb: V8 heap cap; denied: (path, why) pairs a component never reads, even inside a
    folder it may read."""

    memory_mb: int = 256
    denied: tuple[tuple[str, str], ...] = ()

    def scope(self, component: str | None, roots: Iterable[str]) -> ReadScope:
        """What a process loading `component` may read (reads files: call it in a thread)."""
        return read_scope(component, roots, dict(self.denied))


DEFAULT_CONTAINMENT = Containment()


def node_environment(denied: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Node's environment: CLEAN_ENV, plus the denied files' reasons for containment.mjs to explain a denial."""
    return {**CLEAN_ENV, DENIED_VARIABLE: json.dumps(dict(denied))} if denied else dict(CLEAN_ENV)


def emulator_files(*, state_file: str | None, connection_folder: str | None) -> tuple[tuple[str, str], ...]:
    """The emulator's own files as Containment.denied: its --state file (and the temporary files
    it is written through) and the connection file `serve` leaves in its folder."""
    denied: list[tuple[str, str]] = []
    if connection_folder is not None:
        denied.append((os.path.join(os.path.abspath(connection_folder), ".pd-emulator.json"), CONNECTION_FILE_WHY))
    if state_file:
        denied.append((os.path.abspath(state_file), STATE_FILE_WHY))
    return tuple(denied)
