"""Adaptive difficulty: a weighted up-down staircase aimed at about 80 % correct.

Why weighted up-down (Kaernbach, 1991): with a step up (harder) of ``step_up`` after a
correct answer and a step down (easier) of ``step_down`` after an error, the level is in
balance where ``p * step_up == (1 - p) * step_down``, i.e. ``p = step_down / (step_up +
step_down)``. A step down four times the step up settles at p = 0.8: the participant
succeeds most of the time and is still stretched. Unlike n-down-1-up rules it reacts to
every answer, which suits short blocks.

The staircase moves a continuous ``value``; the exercise level is its integer part,
clipped to the level table. Its whole history is in plain public lists so a test can
script answers and check exact levels, and so the state can be stored and restored
between blocks (the next block starts where the last one ended).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

TARGET_P_CORRECT = 0.8
DEFAULT_STEP_UP = 0.25
DEFAULT_STEP_DOWN = 1.0


class StaircaseStateError(ValueError):
    """A stored staircase state that cannot be trusted (out of range, not a number)."""


@dataclass
class StaircaseState:
    """What is stored between blocks for one participant and exercise."""

    value: float
    min_level: int
    max_level: int
    step_up: float = DEFAULT_STEP_UP
    step_down: float = DEFAULT_STEP_DOWN
    n_trials: int = 0
    n_reversals: int = 0

    def validate(self) -> None:
        """Raise :class:`StaircaseStateError` saying which field is wrong."""
        for name in ("value", "step_up", "step_down"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise StaircaseStateError(f"{name} is not a finite number: {v!r}")
        if not (isinstance(self.min_level, int) and isinstance(self.max_level, int)):
            raise StaircaseStateError("min_level and max_level must be whole numbers")
        if self.min_level < 1 or self.max_level < self.min_level:
            raise StaircaseStateError(
                f"level range {self.min_level}..{self.max_level} is impossible"
            )
        if not (self.min_level <= self.value < self.max_level + 1):
            raise StaircaseStateError(
                f"value {self.value} lies outside levels {self.min_level}..{self.max_level}"
            )
        if self.step_up <= 0 or self.step_down <= 0:
            raise StaircaseStateError("steps must be positive")
        if self.n_trials < 0 or self.n_reversals < 0:
            raise StaircaseStateError("counts must not be negative")


@dataclass
class Staircase:
    """A weighted up-down staircase over integer levels ``min_level..max_level``.

    ``levels[i]`` is the level used for answer ``i`` and ``responses[i]`` whether it was
    correct; ``values[i]`` is the continuous value before answer ``i``.
    """

    value: float
    min_level: int
    max_level: int
    step_up: float = DEFAULT_STEP_UP
    step_down: float = DEFAULT_STEP_DOWN
    n_trials: int = 0
    n_reversals: int = 0
    values: list[float] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    responses: list[bool] = field(default_factory=list)
    reversal_indices: list[int] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        min_level: int,
        max_level: int,
        *,
        level: int | None = None,
        step_up: float = DEFAULT_STEP_UP,
        step_down: float = DEFAULT_STEP_DOWN,
    ) -> Staircase:
        start = min_level if level is None else level
        state = StaircaseState(float(start), min_level, max_level, step_up, step_down)
        state.validate()
        return cls.from_state(state)

    @classmethod
    def from_state(cls, state: StaircaseState) -> Staircase:
        state.validate()
        return cls(
            value=float(state.value),
            min_level=state.min_level,
            max_level=state.max_level,
            step_up=state.step_up,
            step_down=state.step_down,
            n_trials=state.n_trials,
            n_reversals=state.n_reversals,
        )

    def state(self) -> StaircaseState:
        return StaircaseState(
            value=self.value,
            min_level=self.min_level,
            max_level=self.max_level,
            step_up=self.step_up,
            step_down=self.step_down,
            n_trials=self.n_trials,
            n_reversals=self.n_reversals,
        )

    @property
    def level(self) -> int:
        """The level to use for the next trial."""
        return level_of(self.value, self.min_level, self.max_level)

    @property
    def target_p_correct(self) -> float:
        return self.step_down / (self.step_up + self.step_down)

    def update(self, correct: bool) -> int:
        """Record one answer at the current level and return the level for the next."""
        self.values.append(self.value)
        self.levels.append(self.level)
        if self.responses and self.responses[-1] != correct:
            self.n_reversals += 1
            self.reversal_indices.append(len(self.responses))
        self.responses.append(bool(correct))
        self.n_trials += 1
        step = self.step_up if correct else -self.step_down
        top = self.max_level + 1 - 1e-9
        self.value = min(max(self.value + step, float(self.min_level)), top)
        return self.level


def level_of(value: float, min_level: int, max_level: int) -> int:
    """The integer level a staircase value stands for, clipped to the table."""
    return max(min_level, min(max_level, math.floor(value + 1e-9)))
