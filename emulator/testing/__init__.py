"""Testing with pd-emulator: the pytest fixtures (pytest_plugin) and seed states to load in them."""
from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).parent / "seeds"     # `GET /_emulator/state` exports: busy_sources.json, one_timer_source.json

__all__ = ["SEEDS"]
