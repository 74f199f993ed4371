"""Progress screen data on a hand-made history, with exact expected values.

The fixture: a plan of Mondays and Thursdays (60 min, 40 h) from Monday 2 September
2024; today is Thursday 19 September (not trained yet). Four sessions:

* s1 Mon 2 Sep 10:00, 60 min, rested 3 / stressed 1
* s2 Thu 5 Sep 10:00, 45 min, rested 2 / stressed skipped
* s3 Tue 10 Sep 09:00, 30 min (a make-up for Mon 9), rested 1 / stressed 3; Thu 12 missed
* s4 Mon 16 Sep 00:30 in Oslo, which is Sunday 15 Sep 22:30 UTC, 50 min, rested 1 / 2
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cogtrain.reports.progress_data import (
    BlockFact,
    GoalFact,
    NoteFact,
    PlanFacts,
    RatingFact,
    SessionFact,
    attendance_strip,
    checkin_trend,
    hours_progress,
    latest_notes,
    level_curves,
    local_day,
    progress_screen,
    rating_history,
)

OSLO = ZoneInfo("Europe/Oslo")
MIN = 60_000.0
TODAY = date(2024, 9, 19)
PLAN = PlanFacts(training_days=(1, 4), start=date(2024, 9, 2), session_minutes=60, target_hours=40)


def oslo(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """A local Oslo time, stored as the store stores it: aware UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=OSLO).astimezone(UTC)


S1 = SessionFact("s1", oslo(2024, 9, 2), 60 * MIN, 3, 1)
S2 = SessionFact("s2", oslo(2024, 9, 5), 45 * MIN, 2, None)
S3 = SessionFact("s3", oslo(2024, 9, 10, 9), 30 * MIN, 1, 3)
S4 = SessionFact("s4", oslo(2024, 9, 16, 0, 30), 50 * MIN, 1, 2)
SESSIONS = (S1, S2, S3, S4)


def test_the_late_session_is_on_its_oslo_day() -> None:
    assert S4.started_at == datetime(2024, 9, 15, 22, 30, tzinfo=UTC)
    assert S4.day() == date(2024, 9, 16)
    assert S4.day(UTC) == date(2024, 9, 15)
    assert local_day(datetime(2024, 12, 1, 22, 30, tzinfo=UTC)) == date(2024, 12, 1)  # 23:30


# --------------------------------------------------------------------------- hours


def test_hours_against_plan_and_recent_pace() -> None:
    h = hours_progress(PLAN, SESSIONS, TODAY)
    assert h.done_hours == pytest.approx(185 / 60)
    assert h.target_hours == 40
    assert h.fraction == pytest.approx(185 / 60 / 40)
    # Planned 2, 5, 9, 12, 16 and 19 Sep (today included): 6 sessions of 60 min.
    assert h.expected_hours == 6.0
    assert h.ahead_hours == pytest.approx(185 / 60 - 6)
    # Training began 18 days ago (2..19 Sep): 185 min over 18 days.
    assert h.recent_hours_per_week == pytest.approx(185 / 60 / 18 * 7)
    # Remaining 2215 min at 185 min per 18 days: 215.5 days, rounded up to 216.
    assert h.projected_finish == TODAY + timedelta(days=216) == date(2025, 4, 23)
    assert h.completed_on is None
    assert h.remaining_hours == pytest.approx(40 - 185 / 60)


def test_pace_is_counted_over_at_least_a_week() -> None:
    start = date(2024, 9, 2)
    plan = PlanFacts((1, 4), start, 60, 40)
    h = hours_progress(plan, [SessionFact("a", oslo(2024, 9, 2), 60 * MIN)], start)
    assert h.recent_hours_per_week == pytest.approx(1.0)
    assert h.projected_finish == start + timedelta(days=39 * 7)
    assert h.expected_hours == 1.0 and h.ahead_hours == 0.0


def test_only_the_last_four_weeks_set_the_pace() -> None:
    # 2 Sep is 28 days before 30 Sep: outside the window (3..30 Sep); 30 Sep is inside.
    sessions = [
        SessionFact("old", oslo(2024, 9, 2), 600 * MIN),
        SessionFact("new", oslo(2024, 9, 30), 70 * MIN),
    ]
    h = hours_progress(PLAN, sessions, date(2024, 9, 30))
    assert h.recent_hours_per_week == pytest.approx(70 / 60 / 28 * 7)
    assert h.done_hours == pytest.approx(670 / 60)


def test_no_recent_training_gives_no_projection() -> None:
    assert hours_progress(PLAN, [], TODAY).projected_finish is None
    old = [SessionFact("old", oslo(2024, 9, 2), 60 * MIN)]
    h = hours_progress(PLAN, old, date(2024, 10, 30))
    assert h.projected_finish is None and h.recent_hours_per_week == 0.0


def test_expected_hours_before_start_and_capped_at_target() -> None:
    assert hours_progress(PLAN, [], date(2024, 8, 30)).expected_hours == 0.0
    short = PlanFacts((1, 4), date(2024, 9, 2), 60, 3)
    h = hours_progress(short, [], TODAY)
    assert h.expected_hours == 3.0 and h.ahead_hours == -3.0


def test_a_finished_participant_projects_the_day_they_finished() -> None:
    plan = PlanFacts((1, 4), date(2024, 9, 2), 60, 1.5)
    h = hours_progress(plan, SESSIONS, TODAY)
    assert h.completed_on == date(2024, 9, 5)
    assert h.projected_finish == date(2024, 9, 5)
    assert h.fraction == 1.0 and h.remaining_hours == 0.0


# --------------------------------------------------------------------------- attendance


def test_attendance_strip() -> None:
    cells = attendance_strip(PLAN, SESSIONS, TODAY, weeks=4)
    rows = [
        (c.monday, c.sessions_planned, c.sessions_done, c.sessions_missed, c.active_minutes)
        for c in cells
    ]
    assert rows == [
        (date(2024, 8, 26), 0, 0, 0, 0.0),
        (date(2024, 9, 2), 2, 2, 0, 105.0),
        (date(2024, 9, 9), 2, 1, 1, 30.0),  # the Tuesday covers Monday; Thursday missed
        (date(2024, 9, 16), 2, 1, 0, 50.0),  # today's Thursday is not missed yet
    ]
    assert [c.before_start for c in cells] == [True, False, False, False]
    assert [c.is_current for c in cells] == [False, False, False, True]
    assert [(c.iso_year, c.iso_week) for c in cells] == [
        (2024, 35),
        (2024, 36),
        (2024, 37),
        (2024, 38),
    ]


def test_attendance_strip_default_length_and_time_zone() -> None:
    assert len(attendance_strip(PLAN, SESSIONS, TODAY)) == 12
    # Counted in UTC, the 00:30 session would fall on Sunday, in the week before.
    utc = attendance_strip(PLAN, SESSIONS, TODAY, tz=UTC, weeks=2)
    assert [(c.sessions_done, c.sessions_missed) for c in utc] == [(2, 0), (0, 1)]
    with pytest.raises(ValueError):
        attendance_strip(PLAN, SESSIONS, TODAY, weeks=0)


# --------------------------------------------------------------------------- levels


def block(
    session: SessionFact, exercise: str, domain: str, level: int | None, practice: bool = False
) -> BlockFact:
    return BlockFact(
        session.session_id, session.started_at, exercise, domain, practice, level, 5 * MIN
    )


BLOCKS = (
    # Given out of session order on purpose: sessions are numbered by start time.
    block(S4, "span", "memory", 6),
    block(S4, "stroop", "attention", 5),
    block(S1, "nback", "memory", 1, practice=True),
    block(S1, "nback", "memory", 2),
    block(S1, "nback", "memory", 3),  # the last scored nback block of s1 counts
    block(S1, "span", "memory", 5),
    block(S1, "stroop", "attention", 4),
    block(S2, "nback", "memory", 4),
    block(S2, "span", "memory", None),  # cut off
    block(S2, "stroop", "attention", None),  # cut off
    block(S2, "stroop", "attention", 9, practice=True),
    block(S3, "stroop", "attention", 7, practice=True),  # s3: practice only, still session 3
)


def points(curve) -> list[tuple[int, date, float]]:  # type: ignore[no-untyped-def]
    return [(p.session_index, p.day, p.level) for p in curve.points]


def test_level_curves_by_exercise() -> None:
    curves = level_curves(BLOCKS, by="exercise")
    assert list(curves) == ["nback", "span", "stroop"]
    assert points(curves["nback"]) == [(1, date(2024, 9, 2), 3), (2, date(2024, 9, 5), 4)]
    assert points(curves["span"]) == [(1, date(2024, 9, 2), 5), (4, date(2024, 9, 16), 6)]
    assert points(curves["stroop"]) == [(1, date(2024, 9, 2), 4), (4, date(2024, 9, 16), 5)]
    assert curves["span"].latest_level == 6 and curves["span"].change == 1


def test_level_curves_by_domain_average_the_exercises() -> None:
    curves = level_curves(BLOCKS, by="domain")
    assert list(curves) == ["attention", "memory"]
    # s1: nback 3 and span 5 -> 4; s2: nback 4 only; s4: span 6.
    assert points(curves["memory"]) == [
        (1, date(2024, 9, 2), 4.0),
        (2, date(2024, 9, 5), 4.0),
        (4, date(2024, 9, 16), 6.0),
    ]
    assert points(curves["attention"]) == [(1, date(2024, 9, 2), 4.0), (4, date(2024, 9, 16), 5.0)]
    assert curves["memory"].change == 2.0


def test_level_curves_edge_cases() -> None:
    assert level_curves([], by="domain") == {}
    assert level_curves([block(S1, "x", "memory", None)], by="exercise") == {}
    with pytest.raises(ValueError, match="by must be"):
        level_curves(BLOCKS, by="session")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- goals and notes


def test_rating_history() -> None:
    goals = [
        GoalFact("g1", "Huske beskjeder"),
        GoalFact("g2", "Gammelt mål", archived=True),
        GoalFact("g3", "Nytt mål"),
    ]
    ratings = [
        RatingFact("g1", date(2024, 9, 16), 1, "bedre"),
        RatingFact("g1", date(2024, 9, 2), -2),
        RatingFact("g2", date(2024, 9, 2), 0),
        RatingFact("gone", date(2024, 9, 2), 2),  # a deleted goal: left out
        RatingFact("g1", date(2024, 9, 9), -1),
    ]
    history = rating_history(goals, ratings)
    assert [(g.goal_id, g.archived) for g in history] == [
        ("g1", False),
        ("g3", False),
        ("g2", True),
    ]
    g1, g3, g2 = history
    assert [(r.rated_on, r.value) for r in g1.ratings] == [
        (date(2024, 9, 2), -2),
        (date(2024, 9, 9), -1),
        (date(2024, 9, 16), 1),
    ]
    assert (g1.latest_value, g1.change, g1.text) == (1, 3, "Huske beskjeder")
    assert (g3.ratings, g3.latest_value, g3.change) == ((), None, None)
    assert (g2.latest_value, g2.change) == (0, None)


@pytest.mark.parametrize("value", [3, -3, True, 1.0])
def test_ratings_are_whole_numbers_from_minus_two_to_two(value: object) -> None:
    with pytest.raises(ValueError):
        RatingFact("g", date(2024, 9, 2), value)  # type: ignore[arg-type]


def test_latest_notes_newest_first() -> None:
    notes = [
        NoteFact(f"n{i}", oslo(2024, 9, 1 + i), "Kari", f"notat {i}", source="staff")
        for i in range(7)
    ]
    same_time = NoteFact("tie", notes[6].written_at, "Deltaker", "svar", source="participant")
    got = latest_notes([*notes, same_time])
    assert [n.note_id for n in got] == ["n6", "tie", "n5", "n4", "n3"]
    assert [n.note_id for n in latest_notes(notes, n=2)] == ["n6", "n5"]
    assert latest_notes(notes, n=0) == ()
    with pytest.raises(ValueError):
        latest_notes(notes, n=-1)
    with pytest.raises(ValueError, match="source"):
        NoteFact("x", oslo(2024, 9, 1), "Kari", "t", source="robot")


# --------------------------------------------------------------------------- check-ins


def test_checkin_trend_on_the_fixture() -> None:
    rows = [
        (w.monday, w.sessions, w.n_answered, w.mean_rested, w.mean_stressed, w.hard_week)
        for w in checkin_trend(SESSIONS)
    ]
    assert rows == [
        (date(2024, 9, 2), 2, 2, 2.5, 1.0, False),
        (date(2024, 9, 9), 1, 1, 1.0, 3.0, True),
        (date(2024, 9, 16), 1, 1, 1.0, 2.0, True),  # rested 1 <= 1.5
    ]


def week(*answers: tuple[int | None, int | None]) -> list[SessionFact]:
    return [
        SessionFact(f"w{i}", oslo(2024, 9, 2 + i), 10 * MIN, r, s)
        for i, (r, s) in enumerate(answers)
    ]


@pytest.mark.parametrize(
    ("answers", "hard"),
    [
        (((2, 3), (2, 2)), True),  # stressed mean 2.5
        (((2, 3), (2, 2), (2, 2)), False),  # stressed mean 2.33
        (((2, 1), (1, 1)), True),  # rested mean 1.5
        (((2, 1), (2, 1), (1, 1)), False),  # rested mean 1.67
        (((1, None), (None, 3)), True),
    ],
)
def test_hard_week_thresholds(
    answers: tuple[tuple[int | None, int | None], ...], hard: bool
) -> None:
    (only,) = checkin_trend(week(*answers))
    assert only.hard_week is hard


def test_checkin_week_without_answers() -> None:
    (only,) = checkin_trend(week((None, None), (None, None)))
    assert (only.sessions, only.n_answered, only.mean_rested, only.mean_stressed) == (
        2,
        0,
        None,
        None,
    )
    assert only.hard_week is False
    assert checkin_trend([]) == ()


# --------------------------------------------------------------------------- inputs and bundle


def test_inputs_are_checked() -> None:
    with pytest.raises(TypeError, match="aware"):
        SessionFact("x", datetime(2024, 9, 2, 10), 1.0)
    with pytest.raises(ValueError):
        SessionFact("x", oslo(2024, 9, 2), -1.0)
    with pytest.raises(ValueError):
        SessionFact("x", oslo(2024, 9, 2), 1.0, checkin_rested=4)
    with pytest.raises(ValueError):
        PlanFacts((0, 4), date(2024, 9, 2), 60, 40)
    with pytest.raises(ValueError):
        PlanFacts((1,), date(2024, 9, 2), 0, 40)
    with pytest.raises(TypeError):
        hours_progress(PLAN, SESSIONS, datetime(2024, 9, 19, tzinfo=UTC))  # type: ignore[arg-type]


def test_progress_screen_bundles_the_parts() -> None:
    goals = [GoalFact("g1", "Huske beskjeder")]
    ratings = [RatingFact("g1", date(2024, 9, 2), -1)]
    notes = [NoteFact("n1", oslo(2024, 9, 5), "Kari", "God økt")]
    screen = progress_screen(PLAN, SESSIONS, BLOCKS, goals, ratings, notes, TODAY)
    assert screen.today == TODAY
    assert screen.hours == hours_progress(PLAN, SESSIONS, TODAY)
    assert screen.attendance == attendance_strip(PLAN, SESSIONS, TODAY)
    assert screen.levels_by_domain == level_curves(BLOCKS, by="domain")
    assert screen.levels_by_exercise == level_curves(BLOCKS, by="exercise")
    assert screen.goals == rating_history(goals, ratings)
    assert screen.notes == tuple(notes)
    assert screen.checkins == checkin_trend(SESSIONS)
    assert screen.next_session == TODAY  # Thursday, not trained yet
    assert screen.missed_in_a_row == 0 and not screen.two_missed_in_a_row
    assert screen.sessions_done == 4
    later = progress_screen(PLAN, SESSIONS, BLOCKS, goals, ratings, notes, date(2024, 9, 24))
    assert later.missed_in_a_row == 2 and later.two_missed_in_a_row  # 19 and 23 Sep
    assert later.next_session == date(2024, 9, 26)
