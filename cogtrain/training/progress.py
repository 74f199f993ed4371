"""Progress maths: active training time toward the programme's target hours.

Time counts only while the participant is training (instructions, practice and trials),
never pauses: a block's active time is its wall time minus its pauses. Kept pure so the
participant screens, the consultant screens and the exports agree to the millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TARGET_HOURS = 40.0
MS_PER_MINUTE = 60_000.0
MS_PER_HOUR = 3_600_000.0


@dataclass(frozen=True)
class TimeTrained:
    """Active training time, today and in total."""

    today_ms: float
    total_ms: float
    target_hours: float = TARGET_HOURS

    @property
    def today_minutes(self) -> float:
        return self.today_ms / MS_PER_MINUTE

    @property
    def total_hours(self) -> float:
        return self.total_ms / MS_PER_HOUR

    @property
    def fraction_of_target(self) -> float:
        return min(1.0, self.total_hours / self.target_hours) if self.target_hours else 0.0


def active_ms(wall_ms: float, paused_ms: float) -> float:
    """Active time of a block from its wall time and its pauses (never negative)."""
    return max(0.0, wall_ms - max(0.0, paused_ms))


def time_trained(
    today_block_ms: Iterable[float],
    all_block_ms: Iterable[float],
    target_hours: float = TARGET_HOURS,
) -> TimeTrained:
    return TimeTrained(
        today_ms=float(sum(today_block_ms)),
        total_ms=float(sum(all_block_ms)),
        target_hours=target_hours,
    )
