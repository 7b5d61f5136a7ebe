"""The emulator's one clock: real time (optionally accelerated) or virtual time that only moves
when advanced. Time is integer epoch milliseconds and never goes backwards."""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

MODES = ("real", "virtual")


class ClockError(ValueError):
    """A clock setting that cannot be applied (time backwards, bad speed, unknown mode)."""


def system_wall_ms() -> int:
    """The machine's wall clock in epoch milliseconds."""
    return time.time_ns() // 1_000_000


class Clock:
    """Real clock: emulated time = base + monotonic elapsed × speed. Virtual: stands still until
    advanced. Every change re-bases, so the speed or mode can change without a jump."""

    _base_ms: int
    _last_ms: int
    _base_monotonic: float

    def __init__(
        self,
        mode: str = "real",
        speed: float = 1.0,
        now_ms: int | None = None,
        *,
        wall_ms: Callable[[], int] | None = None,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._monotonic = monotonic or time.monotonic
        self._mode = _checked_mode(mode)
        self._speed = _checked_speed(speed)
        start = (wall_ms or system_wall_ms)() if now_ms is None else _checked_ms("now_ms", now_ms)
        self._subscribers: list[Callable[[], None]] = []
        self._rebase(start)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def run_speed(self) -> float:
        """How fast `Date` advances inside a run: the speed in real mode, 0 in virtual mode."""
        return self._speed if self._mode == "real" else 0.0

    def now_ms(self) -> int:
        if self._mode == "real":
            elapsed = self._monotonic() - self._base_monotonic
            # max() keeps time monotonic even if float rounding or the time source wobbles.
            self._last_ms = max(self._last_ms, self._base_ms + int(elapsed * 1000 * self._speed))
        return self._last_ms

    def set(self, *, mode: str | None = None, speed: float | None = None, now_ms: int | None = None) -> None:
        """Change mode, speed and/or time (never backwards), then tell every subscriber."""
        new_mode = self._mode if mode is None else _checked_mode(mode)
        new_speed = self._speed if speed is None else _checked_speed(speed)
        target = self._checked_forward(now_ms)
        self._mode, self._speed = new_mode, new_speed
        self._rebase(target)
        for callback in list(self._subscribers):
            callback()

    def restart(self, now_ms: int, *, mode: str, speed: float) -> None:
        """Start over at `now_ms`, even before the current time: only for an emptied emulator
        (a test fixture's reset between tests), where nothing scheduled depends on the old time."""
        self._mode, self._speed = _checked_mode(mode), _checked_speed(speed)
        self._rebase(_checked_ms("now_ms", now_ms))
        for callback in list(self._subscribers):
            callback()

    def advance_to(self, now_ms: int) -> None:
        """Move time forward to `now_ms` without notifying subscribers (the scheduler's step)."""
        target = self._checked_forward(now_ms)
        if self._mode == "virtual":
            self._last_ms = target
        else:
            self._rebase(target)

    def wall_seconds_until(self, at_ms: int) -> float | None:
        """Wall seconds until the clock reads `at_ms` (0 when past); None on a virtual clock."""
        if self._mode == "virtual":
            return None
        return max(0.0, (at_ms - self.now_ms()) / (1000 * self._speed))

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` after every `set()`; returns a function that unsubscribes it."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def to_api(self) -> dict:
        return {"mode": self._mode, "speed": self._speed, "now_ms": self.now_ms()}

    def _rebase(self, at_ms: int) -> None:
        self._base_ms = self._last_ms = at_ms
        self._base_monotonic = self._monotonic()

    def _checked_forward(self, now_ms: int | None) -> int:
        current = self.now_ms()
        if now_ms is None:
            return current
        target = _checked_ms("now_ms", now_ms)
        if target < current:
            raise ClockError(
                f"now_ms {target} is before the clock's current time {current}: the clock never goes backwards"
            )
        return target


def _checked_mode(mode: Any) -> str:
    if mode not in MODES:
        raise ClockError(f"mode must be 'real' or 'virtual', got {mode!r}")
    return mode


def _checked_speed(speed: object) -> float:
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not math.isfinite(speed) or speed <= 0:
        raise ClockError(f"speed must be a finite number > 0, got {speed!r}")
    return float(speed)


def _checked_ms(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ClockError(f"{field} must be an integer of epoch milliseconds, got {value!r}")
    return value
