from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from cogtrain.storage import migrate
from cogtrain.storage.engine import StorageError, read_sqlite_pragmas, resolve_url
from cogtrain.storage.models import Base
from cogtrain.storage.store import DEMO_PARTICIPANT_CODE, LevelStateError, Store
from cogtrain.training.block import TrialRecord
from cogtrain.training.staircase import Staircase

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def record(i: int, correct: bool = True, before: float = 1.0, after: float = 1.25) -> TrialRecord:
    return TrialRecord(
        index=i,
        level=int(before),
        spec={"key": ["circle"], "target": 0, "level": 1},
        response={"answer": {"digit": 1}, "timed_out": False},
        correct=correct,
        error_kind=None if correct else "wrong_digit",
        rt_ms=812.3456,
        onset_at=T0 + timedelta(seconds=2 * i),
        response_at=T0 + timedelta(seconds=2 * i + 0.8),
        staircase_before=before,
        staircase_after=after,
    )


def test_migration_matches_models(store: Store) -> None:
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@pytest.mark.sqlite_only
def test_durability_pragmas_are_in_force(store: Store) -> None:
    with store.engine.connect() as conn:
        got = read_sqlite_pragmas(conn.connection.dbapi_connection)
    assert got == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}


def test_demo_participant_only_on_empty_database(store: Store) -> None:
    demo = store.ensure_demo_participant()
    assert demo is not None and demo.code == DEMO_PARTICIPANT_CODE
    assert store.ensure_demo_participant() is None
    assert [p.code for p in store.participants()] == [DEMO_PARTICIPANT_CODE]


def test_trial_round_trip_keeps_sub_ms_rt_and_utc(store: Store) -> None:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id, now=T0)
    sc = Staircase.start(1, 12)
    bid = store.start_block(
        sid,
        exercise_id="symbol_coding",
        is_practice=False,
        seed=42,
        start=sc.state(),
        start_level=1,
        now=T0,
    )
    store.log_trial(bid, record(0))
    [back] = store.trials_of_block(bid)
    assert back.rt_ms == pytest.approx(812.3456, abs=1e-9)
    assert back.onset_at == T0 and back.onset_at.tzinfo is not None
    assert back.spec == {"key": ["circle"], "target": 0, "level": 1}


def test_trial_is_visible_to_another_connection_immediately(store: Store, db_url: str) -> None:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id)
    bid = store.start_block(
        sid,
        exercise_id="symbol_coding",
        is_practice=False,
        seed=1,
        start=Staircase.start(1, 12).state(),
        start_level=1,
    )
    store.log_trial(bid, record(0))
    other = create_engine(db_url, poolclass=NullPool)
    try:
        with other.connect() as raw:
            assert raw.execute(text("select count(*) from trial")).scalar_one() == 1
    finally:
        other.dispose()


def test_duplicate_trial_index_is_refused(store: Store) -> None:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id)
    bid = store.start_block(
        sid,
        exercise_id="symbol_coding",
        is_practice=False,
        seed=1,
        start=Staircase.start(1, 12).state(),
        start_level=1,
    )
    store.log_trial(bid, record(0))
    with pytest.raises(StorageError):
        store.log_trial(bid, record(0))
    assert len(store.trials_of_block(bid)) == 1


def test_end_block_counts_and_carries_level(store: Store) -> None:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id)
    sc = Staircase.start(1, 12)
    bid = store.start_block(
        sid, exercise_id="symbol_coding", is_practice=False, seed=1, start=sc.state(), start_level=1
    )
    for i, ok in enumerate([True, True, False, True]):
        store.log_trial(bid, record(i, ok))
        sc.update(ok)
    row = store.end_block(
        bid,
        status="completed",
        active_ms=60_000.0,
        participant_id=p.id,
        end_state=sc.state(),
        end_level=sc.level,
    )
    assert (row.n_trials, row.n_correct, row.status) == (4, 3, "completed")
    assert store.load_level_state(p.id, "symbol_coding") == sc.state()
    assert store.active_ms_of(p.id) == 60_000.0


def test_practice_block_does_not_move_the_level(store: Store) -> None:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id)
    sc = Staircase.start(1, 12)
    bid = store.start_block(
        sid, exercise_id="symbol_coding", is_practice=True, seed=1, start=sc.state(), start_level=1
    )
    sc.update(True)
    store.end_block(
        bid,
        status="completed",
        active_ms=1000.0,
        participant_id=p.id,
        end_state=sc.state(),
        end_level=1,
    )
    assert store.load_level_state(p.id, "symbol_coding") is None


def test_recovery_marks_interrupted_and_carries_from_last_trial(store: Store) -> None:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id, now=T0)
    sc = Staircase.start(1, 12, level=2)
    bid = store.start_block(
        sid,
        exercise_id="symbol_coding",
        is_practice=False,
        seed=1,
        start=sc.state(),
        start_level=2,
        now=T0,
    )
    store.add_pause(bid, 500.0)
    store.log_trial(bid, record(0, True, 2.0, 2.25))
    store.log_trial(bid, record(1, True, 2.25, 2.5))
    report = store.recover_interrupted()
    assert report.interrupted_sessions == [sid] and report.interrupted_blocks == [bid]
    s = store.session(sid)
    assert s.status == "interrupted" and s.end_reason == "interrupted"
    [b] = store.blocks_of_session(sid)
    assert b.status == "interrupted" and b.n_trials == 2 and b.n_correct == 2
    assert b.active_ms == pytest.approx(2800.0 - 500.0)  # to the last response, minus pause
    assert store.load_level_state(p.id, "symbol_coding").value == 2.5
    assert store.recover_interrupted().interrupted_sessions == []  # idempotent


def test_damaged_level_state_is_reported_and_left_alone(store: Store, db_url: str) -> None:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id)
    bid = store.start_block(
        sid,
        exercise_id="symbol_coding",
        is_practice=False,
        seed=1,
        start=Staircase.start(1, 12).state(),
        start_level=1,
    )
    store.end_block(
        bid,
        status="completed",
        active_ms=1.0,
        participant_id=p.id,
        end_state=Staircase.start(1, 12).state(),
        end_level=1,
    )
    other = create_engine(db_url, poolclass=NullPool)
    try:
        with other.begin() as raw:
            raw.execute(text("update level_state set value = 77.0"))
        with pytest.raises(LevelStateError) as err:
            store.load_level_state(p.id, "symbol_coding")
        assert "symbol_coding" in err.value.message and "levels reset" in err.value.hint
        with other.connect() as raw:
            assert raw.execute(text("select value from level_state")).scalar_one() == 77.0
    finally:
        other.dispose()
    assert store.reset_level_state(p.id, "symbol_coding") is True
    assert store.load_level_state(p.id, "symbol_coding") is None


def test_not_a_database_is_refused_and_kept_aside_untouched(tmp_path: Path) -> None:
    from cogtrain.storage import damaged

    path = tmp_path / "cogtrain.sqlite3"
    path.write_bytes(b"this is a spreadsheet, not a database" * 10)
    before = path.read_bytes()
    with pytest.raises(StorageError) as err:
        Store.open(resolve_url(f"sqlite:///{path}"))
    assert "not a cogtrain database" in err.value.message and "backup" in err.value.hint
    [aside] = damaged.aside_paths(path)
    assert aside.read_bytes() == before and not path.exists()
    assert str(aside) in err.value.message


@pytest.mark.sqlite_only
def test_read_only_database_is_refused_and_untouched(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Store.open(resolve_url(db_url))
    s.ensure_demo_participant()
    s.close()
    path = Path(db_url.removeprefix("sqlite:///"))
    before = path.read_bytes()
    import os

    import cogtrain.storage.engine as eng

    real_access = os.access

    def no_write(p: object, mode: int) -> bool:  # root ignores chmod, so deny writes here
        return False if mode == os.W_OK else real_access(p, mode)

    monkeypatch.setattr(eng.os, "access", no_write)
    with pytest.raises(StorageError, match="read-only") as err:
        Store.open(resolve_url(db_url))
    assert "write access" in err.value.hint
    assert path.read_bytes() == before


@pytest.mark.sqlite_only
def test_locked_database_gives_a_clear_message(store: Store, db_url: str) -> None:
    store.ensure_demo_participant()
    path = db_url.removeprefix("sqlite:///")
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        import cogtrain.storage.engine as eng

        old = eng.BUSY_TIMEOUT_MS
        eng.BUSY_TIMEOUT_MS = 100
        try:
            locked = Store(eng.make_engine(resolve_url(db_url)), resolve_url(db_url))
            with pytest.raises(StorageError, match="locked") as err:
                locked.add_participant("P-2")
            assert "Nothing has been changed" in err.value.hint
            locked.close()
        finally:
            eng.BUSY_TIMEOUT_MS = old
    finally:
        blocker.rollback()
        blocker.close()
    assert [p.code for p in store.participants()] == [DEMO_PARTICIPANT_CODE]


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(StorageError, match="not valid"):
        resolve_url("no-such-scheme:::")


def test_uuid_keys(store: Store) -> None:
    p = store.add_participant("P-9")
    assert isinstance(p.id, uuid.UUID)


@pytest.mark.sqlite_only
def test_weakened_durability_settings_stop_the_program(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If synchronous=FULL or WAL did not take, cogtrain refuses to train on that file."""
    import cogtrain.storage.engine as eng

    real = eng._on_sqlite_connect

    def weakened(dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        real(dbapi_conn, record)
        dbapi_conn.execute("PRAGMA synchronous = NORMAL")

    monkeypatch.setattr(eng, "_on_sqlite_connect", weakened)
    with pytest.raises(StorageError, match="safety settings") as err:
        Store.open(resolve_url(db_url))
    assert "'synchronous': 1" in err.value.message


def test_assessment_scores_round_trip_with_version_guard(store: Store) -> None:
    import uuid as _uuid
    from datetime import UTC, date, datetime

    from cogtrain.storage.staff_records import AuditEntry, ScoreFields, StaleRecordError

    p = store.add_participant("JMO-101")
    now = datetime(2026, 12, 2, 10, tzinfo=UTC)
    audit = AuditEntry(None, "nils", "assessment_enter")
    fields = ScoreFields(
        "baseline", date(2026, 11, 30), "matrics", "hvlt_r", "total_recall", 24.0, 43.0, "T", None
    )
    row = store.staff.add_score(p.id, fields, audit=audit, now=now)
    assert [r.fields for r in store.staff.scores_of(p.id)] == [fields]
    corrected = ScoreFields(**{**fields.__dict__, "raw_value": 25.0})
    store.staff.update_score(row.id, corrected, expected_version=1, audit=audit, now=now)
    with pytest.raises(StaleRecordError):
        store.staff.update_score(row.id, fields, expected_version=1, audit=audit, now=now)
    (only,) = store.staff.scores_of(p.id)
    assert (only.fields.raw_value, only.version) == (25.0, 2)
    assert store.staff.scores_of(_uuid.uuid4()) == []
    actions = [r.action for r in store.staff.audit_log()]
    assert actions == ["assessment_enter", "assessment_enter"]


def test_times_json_uuids_and_booleans_read_back_the_same(store: Store) -> None:
    """Whatever the backend: aware UTC times (from any zone), JSON as given, UUIDs, bools."""
    from datetime import timezone

    from cogtrain.training.checkin import CheckIn

    oslo_summer = timezone(timedelta(hours=2))
    at = datetime(2026, 6, 1, 10, 30, 15, 123456, tzinfo=oslo_summer)
    plan = {"blocks": [{"x": "symbol_coding", "min": 2.5}], "hard_day": False, "note": "ø å"}
    p = store.add_participant("P-TZ")
    sid = store.start_session(p.id, now=at, plan=plan)
    row = store.session(sid)
    assert row.started_at == at and row.started_at.utcoffset() == timedelta(0)
    assert row.started_at.hour == 8 and row.started_at.microsecond == 123456
    assert store.session_plan_of(sid) == plan
    assert isinstance(row.id, uuid.UUID) and row.participant_id == p.id
    store.save_checkin(sid, CheckIn(3, None))
    assert store.checkin_of(sid) == CheckIn(3, None)
    bid = store.start_block(
        sid,
        exercise_id="symbol_coding",
        is_practice=True,
        seed=2**40,
        start=Staircase.start(1, 12).state(),
        start_level=1,
        now=at,
    )
    [b] = store.blocks_of_session(sid)
    assert (b.id, b.is_practice, b.seed) == (bid, True, 2**40)
    days = store.session_days(p.id)
    assert days == [(at, 0.0)] and days[0][0].utcoffset() == timedelta(0)


@pytest.mark.postgres_only
def test_postgres_commits_are_durable_and_in_utc(store: Store) -> None:
    from cogtrain.storage.engine import REQUIRED_PG_SETTINGS, read_postgres_settings

    with store.engine.connect() as conn:
        got = read_postgres_settings(conn.connection.dbapi_connection)
        zone = conn.execute(text("select current_setting('TimeZone')")).scalar_one()
    assert got == REQUIRED_PG_SETTINGS and zone == "UTC"


@pytest.mark.postgres_only
def test_a_postgres_server_without_fsync_is_refused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cogtrain.storage.engine as eng

    monkeypatch.setattr(
        eng, "read_postgres_settings", lambda _c: {"fsync": "off", "synchronous_commit": "on"}
    )
    with pytest.raises(StorageError, match="does not write commits safely") as err:
        Store.open(store.url)
    assert "fsync" in err.value.hint and "***" in err.value.message


def test_an_audit_detail_with_broken_characters_is_stored_escaped(store: Store) -> None:
    """A refused export quotes the typed path; one that was not UTF-8 has lone surrogates
    and PostgreSQL's JSONB refuses those (and NUL). The audit row is still written, on
    both backends alike, with the broken characters as escapes."""
    from cogtrain.storage.staff_records import AuditEntry

    now = datetime(2026, 12, 2, 10, tzinfo=UTC)
    detail = {"why": "cannot write /tmp/\udcff-study\x00", "paths": ["\ud800", "æøå"], "n": 3}
    store.staff.audit(AuditEntry(None, "nils", "export_data", "failed", None, detail), now=now)
    (row,) = store.staff.audit_log()
    assert row.detail == {
        "why": "cannot write /tmp/\\udcff-study\\x00",
        "paths": ["\\ud800", "æøå"],
        "n": 3,
    }


def test_session_days_for_the_overview_sum_each_sessions_blocks(store: Store) -> None:
    """Each session once, in start order, with its blocks' active time summed (0 for a
    session without blocks, and for blocks that never ended); nothing for another's."""
    from cogtrain.training.staircase import Staircase

    a = store.add_participant("JMO-201").id
    b = store.add_participant("JMO-202").id
    quiet = store.add_participant("JMO-203").id
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    state = Staircase.start(1, 12).state()

    def session(pid: uuid.UUID, at: datetime, blocks: list[float | None]) -> None:
        sid = store.start_session(pid, now=at)
        for i, ms in enumerate(blocks):
            blk = store.start_block(
                sid,
                exercise_id="go_stop",
                is_practice=False,
                seed=i,
                start=state,
                start_level=1,
                now=at + timedelta(minutes=i),
            )
            if ms is not None:
                store.end_block(
                    blk,
                    status="completed",
                    active_ms=ms,
                    participant_id=pid,
                    end_state=state,
                    end_level=1,
                    now=at + timedelta(minutes=i, seconds=30),
                )

    session(a, t0 + timedelta(days=2), [])
    session(a, t0, [60_000.0, 1_500.5, None])
    session(b, t0 + timedelta(days=1), [30_000.0])
    got = store.staff.session_days_by_participant([a, quiet])
    assert got == {
        a: [(t0, 61_500.5), (t0 + timedelta(days=2), 0.0)],
        quiet: [],
    }
    assert store.staff.session_days_by_participant([]) == {}


_ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.just("\x00"))
_DETAIL_TEXT = st.text(_ANY_CHAR, max_size=12)
_DETAILS = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), _DETAIL_TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_DETAIL_TEXT, inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(detail=st.dictionaries(_DETAIL_TEXT, _DETAILS, max_size=4))
def test_any_audit_detail_is_stored_and_reads_back_escaped(store: Store, detail: dict) -> None:
    """Whatever text a detail carries (typed paths, broken characters, NUL, keys too),
    the audit row is written on both backends and reads back as the escaped value."""
    from cogtrain.storage.staff_records import AuditEntry, storable_detail

    before = len(store.staff.audit_log(limit=10_000))
    now = datetime(2026, 12, 2, 10, tzinfo=UTC) + timedelta(seconds=before)  # newest first
    store.staff.audit(AuditEntry(None, "nils", "export_data", "failed", None, detail), now=now)
    rows = store.staff.audit_log(limit=10_000)
    assert len(rows) == before + 1
    assert rows[0].detail == storable_detail(detail)
