"""Glue between the screens and the store for one participant's training session.

It decides nothing about rules or levels (the staircase does) and writes no SQL (the
store does): it carries records from the running block to storage as they happen, so
that the database is always up to date with what the participant has done.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, time

import numpy as np

from cogtrain.storage.store import BlockRow, ParticipantInfo, Store
from cogtrain.training.block import BlockSummary, TrialRecord, summarise
from cogtrain.training.checkin import CheckIn
from cogtrain.training.exercise import ExerciseRules
from cogtrain.training.progress import TARGET_HOURS, TimeTrained, time_trained
from cogtrain.training.reflection import Reflection
from cogtrain.training.staircase import Staircase, StaircaseState


@dataclass
class BlockContext:
    """A block in progress: its id, seed and generator, and its staircase."""

    block_id: uuid.UUID
    rules: ExerciseRules
    is_practice: bool
    seed: int
    rng: np.random.Generator
    staircase: Staircase
    start_level: int
    ended: bool = False


@dataclass(frozen=True)
class BlockResult:
    summary: BlockSummary
    time: TimeTrained
    row: BlockRow


class TrainingController:
    """One participant's session, from the first block to the end."""

    def __init__(self, store: Store, participant: ParticipantInfo) -> None:
        self.store = store
        self.participant = participant
        self.session_id: uuid.UUID | None = None

    def start_session(self) -> uuid.UUID:
        self.session_id = self.store.start_session(self.participant.id)
        return self.session_id

    def current_state(self, rules: ExerciseRules) -> StaircaseState:
        """Where this participant's staircase stands (level 1 the first time)."""
        stored = self.store.load_level_state(self.participant.id, rules.exercise_id)
        if stored is not None:
            return stored
        return Staircase.start(rules.min_level, rules.max_level).state()

    def begin_block(
        self,
        rules: ExerciseRules,
        *,
        practice: bool,
        plan_index: int | None = None,
        instruction_ms: float = 0.0,
        now: datetime | None = None,
    ) -> BlockContext:
        """Start a block. Practice runs one level below the current one, without adapting."""
        assert self.session_id is not None, "start_session first"
        state = self.current_state(rules)
        staircase = Staircase.from_state(state)
        start_level = staircase.level
        if practice:
            start_level = max(rules.min_level, start_level - 1)
        seed = secrets.randbits(63)
        block_id = self.store.start_block(
            self.session_id,
            exercise_id=rules.exercise_id,
            is_practice=practice,
            seed=seed,
            start=state,
            start_level=start_level,
            plan_index=plan_index,
            instruction_ms=instruction_ms,
            now=now,
        )
        return BlockContext(
            block_id, rules, practice, seed, np.random.default_rng(seed), staircase, start_level
        )

    def record_trial(self, ctx: BlockContext, record: TrialRecord) -> None:
        self.store.log_trial(ctx.block_id, record)

    def record_pause(self, ctx: BlockContext, paused_ms: float) -> None:
        self.store.add_pause(ctx.block_id, paused_ms)

    def finish_block(
        self,
        ctx: BlockContext,
        *,
        status: str,
        active_ms: float,
        records: list[TrialRecord],
        now: datetime | None = None,
    ) -> BlockResult:
        if ctx.ended:
            raise RuntimeError("block already ended")
        ctx.ended = True
        end_state = None if ctx.is_practice else ctx.staircase.state()
        end_level = ctx.start_level if ctx.is_practice else ctx.staircase.level
        row = self.store.end_block(
            ctx.block_id,
            status=status,
            active_ms=active_ms,
            participant_id=self.participant.id,
            end_state=end_state,
            end_level=end_level,
            now=now,
        )
        summary = summarise(records, start_level=ctx.start_level, end_level=end_level)
        return BlockResult(summary, self.time_trained(), row)

    def save_checkin(self, checkin: CheckIn) -> None:
        assert self.session_id is not None
        self.store.save_checkin(self.session_id, checkin)

    def save_reflection(self, block_id: uuid.UUID, reflection: Reflection) -> None:
        self.store.save_reflection(block_id, reflection)

    def time_trained(self, *, target_hours: float = TARGET_HOURS) -> TimeTrained:
        """Active time today and in all (pauses and breaks never count)."""
        midnight = datetime.combine(datetime.now().date(), time.min).astimezone()
        today = self.store.active_ms_of(self.participant.id, since=midnight)
        total = self.store.active_ms_of(self.participant.id)
        return time_trained([today], [total], target_hours=target_hours)

    def end_session(self, reason: str) -> None:
        if self.session_id is not None:
            self.store.end_session(self.session_id, reason=reason)
