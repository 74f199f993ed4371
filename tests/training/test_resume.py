"""What is left of a session that was cut short, and the stored plan's JSON."""

from __future__ import annotations

import json

import pytest

from cogtrain.training.composition import BlockRole, PlannedBlock, SessionPlan
from cogtrain.training.exercise import Domain
from cogtrain.training.resume import (
    BlockDone,
    PlanJsonError,
    blocks_to_do,
    plan_from_json,
    plan_to_json,
)

PLAN = SessionPlan(
    (
        PlannedBlock("symbol_coding", Domain.PROCESSING_SPEED, 5, False, BlockRole.WARM_UP),
        PlannedBlock("order_list", Domain.MEMORY, 10, True),
        PlannedBlock("go_stop", Domain.ATTENTION, 10, False),
    ),
    hard_day=False,
    break_minutes=3,
)
MIN = 60_000.0


def todo(done: list[BlockDone]) -> list[tuple[int, float, bool]]:
    """(plan index, minutes left, practised) of each block still to do."""
    return [(t.plan_index, t.target_ms / MIN, t.practised) for t in blocks_to_do(PLAN, done)]


def test_nothing_done_leaves_the_whole_plan() -> None:
    assert todo([]) == [(0, 5, False), (1, 10, False), (2, 10, False)]


def test_completed_blocks_are_done_and_practice_is_remembered() -> None:
    done = [
        BlockDone(0, True, "completed", 0.5 * MIN),
        BlockDone(0, False, "completed", 5 * MIN),
        BlockDone(1, True, "completed", 0.4 * MIN),
    ]
    assert todo(done) == [(1, 10, True), (2, 10, False)]


def test_a_block_cut_off_leaves_only_its_remaining_minutes() -> None:
    done = [
        BlockDone(0, False, "completed", 5 * MIN),
        BlockDone(1, False, "interrupted", 6.5 * MIN),
    ]
    # 3.5 minutes left of block 1, exactly: no minute is trained twice.
    assert todo(done) == [(1, 3.5, False), (2, 10, False)]


def test_two_cuts_of_the_same_block_add_up() -> None:
    done = [
        BlockDone(1, False, "interrupted", 4 * MIN),
        BlockDone(1, False, "closed", 4.5 * MIN),
    ]
    assert todo(done)[1] == (1, 1.5, False)


def test_less_than_a_minute_left_counts_as_done() -> None:
    done = [BlockDone(1, False, "interrupted", 9.2 * MIN)]
    assert [i for i, _m, _p in todo(done)] == [0, 2]


def test_blocks_outside_the_plan_are_ignored() -> None:
    done = [BlockDone(None, False, "completed", 5 * MIN), BlockDone(7, False, "completed", MIN)]
    assert todo(done) == todo([])


def test_everything_done_leaves_nothing() -> None:
    done = [BlockDone(i, False, "completed", b.target_ms) for i, b in enumerate(PLAN.blocks)]
    assert blocks_to_do(PLAN, done) == ()


def test_plan_round_trips_through_json() -> None:
    text = json.dumps(plan_to_json(PLAN))
    assert plan_from_json(json.loads(text)) == PLAN


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("blocks"),
        lambda d: d.update(format=99),
        lambda d: d["blocks"][0].update(domain="cooking"),
        lambda d: d["blocks"][1].update(target_minutes="ten"),
        lambda d: d["blocks"][2].pop("role"),
    ],
)
def test_a_damaged_plan_is_refused_with_a_specific_error(damage) -> None:  # noqa: ANN001
    obj = plan_to_json(PLAN)
    damage(obj)
    with pytest.raises(PlanJsonError):
        plan_from_json(obj)
