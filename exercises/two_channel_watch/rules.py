"""Two-channel watch (divided attention): count the crates going by, and answer the alarm.

Work theme: the goods-in belt of a warehouse. Crates, barrels and sacks come along the
belt one after another, and the participant counts the crates. At the same time an
alarm lamp beside the belt lights up now and then (a forklift wants to pass); it must be
answered at once with Space or a click on the alarm button. When the belt stops, the
participant gives the number of crates (a digit key, or a click on the number). Keeping
a count while answering interruptions is everyday work at a goods reception.

One trial is one short stream. Everything the participant did during the stream is in
the response: ``count`` (entered when the belt has stopped, which completes the
response) and ``presses_ms``, the alarm presses as times since the stream began. The
view collects the presses as partial input and times them only with the runner-given
``elapsed_ms``. Input stays open from the first item (``input_after_ms`` is 0, because
the alarm presses *are* input during the stream); the count itself has no time limit.

A trial is right when the count is right, every alarm was answered within its
``alarm_window_ms`` and there was no press while no alarm was on. Error kinds, first
that applies: ``wrong_count``, ``missed_alarm``, ``extra_press``; the details hold all
three.

Levels (one row each; level 1 is the errorless start):

=====  =======  =======  ==============  ======  ===============
level  n_items  item_ms  lookalike_rate  alarms  alarm_window_ms
=====  =======  =======  ==============  ======  ===============
1      5        1600     0.00            1       3000
2      6        1500     0.00            1       2800
3      7        1400     0.00            1       2500
4      8        1300     0.20            1       2300
5      9        1200     0.25            1       2100
6      10       1100     0.30            2       2000
7      11       1000     0.35            2       1800
8      12       950      0.40            2       1700
9      13       900      0.45            2       1600
10     14       850      0.50            3       1500
11     15       800      0.50            3       1400
12     16       750      0.55            3       1300
=====  =======  =======  ==============  ======  ===============

``item_ms`` is the time between two items on the belt (the stream lasts ``n_items ×
item_ms`` plus a short run-out). ``lookalike_rate`` is the share of the other items that
are cardboard boxes, which look like crates at a glance. The number of crates is 1 to 3
at level 1 and never more than 9, so the answer is always one digit. Alarms fall one in
each equal part of the stream, never in its first half second and always ending before
the belt stops.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "two_channel_watch"

TARGET = "crate"
LOOKALIKE = "box"
OTHERS: tuple[str, ...] = ("barrel", "sack")
ALL_ITEMS: frozenset[str] = frozenset((TARGET, LOOKALIKE, *OTHERS))
RUN_OUT_MS = 500.0  # the belt runs on this long after the last item's slot
ALARM_EARLIEST_MS = 500.0  # no alarm right at the start
ALARM_MARGIN_MS = 300.0  # an alarm ends at least this long before its part of the stream
MAX_COUNT = 9


@dataclass(frozen=True)
class TwoChannelLevel:
    n_items: int
    item_ms: float
    lookalike_rate: float
    alarms: int
    alarm_window_ms: float

    @property
    def count_range(self) -> tuple[int, int]:
        """Fewest and most crates in a stream of this level."""
        return max(1, self.n_items // 4), min(MAX_COUNT, self.n_items // 2 + 1)


LEVELS: tuple[TwoChannelLevel, ...] = (
    TwoChannelLevel(5, 1600.0, 0.00, 1, 3000.0),
    TwoChannelLevel(6, 1500.0, 0.00, 1, 2800.0),
    TwoChannelLevel(7, 1400.0, 0.00, 1, 2500.0),
    TwoChannelLevel(8, 1300.0, 0.20, 1, 2300.0),
    TwoChannelLevel(9, 1200.0, 0.25, 1, 2100.0),
    TwoChannelLevel(10, 1100.0, 0.30, 2, 2000.0),
    TwoChannelLevel(11, 1000.0, 0.35, 2, 1800.0),
    TwoChannelLevel(12, 950.0, 0.40, 2, 1700.0),
    TwoChannelLevel(13, 900.0, 0.45, 2, 1600.0),
    TwoChannelLevel(14, 850.0, 0.50, 3, 1500.0),
    TwoChannelLevel(15, 800.0, 0.50, 3, 1400.0),
    TwoChannelLevel(16, 750.0, 0.55, 3, 1300.0),
)


def stream_length_ms(n_items: int, item_ms: float) -> float:
    return n_items * item_ms + RUN_OUT_MS


@dataclass(frozen=True)
class TwoChannelTrial:
    """One stream: ``items`` pass at ``item_ms`` apart; alarms start at ``alarms_ms``."""

    level: int
    items: tuple[str, ...]
    item_ms: float
    alarms_ms: tuple[float, ...]
    alarm_window_ms: float

    @property
    def time_limit_ms(self) -> float | None:
        return None  # the count is given without time pressure

    @property
    def input_after_ms(self) -> float:
        return 0.0  # alarm presses are input during the stream

    @property
    def stream_ms(self) -> float:
        return stream_length_ms(len(self.items), self.item_ms)

    @property
    def count(self) -> int:
        return sum(1 for item in self.items if item == TARGET)

    def alarm_on(self, t_ms: float) -> int | None:
        """The alarm whose window holds ``t_ms`` (ms since the stream began), if any."""
        for i, start in enumerate(self.alarms_ms):
            if start <= t_ms < start + self.alarm_window_ms:
                return i
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "items": list(self.items),
            "item_ms": self.item_ms,
            "alarms_ms": list(self.alarms_ms),
            "alarm_window_ms": self.alarm_window_ms,
            "stream_ms": self.stream_ms,
            "count": self.count,
        }


def spec_from_json(obj: Mapping[str, Any]) -> TwoChannelTrial:
    items = tuple(str(i) for i in obj["items"])
    unknown = set(items) - ALL_ITEMS
    if unknown:
        raise ValueError(f"two_channel_watch: unknown items {sorted(unknown)}")
    item_ms = float(obj["item_ms"])
    window = float(obj["alarm_window_ms"])
    alarms = tuple(float(a) for a in obj["alarms_ms"])
    if item_ms <= 0 or window <= 0:
        raise ValueError("two_channel_watch: item and alarm times must be positive")
    stream = stream_length_ms(len(items), item_ms)
    if any(a < 0 or a + window > stream for a in alarms) or list(alarms) != sorted(alarms):
        raise ValueError("two_channel_watch: an alarm lies outside the stream or out of order")
    if any(b < a + window for a, b in zip(alarms, alarms[1:], strict=False)):
        raise ValueError("two_channel_watch: alarms overlap")
    spec = TwoChannelTrial(
        level=int(obj["level"]),
        items=items,
        item_ms=item_ms,
        alarms_ms=alarms,
        alarm_window_ms=window,
    )
    if "count" in obj and int(obj["count"]) != spec.count:
        raise ValueError("two_channel_watch: the logged count does not match the items")
    return spec


def make_trial(level: int, rng: np.random.Generator) -> TwoChannelTrial:
    """Build the stream for ``level`` from ``rng`` (same seed → same stream)."""
    row: TwoChannelLevel = RULES.level_row(level)
    lo, hi = row.count_range
    count = int(rng.integers(lo, hi + 1))
    crates = {int(i) for i in rng.choice(row.n_items, count, replace=False)}
    items = []
    for i in range(row.n_items):
        if i in crates:
            items.append(TARGET)
        elif rng.random() < row.lookalike_rate:
            items.append(LOOKALIKE)
        else:
            items.append(OTHERS[int(rng.integers(0, len(OTHERS)))])
    stream = stream_length_ms(row.n_items, row.item_ms)
    part = stream / row.alarms
    alarms = []
    for k in range(row.alarms):
        earliest = k * part + ALARM_EARLIEST_MS
        latest = (k + 1) * part - row.alarm_window_ms - ALARM_MARGIN_MS
        alarms.append(float(round(rng.uniform(earliest, latest))))
    return TwoChannelTrial(
        level=level,
        items=tuple(items),
        item_ms=row.item_ms,
        alarms_ms=tuple(alarms),
        alarm_window_ms=row.alarm_window_ms,
    )


def score(spec: TwoChannelTrial, response: Response) -> Outcome:
    """Right when the count is right, every alarm was answered and no press was extra."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    raw_count = response.answer.get("count")
    count = None if raw_count is None else int(raw_count)
    presses = [float(t) for t in response.answer.get("presses_ms", ())]
    answered = {spec.alarm_on(t) for t in presses} - {None}
    missed = len(spec.alarms_ms) - len(answered)
    extra = sum(1 for t in presses if spec.alarm_on(t) is None)
    details = {
        "count_given": count,
        "count_true": spec.count,
        "alarms_missed": missed,
        "extra_presses": extra,
    }
    if count != spec.count:
        return Outcome(correct=False, error_kind="wrong_count", details=details)
    if missed:
        return Outcome(correct=False, error_kind="missed_alarm", details=details)
    if extra:
        return Outcome(correct=False, error_kind="extra_press", details=details)
    return Outcome(correct=True, details=details)


def _answer_time(spec: TwoChannelTrial, start: float) -> float:
    return start + min(600.0, spec.alarm_window_ms * 0.4)


def correct_response(spec: TwoChannelTrial) -> Response:
    presses = [_answer_time(spec, a) for a in spec.alarms_ms]
    return Response(answer={"count": spec.count, "presses_ms": presses})


def error_response(spec: TwoChannelTrial, rng: np.random.Generator) -> Response:
    """One plausible slip: a count one off, an alarm not answered, or a press too early."""
    presses = [_answer_time(spec, a) for a in spec.alarms_ms]
    count = spec.count
    slip = int(rng.integers(0, 3))
    if slip == 0:
        step = 1 if rng.random() < 0.5 else -1
        if not 0 <= count + step <= MAX_COUNT:
            step = -step
        count += step
    elif slip == 1:
        del presses[int(rng.integers(0, len(presses)))]
    else:
        first = spec.alarms_ms[0]
        presses.insert(0, float(round(rng.uniform(100.0, first - 100.0))))
    return Response(answer={"count": count, "presses_ms": presses})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.ATTENTION,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
)
