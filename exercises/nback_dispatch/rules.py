"""N-back dispatch (working memory updating): is this parcel going where the one n back went?

Work theme: parcels come down the dispatch belt one at a time, each with a destination
label. For each parcel the participant answers "same destination as the parcel n
before?" (1-back, then 2-back, then 3-back as the level rises), with less time per
parcel at higher levels.

Levels (one row each; level 1 is the errorless start):

=====  =  ============  =============  =========
level  n  destinations  time_limit_ms  lure_rate
=====  =  ============  =============  =========
1      1  4             none           0.00
2      1  6             6000           0.00
3      1  8             4500           0.10
4      1  8             3500           0.20
5      2  6             6000           0.00
6      2  8             5000           0.10
7      2  8             4000           0.20
8      2  8             3000           0.25
9      3  6             6000           0.00
10     3  8             5000           0.10
11     3  8             4000           0.20
12     3  8             3000           0.25
=====  =  ============  =============  =========

``destinations``: how many different labels the parcels carry. ``lure_rate``: of the
parcels that are not a match, the share that repeats the label one place nearer or
further back than n (a near miss that tempts a "same"). A new n starts slower again,
since a step up in n is the big step in difficulty.

The stream and its scored start rule. A trial is one parcel; ``make_trial(level, rng,
history)`` looks back along the block's earlier trials. The *stream* is the run of most
recent trials played with the same n; a change of n (the staircase crossing from level 4
to 5, say) starts a new stream, and so does the start of a block. A change of level
that keeps n (only the pace or the labels change) keeps the stream going. The first n
parcels of a stream have nothing n back to compare with: they are *start parcels*, the
screen says "nothing to compare with yet", and the right answer is "different" (a
"same" there is scored as a ``false_alarm``). From parcel n + 1 on, a third of the
parcels (``TARGET_RATE``) are matches.

Everything needed to score a parcel is in its spec (``compare_with`` is the label n
back, or None for a start parcel), so a trial is scored and replayed from its JSON alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.i18n import N_
from cogtrain.training.exercise import (
    Domain,
    ExerciseRules,
    HistoryItem,
    Outcome,
    Response,
    TrialTiming,
)

EXERCISE_ID = "nback_dispatch"
TARGET_RATE = 1 / 3

# Destination labels, in the order levels add them; msgids, translated when drawn.
DESTINATIONS: dict[str, str] = {
    "north": N_("North"),
    "south": N_("South"),
    "harbour": N_("Harbour"),
    "airport": N_("Airport"),
    "east": N_("East"),
    "west": N_("West"),
    "centre": N_("Town centre"),
    "depot": N_("Depot"),
}
DESTINATION_IDS: tuple[str, ...] = tuple(DESTINATIONS)


@dataclass(frozen=True)
class NBackLevel:
    n: int
    destinations: int
    time_limit_ms: float | None
    lure_rate: float


LEVELS: tuple[NBackLevel, ...] = (
    NBackLevel(1, 4, None, 0.0),
    NBackLevel(1, 6, 6000.0, 0.0),
    NBackLevel(1, 8, 4500.0, 0.10),
    NBackLevel(1, 8, 3500.0, 0.20),
    NBackLevel(2, 6, 6000.0, 0.0),
    NBackLevel(2, 8, 5000.0, 0.10),
    NBackLevel(2, 8, 4000.0, 0.20),
    NBackLevel(2, 8, 3000.0, 0.25),
    NBackLevel(3, 6, 6000.0, 0.0),
    NBackLevel(3, 8, 5000.0, 0.10),
    NBackLevel(3, 8, 4000.0, 0.20),
    NBackLevel(3, 8, 3000.0, 0.25),
)


@dataclass(frozen=True)
class NBackTrial:
    """One parcel: its ``label``, and ``compare_with``, the label n parcels back."""

    level: int
    n: int
    position: int  # 0-based place in the current stream
    label: str
    compare_with: str | None  # None for the first n parcels of a stream
    lure: bool  # a near miss: the label matches n-1 or n+1 back, not n back
    limit_ms: float | None

    @property
    def time_limit_ms(self) -> float | None:
        return self.limit_ms

    @property
    def is_start(self) -> bool:
        return self.compare_with is None

    @property
    def is_target(self) -> bool:
        return self.compare_with is not None and self.label == self.compare_with

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "n": self.n,
            "position": self.position,
            "label": self.label,
            "compare_with": self.compare_with,
            "lure": self.lure,
            "time_limit_ms": self.limit_ms,
        }


def spec_from_json(obj: Mapping[str, Any]) -> NBackTrial:
    label = str(obj["label"])
    compare = obj.get("compare_with")
    compare = None if compare is None else str(compare)
    for value in (label, compare):
        if value is not None and value not in DESTINATIONS:
            raise ValueError(f"nback_dispatch: unknown destination {value!r}")
    n, position = int(obj["n"]), int(obj["position"])
    if not 1 <= n <= 3 or position < 0:
        raise ValueError(f"nback_dispatch: n {n} or position {position} out of range")
    if (compare is None) != (position < n):
        raise ValueError("nback_dispatch: only the first n parcels of a stream lack a match")
    limit = obj.get("time_limit_ms")
    return NBackTrial(
        level=int(obj["level"]),
        n=n,
        position=position,
        label=label,
        compare_with=compare,
        lure=bool(obj.get("lure", False)),
        limit_ms=None if limit is None else float(limit),
    )


def stream_of(history: Sequence[HistoryItem], n: int) -> list[str]:
    """Labels of the current stream: the latest run of trials played with this ``n``."""
    labels: list[str] = []
    for item in reversed(history):
        if item.spec.n != n:
            break
        labels.append(item.spec.label)
    labels.reverse()
    return labels


def make_trial(
    level: int, rng: np.random.Generator, history: Sequence[HistoryItem] = ()
) -> NBackTrial:
    """The next parcel of the stream (same seed and history → same parcel).

    ``history`` defaults to empty so that a caller without a block (the instruction
    screen's example) gets the first parcel of a stream.
    """
    row = RULES.level_row(level)
    n = row.n
    labels = stream_of(history, n)
    pool = list(DESTINATION_IDS[: row.destinations])
    position = len(labels)
    if position < n:
        # A start parcel: no match possible; avoid repeating the last label so that
        # the stream does not look like it began with a match.
        choices = [p for p in pool if not labels or p != labels[-1]]
        label = str(rng.choice(choices))
        return NBackTrial(level, n, position, label, None, False, row.time_limit_ms)
    compare = labels[-n]
    if rng.random() < TARGET_RATE:
        return NBackTrial(level, n, position, compare, compare, False, row.time_limit_ms)
    # Near misses: the label one place nearer (n-1 back, for n >= 2) or further back.
    near = set()
    if n >= 2:
        near.add(labels[-(n - 1)])
    if position >= n + 1:
        near.add(labels[-(n + 1)])
    near.discard(compare)
    lures = sorted(near)
    if lures and rng.random() < row.lure_rate:
        label = str(rng.choice(lures))
        return NBackTrial(level, n, position, label, compare, True, row.time_limit_ms)
    # A plain non-match: no near miss either, where the pool allows it.
    plain = [p for p in pool if p != compare and p not in near] or [p for p in pool if p != compare]
    label = str(rng.choice(plain))
    return NBackTrial(level, n, position, label, compare, False, row.time_limit_ms)


def score(spec: NBackTrial, response: Response) -> Outcome:
    """Right when "same" is answered exactly for the parcels that match n back."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    said_same = bool(response.answer["same"])
    if said_same == spec.is_target:
        return Outcome(correct=True)
    if said_same:
        details = {"lure": spec.lure, "start_parcel": spec.is_start}
        return Outcome(correct=False, error_kind="false_alarm", details=details)
    return Outcome(correct=False, error_kind="miss")


def correct_response(spec: NBackTrial) -> Response:
    return Response(answer={"same": spec.is_target})


def error_response(spec: NBackTrial, rng: np.random.Generator) -> Response:
    """The opposite answer: a miss on a match, a false alarm otherwise."""
    return Response(answer={"same": not spec.is_target})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.MEMORY,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
    timing=TrialTiming(gap_ms=500.0, feedback_ms=1000.0, feedback="errors"),
    sequential=True,
)
