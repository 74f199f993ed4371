"""Attendance and hours: planned versus done, per ISO week, from plain dates.

JMO counts *active* training time toward the 40 hours (pauses never count; see
:mod:`cogtrain.training.progress`), and expects a steady rhythm of about two sessions a
week. The consultant needs three things from that: a week-by-week table, a warning when
the participant has missed two planned sessions in a row (a sign to get in touch), and
the date of the next planned session. All of it is computed here from dates passed in;
nothing reads the clock, so "today" is always an argument and the maths is testable on
hand-made calendars.

How sessions meet plans: within an ISO week, each session done covers one planned day,
preferably the latest planned day on or before it (a late make-up), else the earliest one
after it (training ahead). Sessions never cover another week, so an extra session does
not hide a missed week. A planned day counts as missed once it is in the past (before
``today``) and uncovered; today's planned session is not missed while the day is not over.
A session with no active time (opened and closed at once) does not count as attended.
Once the target hours are reached, nothing more is planned.

Inputs are checked, because a wrong type here would not fail loudly but give a wrong
table: days must be :class:`~datetime.date` (a ``datetime`` is refused with
:class:`TypeError`), training days whole ISO weekdays 1..7, active time a finite number
of milliseconds >= 0 and the target a positive number of hours (else :class:`ValueError`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from numbers import Integral, Real

from cogtrain.training.progress import (
    MS_PER_HOUR,
    MS_PER_MINUTE,
    TARGET_HOURS,
    TimeTrained,
    active_ms,
    time_trained,
)


@dataclass(frozen=True)
class SessionDone:
    """One session that took place: its day and its active training time."""

    day: date
    active_ms: float

    def __post_init__(self) -> None:
        _check_date("day", self.day)
        ms = self.active_ms
        if isinstance(ms, bool) or not isinstance(ms, Real) or not (math.isfinite(ms) and ms >= 0):
            raise ValueError(f"active_ms must be >= 0 (finite milliseconds), not {ms!r}")

    @classmethod
    def from_blocks(cls, day: date, blocks: Iterable[tuple[float, float]]) -> SessionDone:
        """From the session's blocks as ``(wall_ms, paused_ms)``: pauses never count."""
        return cls(day, sum(active_ms(wall, paused) for wall, paused in blocks))

    @property
    def active_minutes(self) -> float:
        return self.active_ms / MS_PER_MINUTE

    @property
    def attended(self) -> bool:
        return self.active_ms > 0


@dataclass(frozen=True)
class WeekAttendance:
    """One ISO week: planned days (from the start date on), sessions and minutes done."""

    iso_year: int
    iso_week: int
    monday: date
    planned_dates: tuple[date, ...]
    missed_dates: tuple[date, ...]
    sessions_done: int
    minutes_done: float

    @property
    def sessions_planned(self) -> int:
        return len(self.planned_dates)

    @property
    def sessions_missed(self) -> int:
        return len(self.missed_dates)


@dataclass(frozen=True)
class AttendanceReport:
    """Everything the consultant's attendance view shows."""

    weeks: tuple[WeekAttendance, ...]
    time: TimeTrained
    missed_runs: tuple[tuple[date, ...], ...]
    """Every run of two or more planned sessions missed in a row, oldest first."""
    missed_in_a_row: int
    """Planned sessions missed since the last one kept (0 when the last one was kept)."""
    next_session: date | None
    completed_on: date | None
    """The day the target hours were reached, if they were."""

    @property
    def two_missed_in_a_row(self) -> bool:
        """The warning: the last two (or more) planned sessions were missed."""
        return self.missed_in_a_row >= 2

    @property
    def sessions_planned(self) -> int:
        return sum(w.sessions_planned for w in self.weeks)

    @property
    def sessions_done(self) -> int:
        return sum(w.sessions_done for w in self.weeks)

    @property
    def sessions_missed(self) -> int:
        return sum(w.sessions_missed for w in self.weeks)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def _check_date(name: str, value: object) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date (not a datetime), not {value!r}")


def _check_target(target_hours: float) -> None:
    t = target_hours
    if isinstance(t, bool) or not isinstance(t, Real) or not (math.isfinite(t) and t > 0):
        raise ValueError(f"target_hours must be a positive number of hours, not {t!r}")


def _check_days(training_days: Sequence[int]) -> tuple[int, ...]:
    def weekday(d: object) -> bool:
        return isinstance(d, Integral) and not isinstance(d, bool) and 1 <= d <= 7

    given = () if isinstance(training_days, (str, bytes)) else tuple(training_days)
    if not given or not all(weekday(d) for d in given):
        raise ValueError(f"training days must be ISO weekdays 1..7, not {training_days!r}")
    return tuple(sorted({int(d) for d in given}))


def planned_dates(training_days: Sequence[int], start: date, end: date) -> list[date]:
    """Planned session days from ``start`` to ``end`` (both included)."""
    days = set(_check_days(training_days))
    _check_date("start", start)
    _check_date("end", end)
    return _planned(days, start, end)


def _planned(days: set[int], start: date, end: date) -> list[date]:
    """:func:`planned_dates` for checked arguments (the weekly loop's inner step)."""
    out: list[date] = []
    d = start
    one = timedelta(days=1)
    while d <= end:
        if d.isoweekday() in days:
            out.append(d)
        d += one
    return out


def completion_day(sessions: Iterable[SessionDone], target_hours: float) -> date | None:
    """The day the running total of active time first reached the target, if ever."""
    _check_target(target_hours)
    total = 0.0
    for s in sorted(sessions, key=lambda s: s.day):
        total += s.active_ms
        if total >= target_hours * MS_PER_HOUR:
            return s.day
    return None


def _cover(slots: Sequence[date], days: Sequence[date]) -> set[date]:
    """Which planned days of one week the sessions on ``days`` cover (see module doc)."""
    covered: set[date] = set()
    for day in sorted(days):
        open_slots = [s for s in slots if s not in covered]
        before = [s for s in open_slots if s <= day]
        after = [s for s in open_slots if s > day]
        if before:
            covered.add(before[-1])
        elif after:
            covered.add(after[0])
    return covered


def next_planned_session(
    training_days: Sequence[int],
    start: date,
    sessions: Sequence[SessionDone],
    today: date,
    target_hours: float = TARGET_HOURS,
) -> date | None:
    """The next planned day from today on (today only if not trained yet today).

    ``None`` once the target hours are reached.
    """
    days = set(_check_days(training_days))
    _check_date("start", start)
    _check_date("today", today)
    if completion_day(sessions, target_hours) is not None:
        return None
    trained_today = any(s.day == today and s.attended for s in sessions)
    d = max(start, today + timedelta(days=1) if trained_today else today)
    while d.isoweekday() not in days:
        d += timedelta(days=1)
    return d


def attendance_report(
    training_days: Sequence[int],
    start: date,
    sessions: Sequence[SessionDone],
    today: date,
    target_hours: float = TARGET_HOURS,
) -> AttendanceReport:
    """Attendance from ``start`` to ``today``, week by week, with hours and warnings.

    ``training_days`` are ISO weekdays (``TrainingPlan.training_days``). The weeks run
    from the week of the start date (or of an earlier session) to the week of ``today``
    (or of a later session); planned days before ``start`` or after the target hours
    were reached do not count.
    """
    days = _check_days(training_days)
    _check_date("start", start)
    _check_date("today", today)
    completed = completion_day(sessions, target_hours)
    time = time_trained(
        (s.active_ms for s in sessions if s.day == today),
        (s.active_ms for s in sessions),
        target_hours,
    )
    nxt = next_planned_session(days, start, sessions, today, target_hours)
    first = min([start, *(s.day for s in sessions)])
    last = max([today, *(s.day for s in sessions)])
    if last < start and not sessions:
        return AttendanceReport((), time, (), 0, nxt, completed)

    weeks: list[WeekAttendance] = []
    sequence: list[tuple[date, bool]] = []  # (planned day, missed) for days that are settled
    # Each session in its week once (the clinic overview makes this report for every
    # participant, over 80 weeks and more: no pass over all sessions per week).
    by_week: dict[date, list[SessionDone]] = {}
    for s in sessions:
        by_week.setdefault(monday_of(s.day), []).append(s)
    day_set = set(days)
    monday = monday_of(first)
    while monday <= last:
        sunday = monday + timedelta(days=6)
        plan_end = min(sunday, completed) if completed else sunday
        slots = _planned(day_set, max(start, monday), plan_end)
        in_week = by_week.get(monday, [])
        covered = _cover(slots, [s.day for s in in_week if s.attended])
        missed = tuple(s for s in slots if s < today and s not in covered)
        sequence.extend((s, s in missed) for s in slots if s < today or s in covered)
        iso = monday.isocalendar()
        weeks.append(
            WeekAttendance(
                iso_year=iso.year,
                iso_week=iso.week,
                monday=monday,
                planned_dates=tuple(slots),
                missed_dates=missed,
                sessions_done=sum(1 for s in in_week if s.attended),
                minutes_done=sum(s.active_minutes for s in in_week),
            )
        )
        monday += timedelta(days=7)

    runs: list[tuple[date, ...]] = []
    current: list[date] = []
    for day, was_missed in sorted(sequence):
        if was_missed:
            current.append(day)
            continue
        if len(current) >= 2:
            runs.append(tuple(current))
        current = []
    trailing = len(current)
    if trailing >= 2:
        runs.append(tuple(current))
    return AttendanceReport(tuple(weeks), time, tuple(runs), trailing, nxt, completed)
