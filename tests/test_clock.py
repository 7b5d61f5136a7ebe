"""The clock: real (accelerated) and virtual time in integer ms that never goes backwards."""
from __future__ import annotations

import time

import pytest

from emulator.timing.clock import Clock, ClockError

JAN_1_2024_MS = 1_704_067_200_000


class SteppedTime:
    """A monotonic time source the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = 100.0

    def __call__(self) -> float:
        return self.seconds


def test_real_clock_starts_at_wall_time() -> None:
    before = time.time_ns() // 1_000_000
    now = Clock().now_ms()
    assert before <= now <= time.time_ns() // 1_000_000


def test_real_clock_starts_at_the_wall_time_it_is_given() -> None:
    assert Clock(wall_ms=lambda: JAN_1_2024_MS, monotonic=SteppedTime()).now_ms() == JAN_1_2024_MS


def test_real_clock_runs_speed_times_faster_than_elapsed_time() -> None:
    elapsed = SteppedTime()
    clock = Clock("real", speed=100, now_ms=JAN_1_2024_MS, monotonic=elapsed)
    elapsed.seconds += 1.5
    assert clock.now_ms() == JAN_1_2024_MS + 150_000


def test_virtual_clock_stands_still_until_advanced() -> None:
    elapsed = SteppedTime()
    clock = Clock("virtual", now_ms=JAN_1_2024_MS, monotonic=elapsed)
    elapsed.seconds += 60
    assert clock.now_ms() == JAN_1_2024_MS
    clock.advance_to(JAN_1_2024_MS + 5)
    assert clock.now_ms() == JAN_1_2024_MS + 5


def test_changing_speed_rebases_without_a_jump() -> None:
    elapsed = SteppedTime()
    clock = Clock("real", speed=10, now_ms=0, monotonic=elapsed)
    elapsed.seconds += 2
    clock.set(speed=1000)
    assert clock.now_ms() == 20_000
    elapsed.seconds += 0.5
    assert clock.now_ms() == 520_000


def test_switching_to_virtual_freezes_the_current_time() -> None:
    elapsed = SteppedTime()
    clock = Clock("real", speed=2, now_ms=0, monotonic=elapsed)
    elapsed.seconds += 3
    clock.set(mode="virtual")
    elapsed.seconds += 3
    assert clock.now_ms() == 6_000
    assert clock.run_speed == 0


def test_switching_to_real_resumes_from_the_virtual_time() -> None:
    elapsed = SteppedTime()
    clock = Clock("virtual", speed=4, now_ms=JAN_1_2024_MS, monotonic=elapsed)
    elapsed.seconds += 50
    clock.set(mode="real")
    elapsed.seconds += 1
    assert clock.now_ms() == JAN_1_2024_MS + 4_000
    assert clock.run_speed == 4


def test_setting_time_forward_jumps() -> None:
    clock = Clock("virtual", now_ms=JAN_1_2024_MS)
    clock.set(now_ms=JAN_1_2024_MS + 3_600_000)
    assert clock.to_api() == {"mode": "virtual", "speed": 1.0, "now_ms": JAN_1_2024_MS + 3_600_000}


def test_setting_time_backwards_is_refused_and_changes_nothing() -> None:
    clock = Clock("virtual", now_ms=JAN_1_2024_MS)
    with pytest.raises(ClockError, match="never goes backwards"):
        clock.set(mode="real", speed=5, now_ms=JAN_1_2024_MS - 1)
    assert clock.to_api() == {"mode": "virtual", "speed": 1.0, "now_ms": JAN_1_2024_MS}


def test_advancing_backwards_is_refused() -> None:
    clock = Clock("virtual", now_ms=JAN_1_2024_MS)
    with pytest.raises(ClockError, match="never goes backwards"):
        clock.advance_to(JAN_1_2024_MS - 1000)


@pytest.mark.parametrize("speed", [0, -1, float("inf"), float("nan"), True, "2"])
def test_speed_must_be_a_positive_finite_number(speed: object) -> None:
    with pytest.raises(ClockError, match="speed"):
        Clock(speed=speed)  # type: ignore[arg-type]
    with pytest.raises(ClockError, match="speed"):
        Clock().set(speed=speed)  # type: ignore[arg-type]


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ClockError, match="mode must be 'real' or 'virtual', got 'fast'"):
        Clock("fast")


def test_now_ms_must_be_an_integer() -> None:
    with pytest.raises(ClockError, match="now_ms must be an integer"):
        Clock(now_ms=1.5)  # type: ignore[arg-type]


def test_real_clock_never_goes_backwards_when_its_time_source_does() -> None:
    elapsed = SteppedTime()
    clock = Clock("real", now_ms=0, monotonic=elapsed)
    elapsed.seconds += 1
    assert clock.now_ms() == 1000
    elapsed.seconds -= 0.5
    assert clock.now_ms() == 1000


def test_wall_seconds_until_scales_with_speed() -> None:
    clock = Clock("real", speed=1000, now_ms=0, monotonic=SteppedTime())
    assert clock.wall_seconds_until(60_000) == pytest.approx(0.06)
    assert clock.wall_seconds_until(-5) == 0


def test_wall_seconds_until_is_none_on_a_virtual_clock() -> None:
    assert Clock("virtual", now_ms=0).wall_seconds_until(60_000) is None


def test_subscribers_hear_every_set_until_they_unsubscribe() -> None:
    clock = Clock("virtual", now_ms=0)
    heard: list[dict] = []
    unsubscribe = clock.subscribe(lambda: heard.append(clock.to_api()))
    clock.set(speed=10)
    clock.advance_to(5)
    clock.set(now_ms=10)
    unsubscribe()
    clock.set(mode="real")
    assert heard == [
        {"mode": "virtual", "speed": 10.0, "now_ms": 0},
        {"mode": "virtual", "speed": 10.0, "now_ms": 10},
    ]
