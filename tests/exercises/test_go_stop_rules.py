from __future__ import annotations

import json

import numpy as np
import pytest

from cogtrain.training.exercise import Response
from exercises.go_stop import rules
from exercises.go_stop.rules import RULES, GoStopTrial

PRESS = Response(answer={"pressed": True})


def item(stop: bool, delay: float = 150.0) -> GoStopTrial:
    return GoStopTrial(
        level=7, stop=stop, stop_delay_ms=delay, window_ms=1350.0, product=("tin", "blue", "dot")
    )


# -- scoring ---------------------------------------------------------------------------


def test_scanning_a_go_item_is_right() -> None:
    out = RULES.score(item(False), PRESS)
    assert out.correct and out.error_kind is None


def test_letting_a_go_item_pass_is_a_timeout() -> None:
    out = RULES.score(item(False), Response.timeout())
    assert not out.correct and out.error_kind == "timeout"


def test_holding_back_on_a_stop_item_is_right() -> None:
    out = RULES.score(item(True), Response.timeout())
    assert out.correct and out.error_kind is None and out.details["signal"] == "stopped"


def test_pressing_on_a_stop_item_is_a_failed_stop() -> None:
    out = RULES.score(item(True), Response(answer={"pressed": True, "stop_shown": False}))
    assert not out.correct and out.error_kind == "failed_stop"
    assert out.details["stop_shown"] is False
    out = RULES.score(item(True), Response(answer={"pressed": True, "stop_shown": True}))
    assert out.details["stop_shown"] is True


def test_correct_and_error_responses() -> None:
    rng = np.random.default_rng(0)
    for stop in (True, False):
        spec = item(stop)
        assert RULES.score(spec, rules.correct_response(spec)).correct
        assert not RULES.score(spec, rules.error_response(spec, rng)).correct
    assert rules.correct_response(item(True)).timed_out


# -- level table -----------------------------------------------------------------------


def test_level_table_is_valid_and_gets_harder() -> None:
    lv = rules.LEVELS
    assert len(lv) >= 12
    for a, b in zip(lv, lv[1:], strict=False):
        assert b.window_ms < a.window_ms
        assert b.stop_rate > a.stop_rate
        assert b.stop_delay_ms >= a.stop_delay_ms
    for row in lv:
        assert 0 <= row.stop_delay_ms < row.window_ms / 2
        # Neither always pressing nor never pressing can reach the 80 % target.
        assert 0.1 <= row.stop_rate <= 0.35
    assert lv[0].stop_delay_ms == 0 and lv[0].window_ms >= 3000  # errorless start


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_stop_rate_matches_the_table(level: int) -> None:
    row = rules.LEVELS[level - 1]
    rng = np.random.default_rng(level)
    specs = [RULES.make_trial(level, rng) for _ in range(5000)]
    rate = sum(s.stop for s in specs) / len(specs)
    assert abs(rate - row.stop_rate) < 0.025
    assert all(s.stop_delay_ms == row.stop_delay_ms for s in specs)
    assert all(s.time_limit_ms == row.window_ms for s in specs)


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_deterministic_and_round_trips(level: int) -> None:
    a = [RULES.make_trial(level, np.random.default_rng(5)) for _ in range(2)]
    assert a[0] == a[1]
    assert rules.spec_from_json(json.loads(json.dumps(a[0].to_json()))) == a[0]


def test_spec_from_json_rejects_bad_logs() -> None:
    good = item(True).to_json()
    with pytest.raises(ValueError, match="product"):
        rules.spec_from_json({**good, "product": ["tin", "red", "dot"]})
    with pytest.raises(ValueError, match="timing"):
        rules.spec_from_json({**good, "stop_delay_ms": 2000.0})
    with pytest.raises(ValueError, match="stop"):
        rules.spec_from_json({**good, "stop": "yes"})


def test_stream_timing_flows() -> None:
    assert RULES.timing.feedback == "errors" and RULES.timing.gap_ms <= 600
