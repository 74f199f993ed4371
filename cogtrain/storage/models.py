"""SQLAlchemy 2 typed models: the records cogtrain keeps.

UUID primary keys, because a clinic's PCs may later meet in one shared database and
must never collide. Times are aware UTC. Trial specs and responses are JSON so that a
trial can be replayed from its row. Schema changes go through Alembic migrations in
``migrations/versions``; production code never calls ``create_all``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cogtrain.storage.types import JSONType, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Participant(Base):
    """A person training, known only by a pseudonymous code."""

    __tablename__ = "participant"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    # The active training plan: a profile id from profiles/, plus the consultant's
    # per-participant overrides (the override keys of cogtrain.training.plans).
    plan_profile: Mapped[str] = mapped_column(String(64), default="jmo-standard")
    plan_overrides: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    # The staff side: the participant's own work consultant (who may see and edit the
    # record), the day the programme started (attendance counts from it), and the PIN
    # the participant starts their own training with (argon2id; None = no PIN yet).
    consultant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_user.id"), index=True, default=None
    )
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    pin_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    pin_failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    pin_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    sessions: Mapped[list[TrainingSession]] = relationship(back_populates="participant")


class TrainingSession(Base):
    """One sitting at the PC (treningsøkt).

    ``status``: ``active`` while running; ``completed`` when ended from the program;
    ``interrupted`` when a later start found it still active (crash, power cut).
    ``device`` names the PC, so recovery on one PC never touches another's live session.
    """

    __tablename__ = "training_session"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    status: Mapped[str] = mapped_column(String(16), default="active")
    end_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    device: Mapped[str] = mapped_column(String(128))
    app_version: Mapped[str] = mapped_column(String(32))
    # Today's check-in (1-3; None when skipped). Logged, never judged.
    checkin_rested: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    checkin_stressed: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    # Today's composed session (cogtrain.training.resume.plan_to_json), so an interrupted
    # session continues with the same blocks; None for a single-exercise session.
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    # Breaks between blocks (never training time), and how often a crash or a closed
    # window cut the session before it was continued.
    break_ms: Mapped[float] = mapped_column(Double, default=0.0)
    n_interruptions: Mapped[int] = mapped_column(Integer, default=0)

    participant: Mapped[Participant] = relationship(back_populates="sessions")
    blocks: Mapped[list[Block]] = relationship(back_populates="session")


class Block(Base):
    """One run of one exercise (runde). Practice rounds are blocks with ``is_practice``.

    Counters and ``active_ms`` are written when the block ends; for a block cut off by
    a crash they are recomputed from its committed trials on the next start.
    """

    __tablename__ = "block"
    # The clinic overview sums active_ms per session from this index alone (0008).
    __table_args__ = (Index("ix_block_session_id_active_ms", "session_id", "active_ms"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_session.id"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    # Which block of the session's plan this block trains (None outside a plan).
    plan_index: Mapped[int | None] = mapped_column(Integer, default=None)
    is_practice: Mapped[bool] = mapped_column(Boolean)
    seed: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    status: Mapped[str] = mapped_column(String(16), default="active")
    start_value: Mapped[float] = mapped_column(Double)
    start_level: Mapped[int] = mapped_column(Integer)
    end_value: Mapped[float | None] = mapped_column(Double, default=None)
    end_level: Mapped[int | None] = mapped_column(Integer, default=None)
    paused_ms: Mapped[float] = mapped_column(Double, default=0.0)
    # Time spent reading the instructions just before this block (pauses excluded):
    # training time, counted in ``active_ms`` when the block ends or is recovered.
    instruction_ms: Mapped[float] = mapped_column(Double, default=0.0)
    active_ms: Mapped[float | None] = mapped_column(Double, default=None)
    n_trials: Mapped[int | None] = mapped_column(Integer, default=None)
    n_correct: Mapped[int | None] = mapped_column(Integer, default=None)
    # The participant's reflection after the block (for the consultant).
    strategies: Mapped[list[str] | None] = mapped_column(JSONType, default=None)
    transfer_note: Mapped[str | None] = mapped_column(Text, default=None)

    session: Mapped[TrainingSession] = relationship(back_populates="blocks")


class Trial(Base):
    """One item answered (oppgave), committed the moment it ends."""

    __tablename__ = "trial"
    __table_args__ = (UniqueConstraint("block_id", "idx", name="uq_trial_block_id_idx"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    block_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("block.id"))
    idx: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONType)
    response: Mapped[dict[str, Any]] = mapped_column(JSONType)
    correct: Mapped[bool] = mapped_column(Boolean)
    error_kind: Mapped[str | None] = mapped_column(String(32), default=None)
    rt_ms: Mapped[float | None] = mapped_column(Double, default=None)
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime)
    response_at: Mapped[datetime] = mapped_column(UTCDateTime)
    staircase_before: Mapped[float] = mapped_column(Double)
    staircase_after: Mapped[float] = mapped_column(Double)
    # When each stimulus mark (the parcel, the stop sign) was first on screen, in ms
    # after onset; NULL for exercises without marks and trials logged before 0009.
    shown_ms: Mapped[dict[str, float] | None] = mapped_column(JSONType, default=None)


class LevelState(Base):
    """Where a participant's staircase for one exercise stands between blocks."""

    __tablename__ = "level_state"

    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participant.id"), primary_key=True
    )
    exercise_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float] = mapped_column(Double)
    min_level: Mapped[int] = mapped_column(Integer)
    max_level: Mapped[int] = mapped_column(Integer)
    step_up: Mapped[float] = mapped_column(Double)
    step_down: Mapped[float] = mapped_column(Double)
    n_trials: Mapped[int] = mapped_column(Integer)
    n_reversals: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffUser(Base):
    """A staff account: work consultant, neuropsychologist or admin.

    Only an argon2id hash of the password is kept. Failed logins and the lock live
    here so a lockout holds across restarts and PCs. Accounts are deactivated, never
    deleted: the audit log keeps pointing at them.
    """

    __tablename__ = "staff_user"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(24))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Goal(Base):
    """A personal goal tied to a workplace challenge (personlig mål).

    Archived, never deleted. ``version`` counts edits so that two staff editing the
    same goal at once are told instead of one silently overwriting the other.
    """

    __tablename__ = "goal"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    workplace_situation: Mapped[str | None] = mapped_column(Text, default=None)
    domains: Mapped[list[str]] = mapped_column(JSONType)
    exercise_ids: Mapped[list[str]] = mapped_column(JSONType)
    target_date: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class GoalRating(Base):
    """One goal-attainment rating (-2..+2) made at a review meeting (måloppnåelse)."""

    __tablename__ = "goal_rating"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("goal.id"), index=True)
    rated_on: Mapped[date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    rated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Note(Base):
    """A note linking training to work (notat om overføring til jobb)."""

    __tablename__ = "note"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"), index=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str] = mapped_column(Text)
    goal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("goal.id"), default=None)
    exercise_id: Mapped[str | None] = mapped_column(String(64), default=None)


class AuditEvent(Base):
    """Who did what, when: every view of a record, change, export and login.

    Written in the same transaction as the change it describes, so there is never a
    change without its audit row. ``actor_name`` keeps the name as typed for failed
    logins of unknown accounts. Never holds a password or PIN.
    """

    __tablename__ = "audit_event"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"), default=None)
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(48))
    outcome: Mapped[str] = mapped_column(String(16))
    participant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id"), index=True, default=None
    )
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    device: Mapped[str] = mapped_column(String(128))


class AssessmentScore(Base):
    """One score from an assessment (kartlegging) entered by a neuropsychologist.

    ``battery_id``/``instrument_id``/``measure_id`` refer to the batteries in
    ``batteries/`` (data, so a clinic can add its own instruments); cogtrain stores the
    scores, it does not administer the tests. ``raw_value`` is the test's own score,
    ``standard_value`` the standardised one, of kind ``standard_kind`` ("T" or "z").
    ``version`` guards against two staff overwriting each other's correction.
    """

    __tablename__ = "assessment_score"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"), index=True)
    timepoint: Mapped[str] = mapped_column(String(16))
    assessed_on: Mapped[date] = mapped_column(Date)
    battery_id: Mapped[str] = mapped_column(String(64))
    instrument_id: Mapped[str] = mapped_column(String(64))
    measure_id: Mapped[str] = mapped_column(String(64))
    raw_value: Mapped[float | None] = mapped_column(Double, default=None)
    standard_value: Mapped[float | None] = mapped_column(Double, default=None)
    standard_kind: Mapped[str | None] = mapped_column(String(8), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    entered_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_user.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class JournalOp(Base):
    """A training change made on this PC, kept in the PC's local journal until the
    shared server has it (see :mod:`cogtrain.storage.journal`). Only the local journal
    database has rows here.

    ``method`` and ``args`` name the :class:`~cogtrain.storage.store.Store` write and its
    arguments (JSON, by :mod:`cogtrain.storage.journal_codec`); ``sent_at`` is set once
    the server has applied it; ``failed`` says why the server refused it, if it did."""

    __tablename__ = "journal_op"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    method: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    failed: Mapped[str | None] = mapped_column(Text, default=None)


class AppliedOp(Base):
    """A journal operation the server has applied, written in the same transaction as
    the change itself: a retried operation is recognised and applied exactly once."""

    __tablename__ = "applied_op"

    op_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device: Mapped[str] = mapped_column(String(128))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
