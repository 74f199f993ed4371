"""Attendance: planned versus done per ISO week, on hand-made calendars.

The calendar used throughout is January 2026 with the JMO days Monday and Thursday:

    ISO week 2:  Mon  5  Tue  6  Wed  7  Thu  8  Fri  9  Sat 10  Sun 11
    ISO week 3:  Mon 12  Tue 13  Wed 14  Thu 15  Fri 16  Sat 17  Sun 18
    ISO week 4:  Mon 19  Tue 20  Wed 21  Thu 22  Fri 23  Sat 24  Sun 25
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from cogtrain.training.attendance import (
    AttendanceReport,
    SessionDone,
    attendance_report,
    completion_day,
    monday_of,
    next_planned_session,
    planned_dates,
)

MON_THU = (1, 4)
START = date(2026, 1, 5)  # Monday, ISO week 2


def jan(day: int) -> date:
    return date(2026, 1, day)


def done(day: int, minutes: float = 60) -> SessionDone:
    return SessionDone(jan(day), minutes * 60_000)


def report(today: int, *sessions: SessionDone, **kwargs: object) -> AttendanceReport:
    args: dict[str, object] = {"training_days": MON_THU, "start": START, **kwargs}
    return attendance_report(sessions=sessions, today=jan(today), **args)  # type: ignore[arg-type]


def table(r: AttendanceReport) -> list[tuple[int, tuple[int, ...], tuple[int, ...], int, float]]:
    """(ISO week, planned days, missed days, sessions done, minutes done) per week."""
    return [
        (
            w.iso_week,
            tuple(d.day for d in w.planned_dates),
            tuple(d.day for d in w.missed_dates),
            w.sessions_done,
            w.minutes_done,
        )
        for w in r.weeks
    ]


# --- planned versus done, week by week ------------------------------------------------------


def test_sessions_planned_and_done_and_minutes_per_iso_week() -> None:
    r = report(21, done(5, 60), done(8, 55), done(12, 60), done(19, 45))
    assert table(r) == [
        (2, (5, 8), (), 2, 115.0),
        (3, (12, 15), (15,), 1, 60.0),
        (4, (19, 22), (), 1, 45.0),  # Thursday 22 is still ahead
    ]
    assert [(w.iso_year, w.monday) for w in r.weeks] == [
        (2026, jan(5)),
        (2026, jan(12)),
        (2026, jan(19)),
    ]
    assert (r.sessions_planned, r.sessions_done, r.sessions_missed) == (6, 4, 1)
    assert r.weeks[1].sessions_planned == 2 and r.weeks[1].sessions_missed == 1
    assert r.time.total_ms == 220 * 60_000
    assert r.time.today_ms == 0
    assert r.next_session == jan(22)
    assert r.completed_on is None


def test_minutes_count_only_active_time_and_todays_minutes_are_separate() -> None:
    # 10 minutes of a block were paused; the last block was all pause.
    tuesday = SessionDone.from_blocks(
        jan(6), [(600_000, 0), (1_500_000, 600_000), (90_000, 90_000)]
    )
    assert tuesday.active_ms == 1_500_000
    r = report(6, done(5, 50), tuesday)
    assert table(r) == [(2, (5, 8), (), 2, 75.0)]
    assert r.time.today_ms == 1_500_000
    assert r.time.today_minutes == 25.0
    assert r.time.total_ms == 75 * 60_000
    assert r.time.total_hours == 1.25


def test_weeks_are_iso_weeks_across_the_new_year() -> None:
    # 2026 has 53 ISO weeks; Monday 4 January 2027 starts 2027-W01.
    r = attendance_report(MON_THU, date(2026, 12, 21), [], date(2027, 1, 5))
    assert [(w.iso_year, w.iso_week, w.monday) for w in r.weeks] == [
        (2026, 52, date(2026, 12, 21)),
        (2026, 53, date(2026, 12, 28)),
        (2027, 1, date(2027, 1, 4)),
    ]
    assert r.weeks[1].planned_dates == (date(2026, 12, 28), date(2026, 12, 31))
    # Week 1 of 2026 starts on Monday 29 December 2025.
    r = attendance_report(MON_THU, date(2025, 12, 29), [], date(2025, 12, 30))
    assert [(w.iso_year, w.iso_week) for w in r.weeks] == [(2026, 1)]


# --- how sessions meet plans ---------------------------------------------------------------


def test_a_make_up_later_in_the_week_covers_the_missed_day() -> None:
    assert table(report(6)) == [(2, (5, 8), (5,), 0, 0.0)]  # Monday missed, so far
    assert table(report(9, done(6), done(8))) == [(2, (5, 8), (), 2, 120.0)]
    # Made up on Saturday, after Thursday's session.
    assert table(report(12, done(8), done(10))) == [
        (2, (5, 8), (), 2, 120.0),
        (3, (12, 15), (), 0, 0.0),
    ]


def test_a_make_up_covers_the_latest_planned_day_before_it() -> None:
    # Wednesday's session makes up Monday; Thursday then has no session.
    assert table(report(9, done(7))) == [(2, (5, 8), (8,), 1, 60.0)]
    # Friday's session covers Thursday, the latest planned day before it, not Monday.
    assert table(report(10, done(9))) == [(2, (5, 8), (5,), 1, 60.0)]


def test_training_ahead_covers_the_next_planned_day() -> None:
    r = report(9, done(5), done(6))
    assert table(r) == [(2, (5, 8), (), 2, 120.0)]
    assert r.missed_in_a_row == 0
    # Wednesday and Friday planned, trained on Monday: that covers Wednesday, not Friday.
    r = attendance_report((3, 5), START, [done(5)], jan(10))
    assert table(r) == [(2, (7, 9), (9,), 1, 60.0)]


def test_an_extra_session_does_not_hide_a_missed_week() -> None:
    r = report(19, done(5), done(6), done(8))
    assert table(r) == [
        (2, (5, 8), (), 3, 180.0),
        (3, (12, 15), (12, 15), 0, 0.0),
        (4, (19, 22), (), 0, 0.0),
    ]
    assert (r.sessions_planned, r.sessions_done, r.sessions_missed) == (6, 3, 2)
    assert r.missed_in_a_row == 2
    assert r.two_missed_in_a_row
    assert r.missed_runs == ((jan(12), jan(15)),)


def test_todays_planned_session_is_not_missed_while_the_day_is_not_over() -> None:
    r = report(8, done(5))
    assert table(r) == [(2, (5, 8), (), 1, 60.0)]
    assert r.missed_in_a_row == 0
    assert r.next_session == jan(8)
    # The next day it is missed.
    assert table(report(9, done(5))) == [(2, (5, 8), (8,), 1, 60.0)]


def test_a_session_with_no_active_time_is_not_attended() -> None:
    opened_and_closed = SessionDone.from_blocks(jan(5), [(45_000, 45_000)])
    assert opened_and_closed.active_ms == 0
    assert not opened_and_closed.attended
    assert done(5, 0.001).attended
    r = report(6, opened_and_closed)
    assert table(r) == [(2, (5, 8), (5,), 0, 0.0)]
    assert r.sessions_done == 0
    # Nor does it count as having trained today: today's session is still to come.
    r = report(8, done(5), SessionDone(jan(8), 0.0))
    assert table(r) == [(2, (5, 8), (), 1, 60.0)]
    assert r.next_session == jan(8)


# --- the warning: two planned sessions missed in a row ---------------------------------------


def test_two_planned_sessions_missed_in_a_row_warns() -> None:
    # Monday 5 kept, Thursday 8 and Monday 12 missed (across the week boundary).
    r = report(13, done(5))
    assert r.missed_in_a_row == 2
    assert r.two_missed_in_a_row
    assert r.missed_runs == ((jan(8), jan(12)),)
    # On Monday 12 itself only Thursday 8 is missed: no warning yet.
    r = report(12, done(5))
    assert r.missed_in_a_row == 1
    assert not r.two_missed_in_a_row
    assert r.missed_runs == ()


def test_three_in_a_row_are_one_run() -> None:
    r = report(16, done(5))
    assert r.missed_in_a_row == 3
    assert r.missed_runs == ((jan(8), jan(12), jan(15)),)


def test_a_kept_session_ends_the_warning_but_the_run_stays_on_record() -> None:
    # Tuesday 13 makes up Monday 12: the run is over at one missed session.
    r = report(14, done(5), done(13))
    assert r.missed_in_a_row == 0
    assert not r.two_missed_in_a_row
    assert r.missed_runs == ()
    # Thursday 8 and Monday 12 missed, Thursday 15 kept: warning over, run remembered.
    r = report(16, done(5), done(15))
    assert r.missed_in_a_row == 0
    assert not r.two_missed_in_a_row
    assert r.missed_runs == ((jan(8), jan(12)),)


def test_single_misses_with_sessions_in_between_never_warn() -> None:
    r = report(20, done(8), done(15), done(19))  # Mondays 5 and 12 missed
    assert table(r) == [
        (2, (5, 8), (5,), 1, 60.0),
        (3, (12, 15), (12,), 1, 60.0),
        (4, (19, 22), (), 1, 60.0),
    ]
    assert r.missed_runs == ()
    assert r.missed_in_a_row == 0


def test_nothing_done_yet_after_two_planned_days_warns() -> None:
    r = report(9)
    assert r.missed_in_a_row == 2
    assert r.missed_runs == ((jan(5), jan(8)),)
    assert r.sessions_done == 0


# --- the next planned session ----------------------------------------------------------------


def test_next_planned_session() -> None:
    def nxt(today: int, *sessions: SessionDone, start: date = START) -> date | None:
        return next_planned_session(MON_THU, start, sessions, jan(today))

    assert nxt(6) == jan(8)  # Tuesday -> Thursday
    assert nxt(11) == jan(12)  # Sunday -> Monday
    assert nxt(8) == jan(8)  # a planned day, not trained yet
    assert nxt(8, done(8)) == jan(12)  # trained today -> next Monday
    assert nxt(7, done(7)) == jan(8)  # a make-up on Wednesday -> Thursday as planned
    assert nxt(5, start=jan(14)) == jan(15)  # not started yet: first planned day from start
    assert nxt(14, start=jan(14)) == jan(15)
    assert report(6).next_session == jan(8)


# --- the target hours ------------------------------------------------------------------------


def test_nothing_is_planned_once_the_target_hours_are_reached() -> None:
    r = report(21, done(5), done(8), target_hours=2)
    assert r.completed_on == jan(8)
    assert table(r) == [
        (2, (5, 8), (), 2, 120.0),
        (3, (), (), 0, 0.0),
        (4, (), (), 0, 0.0),
    ]
    assert r.next_session is None
    assert r.missed_in_a_row == 0 and r.missed_runs == ()
    assert r.time.fraction_of_target == 1.0


def test_reaching_the_target_mid_week_drops_the_rest_of_the_week() -> None:
    r = report(9, done(5), done(6), target_hours=2)
    assert r.completed_on == jan(6)
    assert table(r) == [(2, (5,), (), 2, 120.0)]
    assert r.sessions_missed == 0
    assert next_planned_session(MON_THU, START, [done(5), done(6)], jan(7), 2) is None


def test_one_millisecond_short_of_the_target_is_not_done() -> None:
    sessions = [done(5), SessionDone(jan(8), 60 * 60_000 - 1)]
    assert completion_day(sessions, 2) is None
    r = report(13, *sessions, target_hours=2)
    assert r.completed_on is None
    assert r.next_session == jan(15)
    assert table(r)[1] == (3, (12, 15), (12,), 0, 0.0)


def test_forty_hours_at_the_jmo_rhythm_take_twenty_weeks() -> None:
    mondays = [START + timedelta(weeks=w) for w in range(20)]
    sessions = [SessionDone(m + timedelta(days=d), 3_600_000) for m in mondays for d in (0, 3)]
    today = mondays[-1] + timedelta(days=17)  # Thursday, two weeks after the last session
    r = attendance_report(MON_THU, START, sessions, today)
    assert r.completed_on == sessions[-1].day == date(2026, 5, 21)
    assert r.time.total_hours == 40.0
    assert r.time.fraction_of_target == 1.0
    assert r.next_session is None
    assert len(r.weeks) == 22
    assert [w.sessions_planned for w in r.weeks] == [2] * 20 + [0, 0]
    assert (r.sessions_planned, r.sessions_done, r.sessions_missed) == (40, 40, 0)
    assert not r.two_missed_in_a_row


def test_completion_day_is_the_day_the_running_total_reaches_the_target() -> None:
    sessions = [done(12), done(5), done(8)]  # any order
    assert completion_day(sessions, 2) == jan(8)
    assert completion_day(sessions, 3) == jan(12)
    assert completion_day(sessions, 3.5) is None
    assert completion_day([], 40) is None


# --- start date and empty calendars --------------------------------------------------------


def test_a_start_date_mid_week_plans_only_from_the_start() -> None:
    r = report(13, done(8), start=jan(7))  # starts Wednesday 7: Monday 5 is not planned
    assert table(r) == [
        (2, (8,), (), 1, 60.0),
        (3, (12, 15), (12,), 0, 0.0),
    ]
    assert r.weeks[0].monday == jan(5)
    # Starting on a Friday: the first week is listed with nothing planned.
    r = report(13, start=jan(9))
    assert table(r) == [(2, (), (), 0, 0.0), (3, (12, 15), (12,), 0, 0.0)]
    assert r.missed_in_a_row == 1


def test_before_the_start_there_is_nothing_to_report_but_the_first_session() -> None:
    r = report(5, start=jan(14))
    assert r.weeks == ()
    assert r.next_session == jan(15)
    assert (r.sessions_planned, r.sessions_done, r.missed_in_a_row) == (0, 0, 0)
    assert r.time.total_ms == 0


def test_planned_dates_and_monday_of() -> None:
    assert planned_dates(MON_THU, jan(7), jan(19)) == [jan(8), jan(12), jan(15), jan(19)]
    assert planned_dates((7, 1, 4, 4), jan(10), jan(12)) == [jan(11), jan(12)]
    assert planned_dates(MON_THU, jan(9), jan(8)) == []
    assert [monday_of(jan(d)) for d in (5, 8, 11, 12)] == [jan(5), jan(5), jan(5), jan(12)]


# --- invalid inputs --------------------------------------------------------------------------


@pytest.mark.parametrize("days", [(), (0,), (8,), (1, 9), (-1, 4)])
def test_training_days_outside_iso_weekdays_are_refused(days: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"training days must be ISO weekdays 1\.\.7"):
        attendance_report(days, START, [], jan(9))
    with pytest.raises(ValueError, match=r"training days must be ISO weekdays 1\.\.7"):
        next_planned_session(days, START, [], jan(9))
    with pytest.raises(ValueError, match=r"training days must be ISO weekdays 1\.\.7"):
        planned_dates(days, START, jan(9))


@pytest.mark.parametrize("active", [-1.0, float("nan")])
def test_negative_or_unknown_active_time_is_refused(active: float) -> None:
    with pytest.raises(ValueError, match="active_ms must be >= 0"):
        SessionDone(jan(5), active)


@pytest.mark.parametrize("days", [(1.5,), ("1", "4"), "14", (True, 4), (None,)])
def test_training_days_that_are_not_whole_weekday_numbers_are_refused(days: object) -> None:
    # 1.5 used to pass the range check and send next_planned_session looking for a
    # matching weekday until the calendar ran out; text and True failed obscurely or not.
    with pytest.raises(ValueError, match=r"training days must be ISO weekdays 1\.\.7"):
        next_planned_session(days, START, [], jan(9))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"training days must be ISO weekdays 1\.\.7"):
        attendance_report(days, START, [], jan(9))  # type: ignore[arg-type]


@pytest.mark.parametrize("active", [float("inf"), "60000", None, True])
def test_active_time_must_be_a_finite_number(active: object) -> None:
    with pytest.raises(ValueError, match="active_ms must be >= 0"):
        SessionDone(jan(5), active)  # type: ignore[arg-type]


def test_days_must_be_dates_not_datetimes_or_text() -> None:
    with pytest.raises(TypeError, match="day must be a date"):
        SessionDone(datetime(2026, 1, 5, 10, 30), 60_000)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="day must be a date"):
        SessionDone("2026-01-05", 60_000)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="today must be a date"):
        attendance_report(MON_THU, START, [], datetime(2026, 1, 9, 12))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="start must be a date"):
        attendance_report(MON_THU, "2026-01-05", [], jan(9))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="today must be a date"):
        next_planned_session(MON_THU, START, [], None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="end must be a date"):
        planned_dates(MON_THU, START, datetime(2026, 1, 9))  # type: ignore[arg-type]


@pytest.mark.parametrize("hours", [0, -40, float("nan"), float("inf")])
def test_target_hours_must_be_a_positive_number(hours: float) -> None:
    # 0 used to mark the programme complete on the first session; nan never completed it.
    with pytest.raises(ValueError, match="target_hours must be a positive number of hours"):
        attendance_report(MON_THU, START, [done(5)], jan(9), hours)
    with pytest.raises(ValueError, match="target_hours must be a positive number of hours"):
        next_planned_session(MON_THU, START, [done(5)], jan(9), hours)
    with pytest.raises(ValueError, match="target_hours must be a positive number of hours"):
        completion_day([done(5)], hours)


def test_training_days_may_be_any_iterable_of_weekdays_in_any_order() -> None:
    expected = attendance_report(MON_THU, START, [done(5)], jan(13))
    assert attendance_report(iter([4, 1, 4]), START, [done(5)], jan(13)) == expected
    assert next_planned_session((d for d in (4, 1)), START, [], jan(6)) == jan(8)
