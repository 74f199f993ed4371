"""What the end-of-session screen says: time today, time in all, and what went well.

"What went well" is the exercise whose level rose most in today's scored blocks; when
nothing rose, the exercise with the most right answers. Framed as what was done, never
as what is missing. Pure: the flow passes the blocks it read from the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ScoredBlock:
    exercise_id: str
    start_level: int
    end_level: int
    n_trials: int
    n_correct: int


@dataclass(frozen=True)
class WentWell:
    """The exercise to mention, and its level at the start and end of today."""

    exercise_id: str
    from_level: int
    to_level: int

    @property
    def stepped_up(self) -> bool:
        return self.to_level > self.from_level


def went_well(blocks: Sequence[ScoredBlock]) -> WentWell | None:
    """The exercise with the biggest step up today (first played wins a tie)."""
    first_level: dict[str, int] = {}
    last_level: dict[str, int] = {}
    correct: dict[str, int] = {}
    for b in blocks:
        if b.n_trials <= 0:
            continue
        first_level.setdefault(b.exercise_id, b.start_level)
        last_level[b.exercise_id] = b.end_level
        correct[b.exercise_id] = correct.get(b.exercise_id, 0) + b.n_correct
    if not first_level:
        return None
    order = list(first_level)
    best = max(order, key=lambda x: (last_level[x] - first_level[x], -order.index(x)))
    if last_level[best] <= first_level[best]:
        best = max(order, key=lambda x: (correct[x], -order.index(x)))
    return WentWell(best, first_level[best], last_level[best])
