"""Interval and cron timers, and one-shot calls, on the emulator's clock.

Due items sit in one heap ordered by (time, calls before timers, source id, insertion). A virtual
clock fires them only from `advance()`, one complete run after another; a real clock fires them
from a background loop that sleeps on the wall clock until the next one. A source never has two
timer runs at once: fires missed while a run lasts are coalesced into one fire when it ends.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import zoneinfo
from collections.abc import Awaitable, Callable
from datetime import datetime

from croniter import croniter

from .clock import Clock, ClockError

FireCallback = Callable[[str, dict], Awaitable[dict]]
CallCallback = Callable[[], Awaitable[None]]

logger = logging.getLogger(__name__)

_CALL, _TIMER = 0, 1
# A heap entry: (due ms, _CALL or _TIMER, source id, insertion order, the timer or call).
_Entry = tuple[int, int, str, int, "_Timer | _Call"]


class ScheduleError(ValueError):
    """An invalid timer configuration; the message names the field."""


def validate_timer(config: dict) -> dict:
    """Normalise a timer prop value to {"cron": str | None, "interval_seconds": int | None}."""
    if not isinstance(config, dict):
        raise ScheduleError(f"timer must be an object with cron or interval_seconds, got {config!r}")
    cron = config.get("cron")
    interval = config.get("interval_seconds")
    if interval is None:
        interval = config.get("intervalSeconds")
    if cron is None and interval is None:
        raise ScheduleError("timer needs cron or interval_seconds")
    if cron is not None and interval is not None:
        raise ScheduleError("timer takes cron or interval_seconds, not both")
    if cron is not None:
        if not isinstance(cron, str) or len(cron.split()) != 5 or not croniter.is_valid(cron):
            raise ScheduleError(f"cron must be a 5-field cron expression (UTC), got {cron!r}")
        return {"cron": " ".join(cron.split()), "interval_seconds": None, **_time_zone(config.get("timezone"))}
    if isinstance(interval, float) and interval.is_integer():
        interval = int(interval)
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise ScheduleError(f"interval_seconds must be an integer >= 1, got {interval!r}")
    return {"cron": None, "interval_seconds": interval}


def _time_zone(name: object) -> dict:
    """A cron timer's optional IANA `timezone` (its fields are read in that zone; UTC without one)."""
    if name is None or name == "UTC":
        return {}
    try:
        zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"timezone must be an IANA time zone name, got {name!r}") from None
    return {"timezone": str(name)}


async def _fire_nothing(source_id: str, event: dict) -> dict:
    return {"outcome": "skipped", "emitted": 0}


class _Timer:
    """One source's schedule: its due times and the event each fire carries."""

    def __init__(self, source_id: str, config: dict, now_ms: int) -> None:
        self.source_id = source_id
        self.cron: str | None = config["cron"]
        self.interval_seconds: int | None = config["interval_seconds"]
        self.zone = zoneinfo.ZoneInfo(config["timezone"]) if config.get("timezone") else None
        self.anchor_ms = now_ms
        self.next_ms: int | None = None
        self.entry: _Entry | None = None
        self.pending = False  # fell due while an earlier timer of the same source was running
        self._cron_iter: croniter | None = None
        self._cron_last_ms: int | None = None

    def next_due_after(self, after_ms: int) -> int:
        """The first due time strictly after `after_ms`."""
        if self.interval_seconds is not None:
            step = self.interval_seconds * 1000
            return self.anchor_ms + ((after_ms - self.anchor_ms) // step + 1) * step
        # Building a croniter costs ~100 µs; stepping an existing one ~20 µs, so keep it.
        if self._cron_iter is None or after_ms != self._cron_last_ms:
            start = datetime.fromtimestamp(after_ms / 1000, self.zone) if self.zone else after_ms / 1000
            self._cron_iter = croniter(self.cron or "", start)
        self._cron_last_ms = round(self._cron_iter.get_next(float) * 1000)
        return self._cron_last_ms

    def event(self, at_ms: int) -> dict:
        if self.cron is not None:
            return {"timestamp": at_ms // 1000, "cron": self.cron}
        return {"timestamp": at_ms // 1000, "interval_seconds": self.interval_seconds}


class _Call:
    def __init__(self, key: str, callback: CallCallback) -> None:
        self.key = key
        self.callback = callback
        self.entry: _Entry | None = None


class Scheduler:
    """Fires source timers and one-shot calls in due order on a `Clock`."""

    def __init__(self, clock: Clock, fire: FireCallback | None = None) -> None:
        self._clock = clock
        self._fire = fire or _fire_nothing
        self._timers: dict[str, _Timer] = {}
        self._calls: dict[str, _Call] = {}
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._timer_runs: dict[str, asyncio.Task] = {}
        self._call_tasks: set[asyncio.Task] = set()
        self._wake = asyncio.Event()
        self._advance_lock = asyncio.Lock()
        self._advancing = False
        self._loop_task: asyncio.Task | None = None
        self._unsubscribe = clock.subscribe(self._wake.set)

    def fire_with(self, fire: FireCallback) -> None:
        """What a due timer runs; the emulator wires it once the runtime exists (the runtime uses the scheduler)."""
        self._fire = fire

    # -- timers and calls -------------------------------------------------------------------

    def set_timer(self, source_id: str, config: dict, *, anchor_ms: int | None = None) -> None:
        """(Re)schedule a source: interval timers fire every interval from `anchor_ms` (default: now),
        the first time after now; cron timers at their next match."""
        now = self._clock.now_ms()
        timer = _Timer(source_id, validate_timer(config), now if anchor_ms is None else min(anchor_ms, now))
        previous = self._timers.get(source_id)
        if previous is not None:
            previous.entry = None
        self._timers[source_id] = timer
        self._queue(timer, timer.next_due_after(now))

    def remove_timer(self, source_id: str) -> None:
        timer = self._timers.pop(source_id, None)
        if timer is not None:
            timer.entry = None
            self._wake.set()

    def next_fire_ms(self, source_id: str) -> int | None:
        timer = self._timers.get(source_id)
        return None if timer is None else timer.next_ms

    def upcoming(self, limit: int = 20) -> list[dict]:
        """The next fire of each timer, soonest first."""
        planned = [(t.next_ms, t.source_id) for t in self._timers.values() if t.next_ms is not None]
        return [{"source_id": source_id, "at_ms": at_ms} for at_ms, source_id in heapq.nsmallest(limit, planned)]

    def call_at(self, at_ms: int, key: str, callback: CallCallback) -> None:
        """Run `callback` once when the clock reaches `at_ms`; a call with the same key is replaced."""
        self.cancel_call(key)
        call = _Call(key, callback)
        self._calls[key] = call
        self._queue(call, at_ms)

    def cancel_call(self, key: str) -> None:
        call = self._calls.pop(key, None)
        if call is not None:
            call.entry = None

    # -- advancing ----------------------------------------------------------------------------

    async def advance(self, *, seconds: float | None = None, until_ms: int | None = None) -> dict:
        """Move the clock forward, firing everything that falls due in time order, each run
        complete before the next; returns the new time and a record of every timer run."""
        if (seconds is None) == (until_ms is None):
            raise ClockError("advance takes seconds or until_ms")
        if seconds is not None and not (isinstance(seconds, (int, float)) and 0 <= seconds < math.inf):
            raise ClockError(f"seconds must be a finite number >= 0, got {seconds!r}")
        async with self._advance_lock:
            self._advancing = True
            self._wake.set()
            try:
                await self._wait_for_timer_runs()
                now = self._clock.now_ms()
                target = now + round(seconds * 1000) if seconds is not None else until_ms
                if not isinstance(target, int) or target < now:
                    raise ClockError(f"until_ms must be an integer >= the clock's current time {now}, got {until_ms!r}")
                runs = []
                while (entry := self._pop_due(target)) is not None:
                    at_ms, _, _, _, item = entry
                    self._clock.advance_to(max(at_ms, self._clock.now_ms()))
                    if isinstance(item, _Timer):
                        runs.append(await self._run_timer(item, at_ms))
                    else:
                        await self._run_call(item)
                self._clock.advance_to(max(target, self._clock.now_ms()))
                return {"now_ms": self._clock.now_ms(), "runs": runs}
            finally:
                self._advancing = False
                self._wake.set()

    # -- the real-time loop -------------------------------------------------------------------

    async def start(self) -> None:
        """Start the background loop that fires due items while the clock is real."""
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._real_time_loop(), name="scheduler")

    async def close(self) -> None:
        """Stop the loop and wait for fires in flight."""
        self._unsubscribe()
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
            self._loop_task = None
        await self._wait_for_timer_runs()
        while self._call_tasks:
            await asyncio.gather(*self._call_tasks, return_exceptions=True)

    async def _real_time_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            entry = self._peek()
            delay = None if entry is None or self._advancing else self._clock.wall_seconds_until(entry[0])
            if delay == 0 and entry is not None:
                heapq.heappop(self._heap)
                self._dispatch(entry)
                continue
            wake_up = None if delay is None else loop.call_later(delay, self._wake.set)
            await self._wake.wait()
            if wake_up is not None:
                wake_up.cancel()

    def _dispatch(self, entry: _Entry) -> None:
        at_ms, _, _, _, item = entry
        item.entry = None
        if isinstance(item, _Call):
            self._track(self._call_tasks, asyncio.create_task(self._run_call(item)))
        elif item.source_id in self._timer_runs:
            item.pending = True
        else:
            task = asyncio.create_task(self._run_timer_in_background(item, at_ms), name=f"timer {item.source_id}")
            self._timer_runs[item.source_id] = task

    async def _run_timer_in_background(self, timer: _Timer, due_ms: int) -> None:
        try:
            await self._run_timer(timer, due_ms)
        finally:
            # Here rather than in a done callback, so the loop never sees a finished run as in flight.
            if self._timer_runs.get(timer.source_id) is asyncio.current_task():
                del self._timer_runs[timer.source_id]

    def _track(self, tasks: set[asyncio.Task], task: asyncio.Task) -> None:
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def _wait_for_timer_runs(self) -> None:
        while self._timer_runs:
            await asyncio.gather(*self._timer_runs.values(), return_exceptions=True)

    # -- running one item ---------------------------------------------------------------------

    async def _run_timer(self, timer: _Timer, due_ms: int) -> dict:
        """Fire a timer once and queue its next due time. A fire whose following due time has
        also passed stands for all the missed ones: it carries the current time instead."""
        timer.entry = None
        now = self._clock.now_ms()
        following = timer.next_due_after(due_ms)
        at_ms = due_ms if following > now else now
        timer.next_ms = following if following > now else timer.next_due_after(now)
        try:
            result = dict(await self._fire(timer.source_id, timer.event(at_ms)) or {})
        except Exception as exc:
            logger.warning("timer run of %s failed: %r", timer.source_id, exc)
            result = {"outcome": "error", "error": str(exc) or type(exc).__name__}
        current = self._timers.get(timer.source_id)
        if current is timer:
            self._queue(timer, timer.next_ms)
        elif current is not None and current.pending:
            # The source's timer was replaced during this run and fell due meanwhile.
            current.pending = False
            self._queue(current, current.next_ms)  # type: ignore[arg-type]  # queued once, so set
        result.pop("source_id", None)
        result.pop("at_ms", None)
        return {"source_id": timer.source_id, "at_ms": at_ms, **result}

    async def _run_call(self, call: _Call) -> None:
        if self._calls.get(call.key) is call:
            del self._calls[call.key]
        try:
            await call.callback()
        except Exception:
            logger.exception("scheduled call %s failed", call.key)

    # -- the heap -----------------------------------------------------------------------------

    def _queue(self, item: _Timer | _Call, at_ms: int) -> None:
        if isinstance(item, _Timer):
            item.next_ms = at_ms
            entry: _Entry = (at_ms, _TIMER, item.source_id, next(self._seq), item)
        else:
            entry = (at_ms, _CALL, "", next(self._seq), item)
        item.entry = entry
        heapq.heappush(self._heap, entry)
        if len(self._heap) > 64 + 2 * (len(self._timers) + len(self._calls)):
            self._compact()
        if self._heap[0] is entry:
            self._wake.set()  # the loop may be sleeping until something later

    def _peek(self) -> _Entry | None:
        """The soonest live entry; stale ones (removed, rescheduled, cancelled) are dropped."""
        heap = self._heap
        while heap and heap[0][4].entry is not heap[0]:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def _pop_due(self, until_ms: int) -> _Entry | None:
        entry = self._peek()
        if entry is None or entry[0] > until_ms:
            return None
        heapq.heappop(self._heap)
        entry[4].entry = None
        return entry

    def _compact(self) -> None:
        live: list[_Timer | _Call] = [*self._timers.values(), *self._calls.values()]
        self._heap = [item.entry for item in live if item.entry is not None]
        heapq.heapify(self._heap)
