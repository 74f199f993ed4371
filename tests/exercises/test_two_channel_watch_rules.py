from __future__ import annotations

import json

import numpy as np
import pytest

from cogtrain.training.exercise import Response
from exercises.two_channel_watch import rules
from exercises.two_channel_watch.rules import RULES, TwoChannelTrial


def stream() -> TwoChannelTrial:
    # 3 crates among 8 items, 1000 ms apart: the stream lasts 8500 ms.
    return TwoChannelTrial(
        level=6,
        items=("crate", "barrel", "box", "crate", "sack", "crate", "box", "barrel"),
        item_ms=1000.0,
        alarms_ms=(1500.0, 5000.0),
        alarm_window_ms=2000.0,
    )


def answer(count: int, presses: list[float]) -> Response:
    return Response(answer={"count": count, "presses_ms": presses})


# -- scoring ---------------------------------------------------------------------------


def test_right_count_and_every_alarm_answered_is_right() -> None:
    spec = stream()
    assert spec.count == 3 and spec.stream_ms == 8500.0
    out = RULES.score(spec, answer(3, [1900.0, 6999.0]))
    assert out.correct and out.error_kind is None
    assert out.details == {
        "count_given": 3,
        "count_true": 3,
        "alarms_missed": 0,
        "extra_presses": 0,
    }


def test_two_presses_in_one_alarm_are_not_extra() -> None:
    assert RULES.score(stream(), answer(3, [1600.0, 1700.0, 5100.0])).correct


def test_a_wrong_count_is_wrong_count_even_when_alarms_are_fine() -> None:
    out = RULES.score(stream(), answer(5, [1600.0, 5100.0]))
    assert not out.correct and out.error_kind == "wrong_count"
    assert out.details["count_given"] == 5


def test_a_missed_alarm() -> None:
    out = RULES.score(stream(), answer(3, [1600.0]))
    assert not out.correct and out.error_kind == "missed_alarm"
    assert out.details["alarms_missed"] == 1
    # answering after the window has closed does not count as answered
    out = RULES.score(stream(), answer(3, [1600.0, 7000.0]))
    assert out.error_kind == "missed_alarm" and out.details["extra_presses"] == 1


def test_a_press_without_alarm_is_extra() -> None:
    out = RULES.score(stream(), answer(3, [200.0, 1600.0, 5100.0]))
    assert not out.correct and out.error_kind == "extra_press"
    assert out.details["extra_presses"] == 1


def test_all_kinds_of_slip_are_in_the_details() -> None:
    out = RULES.score(stream(), answer(2, [400.0]))
    assert out.error_kind == "wrong_count"
    assert out.details["alarms_missed"] == 2 and out.details["extra_presses"] == 1


def test_timeout_is_wrong() -> None:
    assert RULES.score(stream(), Response.timeout()).error_kind == "timeout"


def test_correct_and_error_responses() -> None:
    rng = np.random.default_rng(1)
    spec = stream()
    assert RULES.score(spec, rules.correct_response(spec)).correct
    kinds = set()
    for _ in range(60):
        out = RULES.score(spec, rules.error_response(spec, rng))
        assert not out.correct
        kinds.add(out.error_kind)
    assert kinds == {"wrong_count", "missed_alarm", "extra_press"}


# -- level table and trials ------------------------------------------------------------


def test_level_table_is_valid_and_gets_harder() -> None:
    lv = rules.LEVELS
    assert len(lv) >= 12
    for a, b in zip(lv, lv[1:], strict=False):
        assert b.n_items > a.n_items
        assert b.item_ms < a.item_ms
        assert b.lookalike_rate >= a.lookalike_rate
        assert b.alarms >= a.alarms
        assert b.alarm_window_ms < a.alarm_window_ms
    for row in lv:
        lo, hi = row.count_range
        assert 1 <= lo <= hi <= rules.MAX_COUNT
        part = rules.stream_length_ms(row.n_items, row.item_ms) / row.alarms
        # every alarm fits in its part of the stream
        assert part - rules.ALARM_EARLIEST_MS - rules.ALARM_MARGIN_MS > row.alarm_window_ms
    assert lv[0].lookalike_rate == 0 and lv[0].alarms == 1 and lv[0].item_ms >= 1500


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_trials_match_their_level(level: int) -> None:
    row = rules.LEVELS[level - 1]
    rng = np.random.default_rng(level)
    boxes = others = 0
    for _ in range(300):
        spec = RULES.make_trial(level, rng)
        assert len(spec.items) == row.n_items
        assert row.count_range[0] <= spec.count <= row.count_range[1]
        assert len(spec.alarms_ms) == row.alarms
        assert spec.alarms_ms[0] >= rules.ALARM_EARLIEST_MS
        assert spec.alarms_ms[-1] + spec.alarm_window_ms < spec.stream_ms
        for a, b in zip(spec.alarms_ms, spec.alarms_ms[1:], strict=False):
            assert b >= a + spec.alarm_window_ms
        assert spec.time_limit_ms is None and spec.input_after_ms == 0
        boxes += sum(i == "box" for i in spec.items)
        others += sum(i != "crate" for i in spec.items)
    assert abs(boxes / others - row.lookalike_rate) < 0.05


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_deterministic_and_round_trips(level: int) -> None:
    a = RULES.make_trial(level, np.random.default_rng(13))
    assert a == RULES.make_trial(level, np.random.default_rng(13))
    assert rules.spec_from_json(json.loads(json.dumps(a.to_json()))) == a


def test_spec_from_json_rejects_bad_logs() -> None:
    good = stream().to_json()
    with pytest.raises(ValueError, match="unknown items"):
        rules.spec_from_json({**good, "items": ["crate", "pallet"]})
    with pytest.raises(ValueError, match="outside"):
        rules.spec_from_json({**good, "alarms_ms": [1500.0, 8000.0]})
    with pytest.raises(ValueError, match="overlap"):
        rules.spec_from_json({**good, "alarms_ms": [1500.0, 2500.0]})
    with pytest.raises(ValueError, match="count"):
        rules.spec_from_json({**good, "count": 4})


# -- the view collects the stream's presses with the runner's time ----------------------


def test_view_times_presses_with_the_runner_given_elapsed_time() -> None:
    import pygame

    from cogtrain.runtime.theme import Theme
    from exercises.two_channel_watch.view import TwoChannelWatchView

    pygame.init()
    surface = pygame.Surface((1024, 768))
    theme = Theme(768)
    rect = pygame.Rect(48, 108, 928, 512)
    spec = stream()
    view = TwoChannelWatchView()
    view.begin_trial(spec)

    def key(k: int) -> pygame.event.Event:
        return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)

    def at(t: float, event: pygame.event.Event) -> Response | None:
        view.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=t)
        return view.response_from_event(event, spec, rect, theme)

    assert at(1800.0, key(pygame.K_SPACE)) is None  # alarm 1 answered
    assert at(3000.0, key(pygame.K_3)) is None  # a digit while the belt runs is ignored
    assert at(5400.0, key(pygame.K_SPACE)) is None  # alarm 2 answered
    response = at(9000.0, key(pygame.K_3))
    assert response is not None
    assert response.answer["presses_ms"] == [1800.0, 5400.0]
    assert RULES.score(spec, response).correct

    # a pause (or a new trial) forgets partial input
    view.begin_trial(spec)
    assert at(9000.0, key(pygame.K_3)).answer["presses_ms"] == []


def test_view_events_reproduce_any_response() -> None:
    import pygame

    from cogtrain.runtime.theme import Theme
    from exercises.two_channel_watch.view import TwoChannelWatchView

    pygame.init()
    theme = Theme(768)
    rect = pygame.Rect(48, 108, 928, 512)
    rng = np.random.default_rng(4)
    for level in (1, 6, 12):
        spec = RULES.make_trial(level, rng)
        for wanted in (rules.correct_response(spec), rules.error_response(spec, rng)):
            view = TwoChannelWatchView()
            view.begin_trial(spec)
            got = [
                view.response_from_event(e, spec, rect, theme)
                for e in view.events_for(wanted, spec, rect, theme)
            ]
            assert got[:-1] == [None] * (len(got) - 1)
            assert RULES.score(spec, got[-1]) == RULES.score(spec, wanted)
