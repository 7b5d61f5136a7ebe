"""A test emulator's configuration, its seed states, and the cheap reset between tests."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from emulator.config import Config
from emulator.server.runner import Emulator


def fixture_config(folders: Sequence[str | Path] = (), speed: float | None = None, **overrides: Any) -> Config:
    """A test emulator: free port, no watcher, virtual clock unless a speed asks for a real one, and
    offline: a source's request reaches no real service unless a stub or a cassette answers it."""
    settings: dict[str, Any] = {"port": 0, "folders": tuple(str(Path(f).resolve()) for f in folders),
                                "watch": False, "clock_mode": "real" if speed else "virtual",
                                "speed": speed or 1.0, "dashboard": False, "http_mode": "offline"}
    settings.update(overrides)
    return Config(**settings)


def read_state(state: dict[str, Any] | str | Path) -> dict[str, Any]:
    """A `--state` document from a dict or a JSON file (a `GET /_emulator/state` export)."""
    if isinstance(state, dict):
        return state
    return json.loads(Path(state).read_text(encoding="utf-8"))


def keyed_state(state: dict[str, Any], api_key: str) -> dict[str, Any]:
    """The state with its first user answering to `api_key`, so the fixture's key sees its sources."""
    users = [dict(u) for u in state.get("users", [])]
    if users:
        users[0]["api_key"] = api_key
    return {**state, "users": users}


async def reset_for_test(emulator: Emulator, clock_start_ms: int) -> None:
    """Empty everything a test can change: state, users, faults, failures, errors and the clock."""
    services = emulator.services
    await services.control.reset(keep_users=False)
    services.faults.clear()
    services.webhooks.failures.clear()
    emulator.internal_errors.clear()
    config = services.config
    services.clock.restart(clock_start_ms, mode=config.clock_mode, speed=config.speed)
