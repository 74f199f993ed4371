from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from cogtrain.training.exercise import Response
from exercises.conveyor_watch import rules
from exercises.conveyor_watch.rules import RULES, ConveyorTrial

PRESS = Response(answer={"pressed": True})


def parcel(mark: str) -> ConveyorTrial:
    return ConveyorTrial(level=4, mark=mark, window_ms=2900.0, pass_ms=2100.0)


# -- scoring ---------------------------------------------------------------------------


def test_hit_is_right() -> None:
    out = RULES.score(parcel("glass"), PRESS)
    assert out.correct and out.error_kind is None and out.details["signal"] == "hit"


def test_letting_a_fragile_parcel_through_is_a_miss() -> None:
    out = RULES.score(parcel("glass"), Response.timeout())
    assert not out.correct and out.error_kind == "miss"


def test_letting_an_ordinary_parcel_through_is_right() -> None:
    for mark in (*rules.PLAIN_MARKS, *rules.LOOKALIKE_MARKS):
        out = RULES.score(parcel(mark), Response.timeout())
        assert out.correct and out.error_kind is None
        assert out.details["signal"] == "correct_rejection"


def test_stopping_an_ordinary_parcel_is_a_false_alarm() -> None:
    out = RULES.score(parcel("arrows"), PRESS)
    assert not out.correct and out.error_kind == "false_alarm"
    assert out.details["lookalike"] is False
    out = RULES.score(parcel("funnel"), Response(answer={"pressed": True, "via": "click"}))
    assert out.error_kind == "false_alarm" and out.details["lookalike"] is True


def test_answer_without_press_counts_as_no_press() -> None:
    assert RULES.score(parcel("label"), Response(answer={"pressed": False})).correct
    assert RULES.score(parcel("glass"), Response(answer={})).error_kind == "miss"


def test_correct_and_error_responses_are_right_and_wrong() -> None:
    rng = np.random.default_rng(0)
    for mark in sorted(rules.ALL_MARKS):
        spec = parcel(mark)
        assert RULES.score(spec, rules.correct_response(spec)).correct
        assert not RULES.score(spec, rules.error_response(spec, rng)).correct
    assert rules.correct_response(parcel("umbrella")).timed_out  # do nothing
    assert rules.error_response(parcel("glass"), rng).timed_out  # let it through


# -- level table -----------------------------------------------------------------------


def test_level_table_is_valid_and_gets_harder() -> None:
    lv = rules.LEVELS
    assert len(lv) >= 12
    for a, b in zip(lv, lv[1:], strict=False):
        assert b.window_ms < a.window_ms
        assert b.pass_ms < a.pass_ms
        assert b.target_rate <= a.target_rate
        assert b.lookalike_rate >= a.lookalike_rate
        assert b.lookalikes >= a.lookalikes
    for row in lv:
        assert 0 < row.pass_ms < row.window_ms
        assert 0 <= row.lookalike_rate < 1
        assert 0 <= row.lookalikes <= len(rules.LOOKALIKE_MARKS)
        # Doing nothing must never reach the staircase's 80 % target.
        assert 0.25 <= row.target_rate < 0.5
    first = lv[0]
    assert first.lookalikes == 0 and first.window_ms >= 4000  # errorless start


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_target_and_lookalike_rates_match_the_table(level: int) -> None:
    row = rules.LEVELS[level - 1]
    rng = np.random.default_rng(level)
    n = 6000
    marks = Counter(RULES.make_trial(level, rng).mark for _ in range(n))
    assert abs(marks[rules.TARGET_MARK] / n - row.target_rate) < 0.025
    lookalikes = sum(marks[m] for m in rules.LOOKALIKE_MARKS)
    expected = (1 - row.target_rate) * row.lookalike_rate
    assert abs(lookalikes / n - expected) < 0.025
    used = {m for m in marks if m in rules.LOOKALIKE_MARKS}
    assert used == set(rules.LOOKALIKE_MARKS[: row.lookalikes])


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_make_trial_is_deterministic_and_round_trips(level: int) -> None:
    a = [RULES.make_trial(level, np.random.default_rng(11)) for _ in range(3)]
    b = [RULES.make_trial(level, np.random.default_rng(11)) for _ in range(3)]
    assert a == b
    for spec in a:
        back = rules.spec_from_json(json.loads(json.dumps(spec.to_json())))
        assert back == spec
        assert spec.time_limit_ms == rules.LEVELS[level - 1].window_ms


def test_spec_from_json_rejects_bad_logs() -> None:
    good = parcel("glass").to_json()
    with pytest.raises(ValueError, match="sticker"):
        rules.spec_from_json({**good, "mark": "skull"})
    with pytest.raises(ValueError, match="timing"):
        rules.spec_from_json({**good, "pass_ms": 5000.0})


def test_stream_timing_flows() -> None:
    timing = RULES.timing
    assert timing.feedback == "errors" and timing.gap_ms <= 500
