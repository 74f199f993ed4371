"""Number trail (processing speed): click numbered stations in order, as fast as you can.

Work theme: a picker's round on the warehouse floor. Stations with numbers (later numbers
and letters) are spread over a floor plan; the participant visits them in order by
clicking them: 1 → 2 → 3 … and, at higher levels, alternating 1 → A → 2 → B → 3 … (a
trail-making task). Each station reached is joined to the previous one by a line.

One trial is one whole trail. The view collects clicks as partial input; a click on a
station that is not the next one is recorded in the response and otherwise ignored (the
participant simply looks on). The trail is complete when the last station is clicked.

Scoring: the trail is right when it is completed (within the time limit, where there is
one) with at most ``SLIPS_FORGIVEN`` wrong clicks. More wrong clicks is ``wrong_order``;
running out of time is ``timeout``. Clicking a station already reached is ignored.

Levels (one row each; level 1 is the errorless start):

=====  ========  =========  =============
level  stations  alternate  time_limit_ms
=====  ========  =========  =============
1      5         no         none
2      7         no         none
3      9         no         none
4      12        no         none
5      6         yes        none
6      8         yes        none
7      10        yes        none
8      10        yes        40000
9      12        yes        40000
10     12        yes        32000
11     14        yes        32000
12     14        yes        26000
13     16        yes        26000
14     16        yes        21000
=====  ========  =========  =============

``alternate`` trails switch between numbers and letters (1, A, 2, B …); letters are the
plain Latin A–H, the same in Norwegian and English. A trail with alternation is harder
per station than a numbers-only trail (the participant keeps two series in mind), which
is why its first rows are shorter. Speed is the point of the exercise: the last rows
shorten the time per trail; the runner (not this module) enforces it.

Layouts are pure and seeded: station centres lie in the unit square, every circle of
radius ``radius`` lies inside it with a margin, and no two circles come closer than
``MIN_GAP`` (edge to edge). The view scales the square to its rect (x by width, y by
height, radii by the shorter side), which keeps circles apart and inside.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "number_trail"

LETTERS = "ABCDEFGH"
SLIPS_FORGIVEN = 1
MIN_GAP = 0.06  # edge-to-edge distance between stations, in unit-square units
EDGE = 0.02  # free margin between a station and the edge of the square
MAX_LEG = 0.5  # the next station is at most this far from the last (unit square)
LINE_CLEARANCE = 1.5  # legs pass other stations' centres at least this many radii away
_BATCH = 64
_LAYOUT_BATCHES = 2
_STEPS_PER_STATION = 12
_LAYOUT_RESTARTS = 200


@dataclass(frozen=True)
class TrailLevel:
    stations: int
    alternate: bool
    time_limit_ms: float | None


LEVELS: tuple[TrailLevel, ...] = (
    TrailLevel(5, False, None),
    TrailLevel(7, False, None),
    TrailLevel(9, False, None),
    TrailLevel(12, False, None),
    TrailLevel(6, True, None),
    TrailLevel(8, True, None),
    TrailLevel(10, True, None),
    TrailLevel(10, True, 40000.0),
    TrailLevel(12, True, 40000.0),
    TrailLevel(12, True, 32000.0),
    TrailLevel(14, True, 32000.0),
    TrailLevel(14, True, 26000.0),
    TrailLevel(16, True, 26000.0),
    TrailLevel(16, True, 21000.0),
)


def trail_labels(n: int, alternate: bool) -> tuple[str, ...]:
    """The labels of a trail of ``n`` stations, in the order they are to be visited."""
    if not alternate:
        return tuple(str(i + 1) for i in range(n))
    if n > 2 * len(LETTERS):
        raise ValueError(f"number_trail: no more than {2 * len(LETTERS)} alternating stations")
    return tuple(str(i // 2 + 1) if i % 2 == 0 else LETTERS[i // 2] for i in range(n))


def station_radius(n: int) -> float:
    """Radius of a station (unit square) for a trail of ``n``: fewer stations, bigger."""
    return round(max(0.06, 0.1 - 0.0025 * n), 4)


@dataclass(frozen=True)
class TrailTrial:
    """One trail: ``positions[i]`` is where the station labelled ``labels[i]`` stands.

    Stations are listed in the order they must be clicked; the view draws them all at
    once, so the order of the list is not visible.
    """

    level: int
    labels: tuple[str, ...]
    positions: tuple[tuple[float, float], ...]
    radius: float
    limit_ms: float | None

    @property
    def time_limit_ms(self) -> float | None:
        return self.limit_ms

    @property
    def n(self) -> int:
        return len(self.labels)

    @property
    def alternate(self) -> bool:
        return any(not label.isdigit() for label in self.labels)

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "labels": list(self.labels),
            "positions": [[x, y] for x, y in self.positions],
            "radius": self.radius,
            "time_limit_ms": self.limit_ms,
        }


def segment_distance(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    """Distance from point ``p`` to the segment from ``a`` to ``b``."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else ((p[0] - ax) * dx + (p[1] - ay) * dy) / length2
    t = max(0.0, min(1.0, t))
    return math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy))


def layout_problems(
    positions: Sequence[tuple[float, float]],
    radius: float,
    gap: float = MIN_GAP,
    clearance: float = LINE_CLEARANCE,
) -> list[str]:
    """What is wrong with a layout: empty when every circle is inside the square, no two
    are closer than ``gap`` edge to edge, and no leg of the trail passes closer than
    ``clearance`` radii to the centre of a station it does not join."""
    problems = []
    for i, (x, y) in enumerate(positions):
        if not (radius <= x <= 1 - radius and radius <= y <= 1 - radius):
            problems.append(f"station {i} at ({x}, {y}) reaches outside the square")
    min_d = 2 * radius + gap
    for i in range(len(positions)):
        for j in range(i + 1, len(positions)):
            d = math.dist(positions[i], positions[j])
            if d < min_d - 1e-9:
                problems.append(f"stations {i} and {j} are {d:.3f} apart (< {min_d:.3f})")
    for i in range(len(positions) - 1):
        for j, p in enumerate(positions):
            if j in (i, i + 1):
                continue
            d = segment_distance(p, positions[i], positions[i + 1])
            if d < clearance * radius - 1e-9:
                problems.append(f"the leg {i}->{i + 1} passes station {j} ({d:.3f} away)")
    return problems


def _seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distances from points ``p`` (m, 2) to segments ``a``→``b`` (broadcast to (m, s))."""
    p = p[:, None, :]
    ab = b - a
    length2 = np.maximum((ab * ab).sum(-1), 1e-12)
    t = np.clip(((p - a) * ab).sum(-1) / length2, 0.0, 1.0)
    nearest = a + t[..., None] * ab
    return np.sqrt(((p - nearest) ** 2).sum(-1))


def _next_station(
    placed: list[tuple[float, float]], radius: float, rng: np.random.Generator
) -> tuple[float, float] | None:
    """A place for the next station, or None when none was found.

    The first station goes anywhere; each later one a leg of ``MIN_LEG``..``MAX_LEG``
    from the last, in a random direction. Candidates come in batches (fast) and the
    first one that keeps every rule of :func:`layout_problems` is taken.
    """
    lo, hi = radius + EDGE, 1.0 - radius - EDGE
    min_leg = 2 * radius + MIN_GAP
    min_line = LINE_CLEARANCE * radius
    pts = np.array(placed, dtype=float).reshape(-1, 2)
    for _batch in range(_LAYOUT_BATCHES):
        if not placed:
            cands = rng.uniform(lo, hi, size=(_BATCH, 2))
        else:
            angle = rng.uniform(0.0, 2 * math.pi, size=_BATCH)
            leg = rng.uniform(min_leg, MAX_LEG, size=_BATCH)
            cands = pts[-1] + np.stack([leg * np.cos(angle), leg * np.sin(angle)], axis=1)
        cands = np.round(cands, 4)
        ok = ((cands >= lo) & (cands <= hi)).all(axis=1)
        if len(pts):
            d2 = ((cands[:, None, :] - pts[None, :, :]) ** 2).sum(-1)
            ok &= (d2 >= min_leg**2).all(axis=1)
        if len(pts) >= 2:
            # the new station keeps clear of the legs already there …
            ok &= (_seg_dist(cands, pts[:-1], pts[1:]) >= min_line).all(axis=1)
            # … and the new leg keeps clear of the stations already there
            ok &= (_seg_dist(pts[:-1], pts[-1], cands) >= min_line).all(axis=0)
        hits = np.flatnonzero(ok)
        if hits.size:
            x, y = cands[hits[0]]
            return float(x), float(y)
    return None


def make_layout(n: int, radius: float, rng: np.random.Generator) -> tuple[tuple[float, float], ...]:
    """``n`` station centres in trail order: inside, apart, legs clear (a seeded walk
    that steps back two stations when it has walked into a corner)."""
    for _restart in range(_LAYOUT_RESTARTS):
        placed: list[tuple[float, float]] = []
        for _step in range(_STEPS_PER_STATION * n):
            p = _next_station(placed, radius, rng)
            if p is None:
                del placed[-2:]
            else:
                placed.append(p)
                if len(placed) == n:
                    return tuple(placed)
    raise RuntimeError(f"number_trail: could not place {n} stations of radius {radius}")


def spec_from_json(obj: Mapping[str, Any]) -> TrailTrial:
    labels = tuple(str(s) for s in obj["labels"])
    positions = tuple((float(p[0]), float(p[1])) for p in obj["positions"])
    radius = float(obj["radius"])
    if len(labels) < 2 or len(labels) != len(positions):
        raise ValueError("number_trail: labels and positions must pair up, at least two")
    alternate = any(not label.isdigit() for label in labels)
    if labels != trail_labels(len(labels), alternate):
        raise ValueError(f"number_trail: labels {labels} are not a trail")
    if not 0 < radius < 0.25:
        raise ValueError(f"number_trail: radius {radius} is impossible")
    problems = layout_problems(positions, radius, gap=0.0, clearance=0.0)
    if problems:
        raise ValueError("number_trail: " + "; ".join(problems))
    limit = obj.get("time_limit_ms")
    return TrailTrial(
        level=int(obj["level"]),
        labels=labels,
        positions=positions,
        radius=radius,
        limit_ms=None if limit is None else float(limit),
    )


def make_trial(level: int, rng: np.random.Generator) -> TrailTrial:
    """Build the trail for ``level`` from ``rng`` (same seed → same trail)."""
    row = RULES.level_row(level)
    radius = station_radius(row.stations)
    return TrailTrial(
        level=level,
        labels=trail_labels(row.stations, row.alternate),
        positions=make_layout(row.stations, radius, rng),
        radius=radius,
        limit_ms=row.time_limit_ms,
    )


def walk(spec: TrailTrial, clicks: Sequence[int]) -> tuple[int, int]:
    """Follow ``clicks`` along the trail: (stations reached, wrong clicks).

    A click on the next station moves on; a click on a station not yet reached (or on no
    station of this trail) is a wrong click; a click on a station already reached is
    ignored, as the view ignores it.
    """
    reached = 0
    wrong = 0
    for c in clicks:
        if reached >= spec.n:
            break
        if c == reached:
            reached += 1
        elif not 0 <= c < reached:
            wrong += 1
    return reached, wrong


def score(spec: TrailTrial, response: Response) -> Outcome:
    """Right when the whole trail is done with at most ``SLIPS_FORGIVEN`` wrong clicks."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    clicks = [int(c) for c in response.answer["clicks"]]
    reached, wrong = walk(spec, clicks)
    details = {"reached": reached, "wrong_clicks": wrong}
    if reached < spec.n:
        return Outcome(correct=False, error_kind="incomplete", details=details)
    if wrong > SLIPS_FORGIVEN:
        return Outcome(correct=False, error_kind="wrong_order", details=details)
    return Outcome(correct=True, details=details)


def correct_response(spec: TrailTrial) -> Response:
    return Response(answer={"clicks": list(range(spec.n))})


def error_response(spec: TrailTrial, rng: np.random.Generator) -> Response:
    """A plausible slip-up: jumping ahead twice (in alternation, to the next number, the
    classic error), or, on a timed trail, running out of time."""
    if spec.limit_ms is not None and rng.random() < 0.4:
        return Response.timeout()
    slips = sorted(int(p) for p in rng.choice(spec.n - 1, size=SLIPS_FORGIVEN + 1, replace=False))
    clicks: list[int] = []
    for step in range(spec.n):
        if slips and slips[0] == step:
            slips.pop(0)
            jump = 2 if spec.alternate and step + 2 < spec.n and rng.random() < 0.6 else 1
            clicks.append(step + jump)
        clicks.append(step)
    return Response(answer={"clicks": clicks})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.PROCESSING_SPEED,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
)
