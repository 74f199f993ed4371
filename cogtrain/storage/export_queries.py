"""Streaming reads for the research export (:mod:`cogtrain.export`).

An export may cover millions of trials, so nothing here returns a whole table: each
function yields plain frozen rows while the database cursor moves on (``yield_per``, a
server-side cursor where the driver has one), in a fixed order, so the same database
always gives the same rows in the same order. No ORM object is created or held.

All reads of one export run inside :func:`snapshot`: one read-only transaction, so the
participants, sessions and trials that are written agree with each other even while a
training PC goes on logging trials. That is the one long transaction in cogtrain; it only
reads, and under SQLite's write-ahead log a reader never blocks a writer.

The functions take the snapshot's connection and return only what an analysis needs:
never a staff name, a password hash, a PIN or a device name. Free text (notes, comments,
transfer notes, goal text) is read here and left out by the writer unless asked for.

:func:`bulk_load` is for benchmarks and tests that need a large database quickly.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Select, func, insert, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from cogtrain.storage.engine import translate_db_error
from cogtrain.storage.models import (
    AssessmentScore,
    Block,
    Goal,
    GoalRating,
    LevelState,
    Note,
    Participant,
    TrainingSession,
    Trial,
)

if TYPE_CHECKING:
    from cogtrain.storage.store import Store

YIELD_PER = 2000
"""Rows fetched from the cursor at a time: large enough to amortise the round trips,
small enough that memory stays flat whatever the table size."""

R = TypeVar("R")


# -- rows ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParticipantExportRow:
    id: uuid.UUID
    code: str
    active: bool
    language: str | None
    plan_profile: str
    plan_overrides: dict[str, Any] | None
    start_date: date | None
    first_session_at: datetime | None
    n_sessions: int
    n_trials: int


@dataclass(frozen=True, slots=True)
class SessionExportRow:
    id: uuid.UUID
    started_at: datetime
    ended_at: datetime | None
    status: str
    end_reason: str | None
    app_version: str
    checkin_rested: int | None
    checkin_stressed: int | None
    break_ms: float
    n_interruptions: int
    active_ms: float
    n_blocks: int
    n_trials: int


@dataclass(frozen=True, slots=True)
class TrialExportRow:
    """One trial with the block facts the per-trial file repeats on every row."""

    exercise_id: str
    block_index: int
    is_practice: bool
    idx: int
    level: int
    spec: dict[str, Any]
    response: dict[str, Any]
    correct: bool
    error_kind: str | None
    rt_ms: float | None
    onset_at: datetime
    response_at: datetime
    staircase_before: float
    staircase_after: float


@dataclass(frozen=True, slots=True)
class BlockExportRow:
    session_id: uuid.UUID
    session_started_at: datetime
    block_index: int
    exercise_id: str
    plan_index: int | None
    is_practice: bool
    status: str
    started_at: datetime
    ended_at: datetime | None
    start_level: int
    end_level: int | None
    start_value: float
    end_value: float | None
    n_trials: int | None
    n_correct: int | None
    active_ms: float | None
    paused_ms: float
    instruction_ms: float
    strategies: list[str] | None
    transfer_note: str | None


@dataclass(frozen=True, slots=True)
class LevelStateExportRow:
    exercise_id: str
    value: float
    min_level: int
    max_level: int
    step_up: float
    step_down: float
    n_trials: int
    n_reversals: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class GoalRatingExportRow:
    goal_index: int
    goal_text: str
    workplace_situation: str | None
    domains: list[str]
    exercise_ids: list[str]
    target_date: date | None
    archived: bool
    rated_on: date
    value: int
    comment: str | None


@dataclass(frozen=True, slots=True)
class NoteExportRow:
    written_at: datetime
    goal_index: int | None
    exercise_id: str | None
    text: str


@dataclass(frozen=True, slots=True)
class AssessmentExportRow:
    timepoint: str
    assessed_on: date
    battery_id: str
    instrument_id: str
    measure_id: str
    raw_value: float | None
    standard_value: float | None
    standard_kind: str | None
    comment: str | None


# -- the snapshot ------------------------------------------------------------------------


@contextmanager
def snapshot(store: Store) -> Iterator[Connection]:
    """One read-only transaction for a whole export (see the module docstring).

    SQLite's Python driver only opens a transaction before a write, so the ``BEGIN`` is
    sent here; PostgreSQL gets REPEATABLE READ, its snapshot isolation. The transaction
    is rolled back at the end: nothing is ever written through this connection.
    """
    try:
        with store.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN")
            else:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            try:
                yield conn
            finally:
                conn.rollback()
    except SQLAlchemyError as exc:
        raise translate_db_error(exc, store.url) from exc


def _stream(conn: Connection, stmt: Select[Any], make: Callable[[Any], R]) -> Iterator[R]:
    """Yield ``make(row)`` for each row while the cursor moves on; driver errors become
    :class:`~cogtrain.storage.engine.StorageError` like everywhere else in storage."""
    try:
        with conn.execute(stmt.execution_options(yield_per=YIELD_PER)) as result:
            for row in result:
                yield make(row)
    except SQLAlchemyError as exc:
        url = conn.engine.url
        raise translate_db_error(exc, url) from exc


# -- reads -------------------------------------------------------------------------------


def participants(conn: Connection) -> list[ParticipantExportRow]:
    """Every participant (active or not) in code order, with the facts the export needs
    before it writes anything: when training began, how many sessions and trials.

    A list, not a stream: one short row per participant, and the export must know all
    codes to give the export labels (sub-001, ...) in code order."""
    first = (
        select(func.min(TrainingSession.started_at))
        .where(TrainingSession.participant_id == Participant.id)
        .scalar_subquery()
    )
    n_sessions = (
        select(func.count(TrainingSession.id))
        .where(TrainingSession.participant_id == Participant.id)
        .scalar_subquery()
    )
    n_trials = (
        select(func.count(Trial.id))
        .join(Block, Block.id == Trial.block_id)
        .join(TrainingSession, TrainingSession.id == Block.session_id)
        .where(TrainingSession.participant_id == Participant.id)
        .scalar_subquery()
    )
    stmt = select(
        Participant.id,
        Participant.code,
        Participant.active,
        Participant.language,
        Participant.plan_profile,
        Participant.plan_overrides,
        Participant.start_date,
        first,
        n_sessions,
        n_trials,
    ).order_by(Participant.code, Participant.id)
    return list(
        _stream(
            conn,
            stmt,
            lambda r: ParticipantExportRow(
                r[0],
                r[1],
                bool(r[2]),
                r[3],
                r[4] or "jmo-standard",
                dict(r[5]) if r[5] else None,
                r[6],
                _utc(r[7]),
                int(r[8] or 0),
                int(r[9] or 0),
            ),
        )
    )


def sessions(conn: Connection, participant_id: uuid.UUID) -> Iterator[SessionExportRow]:
    """The participant's sessions in time order, each with its summed active block time
    and its block and trial counts."""
    active = (
        select(func.coalesce(func.sum(Block.active_ms), 0.0))
        .where(Block.session_id == TrainingSession.id)
        .scalar_subquery()
    )
    n_blocks = (
        select(func.count(Block.id)).where(Block.session_id == TrainingSession.id)
    ).scalar_subquery()
    n_trials = (
        select(func.count(Trial.id))
        .join(Block, Block.id == Trial.block_id)
        .where(Block.session_id == TrainingSession.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            TrainingSession.id,
            TrainingSession.started_at,
            TrainingSession.ended_at,
            TrainingSession.status,
            TrainingSession.end_reason,
            TrainingSession.app_version,
            TrainingSession.checkin_rested,
            TrainingSession.checkin_stressed,
            TrainingSession.break_ms,
            TrainingSession.n_interruptions,
            active,
            n_blocks,
            n_trials,
        )
        .where(TrainingSession.participant_id == participant_id)
        .order_by(TrainingSession.started_at, TrainingSession.id)
    )
    return _stream(
        conn,
        stmt,
        lambda r: SessionExportRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            float(r[8] or 0.0),
            int(r[9] or 0),
            float(r[10] or 0.0),
            int(r[11] or 0),
            int(r[12] or 0),
        ),
    )


def _block_numbers(session_filter: Any) -> Any:
    """Blocks with their 1-based place in their session (start order), as a subquery."""
    return (
        select(
            Block.id.label("block_id"),
            func.row_number()
            .over(partition_by=Block.session_id, order_by=(Block.started_at, Block.id))
            .label("block_index"),
        )
        .where(session_filter)
        .subquery()
    )


def trials(conn: Connection, session_id: uuid.UUID) -> Iterator[TrialExportRow]:
    """The session's trials grouped by exercise (one output file each), then in block
    order and trial order, so each file is written front to back in one go."""
    numbers = _block_numbers(Block.session_id == session_id)
    stmt = (
        select(
            Block.exercise_id,
            numbers.c.block_index,
            Block.is_practice,
            Trial.idx,
            Trial.level,
            Trial.spec,
            Trial.response,
            Trial.correct,
            Trial.error_kind,
            Trial.rt_ms,
            Trial.onset_at,
            Trial.response_at,
            Trial.staircase_before,
            Trial.staircase_after,
        )
        .join(Block, Block.id == Trial.block_id)
        .join(numbers, numbers.c.block_id == Block.id)
        .where(Block.session_id == session_id)
        .order_by(Block.exercise_id, numbers.c.block_index, Trial.idx, Trial.id)
    )
    return _stream(
        conn,
        stmt,
        lambda r: TrialExportRow(
            r[0],
            int(r[1]),
            bool(r[2]),
            r[3],
            r[4],
            r[5] if isinstance(r[5], dict) else {},
            r[6] if isinstance(r[6], dict) else {},
            bool(r[7]),
            r[8],
            r[9],
            r[10],
            r[11],
            r[12],
            r[13],
        ),
    )


_TRIAL_SQL = (
    "SELECT block.exercise_id, anon_1.block_index, block.is_practice, trial.idx, trial.level, "
    "trial.spec, trial.response, trial.correct, trial.error_kind, trial.rt_ms, trial.onset_at, "
    "trial.response_at, trial.staircase_before, trial.staircase_after "
    "FROM trial JOIN block ON block.id = trial.block_id JOIN (SELECT block.id AS block_id, "
    "row_number() OVER (PARTITION BY block.session_id ORDER BY block.started_at, block.id) "
    "AS block_index FROM block WHERE block.session_id = ?) AS anon_1 "
    "ON anon_1.block_id = block.id WHERE block.session_id = ? "
    "ORDER BY block.exercise_id, anon_1.block_index, trial.idx, trial.id"
)
"""What SQLAlchemy compiles :func:`trials` to on SQLite, sent straight to the driver."""


def trial_tuples(conn: Connection, session_id: uuid.UUID) -> Iterator[tuple[Any, ...]]:
    """The rows of :func:`trials` as plain tuples in the same order and field order, fast.

    On SQLite they come straight from the driver's cursor (same connection, so the same
    snapshot), undecoded: spec and response are the stored JSON text, the times are the
    stored UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``), booleans are 0/1. Decoding a
    million JSON columns and timestamps through SQLAlchemy's type processors is most of
    an export's time; the writer decodes only what it needs, and only once per distinct
    text. Other databases get :func:`trials`' values in the same layout (JSON as text)."""
    if conn.dialect.name != "sqlite":
        for t in trials(conn, session_id):
            yield (
                t.exercise_id,
                t.block_index,
                t.is_practice,
                t.idx,
                t.level,
                json.dumps(t.spec),
                json.dumps(t.response),
                t.correct,
                t.error_kind,
                t.rt_ms,
                t.onset_at,
                t.response_at,
                t.staircase_before,
                t.staircase_after,
            )
        return
    driver = conn.connection.driver_connection
    assert driver is not None
    params = (session_id.hex, session_id.hex)
    try:
        cur = driver.cursor()
        try:
            cur.arraysize = YIELD_PER
            cur.execute(_TRIAL_SQL, params)
            while rows := cur.fetchmany():
                yield from rows
        finally:
            cur.close()
    except sqlite3.Error as exc:
        wrapped = DBAPIError.instance(_TRIAL_SQL, params, exc, sqlite3.Error)
        raise translate_db_error(wrapped, conn.engine.url) from exc


def blocks(conn: Connection, participant_id: uuid.UUID) -> Iterator[BlockExportRow]:
    """The participant's blocks in session order, then start order."""
    session_ids = select(TrainingSession.id).where(TrainingSession.participant_id == participant_id)
    numbers = _block_numbers(Block.session_id.in_(session_ids))
    stmt = (
        select(
            Block.session_id,
            TrainingSession.started_at,
            numbers.c.block_index,
            Block.exercise_id,
            Block.plan_index,
            Block.is_practice,
            Block.status,
            Block.started_at,
            Block.ended_at,
            Block.start_level,
            Block.end_level,
            Block.start_value,
            Block.end_value,
            Block.n_trials,
            Block.n_correct,
            Block.active_ms,
            Block.paused_ms,
            Block.instruction_ms,
            Block.strategies,
            Block.transfer_note,
        )
        .join(TrainingSession, TrainingSession.id == Block.session_id)
        .join(numbers, numbers.c.block_id == Block.id)
        .where(TrainingSession.participant_id == participant_id)
        .order_by(TrainingSession.started_at, TrainingSession.id, numbers.c.block_index)
    )
    return _stream(
        conn,
        stmt,
        lambda r: BlockExportRow(
            r[0],
            r[1],
            int(r[2]),
            r[3],
            r[4],
            bool(r[5]),
            r[6],
            r[7],
            r[8],
            r[9],
            r[10],
            r[11],
            r[12],
            r[13],
            r[14],
            r[15],
            float(r[16] or 0.0),
            float(r[17] or 0.0),
            list(r[18]) if r[18] else None,
            r[19],
        ),
    )


def level_states(conn: Connection, participant_id: uuid.UUID) -> Iterator[LevelStateExportRow]:
    """Where each of the participant's staircases stands now, by exercise id."""
    stmt = (
        select(
            LevelState.exercise_id,
            LevelState.value,
            LevelState.min_level,
            LevelState.max_level,
            LevelState.step_up,
            LevelState.step_down,
            LevelState.n_trials,
            LevelState.n_reversals,
            LevelState.updated_at,
        )
        .where(LevelState.participant_id == participant_id)
        .order_by(LevelState.exercise_id)
    )
    return _stream(conn, stmt, lambda r: LevelStateExportRow(*r))


def _goal_numbers(participant_id: uuid.UUID) -> Any:
    """The participant's goals numbered 1, 2, ... in the order they were set."""
    return (
        select(
            Goal.id.label("goal_id"),
            func.row_number().over(order_by=(Goal.created_at, Goal.id)).label("goal_index"),
        )
        .where(Goal.participant_id == participant_id)
        .subquery()
    )


def goal_ratings(conn: Connection, participant_id: uuid.UUID) -> Iterator[GoalRatingExportRow]:
    """Every goal-attainment rating of the participant's goals, goal by goal, in date order."""
    numbers = _goal_numbers(participant_id)
    stmt = (
        select(
            numbers.c.goal_index,
            Goal.text,
            Goal.workplace_situation,
            Goal.domains,
            Goal.exercise_ids,
            Goal.target_date,
            Goal.archived_at,
            GoalRating.rated_on,
            GoalRating.value,
            GoalRating.comment,
        )
        .join(Goal, Goal.id == GoalRating.goal_id)
        .join(numbers, numbers.c.goal_id == Goal.id)
        .order_by(numbers.c.goal_index, GoalRating.rated_on, GoalRating.created_at, GoalRating.id)
    )
    return _stream(
        conn,
        stmt,
        lambda r: GoalRatingExportRow(
            int(r[0]),
            r[1],
            r[2],
            list(r[3] or ()),
            list(r[4] or ()),
            r[5],
            r[6] is not None,
            r[7],
            int(r[8]),
            r[9],
        ),
    )


def notes(conn: Connection, participant_id: uuid.UUID) -> Iterator[NoteExportRow]:
    """The staff's notes about the participant, oldest first (never who wrote them)."""
    numbers = _goal_numbers(participant_id)
    stmt = (
        select(Note.written_at, numbers.c.goal_index, Note.exercise_id, Note.text)
        .outerjoin(numbers, numbers.c.goal_id == Note.goal_id)
        .where(Note.participant_id == participant_id)
        .order_by(Note.written_at, Note.id)
    )
    return _stream(
        conn,
        stmt,
        lambda r: NoteExportRow(r[0], int(r[1]) if r[1] is not None else None, r[2], r[3]),
    )


def assessment_scores(conn: Connection, participant_id: uuid.UUID) -> Iterator[AssessmentExportRow]:
    """The participant's assessment scores by date, instrument and measure."""
    stmt = (
        select(
            AssessmentScore.timepoint,
            AssessmentScore.assessed_on,
            AssessmentScore.battery_id,
            AssessmentScore.instrument_id,
            AssessmentScore.measure_id,
            AssessmentScore.raw_value,
            AssessmentScore.standard_value,
            AssessmentScore.standard_kind,
            AssessmentScore.comment,
        )
        .where(AssessmentScore.participant_id == participant_id)
        .order_by(
            AssessmentScore.assessed_on,
            AssessmentScore.timepoint,
            AssessmentScore.battery_id,
            AssessmentScore.instrument_id,
            AssessmentScore.measure_id,
            AssessmentScore.id,
        )
    )
    return _stream(conn, stmt, lambda r: AssessmentExportRow(*r))


def _utc(value: datetime | None) -> datetime | None:
    """Aggregates (``min``) bypass the column type, so SQLite hands back naive UTC
    datetimes (or even text); make them aware UTC like every other time in cogtrain."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# -- bulk loading (benchmarks, tests) -----------------------------------------------------


def bulk_load(
    store: Store,
    *,
    participants: Iterable[dict[str, Any]] = (),
    sessions: Iterable[dict[str, Any]] = (),
    blocks: Iterable[dict[str, Any]] = (),
    trials: Iterable[dict[str, Any]] = (),
    batch: int = 5000,
) -> None:
    """Insert many rows at once (column name -> value dicts, ``id`` included), in one
    transaction per table and batch.

    For building a large synthetic clinic in seconds: the program's own write path
    commits every trial on its own (it must be durable), which is far too slow to fill a
    benchmark database with millions of trials."""
    tables: Sequence[tuple[Any, Iterable[dict[str, Any]]]] = (
        (Participant.__table__, participants),
        (TrainingSession.__table__, sessions),
        (Block.__table__, blocks),
        (Trial.__table__, trials),
    )
    try:
        for table, rows in tables:
            chunk: list[dict[str, Any]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    with store.engine.begin() as conn:
                        conn.execute(insert(table), chunk)
                    chunk = []
            if chunk:
                with store.engine.begin() as conn:
                    conn.execute(insert(table), chunk)
    except SQLAlchemyError as exc:
        raise translate_db_error(exc, store.url) from exc
