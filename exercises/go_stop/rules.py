"""Go / stop (response inhibition): scan every item at the till, except when it says stop.

Work theme: the checkout in a shop. Items come onto the scanner one at a time and the
participant scans each one with Space (or a click): that is the *go* response, made
quickly and often until it is nearly automatic. Now and then a stop sign comes up on
an item (an item that needs a manager's check): then the participant holds back and
lets the item go unscanned. Stopping a response that is already on its way is the
training.

Each item is one trial with a response window (``window_ms``, the time limit). A go item
is right when it is scanned in time; letting it pass is a ``timeout``. A stop item is
right when nothing is pressed (the runner's timeout); pressing is a ``failed_stop``.
From level 5 on the stop sign does not show at once but ``stop_delay_ms`` after the
item (a stop-signal delay): the participant has to stay ready to stop a press already
begun, which is harder the later the sign comes.

Levels (one row each; level 1 is the errorless start):

=====  =========  =========  =============
level  window_ms  stop_rate  stop_delay_ms
=====  =========  =========  =============
1      3000       0.15       0
2      2600       0.18       0
3      2200       0.20       0
4      1900       0.22       0
5      1700       0.24       50
6      1500       0.25       100
7      1350       0.27       150
8      1200       0.28       175
9      1100       0.30       200
10     1000       0.31       225
11     900        0.32       250
12     800        0.33       275
=====  =========  =========  =============

``stop_rate`` is the chance that an item is a stop item. It stays well below one half,
so pressing every time and never pressing are both far below the staircase's 80 %
target.
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

EXERCISE_ID = "go_stop"

# The shop goods an item can look like (drawn by exercises.shelf_search.goods). They only
# give variety; whether an item is a stop item is shown by the stop sign alone.
KINDS: tuple[str, ...] = ("box", "bottle", "tin", "jar", "bag")
COLOURS: tuple[str, ...] = ("blue", "green", "yellow", "white")
LABELS: tuple[str, ...] = ("plain", "stripe", "dot")


@dataclass(frozen=True)
class GoStopLevel:
    window_ms: float
    stop_rate: float
    stop_delay_ms: float


LEVELS: tuple[GoStopLevel, ...] = (
    GoStopLevel(3000.0, 0.15, 0.0),
    GoStopLevel(2600.0, 0.18, 0.0),
    GoStopLevel(2200.0, 0.20, 0.0),
    GoStopLevel(1900.0, 0.22, 0.0),
    GoStopLevel(1700.0, 0.24, 50.0),
    GoStopLevel(1500.0, 0.25, 100.0),
    GoStopLevel(1350.0, 0.27, 150.0),
    GoStopLevel(1200.0, 0.28, 175.0),
    GoStopLevel(1100.0, 0.30, 200.0),
    GoStopLevel(1000.0, 0.31, 225.0),
    GoStopLevel(900.0, 0.32, 250.0),
    GoStopLevel(800.0, 0.33, 275.0),
)


@dataclass(frozen=True)
class GoStopTrial:
    """One item at the till; ``stop`` items show the stop sign ``stop_delay_ms`` in."""

    level: int
    stop: bool
    stop_delay_ms: float
    window_ms: float
    product: tuple[str, str, str]  # kind, colour, label: looks only

    @property
    def time_limit_ms(self) -> float | None:
        return self.window_ms

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "stop": self.stop,
            "stop_delay_ms": self.stop_delay_ms,
            "time_limit_ms": self.window_ms,
            "product": list(self.product),
        }


def spec_from_json(obj: Mapping[str, Any]) -> GoStopTrial:
    kind, colour, label = (str(v) for v in obj["product"])
    if kind not in KINDS or colour not in COLOURS or label not in LABELS:
        raise ValueError(f"go_stop: unknown product {obj['product']!r}")
    window = float(obj["time_limit_ms"])
    delay = float(obj["stop_delay_ms"])
    if not (window > 0 and 0 <= delay < window):
        raise ValueError(f"go_stop: bad timing window={window} stop delay={delay}")
    stop = obj["stop"]
    if not isinstance(stop, bool):
        raise ValueError(f"go_stop: stop must be true or false, not {stop!r}")
    return GoStopTrial(
        level=int(obj["level"]),
        stop=stop,
        stop_delay_ms=delay,
        window_ms=window,
        product=(kind, colour, label),
    )


def make_trial(level: int, rng: np.random.Generator) -> GoStopTrial:
    """Build the item for ``level`` from ``rng`` (same seed → same item)."""
    row: GoStopLevel = RULES.level_row(level)
    stop = bool(rng.random() < row.stop_rate)
    product = (
        KINDS[int(rng.integers(0, len(KINDS)))],
        COLOURS[int(rng.integers(0, len(COLOURS)))],
        LABELS[int(rng.integers(0, len(LABELS)))],
    )
    return GoStopTrial(
        level=level,
        stop=stop,
        stop_delay_ms=row.stop_delay_ms,
        window_ms=row.window_ms,
        product=product,
    )


def _pressed(response: Response) -> bool:
    return (
        not response.timed_out
        and response.answer is not None
        and bool(response.answer.get("pressed"))
    )


def score(spec: GoStopTrial, response: Response) -> Outcome:
    """Go: scanned in time is right. Stop: holding back (the timeout) is right."""
    pressed = _pressed(response)
    if spec.stop:
        if pressed:
            shown = None if response.answer is None else response.answer.get("stop_shown")
            return Outcome(correct=False, error_kind="failed_stop", details={"stop_shown": shown})
        return Outcome(correct=True, details={"signal": "stopped"})
    if pressed:
        return Outcome(correct=True, details={"signal": "go"})
    return Outcome(correct=False, error_kind="timeout")


def correct_response(spec: GoStopTrial) -> Response:
    if spec.stop:
        return Response.timeout()
    return Response(answer={"pressed": True})


def error_response(spec: GoStopTrial, rng: np.random.Generator) -> Response:
    """The slip for this item: pressing on a stop item, too slow on a go item."""
    if spec.stop:
        return Response(answer={"pressed": True})
    return Response.timeout()


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.ATTENTION,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
    timing=TrialTiming(gap_ms=450.0, feedback_ms=1200.0, feedback="errors"),
    marks=(
        StimulusMark(
            "stop_signal",
            "The stop sign over the item (stop trials only): the real stop-signal delay, "
            "which stop-signal analyses need rather than the planned stop_delay_ms.",
        ),
    ),
)
