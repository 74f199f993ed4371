from __future__ import annotations

import numpy as np
import pytest

from cogtrain.training.exercise import Response
from exercises.symbol_coding import rules
from exercises.symbol_coding.rules import RULES, SymbolCodingTrial


def test_level_table_has_at_least_twelve_valid_levels() -> None:
    assert len(rules.LEVELS) >= 12
    for lv in rules.LEVELS:
        pool = rules.DISTINCT_SYMBOLS if lv.pool == "distinct" else rules.SIMILAR_SYMBOLS
        assert 2 <= lv.key_size <= len(pool) <= 9
    assert rules.LEVELS[0].time_limit_ms is None  # errorless start: no time pressure


def test_difficulty_never_decreases_along_the_table() -> None:
    sizes = [lv.key_size for lv in rules.LEVELS]
    assert sizes == sorted(sizes)
    limits = [lv.time_limit_ms or float("inf") for lv in rules.LEVELS]
    assert limits == sorted(limits, reverse=True)


@pytest.mark.parametrize("level", range(1, 13))
def test_make_trial_is_deterministic_and_valid(level: int) -> None:
    a = RULES.make_trial(level, np.random.default_rng(7))
    b = RULES.make_trial(level, np.random.default_rng(7))
    assert a == b
    assert len(a.key) == rules.LEVELS[level - 1].key_size
    assert len(set(a.key)) == len(a.key)
    assert 0 <= a.target < len(a.key)
    assert rules.spec_from_json(a.to_json()) == a


def test_every_digit_is_a_target_sometime() -> None:
    rng = np.random.default_rng(1)
    targets = {RULES.make_trial(3, rng).target for _ in range(200)}
    assert targets == set(range(5))


def test_fixed_key_below_level_seven_reshuffled_from_seven() -> None:
    rng = np.random.default_rng(3)
    assert len({RULES.make_trial(6, rng).key for _ in range(20)}) == 1
    assert len({RULES.make_trial(7, rng).key for _ in range(20)}) > 1


def spec() -> SymbolCodingTrial:
    return SymbolCodingTrial(
        level=2, key=("circle", "square", "triangle", "cross"), target=2, limit_ms=None
    )


def test_score_correct_digit() -> None:
    out = RULES.score(spec(), Response(answer={"digit": 3}))
    assert out.correct and out.error_kind is None


def test_score_wrong_digit_names_confused_symbol() -> None:
    out = RULES.score(spec(), Response(answer={"digit": 1}))
    assert not out.correct
    assert out.error_kind == "wrong_digit"
    assert out.details["chosen_symbol"] == "circle"


def test_score_digit_outside_key_and_timeout() -> None:
    assert RULES.score(spec(), Response(answer={"digit": 9})).error_kind == "digit_not_in_key"
    assert RULES.score(spec(), Response.timeout()).error_kind == "timeout"


def test_spec_from_json_rejects_bad_logs() -> None:
    with pytest.raises(ValueError, match="unknown symbols"):
        rules.spec_from_json({"level": 1, "key": ["blob"], "target": 0})
    with pytest.raises(ValueError, match="target"):
        rules.spec_from_json({"level": 1, "key": ["circle"], "target": 4})
