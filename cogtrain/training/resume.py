"""Continuing a session that a crash, a power cut or a closed window cut short.

The composed session is stored with the session row (as JSON, by :func:`plan_to_json`),
and every block records which planned block it trained. From those two facts this
module works out what is left: a planned block is done once a scored block for it
ended normally; a scored block cut off part-way leaves only its remaining minutes.
Active time is always what the logged blocks say, so a continued session counts every
minute once, however often it was interrupted.

Pure: plain data in, plain data out; the store supplies the facts, the flow acts on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cogtrain.training.composition import BlockRole, PlannedBlock, SessionPlan
from cogtrain.training.exercise import Domain
from cogtrain.training.progress import MS_PER_MINUTE

PLAN_FORMAT = 1
MIN_REMAINING_MINUTES = 1
"""A cut-off block with less than this left is counted as done (no one-minute stubs)."""


class PlanJsonError(ValueError):
    """A stored session plan that cannot be read back (the session is not offered again)."""


def plan_to_json(plan: SessionPlan) -> dict[str, Any]:
    return {
        "format": PLAN_FORMAT,
        "hard_day": plan.hard_day,
        "break_minutes": plan.break_minutes,
        "blocks": [
            {
                "exercise_id": b.exercise_id,
                "domain": b.domain.value,
                "target_minutes": b.target_minutes,
                "break_after": b.break_after,
                "role": b.role.value,
            }
            for b in plan.blocks
        ],
    }


def plan_from_json(obj: Mapping[str, Any]) -> SessionPlan:
    """Rebuild a stored plan; anything malformed raises :class:`PlanJsonError`."""
    try:
        if obj["format"] != PLAN_FORMAT:
            raise PlanJsonError(f"unknown session plan format {obj['format']!r}")
        blocks = tuple(
            PlannedBlock(
                exercise_id=str(b["exercise_id"]),
                domain=Domain(b["domain"]),
                target_minutes=int(b["target_minutes"]),
                break_after=bool(b["break_after"]),
                role=BlockRole(b["role"]),
            )
            for b in obj["blocks"]
        )
        return SessionPlan(blocks, bool(obj["hard_day"]), int(obj["break_minutes"]))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, PlanJsonError):
            raise
        raise PlanJsonError(f"damaged session plan: {exc!r}") from exc


@dataclass(frozen=True)
class BlockDone:
    """A logged block of the session, as resume needs it."""

    plan_index: int | None
    is_practice: bool
    status: str
    active_ms: float


@dataclass(frozen=True)
class BlockToDo:
    """A planned block still to train: its place in the plan and the time left."""

    plan_index: int
    block: PlannedBlock
    practised: bool
    """Whether this exercise already had its practice round in this session."""
    remaining_ms: float
    """The block's planned time less what cut-off blocks for it already trained."""

    @property
    def target_ms(self) -> float:
        return self.remaining_ms


def blocks_to_do(plan: SessionPlan, done: Sequence[BlockDone]) -> tuple[BlockToDo, ...]:
    """The planned blocks not yet trained, in plan order, with their remaining minutes."""
    scored_ms: dict[int, float] = {}
    finished: set[int] = set()
    practised: set[str] = set()
    for d in done:
        if d.plan_index is None or not 0 <= d.plan_index < len(plan.blocks):
            continue
        if d.is_practice:
            practised.add(plan.blocks[d.plan_index].exercise_id)
            continue
        scored_ms[d.plan_index] = scored_ms.get(d.plan_index, 0.0) + max(0.0, d.active_ms)
        if d.status == "completed":
            finished.add(d.plan_index)
    out: list[BlockToDo] = []
    for i, block in enumerate(plan.blocks):
        if i in finished:
            continue
        left_ms = block.target_ms - scored_ms.get(i, 0.0)
        if left_ms < MIN_REMAINING_MINUTES * MS_PER_MINUTE:
            continue
        out.append(BlockToDo(i, block, block.exercise_id in practised, left_ms))
    return tuple(out)
