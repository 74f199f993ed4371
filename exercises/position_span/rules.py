"""Position span (visuo-spatial working memory, Corsi-style): repeat where the lights were.

Work theme: a pick-to-light shelf in a warehouse. The bins on a shelf light up one after
another (the study phase); then the participant touches the same bins in the same
order. At the highest levels the order is reversed: last lit bin first, as when a
trolley must be unloaded in the opposite order it was loaded.

Levels (one row each; level 1 is the errorless start):

=====  ====  ====  =========  =====  ======
level  span  grid  direction  on_ms  off_ms
=====  ====  ====  =========  =====  ======
1      2     3x3   forwards   1000   500
2      3     3x3   forwards   1000   500
3      4     3x3   forwards   1000   500
4      4     4x4   forwards   900    450
5      5     4x4   forwards   900    450
6      5     4x4   forwards   800    400
7      6     4x4   forwards   800    400
8      5     4x4   backwards  900    450
9      5     4x4   backwards  800    400
10     6     4x4   backwards  800    400
11     6     4x4   backwards  700    350
12     7     4x4   backwards  700    350
=====  ====  ====  =========  =====  ======

``span`` bins light up, each for ``on_ms`` with ``off_ms`` dark after it; the study phase
(``input_after_ms``) is ``span * (on_ms + off_ms)``. Backwards recall is harder than
forwards at the same span (backward spans run about one below forward ones), so the
switch at level 8 comes with a span one below level 7's and a slower pace again. There
is no time limit for tapping: memory, not speed, is trained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "position_span"
GRIDS = (3, 4)


@dataclass(frozen=True)
class SpanLevel:
    span: int
    grid: int  # bins per side: 3 means a 3x3 shelf
    backwards: bool
    on_ms: float
    off_ms: float


LEVELS: tuple[SpanLevel, ...] = (
    SpanLevel(2, 3, False, 1000.0, 500.0),
    SpanLevel(3, 3, False, 1000.0, 500.0),
    SpanLevel(4, 3, False, 1000.0, 500.0),
    SpanLevel(4, 4, False, 900.0, 450.0),
    SpanLevel(5, 4, False, 900.0, 450.0),
    SpanLevel(5, 4, False, 800.0, 400.0),
    SpanLevel(6, 4, False, 800.0, 400.0),
    SpanLevel(5, 4, True, 900.0, 450.0),
    SpanLevel(5, 4, True, 800.0, 400.0),
    SpanLevel(6, 4, True, 800.0, 400.0),
    SpanLevel(6, 4, True, 700.0, 350.0),
    SpanLevel(7, 4, True, 700.0, 350.0),
)


@dataclass(frozen=True)
class SpanTrial:
    """``sequence`` holds bin indices (row * grid + column) in the order they light up."""

    level: int
    grid: int
    sequence: tuple[int, ...]
    backwards: bool
    on_ms: float
    off_ms: float

    @property
    def time_limit_ms(self) -> float | None:
        return None

    @property
    def span(self) -> int:
        return len(self.sequence)

    @property
    def step_ms(self) -> float:
        return self.on_ms + self.off_ms

    @property
    def input_after_ms(self) -> float:
        return self.span * self.step_ms

    @property
    def expected(self) -> tuple[int, ...]:
        """The taps that are right: the sequence, or the sequence reversed."""
        return tuple(reversed(self.sequence)) if self.backwards else self.sequence

    def lit_at(self, elapsed_ms: float) -> int | None:
        """The bin lit ``elapsed_ms`` after onset, or None (dark gap, or study over)."""
        if elapsed_ms < 0:
            return None
        step = int(elapsed_ms // self.step_ms)
        if step >= self.span or elapsed_ms - step * self.step_ms >= self.on_ms:
            return None
        return self.sequence[step]

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "grid": self.grid,
            "sequence": list(self.sequence),
            "backwards": self.backwards,
            "on_ms": self.on_ms,
            "off_ms": self.off_ms,
        }


def spec_from_json(obj: Mapping[str, Any]) -> SpanTrial:
    grid = int(obj["grid"])
    if grid not in GRIDS:
        raise ValueError(f"position_span: grid {grid} is not one of {GRIDS}")
    sequence = tuple(int(c) for c in obj["sequence"])
    if not sequence or len(set(sequence)) != len(sequence):
        raise ValueError("position_span: the sequence must list distinct bins")
    if not all(0 <= c < grid * grid for c in sequence):
        raise ValueError(f"position_span: a bin lies outside the {grid}x{grid} shelf")
    on_ms, off_ms = float(obj["on_ms"]), float(obj["off_ms"])
    if on_ms <= 0 or off_ms < 0:
        raise ValueError("position_span: on_ms must be positive and off_ms not negative")
    return SpanTrial(
        level=int(obj["level"]),
        grid=grid,
        sequence=sequence,
        backwards=bool(obj["backwards"]),
        on_ms=on_ms,
        off_ms=off_ms,
    )


def make_trial(level: int, rng: np.random.Generator) -> SpanTrial:
    """Build the lit sequence for ``level`` from ``rng`` (same seed → same trial).

    Bins never repeat, and two bins in a row are never next to each other (sideways or
    up and down), so every step is a clear jump that is easy to see.
    """
    row = RULES.level_row(level)
    n = row.grid * row.grid
    sequence: list[int] = []
    while len(sequence) < row.span:
        last = sequence[-1] if sequence else None
        options = [c for c in range(n) if c not in sequence and not _touching(c, last, row.grid)]
        sequence.append(int(rng.choice(options)))
    return SpanTrial(
        level=level,
        grid=row.grid,
        sequence=tuple(sequence),
        backwards=row.backwards,
        on_ms=row.on_ms,
        off_ms=row.off_ms,
    )


def _touching(a: int, b: int | None, grid: int) -> bool:
    if b is None:
        return False
    (ra, ca), (rb, cb) = divmod(a, grid), divmod(b, grid)
    return abs(ra - rb) + abs(ca - cb) == 1


def score(spec: SpanTrial, response: Response) -> Outcome:
    """Right when the taps match the lit bins in order (reversed on backwards levels)."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    taps = tuple(int(t) for t in response.answer.get("taps", ()))
    expected = spec.expected
    n_in_place = 0
    for a, b in zip(taps, expected, strict=False):
        if a != b:
            break
        n_in_place += 1
    details = {"n_right_from_start": n_in_place}
    if taps == expected:
        return Outcome(correct=True, details=details)
    if len(taps) != len(expected):
        return Outcome(correct=False, error_kind="incomplete", details=details)
    if set(taps) != set(expected):
        return Outcome(correct=False, error_kind="wrong_bin", details=details)
    if spec.backwards and taps == spec.sequence:
        return Outcome(correct=False, error_kind="not_reversed", details=details)
    return Outcome(correct=False, error_kind="wrong_order", details=details)


def correct_response(spec: SpanTrial) -> Response:
    return Response(answer={"taps": list(spec.expected)})


def error_response(spec: SpanTrial, rng: np.random.Generator) -> Response:
    """A plausible slip: two neighbours swapped, one wrong bin, or (backwards) no reversal."""
    taps = list(spec.expected)
    kind = rng.random()
    if spec.backwards and kind < 0.25:
        return Response(answer={"taps": list(spec.sequence)})
    if len(taps) >= 2 and kind < 0.6:
        i = int(rng.integers(0, len(taps) - 1))
        taps[i], taps[i + 1] = taps[i + 1], taps[i]
    else:
        others = [c for c in range(spec.grid * spec.grid) if c not in taps]
        taps[int(rng.integers(0, len(taps)))] = int(rng.choice(others))
    return Response(answer={"taps": taps})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.MEMORY,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
)
