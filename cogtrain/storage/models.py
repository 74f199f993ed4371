"""SQLAlchemy 2 typed models: the records cogtrain keeps.

UUID primary keys, because a clinic's PCs may later meet in one shared database and
must never collide. Times are aware UTC. Trial specs and responses are JSON so that a
trial can be replayed from its row. Schema changes go through Alembic migrations in
``migrations/versions``; production code never calls ``create_all``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Double,
    ForeignKey,
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
