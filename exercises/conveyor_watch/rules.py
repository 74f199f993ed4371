"""Conveyor watch (sustained attention): stop only the fragile parcels on a conveyor belt.

Work theme: parcels pass a checkpoint on the packing-room conveyor one at a time. Each
parcel has a handling sticker. Only parcels with the *fragile* sticker (a wine glass)
must be stopped; every other parcel is let through. It is order picking's "keep an eye
on the line" in small: watching a dull stream and acting only on the rare item that
matters (a continuous performance task).

Each parcel is one trial. The participant presses Space (or clicks) for a fragile
parcel and does nothing for the others. A parcel is visible in the checkpoint for
``pass_ms``; the response window (the trial's time limit) is ``window_ms`` from its
arrival. Not responding to an ordinary parcel is the right answer (the runner's
timeout); responding to it is a ``false_alarm``; letting a fragile parcel through is a
``miss``. The runner's short gap and feedback only after errors keep the stream
flowing.

Levels (one row each; level 1 is the errorless start):

=====  =========  =======  ===========  ==============  ==========
level  window_ms  pass_ms  target_rate  lookalike_rate  lookalikes
=====  =========  =======  ===========  ==============  ==========
1      4000       3000     0.40         0.00            0
2      3600       2600     0.38         0.00            0
3      3200       2300     0.36         0.15            1
4      2900       2100     0.35         0.25            1
5      2600       1900     0.33         0.30            2
6      2400       1700     0.32         0.35            2
7      2200       1500     0.31         0.40            2
8      2000       1350     0.30         0.45            3
9      1800       1200     0.29         0.50            3
10     1650       1050     0.28         0.55            3
11     1500       950      0.27         0.60            3
12     1350       850      0.26         0.65            3
13     1200       750      0.25         0.70            3
=====  =========  =======  ===========  ==============  ==========

``target_rate`` is the chance that a parcel is fragile. ``lookalike_rate`` is the share
of ordinary parcels whose sticker resembles the glass; ``lookalikes`` is how many of the
look-alike stickers are in use, from least to most similar: a mug, an upside-down
glass, a funnel (a glass without its foot). The other ordinary stickers (arrows "this
way up", an umbrella "keep dry", a plain address label) are easy to tell apart.

Targets stay at one in four or more on purpose: with rarer targets a participant who
never pressed would be right more than 80 % of the time, and the shared staircase
(aimed at 80 % correct) would then reward doing nothing with harder levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response, TrialTiming

EXERCISE_ID = "conveyor_watch"

TARGET_MARK = "glass"
# Look-alike stickers, least similar first: a level with ``lookalikes = k`` uses the
# first k of them.
LOOKALIKE_MARKS: tuple[str, ...] = ("mug", "glass_down", "funnel")
PLAIN_MARKS: tuple[str, ...] = ("arrows", "umbrella", "label")
ALL_MARKS: frozenset[str] = frozenset((TARGET_MARK, *LOOKALIKE_MARKS, *PLAIN_MARKS))


@dataclass(frozen=True)
class ConveyorLevel:
    window_ms: float
    pass_ms: float
    target_rate: float
    lookalike_rate: float
    lookalikes: int


LEVELS: tuple[ConveyorLevel, ...] = (
    ConveyorLevel(4000.0, 3000.0, 0.40, 0.00, 0),
    ConveyorLevel(3600.0, 2600.0, 0.38, 0.00, 0),
    ConveyorLevel(3200.0, 2300.0, 0.36, 0.15, 1),
    ConveyorLevel(2900.0, 2100.0, 0.35, 0.25, 1),
    ConveyorLevel(2600.0, 1900.0, 0.33, 0.30, 2),
    ConveyorLevel(2400.0, 1700.0, 0.32, 0.35, 2),
    ConveyorLevel(2200.0, 1500.0, 0.31, 0.40, 2),
    ConveyorLevel(2000.0, 1350.0, 0.30, 0.45, 3),
    ConveyorLevel(1800.0, 1200.0, 0.29, 0.50, 3),
    ConveyorLevel(1650.0, 1050.0, 0.28, 0.55, 3),
    ConveyorLevel(1500.0, 950.0, 0.27, 0.60, 3),
    ConveyorLevel(1350.0, 850.0, 0.26, 0.65, 3),
    ConveyorLevel(1200.0, 750.0, 0.25, 0.70, 3),
)


@dataclass(frozen=True)
class ConveyorTrial:
    """One parcel passing the checkpoint."""

    level: int
    mark: str
    window_ms: float
    pass_ms: float

    @property
    def time_limit_ms(self) -> float | None:
        return self.window_ms

    @property
    def is_target(self) -> bool:
        return self.mark == TARGET_MARK

    @property
    def is_lookalike(self) -> bool:
        return self.mark in LOOKALIKE_MARKS

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "mark": self.mark,
            "time_limit_ms": self.window_ms,
            "pass_ms": self.pass_ms,
        }


def spec_from_json(obj: Mapping[str, Any]) -> ConveyorTrial:
    mark = str(obj["mark"])
    if mark not in ALL_MARKS:
        raise ValueError(f"conveyor_watch: unknown sticker {mark!r}")
    window = float(obj["time_limit_ms"])
    pass_ms = float(obj["pass_ms"])
    if not (window > 0 and 0 < pass_ms <= window):
        raise ValueError(f"conveyor_watch: bad timing window={window} pass={pass_ms}")
    return ConveyorTrial(level=int(obj["level"]), mark=mark, window_ms=window, pass_ms=pass_ms)


def make_trial(level: int, rng: np.random.Generator) -> ConveyorTrial:
    """Build the parcel for ``level`` from ``rng`` (same seed → same parcel)."""
    row: ConveyorLevel = RULES.level_row(level)
    if rng.random() < row.target_rate:
        mark = TARGET_MARK
    elif row.lookalikes > 0 and rng.random() < row.lookalike_rate:
        mark = str(rng.choice(LOOKALIKE_MARKS[: row.lookalikes]))
    else:
        mark = str(rng.choice(PLAIN_MARKS))
    return ConveyorTrial(level=level, mark=mark, window_ms=row.window_ms, pass_ms=row.pass_ms)


def _pressed(response: Response) -> bool:
    return (
        not response.timed_out
        and response.answer is not None
        and bool(response.answer.get("pressed"))
    )


def score(spec: ConveyorTrial, response: Response) -> Outcome:
    """Hit and correct rejection are right; a miss or a false alarm is not."""
    pressed = _pressed(response)
    if spec.is_target:
        if pressed:
            return Outcome(correct=True, details={"signal": "hit"})
        return Outcome(correct=False, error_kind="miss", details={"signal": "miss"})
    if pressed:
        return Outcome(
            correct=False,
            error_kind="false_alarm",
            details={"signal": "false_alarm", "mark": spec.mark, "lookalike": spec.is_lookalike},
        )
    return Outcome(correct=True, details={"signal": "correct_rejection"})


def correct_response(spec: ConveyorTrial) -> Response:
    if spec.is_target:
        return Response(answer={"pressed": True})
    return Response.timeout()


def error_response(spec: ConveyorTrial, rng: np.random.Generator) -> Response:
    """The slip for this parcel: letting a fragile one through, stopping an ordinary one."""
    if spec.is_target:
        return Response.timeout()
    return Response(answer={"pressed": True})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.ATTENTION,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
    timing=TrialTiming(gap_ms=350.0, feedback_ms=1200.0, feedback="errors"),
)
