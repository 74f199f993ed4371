"""The synthetic clinic (bench/synthetic_clinic.py) is a database the program can read.

Built small (2 participants x 1 hour) and read back through the real store and staff
desk, so the rows the generator writes by hand are in exactly the formats SQLAlchemy
writes; built twice, so a seed always gives the same clinic.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bench import synthetic_clinic as sc
from cogtrain.staff.desk import LOCAL_TZ, StaffDesk
from cogtrain.storage.store import Store

SPEC = sc.ClinicSpec(participants=2, hours=1.0, seed=5, pool_per_level=3)
TABLES = (
    "participant",
    "staff_user",
    "training_session",
    "block",
    "trial",
    "level_state",
    "goal",
    "goal_rating",
    "note",
    "assessment_score",
    "audit_event",
)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, sc.ClinicStats]:
    path = tmp_path_factory.mktemp("clinic") / "clinic.sqlite3"
    stats = sc.build_clinic(path, SPEC, log=lambda _line: None)
    return path, stats


def _rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}
    finally:
        conn.close()


def _clinic_now() -> datetime:
    return datetime.combine(sc.CLINIC_TODAY, time(12), LOCAL_TZ).astimezone(UTC)


def test_the_store_opens_it_and_reads_hours_trials_and_levels(clinic) -> None:
    path, stats = clinic
    assert stats.participants == 2 and stats.trials > 100
    store = Store.open(make_url(f"sqlite:///{path}"), upgrade=False)  # schema at head
    try:
        people = store.participants(active_only=False)
        assert [p.code for p in people] == ["JMO-0001", "JMO-0002"]
        hours = [store.active_ms_of(p.id) / 3_600_000 for p in people]
        assert sum(hours) == pytest.approx(stats.active_hours)
        # One planned session each (a session may end early: the pause screen's choice).
        assert all(0.3 <= h <= 1.6 for h in hours), hours
        for p in people:
            sessions = store.sessions_of(p.id)
            assert sessions and all(s.status == "completed" for s in sessions)
            blocks = store.blocks_of_session(sessions[-1].id)
            scored = [b for b in blocks if not b.is_practice]
            assert scored and any(b.is_practice for b in blocks)
            trials = store.trials_of_block(scored[-1].id)
            assert len(trials) == scored[-1].n_trials
            assert [t.index for t in trials] == list(range(len(trials)))
            for t in trials:
                assert t.onset_at.tzinfo is UTC and t.response_at >= t.onset_at
                assert t.spec["level"] == t.level
                assert "answer" in t.response
                if t.rt_ms is not None:
                    wait_ms = float(t.spec.get("input_after_ms") or 0.0)
                    gap_ms = (t.response_at - t.onset_at) / timedelta(milliseconds=1)
                    assert gap_ms == pytest.approx(t.rt_ms + wait_ms, abs=0.002)
            facts = store.training_facts(p.id, week_start=_clinic_now() - timedelta(days=7))
            assert facts.levels and facts.sessions_done == len(sessions)
            state = store.load_level_state(p.id, scored[-1].exercise_id)
            assert state is not None and state.value == pytest.approx(scored[-1].end_value)
    finally:
        store.close()


def test_the_staff_desk_shows_progress_and_the_overview(clinic) -> None:
    path, stats = clinic
    store = Store.open(make_url(f"sqlite:///{path}"))
    try:
        desk = StaffDesk.with_exercises(store, now=_clinic_now)
        staff = desk.login("nevropsykolog1", sc.STAFF_PASSWORD)  # may see every record
        entries = staff.clinic_overview()
        active = store.participants(active_only=True)
        assert {e.record.code for e in entries} == {p.code for p in active}
        for e in entries:
            assert e.row.participant_code == e.record.code
        for p in store.participants(active_only=False):
            n_sessions = len(store.sessions_of(p.id))
            data = staff.progress(p.id)
            assert data.sessions_done == n_sessions
            assert data.two_missed_in_a_row == (stats.status_of[p.code] == "missed_two")
            assert store.staff.goals_of(p.id) and store.staff.scores_of(p.id)
    finally:
        store.close()


def test_foreign_keys_hold(clinic) -> None:
    path, _stats = clinic
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_stimulus_marks_are_stamped_as_the_runner_would(clinic) -> None:
    """Reaction's parcel and go/stop's stop sign a frame at most after they are due,
    each its own value (as real flips give), {} on a go trial, NULL elsewhere."""
    import json

    path, _stats = clinic
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT b.exercise_id, t.spec, t.shown_ms FROM trial t JOIN block b "
            "ON b.id = t.block_id"
        ).fetchall()
    finally:
        conn.close()
    frame_ms = 1000 / 60
    seen: dict[str, list[float]] = {"reaction": [], "go_stop": []}
    for exercise_id, spec_text, shown_text in rows:
        spec = json.loads(spec_text)
        if exercise_id not in seen:
            assert shown_text is None, exercise_id
            continue
        shown = json.loads(shown_text)
        if exercise_id == "reaction":
            due = spec["foreperiod_ms"]
            assert due <= shown["target"] < due + frame_ms
            seen[exercise_id].append(shown["target"])
        elif spec["stop"]:
            due = spec["stop_delay_ms"]
            if shown:  # a press before the stop sign leaves it unshown
                assert due <= shown["stop_signal"] < due + frame_ms
                seen[exercise_id].append(shown["stop_signal"])
        else:
            assert shown == {}
    assert len(seen["go_stop"]) > 5  # (this small clinic's plans have no reaction)
    for exercise_id, values in seen.items():
        assert len(set(values)) >= 0.9 * len(values), exercise_id


def test_the_same_seed_gives_the_same_rows(tmp_path: Path) -> None:
    # Two fresh builds: the shared clinic above gains audit rows when the desk reads it.
    one, two = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
    sc.build_clinic(one, SPEC, log=lambda _line: None)
    sc.build_clinic(two, SPEC, log=lambda _line: None)
    first, second = _rows(one), _rows(two)
    assert {t: len(r) for t, r in first.items()} == {t: len(r) for t, r in second.items()}
    assert first == second


def test_another_seed_gives_another_clinic(clinic, tmp_path: Path) -> None:
    path, _stats = clinic  # its trials are never changed by reading
    other = tmp_path / "other.sqlite3"
    sc.build_clinic(
        other,
        sc.ClinicSpec(SPEC.participants, SPEC.hours, SPEC.seed + 1, SPEC.pool_per_level),
        log=lambda _line: None,
    )
    assert _rows(path)["trial"] != _rows(other)["trial"]


def test_it_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "clinic.sqlite3"
    existing.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match="exists already"):
        sc.build_clinic(existing, SPEC, log=lambda _line: None)
    assert existing.read_bytes() == b"keep me"
