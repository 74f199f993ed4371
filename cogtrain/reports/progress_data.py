"""The numbers behind the consultant's progress screen, from plain facts.

The consultant and the participant look at this together on a projector, so every figure
must be one they can trust and explain: hours are *active* time only (as in
:mod:`cogtrain.training.progress`), attendance follows the covering rule of
:mod:`cogtrain.training.attendance` (reused, never re-implemented), and nothing here
reads the clock or the database. The storage layer builds the ``*Fact`` inputs; "today"
and the time zone are arguments, so a hand-made history gives exact, testable answers.

Sessions are stored in UTC. Every "day" here is the *local* day in ``tz`` (default
Europe/Oslo), so a session started 23:30 in Oslo belongs to that evening, not to the
next UTC day.

Rules chosen here (each also documented on its function):

* Expected hours: planned sessions from the plan's start up to and including today,
  times the planned session length, capped at the target.
* Projected finish: the recent pace is the active time of the last 28 days (shortened to
  the days since the start or the first session when training began later, but never
  counted over fewer than 7 days, one full week of the rhythm); the remaining hours at
  that pace, rounded up to whole days from today. ``None`` without training in that
  window; the day the target was reached once it was.
* Level curves by domain: the mean, per session, of the end levels of that domain's
  exercises trained in the session.
* A hard week: mean "stressed" >= 2.5 or mean "rested" <= 1.5 on the 1..3 scales.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from numbers import Integral, Real
from typing import Literal
from zoneinfo import ZoneInfo

from cogtrain.training.attendance import (
    AttendanceReport,
    SessionDone,
    attendance_report,
    monday_of,
    planned_dates,
)
from cogtrain.training.checkin import CheckIn
from cogtrain.training.progress import MS_PER_HOUR

DEFAULT_TZ: tzinfo = ZoneInfo("Europe/Oslo")
"""Where the clinics are: the local day of a session is its day in Oslo."""

RECENT_PACE_DAYS = 28
"""The window of the recent pace: four weeks, long enough to smooth one missed week."""
MIN_PACE_DAYS = 7
"""The pace is never counted over less than a week, so one session on the first day does
not project an impossible daily rhythm."""
HARD_WEEK_STRESSED_MEAN = 2.5
"""At least half the week's answers were "stressed" (3) and the rest "a bit" (2)."""
HARD_WEEK_RESTED_MEAN = 1.5
"""At least half the week's answers were "tired" (1) and the rest "a bit tired" (2)."""
RATING_MIN, RATING_MAX = -2, 2


# --------------------------------------------------------------------------- inputs


def _check_aware(name: str, value: object) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise TypeError(f"{name} must be a time-zone aware datetime (UTC), not {value!r}")


def _check_date(name: str, value: object) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date (not a datetime), not {value!r}")


def _check_ms(name: str, value: object) -> None:
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if not ok or not (math.isfinite(value) and value >= 0):  # type: ignore[arg-type]
        raise ValueError(f"{name} must be >= 0 (finite milliseconds), not {value!r}")


def _check_positive(name: str, value: object) -> None:
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if not ok or not (math.isfinite(value) and value > 0):  # type: ignore[arg-type]
        raise ValueError(f"{name} must be a positive number, not {value!r}")


def local_day(moment: datetime, tz: tzinfo = DEFAULT_TZ) -> date:
    """The calendar day of an aware ``moment`` in ``tz`` (where the clinic is)."""
    _check_aware("moment", moment)
    return moment.astimezone(tz).date()


@dataclass(frozen=True)
class SessionFact:
    """One session as stored: when it started (UTC), its active time, its check-in.

    Check-in answers are 1..3 (rested: 1 tired, 2 a bit tired, 3 rested; stressed:
    1 calm, 2 a bit, 3 stressed), ``None`` when skipped; checked like
    :class:`~cogtrain.training.checkin.CheckIn` so a bad value fails here, not in a chart.
    """

    session_id: str
    started_at: datetime
    active_ms: float
    checkin_rested: int | None = None
    checkin_stressed: int | None = None

    def __post_init__(self) -> None:
        _check_aware("started_at", self.started_at)
        _check_ms("active_ms", self.active_ms)
        CheckIn(self.checkin_rested, self.checkin_stressed)

    def day(self, tz: tzinfo = DEFAULT_TZ) -> date:
        return local_day(self.started_at, tz)


@dataclass(frozen=True)
class BlockFact:
    """One block of a session: which exercise, practice or scored, and where it ended.

    ``end_level`` is ``None`` for a block that was cut off before it finished.
    """

    session_id: str
    session_started_at: datetime
    exercise_id: str
    domain: str
    is_practice: bool
    end_level: int | None
    active_ms: float

    def __post_init__(self) -> None:
        _check_aware("session_started_at", self.session_started_at)
        _check_ms("active_ms", self.active_ms)
        lvl = self.end_level
        if lvl is not None and (isinstance(lvl, bool) or not isinstance(lvl, Integral)):
            raise TypeError(f"end_level must be a whole level or None, not {lvl!r}")


@dataclass(frozen=True)
class GoalFact:
    """A participant's own goal for the training, in their words."""

    goal_id: str
    text: str
    archived: bool = False


@dataclass(frozen=True)
class RatingFact:
    """The participant's rating of a goal on one day, from -2 (much worse) to +2."""

    goal_id: str
    rated_on: date
    value: int
    comment: str | None = None

    def __post_init__(self) -> None:
        _check_date("rated_on", self.rated_on)
        v = self.value
        if isinstance(v, bool) or not isinstance(v, Integral) or not RATING_MIN <= v <= RATING_MAX:
            raise ValueError(f"value must be a whole number -2..+2, not {v!r}")


@dataclass(frozen=True)
class NoteFact:
    """A note: by staff, or a participant's transfer answer after a block."""

    note_id: str
    written_at: datetime
    author: str
    text: str
    goal_id: str | None = None
    exercise_id: str | None = None
    source: str = "staff"

    def __post_init__(self) -> None:
        _check_aware("written_at", self.written_at)
        if self.source not in ("staff", "participant"):
            raise ValueError(f"source must be 'staff' or 'participant', not {self.source!r}")


@dataclass(frozen=True)
class PlanFacts:
    """The participant's plan: ISO training weekdays, start, session length, target."""

    training_days: tuple[int, ...]
    start: date
    session_minutes: float
    target_hours: float

    def __post_init__(self) -> None:
        _check_date("start", self.start)
        _check_positive("session_minutes", self.session_minutes)
        _check_positive("target_hours", self.target_hours)
        days = self.training_days
        if not days or not all(
            isinstance(d, Integral) and not isinstance(d, bool) and 1 <= d <= 7 for d in days
        ):
            raise ValueError(f"training_days must be ISO weekdays 1..7, not {days!r}")


def sessions_done(
    sessions: Iterable[SessionFact], tz: tzinfo = DEFAULT_TZ
) -> tuple[SessionDone, ...]:
    """The sessions as :mod:`~cogtrain.training.attendance` counts them: local day, active ms."""
    return tuple(SessionDone(s.day(tz), s.active_ms) for s in sessions)


def _report(plan: PlanFacts, done: Sequence[SessionDone], today: date) -> AttendanceReport:
    _check_date("today", today)
    return attendance_report(plan.training_days, plan.start, done, today, plan.target_hours)


# --------------------------------------------------------------------------- hours


@dataclass(frozen=True)
class HoursProgress:
    """Active hours toward the target, against the plan's pace and the recent pace."""

    done_hours: float
    target_hours: float
    fraction: float
    """Done over target, at most 1."""
    expected_hours: float
    """Where the plan says the participant would be by the end of today."""
    ahead_hours: float
    """Done minus expected: positive ahead of the plan, negative behind it."""
    recent_hours_per_week: float
    """Active hours per week over the recent-pace window (see :func:`hours_progress`)."""
    projected_finish: date | None
    completed_on: date | None
    """The day the target was reached, if it was."""

    @property
    def remaining_hours(self) -> float:
        return max(0.0, self.target_hours - self.done_hours)


def _hours(
    plan: PlanFacts, done: Sequence[SessionDone], report: AttendanceReport, today: date
) -> HoursProgress:
    done_hours = report.time.total_hours
    planned = planned_dates(plan.training_days, plan.start, today)
    expected = min(plan.target_hours, len(planned) * plan.session_minutes / 60.0)

    window_start = today - timedelta(days=RECENT_PACE_DAYS - 1)
    began = min([plan.start, *(s.day for s in done)])
    pace_days = max(MIN_PACE_DAYS, (today - max(window_start, began)).days + 1)
    recent_ms = sum(s.active_ms for s in done if window_start <= s.day <= today)
    hours_per_day = recent_ms / MS_PER_HOUR / pace_days

    if report.completed_on is not None:
        finish: date | None = report.completed_on
    elif hours_per_day > 0:
        remaining = plan.target_hours - done_hours
        finish = today + timedelta(days=math.ceil(round(remaining / hours_per_day, 9)))
    else:
        finish = None
    return HoursProgress(
        done_hours=done_hours,
        target_hours=plan.target_hours,
        fraction=report.time.fraction_of_target,
        expected_hours=expected,
        ahead_hours=done_hours - expected,
        recent_hours_per_week=hours_per_day * 7,
        projected_finish=finish,
        completed_on=report.completed_on,
    )


def hours_progress(
    plan: PlanFacts, sessions: Sequence[SessionFact], today: date, tz: tzinfo = DEFAULT_TZ
) -> HoursProgress:
    """Hours done against the plan's pace, and when the target will be reached.

    Expected hours count the planned sessions from the start up to *and including* today
    (times ``session_minutes``, capped at the target): the plan's own promise for the end
    of today. The projected finish uses the recent pace: active time in the last 28 local
    days up to today, divided by those days, or by the days since training began when it
    began later, but never by fewer than 7. The remaining hours at that pace are rounded
    up to whole days and counted from today. ``None`` when there was no training in the
    window (no pace to project from); once the target is reached, the day it was.
    """
    done = sessions_done(sessions, tz)
    return _hours(plan, done, _report(plan, done, today), today)


# --------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class WeekCell:
    """One ISO week of the attendance strip."""

    monday: date
    iso_year: int
    iso_week: int
    sessions_planned: int
    sessions_done: int
    sessions_missed: int
    active_minutes: float
    before_start: bool
    """The whole week lies before the plan's start (nothing was planned yet)."""
    is_current: bool
    """The week of today: its planned days after today are not missed yet."""


def _strip(
    plan: PlanFacts, report: AttendanceReport, today: date, weeks: int
) -> tuple[WeekCell, ...]:
    if isinstance(weeks, bool) or not isinstance(weeks, Integral) or weeks < 1:
        raise ValueError(f"weeks must be a whole number >= 1, not {weeks!r}")
    by_monday = {w.monday: w for w in report.weeks}
    this_monday = monday_of(today)
    cells: list[WeekCell] = []
    for back in range(weeks - 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        week = by_monday.get(monday)
        iso = monday.isocalendar()
        cells.append(
            WeekCell(
                monday=monday,
                iso_year=iso.year,
                iso_week=iso.week,
                sessions_planned=week.sessions_planned if week else 0,
                sessions_done=week.sessions_done if week else 0,
                sessions_missed=week.sessions_missed if week else 0,
                active_minutes=week.minutes_done if week else 0.0,
                before_start=monday + timedelta(days=6) < plan.start,
                is_current=back == 0,
            )
        )
    return tuple(cells)


def attendance_strip(
    plan: PlanFacts,
    sessions: Sequence[SessionFact],
    today: date,
    tz: tzinfo = DEFAULT_TZ,
    weeks: int = 12,
) -> tuple[WeekCell, ...]:
    """The last ``weeks`` ISO weeks up to today's week, oldest first.

    Planned, done and missed come from
    :func:`~cogtrain.training.attendance.attendance_report` (its covering rule: a session
    covers a planned day of its own week only; a planned day is missed once it is past).
    """
    done = sessions_done(sessions, tz)
    return _strip(plan, _report(plan, done, today), today, weeks)


# --------------------------------------------------------------------------- levels


@dataclass(frozen=True)
class LevelPoint:
    session_index: int
    """1 for the participant's first session with blocks, in order of session start."""
    day: date
    level: float


@dataclass(frozen=True)
class LevelCurve:
    """Levels of one exercise or domain, session by session (sessions it was trained in)."""

    key: str
    points: tuple[LevelPoint, ...]

    @property
    def latest_level(self) -> float | None:
        return self.points[-1].level if self.points else None

    @property
    def change(self) -> float | None:
        """Latest level minus the first one (0 with a single session)."""
        return self.points[-1].level - self.points[0].level if self.points else None


def level_curves(
    blocks: Iterable[BlockFact],
    *,
    by: Literal["domain", "exercise"],
    tz: tzinfo = DEFAULT_TZ,
) -> dict[str, LevelCurve]:
    """Level curves per exercise id or per domain, keys in sorted order.

    Sessions are numbered 1..n in order of their start (ties by session id) over every
    session that has a block, practice and cut-off ones included, so all curves share
    one x axis and "session 5" means the participant's fifth session. Blocks must come
    in the order they ran within a session (the store gives them so).

    Per exercise: a session's level is the end level of the exercise's *last* scored
    (non-practice) block in that session. Per domain: the mean of those per-exercise
    levels over the domain's exercises trained in the session, so a domain trained with
    two exercises at levels 4 and 6 stands at 5 that session. Practice blocks and blocks
    without an end level (cut off) never give a point.
    """
    if by not in ("domain", "exercise"):
        raise ValueError(f"by must be 'domain' or 'exercise', not {by!r}")
    blocks = list(blocks)
    started: dict[str, datetime] = {}
    for b in blocks:
        started.setdefault(b.session_id, b.session_started_at)
    order = sorted(started, key=lambda sid: (started[sid], sid))
    number = {sid: i + 1 for i, sid in enumerate(order)}

    last: dict[tuple[str, str], tuple[str, int]] = {}
    for b in blocks:
        if not b.is_practice and b.end_level is not None:
            last[(b.session_id, b.exercise_id)] = (b.domain, int(b.end_level))

    per_key: dict[str, dict[str, list[int]]] = {}
    for (sid, exercise_id), (domain, level) in last.items():
        key = exercise_id if by == "exercise" else domain
        per_key.setdefault(key, {}).setdefault(sid, []).append(level)

    curves: dict[str, LevelCurve] = {}
    for key in sorted(per_key):
        points = sorted(
            (
                LevelPoint(number[sid], local_day(started[sid], tz), sum(lv) / len(lv))
                for sid, lv in per_key[key].items()
            ),
            key=lambda p: p.session_index,
        )
        curves[key] = LevelCurve(key, tuple(points))
    return curves


# --------------------------------------------------------------------------- goals, notes


@dataclass(frozen=True)
class GoalRatings:
    """One goal with its ratings in date order."""

    goal_id: str
    text: str
    archived: bool
    ratings: tuple[RatingFact, ...]
    latest_value: int | None
    change: int | None
    """Latest rating minus the first; ``None`` with fewer than two (nothing to compare)."""


def rating_history(
    goals: Iterable[GoalFact], ratings: Iterable[RatingFact]
) -> tuple[GoalRatings, ...]:
    """Each goal with its ratings: active goals first, archived last, else as given.

    Ratings are sorted by day (same-day ratings keep their given order). A rating of a
    goal not in ``goals`` (deleted) is left out.
    """
    goals = list(goals)
    by_goal: dict[str, list[RatingFact]] = {g.goal_id: [] for g in goals}
    for r in ratings:
        if r.goal_id in by_goal:
            by_goal[r.goal_id].append(r)
    out: list[GoalRatings] = []
    for g in sorted(goals, key=lambda g: g.archived):
        rs = tuple(sorted(by_goal[g.goal_id], key=lambda r: r.rated_on))
        out.append(
            GoalRatings(
                goal_id=g.goal_id,
                text=g.text,
                archived=g.archived,
                ratings=rs,
                latest_value=rs[-1].value if rs else None,
                change=rs[-1].value - rs[0].value if len(rs) >= 2 else None,
            )
        )
    return tuple(out)


def latest_notes(notes: Iterable[NoteFact], n: int = 5) -> tuple[NoteFact, ...]:
    """The ``n`` newest notes, newest first (notes written at the same moment: as given)."""
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
        raise ValueError(f"n must be a whole number >= 0, not {n!r}")
    return tuple(sorted(notes, key=lambda note: note.written_at, reverse=True)[:n])


# --------------------------------------------------------------------------- check-ins


@dataclass(frozen=True)
class CheckinWeek:
    """The check-ins of one ISO week that had sessions."""

    monday: date
    iso_year: int
    iso_week: int
    sessions: int
    """Sessions started that week (whether or not the check-in was answered)."""
    n_answered: int
    """Sessions with at least one of the two questions answered."""
    mean_rested: float | None
    mean_stressed: float | None
    hard_week: bool


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def checkin_trend(
    sessions: Iterable[SessionFact], tz: tzinfo = DEFAULT_TZ
) -> tuple[CheckinWeek, ...]:
    """Weekly means of the check-in answers, oldest week first, weeks with sessions only.

    Each mean is over the sessions that answered that question (``None`` when none did).
    A week is *hard* when the mean "stressed" is >= 2.5 or the mean "rested" is <= 1.5:
    the week leaned clearly to the hard end (at least half the answers at the hard end,
    the rest in the middle), not just one bad day among fine ones, which the consultant
    can see in the week's own answers anyway.
    """
    weeks: dict[date, list[SessionFact]] = {}
    for s in sessions:
        weeks.setdefault(monday_of(s.day(tz)), []).append(s)
    out: list[CheckinWeek] = []
    for monday in sorted(weeks):
        ss = weeks[monday]
        rested = _mean([s.checkin_rested for s in ss if s.checkin_rested is not None])
        stressed = _mean([s.checkin_stressed for s in ss if s.checkin_stressed is not None])
        iso = monday.isocalendar()
        out.append(
            CheckinWeek(
                monday=monday,
                iso_year=iso.year,
                iso_week=iso.week,
                sessions=len(ss),
                n_answered=sum(
                    1 for s in ss if s.checkin_rested is not None or s.checkin_stressed is not None
                ),
                mean_rested=rested,
                mean_stressed=stressed,
                hard_week=(stressed is not None and stressed >= HARD_WEEK_STRESSED_MEAN)
                or (rested is not None and rested <= HARD_WEEK_RESTED_MEAN),
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------- the screen


@dataclass(frozen=True)
class ProgressScreenData:
    """Everything the consultant's progress screen shows for one participant."""

    today: date
    hours: HoursProgress
    attendance: tuple[WeekCell, ...]
    next_session: date | None
    missed_in_a_row: int
    """Planned sessions missed since the last one kept (2 or more: get in touch)."""
    levels_by_domain: dict[str, LevelCurve]
    levels_by_exercise: dict[str, LevelCurve]
    goals: tuple[GoalRatings, ...]
    notes: tuple[NoteFact, ...]
    checkins: tuple[CheckinWeek, ...]
    sessions_done: int
    """Sessions with active time, as attendance counts them."""

    @property
    def two_missed_in_a_row(self) -> bool:
        return self.missed_in_a_row >= 2


def progress_screen(
    plan: PlanFacts,
    sessions: Sequence[SessionFact],
    blocks: Sequence[BlockFact],
    goals: Sequence[GoalFact],
    ratings: Sequence[RatingFact],
    notes: Sequence[NoteFact],
    today: date,
    tz: tzinfo = DEFAULT_TZ,
    *,
    weeks: int = 12,
    n_notes: int = 5,
) -> ProgressScreenData:
    """All of the above for one participant, with the attendance computed once."""
    done = sessions_done(sessions, tz)
    report = _report(plan, done, today)
    return ProgressScreenData(
        today=today,
        hours=_hours(plan, done, report, today),
        attendance=_strip(plan, report, today, weeks),
        next_session=report.next_session,
        missed_in_a_row=report.missed_in_a_row,
        levels_by_domain=level_curves(blocks, by="domain", tz=tz),
        levels_by_exercise=level_curves(blocks, by="exercise", tz=tz),
        goals=rating_history(goals, ratings),
        notes=latest_notes(notes, n_notes),
        checkins=checkin_trend(sessions, tz),
        sessions_done=report.sessions_done,
    )
