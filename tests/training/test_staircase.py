from __future__ import annotations

import math

import numpy as np
import pytest

from cogtrain.training.staircase import Staircase, StaircaseState, StaircaseStateError


def run(sc: Staircase, answers: str) -> list[int]:
    """Feed 'c' (correct) / 'x' (error) answers; return the level before each answer."""
    for a in answers:
        sc.update(a == "c")
    return sc.levels


def test_four_correct_step_up_one_level() -> None:
    sc = Staircase.start(1, 12)
    assert run(sc, "cccc") == [1, 1, 1, 1]
    assert sc.level == 2
    assert sc.value == pytest.approx(2.0)


def test_one_error_steps_down_one_level_and_floor_holds() -> None:
    sc = Staircase.start(1, 12, level=3)
    assert run(sc, "xxxx") == [3, 2, 1, 1]
    assert sc.level == 1
    assert sc.value == 1.0


def test_scripted_sequence_exact_levels_and_reversals() -> None:
    sc = Staircase.start(1, 12, level=2)
    levels = run(sc, "ccccccccxccccx")
    assert levels == [2, 2, 2, 2, 3, 3, 3, 3, 4, 3, 3, 3, 3, 4]
    assert sc.level == 3
    assert sc.value == pytest.approx(3.0)
    assert sc.reversal_indices == [8, 9, 13]
    assert sc.n_reversals == 3
    assert sc.responses == [a == "c" for a in "ccccccccxccccx"]


def test_ceiling_is_the_last_level() -> None:
    sc = Staircase.start(1, 3, level=3)
    run(sc, "c" * 20)
    assert sc.level == 3
    assert sc.value < 4


def test_target_is_eighty_percent() -> None:
    assert Staircase.start(1, 12).target_p_correct == pytest.approx(0.8)


def test_state_round_trip_continues_exactly() -> None:
    a = Staircase.start(1, 12)
    run(a, "cccccccxcc")
    b = Staircase.from_state(a.state())
    for ans in "ccxccccc":
        a.update(ans == "c")
        b.update(ans == "c")
    assert a.value == b.value and a.level == b.level and a.n_trials == b.n_trials


@pytest.mark.parametrize(
    "field,value",
    [
        ("value", math.nan),
        ("value", 99.0),
        ("value", 0.5),
        ("step_up", 0.0),
        ("n_trials", -1),
        ("max_level", 0),
    ],
)
def test_damaged_state_is_refused(field: str, value: float) -> None:
    state = StaircaseState(value=2.0, min_level=1, max_level=12)
    setattr(state, field, value)
    with pytest.raises(StaircaseStateError):
        Staircase.from_state(state)


def simulate(p_correct_at, n: int, seed: int) -> tuple[Staircase, np.ndarray]:
    rng = np.random.default_rng(seed)
    sc = Staircase.start(1, 20)
    for _ in range(n):
        sc.update(bool(rng.random() < p_correct_at(sc.level)))
    return sc, np.array(sc.responses)


def test_simulated_learner_settles_near_eighty_percent() -> None:
    # A learner whose accuracy falls from ~100 % to ~35 % over the levels (logistic).
    def p(level: int) -> float:
        return 0.3 + 0.7 / (1 + math.exp(level - 9))

    for seed in range(5):
        sc, responses = simulate(p, 2000, seed)
        late = responses[200:].mean()
        assert 0.75 <= late <= 0.85, (seed, late)
        assert 6 <= np.median(sc.levels[200:]) <= 11
