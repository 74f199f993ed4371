"""The store: the one narrow API the rest of cogtrain uses to keep and read records.

Methods take and return plain dataclasses; SQL stays here. Every write is its own
short transaction, committed before the method returns: a trial is durable the moment
:meth:`Store.log_trial` returns, so a crash loses at most the trial on screen.
"""

from __future__ import annotations

import platform
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, case, func, insert, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from cogtrain import __version__
from cogtrain.storage import migrate
from cogtrain.storage.engine import (
    StorageError,
    check_durability,
    make_engine,
    preflight_sqlite,
    sqlite_path,
    translate_db_error,
)
from cogtrain.storage.models import Block, LevelState, Participant, TrainingSession, Trial
from cogtrain.training.block import TrialRecord
from cogtrain.training.checkin import CheckIn
from cogtrain.training.history import TrainingFacts
from cogtrain.training.reflection import Reflection
from cogtrain.training.resume import BlockDone
from cogtrain.training.staircase import StaircaseState, StaircaseStateError, level_of

if TYPE_CHECKING:
    from cogtrain.storage.staff_records import StaffRecords

DEMO_PARTICIPANT_CODE = "DEMO-01"

T = TypeVar("T")


class LevelStateError(StorageError):
    """A stored level state is damaged; it is left as it is for staff to look at."""


@dataclass(frozen=True)
class ParticipantInfo:
    id: uuid.UUID
    code: str
    language: str | None
    plan_profile: str = "jmo-standard"
    plan_overrides: dict[str, Any] | None = None


@dataclass(frozen=True)
class BlockRow:
    """A block as read back: what summaries and tests need."""

    id: uuid.UUID
    session_id: uuid.UUID
    exercise_id: str
    is_practice: bool
    status: str
    seed: int
    plan_index: int | None
    start_level: int
    end_level: int | None
    end_value: float | None
    n_trials: int | None
    n_correct: int | None
    active_ms: float | None
    paused_ms: float
    instruction_ms: float = 0.0


@dataclass(frozen=True)
class SessionRow:
    id: uuid.UUID
    participant_id: uuid.UUID
    status: str
    end_reason: str | None
    started_at: datetime
    ended_at: datetime | None
    n_interruptions: int = 0
    break_ms: float = 0.0


@dataclass(frozen=True)
class ResumableSession:
    """A session cut short today that can be continued where it stopped."""

    session_id: uuid.UUID
    started_at: datetime
    plan: dict[str, Any]
    blocks: list[BlockDone]


@dataclass(frozen=True)
class RecoveryReport:
    """What the start-up check found and repaired."""

    interrupted_sessions: list[uuid.UUID]
    interrupted_blocks: list[uuid.UUID]


def utcnow() -> datetime:
    return datetime.now(UTC)


def this_device() -> str:
    return (platform.node() or "unknown")[:128]


class Store:
    """Records of participants, sessions, blocks, trials and level states."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._log_conn: Connection | None = None
        self._hooks = threading.local()  # write hooks are per thread (see write_hook)

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, url: URL, *, upgrade: bool = True) -> Store:
        """Open (and if needed create or migrate) the database at ``url``.

        Checks the file first, so a damaged, locked or read-only database gives a specific
        message and is never modified.
        """
        path = sqlite_path(url)
        if path is not None:
            preflight_sqlite(path)
        engine = make_engine(url)
        store = cls(engine, url)
        try:
            check_durability(engine)
            if upgrade:
                migrate.upgrade(engine)
            elif migrate.current_revision(engine) != migrate.head_revision():
                raise StorageError(
                    "The database schema is not up to date.",
                    hint="Run `cogtrain db upgrade` (make a backup first).",
                )
        except SQLAlchemyError as exc:
            engine.dispose()
            raise translate_db_error(exc, url) from exc
        except StorageError:
            engine.dispose()
            raise
        return store

    @property
    def staff(self) -> StaffRecords:
        """Staff-side records (accounts, goals, notes, audit) on the same database."""
        from cogtrain.storage.staff_records import StaffRecords

        return StaffRecords(self)

    def close(self) -> None:
        self._drop_trial_conn()
        self.engine.dispose()

    @contextmanager
    def write_hook(self, hook: Callable[[Any], None]) -> Iterator[None]:
        """Run ``hook(executor)`` inside every write transaction made while this is open,
        just before it commits (``executor.execute(statement)`` adds to the transaction).

        The training journal uses it to write an operation's journal row, or its
        "applied" marker on the server, in the same transaction as the change itself,
        so the two can never disagree after a crash (see :mod:`cogtrain.storage.journal`).
        Hooks belong to the thread that set them: a staff screen writing on the UI thread
        never gets the journal's marker from the thread that sends the journal."""
        hooks: list[Callable[[Any], None]] = self._hooks.__dict__.setdefault("list", [])
        hooks.append(hook)
        try:
            yield
        finally:
            hooks.remove(hook)

    def _run_write_hooks(self, executor: Any) -> None:
        for hook in list(self._hooks.__dict__.get("list", ())):
            hook(executor)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One short transaction; driver errors become :class:`StorageError`."""
        try:
            with self._sessions.begin() as s:
                yield s
                self._run_write_hooks(s)
        except SQLAlchemyError as exc:
            raise translate_db_error(exc, self.url) from exc

    def _read(self, fn: Callable[[Session], T]) -> T:
        try:
            with self._sessions() as s:
                return fn(s)
        except SQLAlchemyError as exc:
            raise translate_db_error(exc, self.url) from exc

    # -- participants ----------------------------------------------------------------

    def participants(self, *, active_only: bool = True) -> list[ParticipantInfo]:
        def q(s: Session) -> list[ParticipantInfo]:
            stmt = select(Participant).order_by(Participant.code)
            if active_only:
                stmt = stmt.where(Participant.active.is_(True))
            return [_participant_info(p) for p in s.scalars(stmt)]

        return self._read(q)

    def add_participant(
        self, code: str, *, language: str | None = None, plan_profile: str = "jmo-standard"
    ) -> ParticipantInfo:
        with self._tx() as s:
            p = Participant(
                code=code,
                created_at=utcnow(),
                active=True,
                language=language,
                plan_profile=plan_profile,
            )
            s.add(p)
            s.flush()
            return _participant_info(p)

    def set_participant_plan(
        self, participant_id: uuid.UUID, profile_id: str, overrides: dict[str, Any] | None
    ) -> None:
        """Give the participant a plan profile and (checked) overrides, or none."""
        with self._tx() as s:
            p = s.get_one(Participant, participant_id)
            p.plan_profile = profile_id
            p.plan_overrides = dict(overrides) if overrides else None

    def ensure_demo_participant(self) -> ParticipantInfo | None:
        """Create ``DEMO-01`` when the database has no participants at all."""
        with self._tx() as s:
            if s.scalar(select(func.count()).select_from(Participant)):
                return None
            p = Participant(code=DEMO_PARTICIPANT_CODE, created_at=utcnow(), active=True)
            s.add(p)
            s.flush()
            return _participant_info(p)

    # -- sessions --------------------------------------------------------------------

    def start_session(
        self,
        participant_id: uuid.UUID,
        *,
        now: datetime | None = None,
        plan: dict[str, Any] | None = None,
        session_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        with self._tx() as s:
            ts = TrainingSession(
                id=session_id or uuid.uuid4(),
                participant_id=participant_id,
                started_at=now or utcnow(),
                status="active",
                device=this_device(),
                app_version=__version__,
                plan=plan,
                break_ms=0.0,
                n_interruptions=0,
            )
            s.add(ts)
            s.flush()
            return ts.id

    def end_session(
        self, session_id: uuid.UUID, *, reason: str, now: datetime | None = None
    ) -> None:
        with self._tx() as s:
            s.execute(
                update(TrainingSession)
                .where(TrainingSession.id == session_id, TrainingSession.status == "active")
                .values(status="completed", end_reason=reason, ended_at=now or utcnow())
            )

    def set_session_plan(self, session_id: uuid.UUID, plan: dict[str, Any]) -> None:
        """Keep today's composed blocks with the session, so it can be continued."""
        with self._tx() as s:
            s.execute(
                update(TrainingSession).where(TrainingSession.id == session_id).values(plan=plan)
            )

    def session_plan_of(self, session_id: uuid.UUID) -> dict[str, Any] | None:
        def q(s: Session) -> dict[str, Any] | None:
            plan = s.get_one(TrainingSession, session_id).plan
            return dict(plan) if plan is not None else None

        return self._read(q)

    def add_break(self, session_id: uuid.UUID, break_ms: float) -> None:
        """Log a break between blocks; breaks never count as training time."""
        with self._tx() as s:
            s.execute(
                update(TrainingSession)
                .where(TrainingSession.id == session_id)
                .values(break_ms=TrainingSession.break_ms + max(0.0, break_ms))
            )

    def resumable_session(
        self, participant_id: uuid.UUID, *, since: datetime
    ) -> ResumableSession | None:
        """The participant's latest session if it was cut short (crash, power cut, closed
        window) after ``since`` and has a stored plan; ``None`` otherwise."""

        def q(s: Session) -> TrainingSession | None:
            ts = s.scalars(
                select(TrainingSession)
                .where(TrainingSession.participant_id == participant_id)
                .order_by(TrainingSession.started_at.desc(), TrainingSession.id.desc())
                .limit(1)
            ).first()
            if ts is None or ts.plan is None or ts.started_at < since:
                return None
            cut_short = ts.status == "interrupted" or (
                ts.status == "completed" and ts.end_reason == "window_closed"
            )
            if not cut_short:
                return None
            return ts

        ts = self._read(q)
        if ts is None:
            return None
        return ResumableSession(ts.id, ts.started_at, dict(ts.plan), self.blocks_done(ts.id))

    def blocks_done(self, session_id: uuid.UUID) -> list[BlockDone]:
        """The session's blocks as resume needs them (see ``training.resume``)."""

        def q(s: Session) -> list[BlockDone]:
            rows = s.scalars(
                select(Block)
                .where(Block.session_id == session_id)
                .order_by(Block.started_at, Block.id)
            )
            return [
                BlockDone(b.plan_index, b.is_practice, b.status, float(b.active_ms or 0.0))
                for b in rows
            ]

        return self._read(q)

    def reopen_session(self, session_id: uuid.UUID) -> None:
        """Continue a session that was cut short: active again, on this PC, and the cut
        is counted in ``n_interruptions`` so the history still shows it."""
        with self._tx() as s:
            s.get_one(TrainingSession, session_id)
            s.execute(
                update(TrainingSession)
                .where(TrainingSession.id == session_id)
                .values(
                    status="active",
                    end_reason=None,
                    ended_at=None,
                    device=this_device(),
                    n_interruptions=func.coalesce(TrainingSession.n_interruptions, 0) + 1,
                )
            )

    def training_facts(
        self, participant_id: uuid.UUID, *, week_start: datetime, n_recent: int = 3
    ) -> TrainingFacts:
        """Per exercise: levels, active time this week and in all, recent sequences."""

        def q(s: Session) -> TrainingFacts:
            levels = {
                r.exercise_id: level_of(r.value, r.min_level, r.max_level)
                for r in s.scalars(
                    select(LevelState).where(LevelState.participant_id == participant_id)
                )
            }
            base = (
                select(Block.exercise_id, func.coalesce(func.sum(Block.active_ms), 0.0))
                .join(TrainingSession, Block.session_id == TrainingSession.id)
                .where(TrainingSession.participant_id == participant_id)
                .group_by(Block.exercise_id)
            )
            total = {x: float(ms) for x, ms in s.execute(base)}
            week = {x: float(ms) for x, ms in s.execute(base.where(Block.started_at >= week_start))}
            recent_ids = list(
                s.scalars(
                    select(TrainingSession.id)
                    .where(TrainingSession.participant_id == participant_id)
                    .where(TrainingSession.id.in_(select(Block.session_id)))
                    .order_by(TrainingSession.started_at.desc(), TrainingSession.id.desc())
                    .limit(n_recent)
                )
            )
            recent: list[tuple[str, ...]] = []
            for sid in reversed(recent_ids):
                seq = s.scalars(
                    select(Block.exercise_id)
                    .where(Block.session_id == sid, Block.is_practice.is_(False))
                    .order_by(Block.started_at, Block.id)
                )
                recent.append(tuple(seq))
            n_sessions = s.scalar(
                select(func.count(TrainingSession.id))
                .where(TrainingSession.participant_id == participant_id)
                .where(TrainingSession.id.in_(select(Block.session_id)))
            )
            return TrainingFacts(levels, week, total, tuple(recent), int(n_sessions or 0))

        return self._read(q)

    def session_days(self, participant_id: uuid.UUID) -> list[tuple[datetime, float]]:
        """Each session's start and its active training time (ms), oldest first."""

        def q(s: Session) -> list[tuple[datetime, float]]:
            rows = s.execute(
                select(TrainingSession.started_at, func.coalesce(func.sum(Block.active_ms), 0.0))
                .outerjoin(Block, Block.session_id == TrainingSession.id)
                .where(TrainingSession.participant_id == participant_id)
                .group_by(TrainingSession.id, TrainingSession.started_at)
                .order_by(TrainingSession.started_at, TrainingSession.id)
            )
            return [(t, float(ms)) for t, ms in rows]

        return self._read(q)

    def save_checkin(self, session_id: uuid.UUID, checkin: CheckIn) -> None:
        with self._tx() as s:
            s.execute(
                update(TrainingSession)
                .where(TrainingSession.id == session_id)
                .values(checkin_rested=checkin.rested, checkin_stressed=checkin.stressed)
            )

    def checkin_of(self, session_id: uuid.UUID) -> CheckIn:
        def q(s: Session) -> CheckIn:
            t = s.get_one(TrainingSession, session_id)
            return CheckIn(t.checkin_rested, t.checkin_stressed)

        return self._read(q)

    def session(self, session_id: uuid.UUID) -> SessionRow:
        def q(s: Session) -> SessionRow:
            t = s.get_one(TrainingSession, session_id)
            return _session_row(t)

        return self._read(q)

    def sessions_of(self, participant_id: uuid.UUID) -> list[SessionRow]:
        def q(s: Session) -> list[SessionRow]:
            rows = s.scalars(
                select(TrainingSession)
                .where(TrainingSession.participant_id == participant_id)
                .order_by(TrainingSession.started_at, TrainingSession.id)
            )
            return [_session_row(t) for t in rows]

        return self._read(q)

    # -- level state -----------------------------------------------------------------

    def load_level_state(
        self, participant_id: uuid.UUID, exercise_id: str
    ) -> StaircaseState | None:
        """The stored staircase, or ``None`` for an exercise not yet trained.

        A damaged row raises :class:`LevelStateError` and is left untouched.
        """

        def q(s: Session) -> LevelState | None:
            return s.get(LevelState, (participant_id, exercise_id))

        row = self._read(q)
        if row is None:
            return None
        state = StaircaseState(
            value=row.value,
            min_level=row.min_level,
            max_level=row.max_level,
            step_up=row.step_up,
            step_down=row.step_down,
            n_trials=row.n_trials,
            n_reversals=row.n_reversals,
        )
        try:
            state.validate()
        except StaircaseStateError as exc:
            raise LevelStateError(
                f"The saved level for exercise {exercise_id!r} is damaged ({exc}). "
                "It has not been changed.",
                hint=f"Staff can reset it with: cogtrain levels reset --exercise {exercise_id} "
                "--participant <code>",
            ) from exc
        return state

    def reset_level_state(self, participant_id: uuid.UUID, exercise_id: str) -> bool:
        """Remove a participant's stored level for one exercise (starts again at level 1)."""
        with self._tx() as s:
            row = s.get(LevelState, (participant_id, exercise_id))
            if row is None:
                return False
            s.delete(row)
            return True

    @staticmethod
    def _upsert_level(
        s: Session,
        participant_id: uuid.UUID,
        exercise_id: str,
        state: StaircaseState,
        now: datetime,
    ) -> None:
        row = s.get(LevelState, (participant_id, exercise_id))
        if row is None:
            row = LevelState(participant_id=participant_id, exercise_id=exercise_id)
            s.add(row)
        row.value = state.value
        row.min_level = state.min_level
        row.max_level = state.max_level
        row.step_up = state.step_up
        row.step_down = state.step_down
        row.n_trials = state.n_trials
        row.n_reversals = state.n_reversals
        row.updated_at = now

    # -- blocks and trials -----------------------------------------------------------

    def start_block(
        self,
        session_id: uuid.UUID,
        *,
        exercise_id: str,
        is_practice: bool,
        seed: int,
        start: StaircaseState,
        start_level: int,
        plan_index: int | None = None,
        instruction_ms: float = 0.0,
        now: datetime | None = None,
        block_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        with self._tx() as s:
            b = Block(
                id=block_id or uuid.uuid4(),
                instruction_ms=max(0.0, instruction_ms),
                session_id=session_id,
                exercise_id=exercise_id,
                plan_index=plan_index,
                is_practice=is_practice,
                seed=seed,
                started_at=now or utcnow(),
                status="active",
                start_value=start.value,
                start_level=start_level,
                paused_ms=0.0,
            )
            s.add(b)
            if (
                not is_practice
                and s.get(LevelState, (_participant_of(s, session_id), exercise_id)) is None
            ):
                # Stored from the first scored block on, so crash recovery always has
                # the staircase's range and steps to carry the level forward with.
                self._upsert_level(
                    s, _participant_of(s, session_id), exercise_id, start, b.started_at
                )
            s.flush()
            return b.id

    def log_trial(
        self, block_id: uuid.UUID, rec: TrialRecord, *, trial_id: uuid.UUID | None = None
    ) -> None:
        """Commit one ended trial. Durable (fsync'd) when this returns."""
        values: dict[str, Any] = {
            "id": trial_id or uuid.uuid4(),
            "block_id": block_id,
            "idx": rec.index,
            "level": rec.level,
            "spec": rec.spec,
            "response": rec.response,
            "correct": rec.correct,
            "error_kind": rec.error_kind,
            "rt_ms": rec.rt_ms,
            "onset_at": rec.onset_at,
            "response_at": rec.response_at,
            "staircase_before": rec.staircase_before,
            "staircase_after": rec.staircase_after,
            "shown_ms": rec.shown_ms,
        }
        try:
            conn = self._trial_conn()
            with conn.begin():
                conn.execute(_TRIAL_INSERT, values)
                self._run_write_hooks(conn)
        except SQLAlchemyError as exc:
            self._drop_trial_conn()
            raise translate_db_error(exc, self.url) from exc

    def _trial_conn(self) -> Connection:
        """A connection kept open for trial logging: the hot path skips the pool's
        check-out / reset-on-return round trip (a ROLLBACK per trial) and reuses the
        compiled insert. It is dropped on any error and reopened on the next trial."""
        if self._log_conn is None or self._log_conn.closed:
            self._log_conn = self.engine.connect()
        return self._log_conn

    def _drop_trial_conn(self) -> None:
        if self._log_conn is not None:
            with suppress(SQLAlchemyError):  # it is being thrown away after an error
                self._log_conn.close()
            self._log_conn = None

    def add_pause(self, block_id: uuid.UUID, paused_ms: float) -> None:
        """Add a finished pause to the block, so pauses never count as training."""
        with self._tx() as s:
            s.execute(
                update(Block)
                .where(Block.id == block_id)
                .values(paused_ms=Block.paused_ms + paused_ms)
            )

    def end_block(
        self,
        block_id: uuid.UUID,
        *,
        status: str,
        active_ms: float,
        participant_id: uuid.UUID,
        end_state: StaircaseState | None,
        end_level: int | None,
        now: datetime | None = None,
    ) -> BlockRow:
        """Close a block; for a scored block also store the level it ended at.

        ``active_ms`` is the block's own training time; the instruction time stored at
        its start is added to it here."""
        now = now or utcnow()
        with self._tx() as s:
            b = s.get_one(Block, block_id)
            n_trials, n_correct = s.execute(
                select(
                    func.count(Trial.id),
                    func.coalesce(func.sum(case((Trial.correct, 1), else_=0)), 0),
                ).where(Trial.block_id == block_id)
            ).one()
            b.status = status
            b.ended_at = now
            b.active_ms = active_ms + (b.instruction_ms or 0.0)
            b.n_trials = int(n_trials)
            b.n_correct = int(n_correct)
            if end_state is not None:
                b.end_value = end_state.value
                b.end_level = end_level
                if not b.is_practice:
                    self._upsert_level(s, participant_id, b.exercise_id, end_state, now)
            s.flush()
            return _block_row(b)

    def save_reflection(self, block_id: uuid.UUID, reflection: Reflection) -> None:
        """Store what helped and where at work it could help, with the block."""
        with self._tx() as s:
            s.execute(
                update(Block)
                .where(Block.id == block_id)
                .values(
                    strategies=list(reflection.strategies), transfer_note=reflection.transfer_note
                )
            )

    def reflection_of(self, block_id: uuid.UUID) -> Reflection | None:
        def q(s: Session) -> Reflection | None:
            b = s.get_one(Block, block_id)
            if b.strategies is None and b.transfer_note is None:
                return None
            return Reflection(tuple(b.strategies or ()), b.transfer_note)

        return self._read(q)

    def blocks_of_session(self, session_id: uuid.UUID) -> list[BlockRow]:
        def q(s: Session) -> list[BlockRow]:
            rows = s.scalars(
                select(Block)
                .where(Block.session_id == session_id)
                .order_by(Block.started_at, Block.id)
            )
            return [_block_row(b) for b in rows]

        return self._read(q)

    def trials_of_block(self, block_id: uuid.UUID) -> list[TrialRecord]:
        def q(s: Session) -> list[TrialRecord]:
            rows = s.scalars(select(Trial).where(Trial.block_id == block_id).order_by(Trial.idx))
            return [
                TrialRecord(
                    index=t.idx,
                    level=t.level,
                    spec=t.spec,
                    response=t.response,
                    correct=t.correct,
                    error_kind=t.error_kind,
                    rt_ms=t.rt_ms,
                    onset_at=t.onset_at,
                    response_at=t.response_at,
                    staircase_before=t.staircase_before,
                    staircase_after=t.staircase_after,
                    shown_ms=t.shown_ms,
                )
                for t in rows
            ]

        return self._read(q)

    # -- time trained ----------------------------------------------------------------

    def active_ms_of(self, participant_id: uuid.UUID, *, since: datetime | None = None) -> float:
        """Total active training time (ms) of ended blocks, optionally since a time."""

        def q(s: Session) -> float:
            stmt = (
                select(func.coalesce(func.sum(Block.active_ms), 0.0))
                .join(TrainingSession, Block.session_id == TrainingSession.id)
                .where(TrainingSession.participant_id == participant_id)
            )
            if since is not None:
                stmt = stmt.where(Block.started_at >= since)
            return float(s.scalar(stmt) or 0.0)

        return self._read(q)

    # -- crash recovery --------------------------------------------------------------

    def recover_interrupted(self, *, now: datetime | None = None) -> RecoveryReport:
        """Mark this PC's sessions left ``active`` by a crash as ``interrupted``.

        Their open blocks are closed from the trials that were committed: counters and
        active time are recomputed, and the staircase of a scored block carries on from
        its last committed trial, so nothing is counted twice and no level is lost.
        """
        now = now or utcnow()
        sessions: list[uuid.UUID] = []
        blocks: list[uuid.UUID] = []
        with self._tx() as s:
            open_sessions = s.scalars(
                select(TrainingSession)
                .where(TrainingSession.status == "active", TrainingSession.device == this_device())
                .order_by(TrainingSession.started_at, TrainingSession.id)
            ).all()
            for ts in open_sessions:
                open_blocks = s.scalars(
                    select(Block)
                    .where(Block.session_id == ts.id, Block.status == "active")
                    .order_by(Block.started_at, Block.id)
                ).all()
                last_time = ts.started_at
                for b in open_blocks:
                    trials = s.scalars(
                        select(Trial).where(Trial.block_id == b.id).order_by(Trial.idx)
                    ).all()
                    end_at = trials[-1].response_at if trials else b.started_at
                    wall_ms = (end_at - b.started_at).total_seconds() * 1000.0
                    b.status = "interrupted"
                    b.ended_at = end_at
                    b.n_trials = len(trials)
                    b.n_correct = sum(1 for t in trials if t.correct)
                    b.active_ms = max(0.0, wall_ms - b.paused_ms) + (b.instruction_ms or 0.0)
                    if trials:
                        b.end_value = trials[-1].staircase_after
                        if not b.is_practice:
                            self._carry_level_from_trials(s, ts.participant_id, b, trials, now)
                    last_time = max(last_time, end_at)
                    blocks.append(b.id)
                last_block_end = s.scalar(
                    select(func.max(Block.ended_at)).where(Block.session_id == ts.id)
                )
                if last_block_end is not None:
                    last_time = max(last_time, last_block_end)
                ts.status = "interrupted"
                ts.end_reason = "interrupted"
                ts.ended_at = last_time
                sessions.append(ts.id)
        return RecoveryReport(sessions, blocks)

    def _carry_level_from_trials(
        self, s: Session, participant_id: uuid.UUID, b: Block, trials: list[Trial], now: datetime
    ) -> None:
        row = s.get_one(LevelState, (participant_id, b.exercise_id))
        row.value = trials[-1].staircase_after
        row.n_trials += len(trials)
        row.updated_at = now
        b.end_level = level_of(row.value, row.min_level, row.max_level)


_TRIAL_INSERT = insert(Trial.__table__)


def _participant_of(s: Session, session_id: uuid.UUID) -> uuid.UUID:
    return s.get_one(TrainingSession, session_id).participant_id


def _participant_info(p: Participant) -> ParticipantInfo:
    return ParticipantInfo(
        p.id,
        p.code,
        p.language,
        p.plan_profile or "jmo-standard",
        dict(p.plan_overrides) if p.plan_overrides else None,
    )


def _session_row(t: TrainingSession) -> SessionRow:
    return SessionRow(
        t.id,
        t.participant_id,
        t.status,
        t.end_reason,
        t.started_at,
        t.ended_at,
        int(t.n_interruptions or 0),
        float(t.break_ms or 0.0),
    )


def _block_row(b: Block) -> BlockRow:
    return BlockRow(
        id=b.id,
        session_id=b.session_id,
        exercise_id=b.exercise_id,
        is_practice=b.is_practice,
        status=b.status,
        seed=b.seed,
        plan_index=b.plan_index,
        start_level=b.start_level,
        end_level=b.end_level,
        end_value=b.end_value,
        n_trials=b.n_trials,
        n_correct=b.n_correct,
        active_ms=b.active_ms,
        paused_ms=b.paused_ms,
        instruction_ms=b.instruction_ms or 0.0,
    )
