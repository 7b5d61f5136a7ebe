"""Keeping a long run's pending emits out of the cyclic garbage collector's full passes.

A run that emits 100,000 events holds them all (several hundred thousand dicts) until the
runtime has stored them; each full collection meanwhile walks every one of them and stalls the
event loop for hundreds of milliseconds. While such a run is in flight, `gc.freeze()` parks the
objects alive then in the permanent generation (reference counting still frees them as usual);
when the last such run is done, `gc.unfreeze()` hands the survivors back to the collector.
Process-wide, as the collector is.
"""
from __future__ import annotations

import gc

_holders: set[str] = set()


def hold(key: str) -> None:
    """A run (by source id) has a large batch of emits pending: freeze what is alive now."""
    _holders.add(key)
    gc.freeze()


def release(key: str) -> None:
    """That run's emits are stored (or dropped); the last release unfreezes."""
    if key in _holders:
        _holders.discard(key)
        if not _holders:
            gc.unfreeze()
