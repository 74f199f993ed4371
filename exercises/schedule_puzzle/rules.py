"""Schedule puzzle (problem solving: planning under constraints): fit tasks into a workday.

Work theme: a day at the shop. Some hours are already taken (lunch, a meeting). The
participant places the day's tasks, each lasting one to three hours, so that nothing
overlaps and every rule for the day holds ("price labels before unpacking", "phone calls
finished by 11:00", "cleaning not before 13:00", "orders straight after the meeting").

A small exact solver (backtracking over bit masks) lists every valid plan. Problems are
built around a planted plan, rules are chosen from those the planted plan keeps, and a
problem is used only when it is solvable and, on higher levels, has only a few
solutions, so the rules really have to be reasoned through. Any valid plan counts as
right, not only the solver's. There is no time limit.

Levels (one row each; level 1 is the errorless start):

=====  =====  ====  ========  =====  =========  =============
level  tasks  day   fixed     rules  free time  max solutions
=====  =====  ====  ========  =====  =========  =============
1      1      6 h   1         0      4 h        any
2      2      6 h   1         0      2 h        any
3      2      6 h   1         1      2 h        any
4      3      8 h   2         1      2 h        any
5      3      8 h   2         2      2 h        6
6      3      8 h   2         2      1 h        4
7      4      8 h   2         2      1 h        4
8      4      8 h   2         3      1 h        3
9      4      8 h   3         3      0 h        2
10     5      9 h   2         3      1 h        2
11     5      9 h   3         4      0 h        2
12     5      9 h   3         4      0 h        1
13     6      10 h  3         5      0 h        1
=====  =====  ====  ========  =====  =========  =============

``fixed``: hours already taken (lunch, then meetings). ``rules``: how many rules the day
has. ``free time``: hours left empty once every task is placed (less free time, less
room to move). ``max solutions``: at most this many valid plans exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.i18n import N_
from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "schedule_puzzle"
DAY_START = 8  # the first hour of the day (08:00)
MAX_DURATION = 3

# Task names (msgids, translated when drawn); a trial refers to them by index.
TASK_NAMES: tuple[str, ...] = (
    N_("Unpacking"),
    N_("Price labels"),
    N_("Cleaning"),
    N_("Phone calls"),
    N_("Stocktaking"),
    N_("Orders"),
    N_("Deliveries"),
    N_("Shelf filling"),
)
FIXED_KINDS = ("lunch", "meeting")
RULE_KINDS = ("before", "after", "by", "from")


@dataclass(frozen=True)
class ScheduleLevel:
    tasks: int
    day_hours: int
    fixed: int
    rules: int
    free_hours: int
    max_solutions: int  # 0 = any number


LEVELS: tuple[ScheduleLevel, ...] = (
    ScheduleLevel(1, 6, 1, 0, 4, 0),
    ScheduleLevel(2, 6, 1, 0, 2, 0),
    ScheduleLevel(2, 6, 1, 1, 2, 0),
    ScheduleLevel(3, 8, 2, 1, 2, 0),
    ScheduleLevel(3, 8, 2, 2, 2, 6),
    ScheduleLevel(3, 8, 2, 2, 1, 4),
    ScheduleLevel(4, 8, 2, 2, 1, 4),
    ScheduleLevel(4, 8, 2, 3, 1, 3),
    ScheduleLevel(4, 8, 3, 3, 0, 2),
    ScheduleLevel(5, 9, 2, 3, 1, 2),
    ScheduleLevel(5, 9, 3, 4, 0, 2),
    ScheduleLevel(5, 9, 3, 4, 0, 1),
    ScheduleLevel(6, 10, 3, 5, 0, 1),
)

Fixed = tuple[int, int, str]  # (start hour index, hours, kind)
Task = tuple[int, int]  # (name index, hours)
# A rule: ("before", a, b): task a ends before task b starts; ("after", a, b): task a
# starts the moment task b ends; ("by", a, h): task a ends by hour index h;
# ("from", a, h): task a starts at hour index h or later.
Rule = tuple[str, int, int]


@dataclass(frozen=True)
class ScheduleTrial:
    level: int
    day_hours: int
    fixed: tuple[Fixed, ...]
    tasks: tuple[Task, ...]
    rules: tuple[Rule, ...]
    n_solutions: int

    @property
    def time_limit_ms(self) -> float | None:
        return None

    def hour_label(self, index: int) -> int:
        """The clock hour at hour index ``index`` (0 → 8)."""
        return DAY_START + index

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "day_hours": self.day_hours,
            "fixed": [list(f) for f in self.fixed],
            "tasks": [list(t) for t in self.tasks],
            "rules": [list(r) for r in self.rules],
            "n_solutions": self.n_solutions,
        }


# -- the solver (pure) ----------------------------------------------------------------


def _mask(start: int, hours: int) -> int:
    return ((1 << hours) - 1) << start


def busy_mask(fixed: Sequence[Fixed]) -> int:
    m = 0
    for start, hours, _kind in fixed:
        m |= _mask(start, hours)
    return m


def rule_holds(rule: Rule, starts: Sequence[int], tasks: Sequence[Task]) -> bool:
    kind, a, x = rule
    end_a = starts[a] + tasks[a][1]
    if kind == "before":
        return end_a <= starts[x]
    if kind == "after":
        return starts[a] == starts[x] + tasks[x][1]
    if kind == "by":
        return end_a <= x
    if kind == "from":
        return starts[a] >= x
    raise ValueError(f"unknown rule {kind!r}")


def placements(
    day_hours: int, fixed: Sequence[Fixed], tasks: Sequence[Task]
) -> list[tuple[int, ...]]:
    """Every way to place the tasks in the free hours without overlap (rules ignored)."""
    busy = busy_mask(fixed)
    n = len(tasks)
    # Place long tasks first: they have the fewest places, so dead ends show early.
    order = sorted(range(n), key=lambda i: -tasks[i][1])
    options = []
    for i in order:
        hours = tasks[i][1]
        options.append(
            [
                (s, _mask(s, hours))
                for s in range(day_hours - hours + 1)
                if not busy & _mask(s, hours)
            ]
        )
    out: list[tuple[int, ...]] = []
    starts = [0] * n

    def place(k: int, used: int) -> None:
        i = order[k]
        last = k == n - 1
        for s, m in options[k]:
            if not used & m:
                starts[i] = s
                if last:
                    out.append(tuple(starts))
                else:
                    place(k + 1, used | m)

    if n:
        place(0, busy)
    out.sort()
    return out


def rule_mask(rule: Rule, plans: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """For each row of ``plans`` (task start hours), whether ``rule`` holds."""
    kind, a, x = rule
    end_a = plans[:, a] + hours[a]
    if kind == "before":
        return end_a <= plans[:, x]
    if kind == "after":
        return plans[:, a] == plans[:, x] + hours[x]
    if kind == "by":
        return end_a <= x
    if kind == "from":
        return plans[:, a] >= x
    raise ValueError(f"unknown rule {kind!r}")


def solutions(spec: ScheduleTrial) -> list[tuple[int, ...]]:
    """Every valid plan: no overlaps, every rule kept (exact, by enumeration)."""
    return [
        p
        for p in placements(spec.day_hours, spec.fixed, spec.tasks)
        if all(rule_holds(r, p, spec.tasks) for r in spec.rules)
    ]


# -- building problems ----------------------------------------------------------------


def _place_fixed(row: ScheduleLevel, rng: np.random.Generator) -> list[Fixed]:
    # Lunch around midday (11:00 or 12:00), meetings anywhere else.
    lunch = int(rng.integers(3, 5))
    fixed: list[Fixed] = [(lunch, 1, "lunch")]
    taken = {lunch}
    while len(fixed) < row.fixed:
        h = int(rng.integers(0, row.day_hours))
        if h not in taken:
            taken.add(h)
            fixed.append((h, 1, "meeting"))
    return sorted(fixed)


def _durations(total: int, n: int, rng: np.random.Generator) -> list[int] | None:
    if not n <= total <= MAX_DURATION * n:
        return None
    d = [1] * n
    for _ in range(total - n):
        room = [i for i in range(n) if d[i] < MAX_DURATION]
        d[room[int(rng.integers(0, len(room)))]] += 1
    return d


def _candidate_rules(plan: Sequence[int], tasks: Sequence[Task], day_hours: int) -> list[Rule]:
    """Rules that the planted plan keeps (and that say something)."""
    n = len(tasks)
    out: list[Rule] = []
    for a in range(n):
        end_a = plan[a] + tasks[a][1]
        for b in range(n):
            if a == b:
                continue
            if end_a <= plan[b]:
                out.append(("before", a, b))
            if plan[a] == plan[b] + tasks[b][1]:
                out.append(("after", a, b))
        if end_a < day_hours:
            out.append(("by", a, end_a))
        if plan[a] > 0:
            out.append(("from", a, plan[a]))
    return out


def make_trial(level: int, rng: np.random.Generator) -> ScheduleTrial:
    """A workday with a known set of valid plans (same seed → same day)."""
    row: ScheduleLevel = RULES.level_row(level)
    for _attempt in range(200):
        fixed = _place_fixed(row, rng)
        free = row.day_hours - len(fixed)
        hours = _durations(free - row.free_hours, row.tasks, rng)
        if hours is None:
            continue
        names = [int(v) for v in rng.permutation(len(TASK_NAMES))[: row.tasks]]
        tasks = tuple(zip(names, hours, strict=True))
        every = placements(row.day_hours, fixed, tasks)
        if not every:
            continue
        plan = every[int(rng.integers(0, len(every)))]
        pool = _candidate_rules(plan, tasks, row.day_hours)
        table = np.array(every, dtype=np.int16)
        hours_arr = np.array([h for _n, h in tasks], dtype=np.int16)
        masks = [rule_mask(rule, table, hours_arr) for rule in pool]
        alive = np.ones(len(every), dtype=bool)
        chosen: list[Rule] = []
        used: set[int] = set()
        for _ in range(row.rules):
            n_alive = int(alive.sum())
            scored = []
            for k, m in enumerate(masks):
                if k in used:
                    continue
                n_kept = int(np.count_nonzero(alive & m))
                if n_kept < n_alive:  # only rules that rule something out
                    scored.append((n_kept, k))
            if not scored:
                # Nothing left to rule out: the rest of the day's rules are ones the
                # plan keeps anyway (a real day has those too).
                spare = [k for k in range(len(pool)) if k not in used]
                if not spare:
                    break
                k = spare[int(rng.integers(0, len(spare)))]
                used.add(k)
                chosen.append(pool[k])
                continue
            # One of the most telling rules, for variety not always the very best.
            scored.sort()
            top = scored[: 3 if row.max_solutions else len(scored)]
            _n, k = top[int(rng.integers(0, len(top)))]
            used.add(k)
            chosen.append(pool[k])
            alive &= masks[k]
        if len(chosen) < row.rules:
            continue
        n_left = int(alive.sum())
        if row.max_solutions and n_left > row.max_solutions:
            continue
        order = rng.permutation(len(chosen))
        return ScheduleTrial(
            level=level,
            day_hours=row.day_hours,
            fixed=tuple(fixed),
            tasks=tasks,
            rules=tuple(chosen[int(i)] for i in order),
            n_solutions=n_left,
        )
    raise RuntimeError(f"schedule_puzzle: no day found for level {level}")  # pragma: no cover


def spec_from_json(obj: Mapping[str, Any]) -> ScheduleTrial:
    day = int(obj["day_hours"])
    if not 1 <= day <= 16:
        raise ValueError(f"schedule_puzzle: a day of {day} hours")
    fixed = []
    for start, hours, kind in obj["fixed"]:
        start, hours, kind = int(start), int(hours), str(kind)
        if kind not in FIXED_KINDS or start < 0 or hours < 1 or start + hours > day:
            raise ValueError(f"schedule_puzzle: bad appointment {start},{hours},{kind}")
        fixed.append((start, hours, kind))
    tasks = []
    for name, hours in obj["tasks"]:
        name, hours = int(name), int(hours)
        if not 0 <= name < len(TASK_NAMES) or not 1 <= hours <= MAX_DURATION:
            raise ValueError(f"schedule_puzzle: bad task {name},{hours}")
        tasks.append((name, hours))
    rules = []
    for kind, a, x in obj["rules"]:
        kind, a, x = str(kind), int(a), int(x)
        if kind not in RULE_KINDS or not 0 <= a < len(tasks):
            raise ValueError(f"schedule_puzzle: bad rule {kind},{a},{x}")
        if kind in ("before", "after") and not (0 <= x < len(tasks) and x != a):
            raise ValueError(f"schedule_puzzle: bad rule {kind},{a},{x}")
        if kind in ("by", "from") and not 0 <= x <= day:
            raise ValueError(f"schedule_puzzle: bad rule {kind},{a},{x}")
        rules.append((kind, a, x))
    spec = ScheduleTrial(
        level=int(obj["level"]),
        day_hours=day,
        fixed=tuple(fixed),
        tasks=tuple(tasks),
        rules=tuple(rules),
        n_solutions=int(obj["n_solutions"]),
    )
    found = len(solutions(spec))
    if found == 0 or found != spec.n_solutions:
        raise ValueError(f"schedule_puzzle: {found} valid plans, the log says {spec.n_solutions}")
    return spec


# -- scoring --------------------------------------------------------------------------


def check(spec: ScheduleTrial, starts: Sequence[int | None]) -> Outcome:
    """Score a plan: every task placed, inside the day, no overlaps, every rule kept."""
    if len(starts) != len(spec.tasks) or any(s is None for s in starts):
        return Outcome(correct=False, error_kind="incomplete")
    placed = [int(s) for s in starts if s is not None]
    for s, (_name, hours) in zip(placed, spec.tasks, strict=True):
        if s < 0 or s + hours > spec.day_hours:
            return Outcome(correct=False, error_kind="outside_day")
    used = busy_mask(spec.fixed)
    clashes = []
    for i, (s, (_name, hours)) in enumerate(zip(placed, spec.tasks, strict=True)):
        m = _mask(s, hours)
        if used & m:
            clashes.append(i)
        used |= m
    if clashes:
        return Outcome(correct=False, error_kind="overlap", details={"tasks": clashes})
    broken = [i for i, r in enumerate(spec.rules) if not rule_holds(r, placed, spec.tasks)]
    if broken:
        return Outcome(correct=False, error_kind="broken_rule", details={"rules": broken})
    return Outcome(correct=True)


def score(spec: ScheduleTrial, response: Response) -> Outcome:
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    return check(spec, list(response.answer["starts"]))


def correct_response(spec: ScheduleTrial) -> Response:
    return Response(answer={"starts": list(solutions(spec)[0])})


def error_response(spec: ScheduleTrial, rng: np.random.Generator) -> Response:
    """A plausible slip: a plan without overlaps that overlooks one rule (or, failing
    that, several); on days without rules, a task moved onto a taken hour."""
    by_broken: dict[int, list[tuple[int, ...]]] = {}
    for p in placements(spec.day_hours, spec.fixed, spec.tasks):
        n_broken = sum(not rule_holds(r, p, spec.tasks) for r in spec.rules)
        if n_broken:
            by_broken.setdefault(n_broken, []).append(p)
    if by_broken:
        options = [list(p) for p in by_broken[min(by_broken)]]
    else:
        plan = list(solutions(spec)[0])
        options = []
        for i, (_name, hours) in enumerate(spec.tasks):
            for s in range(spec.day_hours - hours + 1):
                moved = list(plan)
                moved[i] = s
                if check(spec, moved).error_kind == "overlap":
                    options.append(moved)
    return Response(answer={"starts": options[int(rng.integers(0, len(options)))]})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.PROBLEM_SOLVING,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
)
