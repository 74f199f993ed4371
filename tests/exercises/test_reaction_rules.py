from __future__ import annotations

import json

import numpy as np
import pygame
import pytest

from cogtrain.runtime.theme import Theme
from cogtrain.training.exercise import Response
from exercises.reaction import rules
from exercises.reaction.rules import RULES, ReactionTrial
from exercises.reaction.view import CAPS, KEY_MAPS, ReactionView, cap_key

# -- the level table -------------------------------------------------------------------


def test_level_table_has_at_least_twelve_valid_levels() -> None:
    assert len(rules.LEVELS) >= 12
    first = rules.LEVELS[0]
    # errorless start: one door, the parcel there when the trial starts, a generous window
    assert first.choices == 1 and first.foreperiod_max_ms == 0 and first.window_ms >= 5000
    for lv in rules.LEVELS:
        assert 1 <= lv.choices <= rules.MAX_CHOICES
        assert 0 <= lv.foreperiod_min_ms <= lv.foreperiod_max_ms
        assert lv.window_ms > 0


def test_difficulty_never_decreases_along_the_table() -> None:
    choices = [lv.choices for lv in rules.LEVELS]
    assert choices == sorted(choices)
    assert set(choices) == {1, 2, 3, 4}  # simple reaction first, then 2-4 choices
    for a, b in zip(rules.LEVELS, rules.LEVELS[1:], strict=False):
        if a.choices == b.choices:
            assert b.window_ms <= a.window_ms
            assert b.foreperiod_max_ms >= a.foreperiod_max_ms
            assert a != b
    # once the wait varies, it keeps varying (early presses stay possible)
    variable = [lv.variable_foreperiod for lv in rules.LEVELS]
    assert variable == sorted(variable)


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_trials_fit_their_level_and_round_trip(level: int) -> None:
    row = rules.LEVELS[level - 1]
    rng = np.random.default_rng(level)
    targets, waits = set(), set()
    for _ in range(200):
        spec = RULES.make_trial(level, rng)
        assert spec.choices == row.choices and 0 <= spec.target < spec.choices
        assert row.foreperiod_min_ms <= spec.foreperiod_ms <= row.foreperiod_max_ms
        assert spec.foreperiod_ms % rules.FOREPERIOD_STEP_MS == 0
        assert spec.time_limit_ms == spec.foreperiod_ms + row.window_ms
        assert rules.spec_from_json(json.loads(json.dumps(spec.to_json()))) == spec
        targets.add(spec.target)
        waits.add(spec.foreperiod_ms)
    assert targets == set(range(row.choices))
    assert (len(waits) > 5) == row.variable_foreperiod


def test_make_trial_is_deterministic_for_a_seed() -> None:
    a = [RULES.make_trial(10, np.random.default_rng(4)) for _ in range(3)]
    b = [RULES.make_trial(10, np.random.default_rng(4)) for _ in range(3)]
    assert a == b


def test_spec_from_json_rejects_bad_logs() -> None:
    good = {"level": 5, "choices": 2, "target": 1, "foreperiod_ms": 800.0, "window_ms": 2000.0}
    assert rules.spec_from_json(good).target == 1
    with pytest.raises(ValueError, match="target"):
        rules.spec_from_json(dict(good, target=2))
    with pytest.raises(ValueError, match="choices"):
        rules.spec_from_json(dict(good, choices=5))
    with pytest.raises(ValueError, match="impossible"):
        rules.spec_from_json(dict(good, foreperiod_ms=-1.0))


# -- scoring ---------------------------------------------------------------------------


def trial(choices: int = 3, target: int = 1, wait: float = 900.0) -> ReactionTrial:
    return ReactionTrial(
        level=8, choices=choices, target=target, foreperiod_ms=wait, window_ms=1800
    )


def test_scoring_right_wrong_door_and_timeout() -> None:
    spec = trial()
    assert RULES.score(spec, Response(answer={"choice": 1, "early": False})).correct
    wrong = RULES.score(spec, Response(answer={"choice": 2, "early": False}))
    assert wrong.error_kind == "wrong_door" and wrong.details == {"chosen": 2}
    assert RULES.score(spec, Response.timeout()).error_kind == "timeout"


def test_a_press_before_the_parcel_is_an_anticipation_even_at_the_right_door() -> None:
    spec = trial()
    out = RULES.score(spec, Response(answer={"choice": 1, "early": True}))
    assert not out.correct and out.error_kind == "anticipation"


def test_error_responses_only_use_mistakes_the_trial_allows() -> None:
    rng = np.random.default_rng(2)
    for level in range(1, len(rules.LEVELS) + 1):
        row = rules.LEVELS[level - 1]
        kinds = set()
        for _ in range(60):
            spec = RULES.make_trial(level, rng)
            out = RULES.score(spec, RULES.error_response(spec, rng))
            assert not out.correct
            kinds.add(out.error_kind)
            if out.error_kind == "wrong_door":
                assert abs(out.details["chosen"] - spec.target) == 1  # a neighbouring door
        expected = {"timeout"}
        if row.variable_foreperiod:
            expected.add("anticipation")
        if row.choices > 1:
            expected.add("wrong_door")
        assert kinds == expected


# -- the view: what counts as early ----------------------------------------------------


@pytest.fixture
def screen() -> tuple[pygame.Surface, pygame.Rect, Theme]:
    pygame.init()
    yield pygame.Surface((1024, 768)), pygame.Rect(48, 108, 928, 512), Theme(768)
    pygame.quit()


def press(view: ReactionView, spec: ReactionTrial, rect, theme, key: int) -> Response | None:  # noqa: ANN001
    e = pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)
    return view.response_from_event(e, spec, rect, theme)


def test_view_press_during_the_wait_is_early(screen) -> None:  # noqa: ANN001
    surface, rect, theme = screen
    spec = trial(wait=900.0)
    view = ReactionView()
    view.begin_trial(spec)
    view.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=None)
    view.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=880.0)
    early = press(view, spec, rect, theme, cap_key(3, 1))
    assert early.answer["early"] is True
    assert RULES.score(spec, early).error_kind == "anticipation"


def test_view_press_after_the_parcel_is_drawn_counts(screen) -> None:  # noqa: ANN001
    surface, rect, theme = screen
    spec = trial(wait=900.0)
    view = ReactionView()
    view.begin_trial(spec)
    view.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=910.0)
    resp = press(view, spec, rect, theme, cap_key(3, 1))
    assert resp.answer == {"choice": 1, "early": False, "via": "key"}
    assert RULES.score(spec, resp).correct
    view.begin_trial(spec)  # the next trial starts with an empty dock again
    assert press(view, spec, rect, theme, cap_key(3, 1)).answer["early"] is True


def test_view_without_a_wait_shows_the_parcel_on_the_first_frame(screen) -> None:  # noqa: ANN001
    surface, rect, theme = screen
    spec = RULES.make_trial(1, np.random.default_rng(0))
    assert spec.foreperiod_ms == 0
    view = ReactionView()
    view.begin_trial(spec)
    view.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=None)
    assert RULES.score(spec, press(view, spec, rect, theme, pygame.K_SPACE)).correct


def test_view_the_gap_does_not_count_as_seeing_the_parcel(screen) -> None:  # noqa: ANN001
    surface, rect, theme = screen
    spec = trial(wait=0.0)
    view = ReactionView()
    view.begin_trial(spec)
    view.draw_trial(surface, rect, theme, spec, show_stimulus=False, elapsed_ms=None)
    assert press(view, spec, rect, theme, cap_key(3, 1)).answer["early"] is True


@pytest.mark.parametrize("choices", [1, 2, 3, 4])
def test_view_keys_and_clicks_reach_every_door(screen, choices: int) -> None:  # noqa: ANN001
    surface, rect, theme = screen
    view = ReactionView()
    layout = view._layout(rect, theme, choices)
    for door in range(choices):
        spec = trial(choices=choices, target=door, wait=0.0)
        view.begin_trial(spec)
        view.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=10.0)
        assert KEY_MAPS[choices][cap_key(choices, door)] == door
        assert press(view, spec, rect, theme, pygame.K_1 + door).answer["choice"] == door
        click = pygame.event.Event(pygame.MOUSEBUTTONUP, pos=layout.doors[door].center, button=1)
        resp = view.response_from_event(click, spec, rect, theme)
        assert resp.answer["choice"] == door and RULES.score(spec, resp).correct
        for resp in (
            RULES.correct_response(spec),
            Response(answer={"choice": door, "early": False}),
        ):
            events = view.events_for(resp, spec, rect, theme)
            assert [
                view.response_from_event(e, spec, rect, theme).answer["choice"] for e in events
            ] == [door]
    assert len(CAPS[choices]) == choices
    assert len(set(KEY_MAPS[choices].values())) == choices
