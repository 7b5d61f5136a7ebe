"""What the reliability suites share: a blocking JSON client, emulator settings, component code."""
from __future__ import annotations

from typing import Any

import pytest

from emulator.client.http import EmulatorClient
from emulator.config import Config
from tests.conftest import emulator_config

SUMMARY_LINES = pytest.StashKey[list[str]]()       # figures printed after the run (cases, latency)

REGISTRY_COMPONENT = """
export default {
  key: "fuzz-registry", name: "Fuzz Registry", version: "0.0.1", type: "source",
  props: { db: "$.service.db", count: { type: "integer", label: "Count", default: 1, min: 1, max: 5 } },
  async run(event) {
    this.db.set("last", event);
    this.$emit({ seen: event }, { id: String(Date.now()) + Math.random(), summary: "seen" });
  },
};
"""

TICKER = """
export default {
  key: "ticker", name: "Ticker", version: "0.0.1", type: "source",
  props: { timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } } },
  async run(event) { this.$emit({ at: Date.now() }, { summary: "tick" }); },
};
"""


# Blocking calls to one emulator with one key: `client.call(method, path, json=…)` → (status, body).
JsonClient = EmulatorClient


def threaded_config(**overrides: Any) -> Config:
    """The suite's emulator settings with a shorter run timeout and a seed of its own."""
    return emulator_config(**{"seed": 11, "run_timeout_s": 5.0, **overrides})
