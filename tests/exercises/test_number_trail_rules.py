from __future__ import annotations

import json

import numpy as np
import pygame
import pytest

from cogtrain.runtime.theme import Theme
from cogtrain.training.exercise import Response
from exercises.number_trail import rules
from exercises.number_trail.rules import RULES, TrailTrial
from exercises.number_trail.view import NumberTrailView

# -- the level table -------------------------------------------------------------------


def test_level_table_has_at_least_twelve_valid_levels() -> None:
    assert len(rules.LEVELS) >= 12
    first = rules.LEVELS[0]
    assert first.time_limit_ms is None and not first.alternate  # errorless start
    for lv in rules.LEVELS:
        assert 5 <= lv.stations <= 2 * len(rules.LETTERS)
        assert lv.time_limit_ms is None or lv.time_limit_ms > 0


def test_difficulty_never_decreases_along_the_table() -> None:
    alternate = [lv.alternate for lv in rules.LEVELS]
    assert alternate == sorted(alternate)  # once alternating, always alternating
    limits = [lv.time_limit_ms or float("inf") for lv in rules.LEVELS]
    assert limits == sorted(limits, reverse=True)
    for a, b in zip(rules.LEVELS, rules.LEVELS[1:], strict=False):
        if a.alternate == b.alternate:
            assert b.stations >= a.stations
    assert len(set(rules.LEVELS)) == len(rules.LEVELS)  # every row is a real step
    # time per station only ever shrinks once there is a limit
    per_station = [lv.time_limit_ms / lv.stations for lv in rules.LEVELS if lv.time_limit_ms]
    assert per_station == sorted(per_station, reverse=True)


def test_labels_alternate_numbers_and_letters() -> None:
    assert rules.trail_labels(5, False) == ("1", "2", "3", "4", "5")
    assert rules.trail_labels(6, True) == ("1", "A", "2", "B", "3", "C")
    with pytest.raises(ValueError):
        rules.trail_labels(2 * len(rules.LETTERS) + 1, True)


# -- layouts ---------------------------------------------------------------------------


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_layouts_are_inside_and_never_overlap(level: int) -> None:
    rng = np.random.default_rng(level)
    row = rules.LEVELS[level - 1]
    for _ in range(25):
        spec = RULES.make_trial(level, rng)
        assert spec.n == row.stations
        assert rules.layout_problems(spec.positions, spec.radius) == []
        for x, y in spec.positions:
            assert spec.radius < x < 1 - spec.radius
            assert spec.radius < y < 1 - spec.radius


def test_layout_problems_names_overlap_and_outside() -> None:
    problems = rules.layout_problems([(0.5, 0.5), (0.52, 0.5), (0.01, 0.5)], 0.05)
    assert any("apart" in p for p in problems)
    assert any("outside" in p for p in problems)


@pytest.mark.parametrize("level", [1, 7, 14])
def test_make_trial_is_deterministic_for_a_seed(level: int) -> None:
    a = RULES.make_trial(level, np.random.default_rng(42))
    b = RULES.make_trial(level, np.random.default_rng(42))
    c = RULES.make_trial(level, np.random.default_rng(43))
    assert a == b
    assert a.positions != c.positions


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_json_round_trip(level: int) -> None:
    spec = RULES.make_trial(level, np.random.default_rng(level))
    assert rules.spec_from_json(json.loads(json.dumps(spec.to_json()))) == spec


def test_spec_from_json_rejects_bad_logs() -> None:
    good = RULES.make_trial(3, np.random.default_rng(1)).to_json()
    overlapping = dict(good, positions=[[0.5, 0.5]] * len(good["positions"]))
    with pytest.raises(ValueError, match="apart"):
        rules.spec_from_json(overlapping)
    with pytest.raises(ValueError, match="not a trail"):
        rules.spec_from_json(dict(good, labels=list(reversed(good["labels"]))))
    with pytest.raises(ValueError, match="pair up"):
        rules.spec_from_json(dict(good, labels=good["labels"][:-1]))


# -- scoring ---------------------------------------------------------------------------


def trail(n: int = 5, limit: float | None = None) -> TrailTrial:
    positions = tuple((0.15 + 0.17 * i, 0.5) for i in range(n))
    return TrailTrial(
        level=1,
        labels=rules.trail_labels(n, False),
        positions=positions,
        radius=0.06,
        limit_ms=limit,
    )


def clicks(*cs: int) -> Response:
    return Response(answer={"clicks": list(cs)})


def test_a_clean_trail_is_right() -> None:
    out = RULES.score(trail(), clicks(0, 1, 2, 3, 4))
    assert out.correct and out.error_kind is None
    assert out.details == {"reached": 5, "wrong_clicks": 0}


def test_one_wrong_click_is_forgiven_two_are_not() -> None:
    one = RULES.score(trail(), clicks(0, 2, 1, 2, 3, 4))
    assert one.correct and one.details["wrong_clicks"] == 1
    two = RULES.score(trail(), clicks(0, 2, 1, 2, 4, 3, 4))
    assert not two.correct and two.error_kind == "wrong_order"
    assert two.details == {"reached": 5, "wrong_clicks": 2}


def test_clicking_a_reached_station_again_is_ignored() -> None:
    out = RULES.score(trail(), clicks(0, 0, 1, 0, 1, 2, 3, 4))
    assert out.correct and out.details["wrong_clicks"] == 0


def test_clicks_outside_the_trail_count_as_wrong() -> None:
    out = RULES.score(trail(), clicks(0, 9, -1, 1, 2, 3, 4))
    assert out.error_kind == "wrong_order" and out.details["wrong_clicks"] == 2


def test_unfinished_trail_and_timeout() -> None:
    out = RULES.score(trail(), clicks(0, 1, 2))
    assert out.error_kind == "incomplete" and out.details["reached"] == 3
    assert RULES.score(trail(limit=20000.0), Response.timeout()).error_kind == "timeout"


def test_error_responses_are_plausible_and_wrong() -> None:
    rng = np.random.default_rng(0)
    kinds = set()
    for level in range(1, len(rules.LEVELS) + 1):
        for _ in range(20):
            spec = RULES.make_trial(level, rng)
            resp = RULES.error_response(spec, rng)
            out = RULES.score(spec, resp)
            assert not out.correct
            kinds.add(out.error_kind)
            if spec.limit_ms is None:
                assert out.error_kind == "wrong_order"  # no timeout without a limit
            if out.error_kind == "wrong_order":
                # the trail is still finished: jumps ahead, then back on track
                assert out.details["reached"] == spec.n
    assert kinds == {"wrong_order", "timeout"}


# -- the view: partial input -----------------------------------------------------------


@pytest.fixture
def screen() -> tuple[pygame.Rect, Theme]:
    pygame.init()
    yield pygame.Rect(48, 108, 928, 512), Theme(768)
    pygame.quit()


def _click_events(view: NumberTrailView, spec: TrailTrial, rect, theme, cs):  # noqa: ANN001, ANN202
    return view.events_for(Response(answer={"clicks": cs}), spec, rect, theme)


def test_view_records_wrong_clicks_and_completes_at_the_last_station(screen) -> None:  # noqa: ANN001
    rect, theme = screen
    spec = RULES.make_trial(5, np.random.default_rng(3))  # six alternating stations
    view = NumberTrailView()
    view.begin_trial(spec)
    events = _click_events(view, spec, rect, theme, [0, 2, 1, 0, 2, 3, 4, 5])
    responses = [view.response_from_event(e, spec, rect, theme) for e in events]
    assert responses[:-1] == [None] * (len(events) - 1)
    final = responses[-1]
    # the click on 2 before 1 is kept; the second click on station 0 (done) is not
    assert final == Response(answer={"clicks": [0, 2, 1, 2, 3, 4, 5]})
    assert RULES.score(spec, final).correct


def test_view_clicks_beside_stations_do_nothing_and_reset_between_trials(screen) -> None:  # noqa: ANN001
    rect, theme = screen
    spec = RULES.make_trial(1, np.random.default_rng(3))
    view = NumberTrailView()
    view.begin_trial(spec)
    miss = pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(rect.left + 1, rect.top + 1), button=1)
    assert view.response_from_event(miss, spec, rect, theme) is None
    first = _click_events(view, spec, rect, theme, [0])[0]
    view.response_from_event(first, spec, rect, theme)
    view.begin_trial(spec)  # a new trial (or a pause) forgets partial input
    events = _click_events(view, spec, rect, theme, list(range(spec.n)))
    out = [view.response_from_event(e, spec, rect, theme) for e in events][-1]
    assert out == Response(answer={"clicks": list(range(spec.n))})


def test_view_plays_back_correct_and_error_responses(screen) -> None:  # noqa: ANN001
    rect, theme = screen
    rng = np.random.default_rng(8)
    view = NumberTrailView()
    for level in (1, 6, 13):
        spec = RULES.make_trial(level, rng)
        for resp in (RULES.correct_response(spec), RULES.error_response(spec, rng)):
            view.begin_trial(spec)
            events = view.events_for(resp, spec, rect, theme)
            got = [view.response_from_event(e, spec, rect, theme) for e in events]
            assert (got[-1] if got else Response.timeout()) == resp


def test_view_keyboard_arrows_and_space_visit_stations(screen) -> None:  # noqa: ANN001
    rect, theme = screen
    spec = trail(5)  # stations in a row from left to right
    view = NumberTrailView()
    view.begin_trial(spec)

    def key(k: int) -> Response | None:
        e = pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)
        return view.response_from_event(e, spec, rect, theme)

    key(pygame.K_LEFT)  # the first arrow shows the focus ring (on the middle station)
    assert view._focus == 2
    for _ in range(3):
        key(pygame.K_LEFT)
    assert view._focus == 0  # stops at the left end
    results = [key(pygame.K_SPACE)]
    for _ in range(4):
        key(pygame.K_RIGHT)
        results.append(key(pygame.K_RETURN))
    assert results[-1] == Response(answer={"clicks": [0, 1, 2, 3, 4]})
