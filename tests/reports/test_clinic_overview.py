"""Clinic overview rows on hand-made histories (plans of Mondays and Thursdays)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from cogtrain.reports.clinic_overview import OverviewRow, overview_row, sort_overview
from cogtrain.reports.progress_data import PlanFacts, SessionFact

OSLO = ZoneInfo("Europe/Oslo")
MIN = 60_000.0
PLAN = PlanFacts((1, 4), date(2024, 9, 2), 60, 40)
TODAY = date(2024, 10, 7)  # a Monday: planned this month so far are Thu 3 and Mon 7 Oct


def oslo(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=OSLO).astimezone(UTC)


SEPTEMBER = [
    SessionFact("s1", oslo(2024, 9, 2), 60 * MIN),
    SessionFact("s2", oslo(2024, 9, 5), 45 * MIN),
    SessionFact("s3", oslo(2024, 9, 10), 30 * MIN),
    SessionFact("s4", oslo(2024, 9, 16, 0, 30), 50 * MIN),
]


def test_a_participant_back_on_track() -> None:
    sessions = [*SEPTEMBER, SessionFact("s5", oslo(2024, 10, 3), 40 * MIN)]
    row = overview_row("A1", "Kari", PLAN, sessions, TODAY)
    assert row == OverviewRow(
        participant_code="A1",
        consultant="Kari",
        hours_done=pytest.approx(225 / 60),
        last_session_day=date(2024, 10, 3),
        sessions_this_month=1,
        planned_this_month=2,
        missed_two_in_a_row=False,
        next_session=date(2024, 10, 7),
    )


def test_a_participant_to_call() -> None:
    row = overview_row("B2", "Kari", PLAN, SEPTEMBER, TODAY)
    # 19, 23, 26, 30 Sep and 3 Oct missed since the last session on 16 Sep.
    assert row.missed_two_in_a_row is True
    assert row.last_session_day == date(2024, 9, 16)
    assert (row.sessions_this_month, row.planned_this_month) == (0, 2)
    assert row.next_session == date(2024, 10, 7)


def test_a_participant_starting_today() -> None:
    plan = PlanFacts((1, 4), TODAY, 60, 40)
    row = overview_row("C3", "Ola", plan, [], TODAY)
    assert (row.hours_done, row.last_session_day, row.missed_two_in_a_row) == (0.0, None, False)
    assert (row.sessions_this_month, row.planned_this_month, row.next_session) == (0, 1, TODAY)


def test_month_and_last_day_use_the_local_day() -> None:
    # 00:30 on 1 October in Oslo is 30 September in UTC.
    late = [SessionFact("x", oslo(2024, 10, 1, 0, 30), 45 * MIN)]
    assert overview_row("D4", "Ola", PLAN, late, date(2024, 10, 2)).sessions_this_month == 1
    in_utc = overview_row("D4", "Ola", PLAN, late, date(2024, 10, 2), tz=UTC)
    assert (in_utc.sessions_this_month, in_utc.last_session_day) == (0, date(2024, 9, 30))


def test_empty_sessions_do_not_count_as_attended() -> None:
    opened = [SessionFact("z", oslo(2024, 10, 3), 0.0)]
    row = overview_row("E5", "Ola", PLAN, opened, TODAY)
    assert (row.last_session_day, row.sessions_this_month) == (None, 0)


def test_after_the_target_nothing_is_planned() -> None:
    plan = PlanFacts((1, 4), date(2024, 9, 2), 60, 1.0)
    row = overview_row("F6", "Ola", plan, SEPTEMBER[:1], TODAY)
    assert row.hours_done == 1.0
    assert (row.planned_this_month, row.missed_two_in_a_row, row.next_session) == (0, False, None)


def test_sort_puts_flagged_first_then_code() -> None:
    def row(code: str, flagged: bool) -> OverviewRow:
        return OverviewRow(code, "Kari", 0.0, None, 0, 0, flagged, None)

    rows = [row("c3", False), row("B2", True), row("a1", False), row("D4", False), row("a0", True)]
    assert [r.participant_code for r in sort_overview(rows)] == ["a0", "B2", "a1", "c3", "D4"]
    assert sort_overview([]) == ()
