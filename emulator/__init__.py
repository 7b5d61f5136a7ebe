"""pd-emulator: run and test Pipedream event sources offline.

What a Python user needs to run an emulator in-process::

    from emulator import Config, Emulator, ThreadedEmulator

    async with Emulator(Config(port=0)) as emu:          # on the running event loop
        print(emu.url, emu.api_key)

    with ThreadedEmulator(port=0) as emu:                 # on its own loop, for synchronous code
        ...

Names are loaded on first use, so importing the package (or its pytest plugin) stays cheap.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.config import Config
    from emulator.server.app import build_app
    from emulator.server.runner import Emulator, ThreadedEmulator
    from emulator.version import __version__

__all__ = ["Config", "Emulator", "ThreadedEmulator", "__version__", "build_app"]

_HOMES = {"Config": "emulator.config", "Emulator": "emulator.server.runner",
          "ThreadedEmulator": "emulator.server.runner", "build_app": "emulator.server.app",
          "__version__": "emulator.version"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'emulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value          # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
