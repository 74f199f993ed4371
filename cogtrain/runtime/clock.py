"""Clocks for trial timing.

All trial times are taken from one monotonic, high-resolution clock
(``time.perf_counter_ns``): stimulus onset right after the flip that shows it, responses
when their input event is taken from the queue. Wall-clock (UTC) times for the log are
derived from the same clock through one anchor taken at start-up, so onset and response
times in the database differ by exactly the measured reaction time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now_ns(self) -> int: ...

    def to_utc(self, t_ns: int) -> datetime: ...


class MonotonicClock:
    """The real clock: ``perf_counter_ns`` anchored to UTC once."""

    def __init__(self) -> None:
        self._anchor_ns = time.perf_counter_ns()
        self._anchor_utc = datetime.now(UTC)

    def now_ns(self) -> int:
        return time.perf_counter_ns()

    def to_utc(self, t_ns: int) -> datetime:
        return self._anchor_utc + timedelta(microseconds=(t_ns - self._anchor_ns) / 1000)


class ManualClock:
    """A clock that moves only when told to: for headless tests of the real loop."""

    def __init__(self, start_ns: int = 1_000_000_000, start_utc: datetime | None = None) -> None:
        self.t_ns = start_ns
        self._anchor_ns = start_ns
        self._anchor_utc = start_utc or datetime.now(UTC)

    def now_ns(self) -> int:
        return self.t_ns

    def advance_ms(self, ms: float) -> None:
        self.t_ns += int(ms * 1_000_000)

    def to_utc(self, t_ns: int) -> datetime:
        return self._anchor_utc + timedelta(microseconds=(t_ns - self._anchor_ns) / 1000)


def ms_between(start_ns: int, end_ns: int) -> float:
    """Milliseconds between two clock readings, with sub-millisecond precision."""
    return (end_ns - start_ns) / 1_000_000
