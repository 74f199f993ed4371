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

from sqlalchemy import Connection, Select, func, insert, make_url, select
from sqlalchemy.engine import URL
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
    block_id: uuid.UUID


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


TRIAL_COLUMNS = (
    "idx",
    "level",
    "spec",
    "response",
    "correct",
    "error_kind",
    "rt_ms",
    "onset_at",
    "response_at",
    "staircase_before",
    "staircase_after",
    "shown_ms",
)
"""The fields of a :class:`TrialReader` row, in order."""

_BLOCK_TRIALS_SQL = (
    f"SELECT {', '.join(TRIAL_COLUMNS)} FROM trial WHERE block_id = ? AND rowid <= ? ORDER BY idx"
)
_NO_BOUND = 2**63 - 1


def max_trial_rowid(conn: Connection) -> int | None:
    """The newest trial's row number in this snapshot (SQLite only; None elsewhere).

    Trials are only ever appended (never changed or deleted) and SQLite numbers rows in
    commit order, so "every trial with a row number up to this one" is exactly the
    snapshot's trials, read from any later connection: that lets export workers in other
    processes read the trials the snapshot sees and no later one."""
    if conn.dialect.name != "sqlite":
        return None
    try:
        value = conn.exec_driver_sql("SELECT max(rowid) FROM trial").scalar()
    except SQLAlchemyError as exc:
        raise translate_db_error(exc, conn.engine.url) from exc
    return int(value) if value is not None else 0


class TrialReader:
    """One block's trials at a time, in trial order, as plain tuples (:data:`TRIAL_COLUMNS`)
    handed over in lists (see :meth:`block`).

    This is the export's hot path (millions of rows). On SQLite the rows come straight
    from the driver's cursor, undecoded: spec and response are the stored JSON text, the
    times the stored UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``), booleans 0/1; the writer
    decodes only what it needs, once per distinct text. Other databases go through
    SQLAlchemy and give JSON as sorted-key text and aware datetimes.

    Make one with :meth:`in_snapshot` (the export's own read transaction) or
    :meth:`sqlite_file` (an export worker in another process, bounded by
    :func:`max_trial_rowid`)."""

    def __init__(
        self,
        *,
        driver: sqlite3.Connection | None,
        conn: Connection | None,
        max_rowid: int | None,
        url: URL,
        owns_driver: bool = False,
    ) -> None:
        self._driver = driver
        self._conn = conn
        self._bound = _NO_BOUND if max_rowid is None else max_rowid
        self._url = url
        self._owns_driver = owns_driver

    @classmethod
    def in_snapshot(cls, conn: Connection) -> TrialReader:
        if conn.dialect.name == "sqlite":
            driver = conn.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            return cls(driver=driver, conn=None, max_rowid=None, url=conn.engine.url)
        return cls(driver=None, conn=conn, max_rowid=None, url=conn.engine.url)

    @classmethod
    def sqlite_file(cls, path: str, max_rowid: int) -> TrialReader:
        """A reader on its own read-only connection to the SQLite file at ``path``, seeing
        the trials up to ``max_rowid`` (see :func:`max_trial_rowid`)."""
        url = make_url(f"sqlite:///{path}")
        try:
            driver = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error as exc:
            wrapped = DBAPIError.instance("connect", (), exc, sqlite3.Error)
            raise translate_db_error(wrapped, url) from exc
        return cls(driver=driver, conn=None, max_rowid=max_rowid, url=url, owns_driver=True)

    def block(self, block_id: uuid.UUID) -> Iterator[list[tuple[Any, ...]]]:
        """The trials of one block, in trial order, as lists of up to :data:`YIELD_PER`
        rows: the writer loops over each list itself, which saves a generator step per
        trial on the export's hottest path (and the memory stays bounded by the chunk)."""
        if self._driver is None:
            yield from self._generic(block_id)
            return
        params = (block_id.hex, self._bound)
        try:
            cur = self._driver.cursor()
            try:
                cur.arraysize = YIELD_PER
                cur.execute(_BLOCK_TRIALS_SQL, params)
                while rows := cur.fetchmany():
                    yield rows
            finally:
                cur.close()
        except sqlite3.Error as exc:
            wrapped = DBAPIError.instance(_BLOCK_TRIALS_SQL, params, exc, sqlite3.Error)
            raise translate_db_error(wrapped, self._url) from exc

    def _generic(self, block_id: uuid.UUID) -> Iterator[list[tuple[Any, ...]]]:
        assert self._conn is not None
        stmt = (
            select(*(getattr(Trial, name) for name in TRIAL_COLUMNS))
            .where(Trial.block_id == block_id)
            .order_by(Trial.idx)
        )
        chunk: list[tuple[Any, ...]] = []
        for r in _stream(self._conn, stmt, tuple):
            chunk.append((r[0], r[1], _json_text(r[2]), _json_text(r[3]), bool(r[4]), *r[5:]))
            if len(chunk) >= YIELD_PER:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def close(self) -> None:
        if self._owns_driver and self._driver is not None:
            self._driver.close()
            self._driver = None


def _json_text(value: Any) -> str:
    """A decoded JSON column as text the writer's caches can key on (sorted keys, so the
    same value always gives the same text whatever the database)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
            Block.id,
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
            r[20],
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
