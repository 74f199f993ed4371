"""A block: one run of one exercise. Plain records and the pure maths over them.

The runtime produces one :class:`TrialRecord` per ended trial and hands it to storage,
which commits it at once. Summaries are computed from those records (or from the same
numbers read back from the database), never kept as separate truth.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class BlockConfig:
    """How long a block runs: whichever limit comes first ends it."""

    max_trials: int = 30
    max_active_ms: float = 5 * 60_000.0
    practice_trials: int = 4
    show_trial_count: bool = True
    """"Task 3 of 30" on screen; off for blocks that end on time (planned sessions)."""

    def __post_init__(self) -> None:
        if self.max_trials < 1 or self.practice_trials < 1 or self.max_active_ms <= 0:
            raise ValueError("a block needs at least one trial and some time")


@dataclass(frozen=True)
class TrialRecord:
    """Everything logged about one trial, enough to replay it."""

    index: int
    level: int
    spec: dict[str, Any]
    response: dict[str, Any]
    correct: bool
    error_kind: str | None
    rt_ms: float | None
    onset_at: datetime
    response_at: datetime
    staircase_before: float
    staircase_after: float
    shown_ms: dict[str, float] | None = None
    """For exercises with stimulus marks (see ``StimulusMark``): each mark on screen
    before the response, as ms from onset to the flip that first showed it."""


@dataclass(frozen=True)
class BlockSummary:
    """What the end-of-block screen and the consultant see about one block."""

    n_trials: int
    n_correct: int
    start_level: int
    end_level: int
    median_rt_ms: float | None

    @property
    def accuracy(self) -> float:
        return self.n_correct / self.n_trials if self.n_trials else 0.0


def summarise(records: Sequence[TrialRecord], *, start_level: int, end_level: int) -> BlockSummary:
    """Summarise a block's trials. ``end_level`` is the level the next block starts at."""
    rts = [r.rt_ms for r in records if r.rt_ms is not None and r.correct]
    return BlockSummary(
        n_trials=len(records),
        n_correct=sum(1 for r in records if r.correct),
        start_level=start_level,
        end_level=end_level,
        median_rt_ms=statistics.median(rts) if rts else None,
    )
