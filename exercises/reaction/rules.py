"""Reaction (processing speed): press as soon as a parcel appears at the loading dock.

Work theme: parcels arrive at the doors of a loading dock. At the first levels there is
one door, and the participant presses Space (or clicks) the moment a parcel appears:
simple reaction time. Later there are two to four doors side by side; the parcel appears
in front of one of them and the participant presses that door's key (or clicks the
door): choice reaction time. The keys sit under the doors: F J for two doors, F Space J
for three, D F J K for four (and the number keys 1–4, and the arrow keys for two or
three doors).

Foreperiod: every trial starts with the runner's calm gap, during which the dock is
empty and input is not taken. From the first levels with ``foreperiod`` "variable" the
empty dock stays on screen for a further ``foreperiod_ms`` after the trial has started,
drawn by the view from ``elapsed_ms``; input is open during this wait, so a press before
the parcel is there is an ``anticipation`` (an error). The participant sees one empty
dock throughout and cannot tell the gap and the wait apart, so the time before the
parcel varies from trial to trial and cannot be guessed. At levels with a fixed
foreperiod (``foreperiod_ms`` 0) the parcel is there when the trial starts: the gap
alone is the (always equal) foreperiod, and an early press is impossible.

The response window (``window_ms``) counts from the parcel's appearance; the trial's
time limit is ``foreperiod_ms + window_ms`` from the start of the trial. Reaction time
proper is the logged ``rt_ms`` minus the trial's ``shown_ms["target"]``: when the
parcel was really first on screen (up to a screen refresh after ``foreperiod_ms``).

Levels (one row each; level 1 is the errorless start):

=====  =======  ==============  =========
level  choices  foreperiod_ms   window_ms
=====  =======  ==============  =========
1      1        0 (fixed)       5000
2      1        0 (fixed)       2000
3      1        500–1500        1500
4      1        500–2000        1200
5      2        500–1500        2000
6      2        500–2000        1500
7      2        500–2000        1100
8      3        500–2000        1800
9      3        500–2000        1300
10     4        500–2000        1800
11     4        500–2000        1400
12     4        500–2500        1100
13     4        500–2500        900
14     4        500–2500        750
=====  =======  ==============  =========

Level 1 has no time pressure: five seconds to press one big key when a parcel appears
is a safety net for a participant who looked away, not a race, and no clock is shown.
It is also what makes level 1 possible to get wrong at all (there is one door and no
early press), which the staircase and the simulated learners need.

Foreperiods are drawn uniformly from the row's range in steps of 50 ms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import (
    Domain,
    ExerciseRules,
    Outcome,
    Response,
    StimulusMark,
    TrialTiming,
)

EXERCISE_ID = "reaction"
MAX_CHOICES = 4
FOREPERIOD_STEP_MS = 50


@dataclass(frozen=True)
class ReactionLevel:
    choices: int
    foreperiod_min_ms: float
    foreperiod_max_ms: float
    window_ms: float

    @property
    def variable_foreperiod(self) -> bool:
        return self.foreperiod_max_ms > 0


LEVELS: tuple[ReactionLevel, ...] = (
    ReactionLevel(1, 0.0, 0.0, 5000.0),
    ReactionLevel(1, 0.0, 0.0, 2000.0),
    ReactionLevel(1, 500.0, 1500.0, 1500.0),
    ReactionLevel(1, 500.0, 2000.0, 1200.0),
    ReactionLevel(2, 500.0, 1500.0, 2000.0),
    ReactionLevel(2, 500.0, 2000.0, 1500.0),
    ReactionLevel(2, 500.0, 2000.0, 1100.0),
    ReactionLevel(3, 500.0, 2000.0, 1800.0),
    ReactionLevel(3, 500.0, 2000.0, 1300.0),
    ReactionLevel(4, 500.0, 2000.0, 1800.0),
    ReactionLevel(4, 500.0, 2000.0, 1400.0),
    ReactionLevel(4, 500.0, 2500.0, 1100.0),
    ReactionLevel(4, 500.0, 2500.0, 900.0),
    ReactionLevel(4, 500.0, 2500.0, 750.0),
)


@dataclass(frozen=True)
class ReactionTrial:
    """One parcel: it appears at door ``target`` (of ``choices``) after ``foreperiod_ms``."""

    level: int
    choices: int
    target: int
    foreperiod_ms: float
    window_ms: float

    @property
    def time_limit_ms(self) -> float | None:
        return self.foreperiod_ms + self.window_ms

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "choices": self.choices,
            "target": self.target,
            "foreperiod_ms": self.foreperiod_ms,
            "window_ms": self.window_ms,
            "time_limit_ms": self.time_limit_ms,
        }


def spec_from_json(obj: Mapping[str, Any]) -> ReactionTrial:
    choices = int(obj["choices"])
    target = int(obj["target"])
    foreperiod = float(obj["foreperiod_ms"])
    window = float(obj["window_ms"])
    if not 1 <= choices <= MAX_CHOICES:
        raise ValueError(f"reaction: {choices} choices (1..{MAX_CHOICES} allowed)")
    if not 0 <= target < choices:
        raise ValueError(f"reaction: target {target} outside {choices} doors")
    if foreperiod < 0 or window <= 0:
        raise ValueError(f"reaction: foreperiod {foreperiod} / window {window} impossible")
    return ReactionTrial(
        level=int(obj["level"]),
        choices=choices,
        target=target,
        foreperiod_ms=foreperiod,
        window_ms=window,
    )


def make_trial(level: int, rng: np.random.Generator) -> ReactionTrial:
    """Build the trial for ``level`` from ``rng`` (same seed → same trial)."""
    row = RULES.level_row(level)
    steps = int((row.foreperiod_max_ms - row.foreperiod_min_ms) // FOREPERIOD_STEP_MS)
    foreperiod = row.foreperiod_min_ms + FOREPERIOD_STEP_MS * int(rng.integers(0, steps + 1))
    return ReactionTrial(
        level=level,
        choices=row.choices,
        target=int(rng.integers(0, row.choices)),
        foreperiod_ms=float(foreperiod),
        window_ms=row.window_ms,
    )


def score(spec: ReactionTrial, response: Response) -> Outcome:
    """Right when the parcel's own door is pressed after it appeared, within the window."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    if response.answer.get("early"):
        return Outcome(correct=False, error_kind="anticipation")
    choice = int(response.answer["choice"])
    if choice != spec.target:
        return Outcome(correct=False, error_kind="wrong_door", details={"chosen": choice})
    return Outcome(correct=True)


def correct_response(spec: ReactionTrial) -> Response:
    return Response(answer={"choice": spec.target, "early": False})


def error_response(spec: ReactionTrial, rng: np.random.Generator) -> Response:
    """A plausible mistake: a press before the parcel (where the wait varies), a
    neighbouring door (with more than one), or no press in time."""
    kinds = ["timeout"]
    if spec.foreperiod_ms > 0:
        kinds.append("anticipation")
    if spec.choices > 1:
        kinds.append("wrong_door")
    kind = kinds[int(rng.integers(0, len(kinds)))]
    if kind == "timeout":
        return Response.timeout()
    if kind == "anticipation":
        return Response(answer={"choice": int(rng.integers(0, spec.choices)), "early": True})
    neighbours = [d for d in (spec.target - 1, spec.target + 1) if 0 <= d < spec.choices]
    return Response(answer={"choice": int(rng.choice(neighbours)), "early": False})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.PROCESSING_SPEED,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
    # Errors only: a right press ends with the parcel gone, which is feedback enough,
    # and the dock keeps its rhythm.
    timing=TrialTiming(gap_ms=800.0, feedback_ms=1200.0, feedback="errors"),
    marks=(
        StimulusMark(
            "target",
            "The parcel at its door; rt_ms minus this is the reaction time proper, from "
            "the parcel to the press.",
        ),
    ),
)
