"""What went well today: the biggest step up, else the most right answers."""

from __future__ import annotations

from cogtrain.training.session_summary import ScoredBlock, WentWell, went_well


def test_the_biggest_step_up_over_the_day_wins() -> None:
    blocks = [
        ScoredBlock("symbol_coding", 3, 4, 20, 16),
        ScoredBlock("order_list", 2, 2, 10, 8),
        ScoredBlock("go_stop", 5, 6, 30, 24),
        ScoredBlock("symbol_coding", 4, 6, 20, 17),  # the same exercise again: 3 → 6
    ]
    assert went_well(blocks) == WentWell("symbol_coding", 3, 6)
    assert went_well(blocks).stepped_up


def test_a_tie_goes_to_the_exercise_played_first() -> None:
    blocks = [ScoredBlock("a", 1, 2, 5, 4), ScoredBlock("b", 7, 8, 5, 4)]
    assert went_well(blocks) == WentWell("a", 1, 2)


def test_no_step_up_names_the_most_right_answers() -> None:
    blocks = [ScoredBlock("a", 5, 4, 10, 6), ScoredBlock("b", 3, 3, 20, 15)]
    best = went_well(blocks)
    assert best == WentWell("b", 3, 3) and not best.stepped_up


def test_blocks_without_trials_and_empty_days_give_nothing() -> None:
    assert went_well([]) is None
    assert went_well([ScoredBlock("a", 1, 1, 0, 0)]) is None
