from __future__ import annotations

import json

import numpy as np
import pygame
import pytest

from cogtrain.runtime.theme import Theme
from cogtrain.training.exercise import Response
from exercises.match_fast import rules
from exercises.match_fast.rules import RULES, MatchTrial
from exercises.match_fast.view import MatchFastView

# -- the level table -------------------------------------------------------------------


def test_level_table_has_at_least_twelve_valid_levels() -> None:
    assert len(rules.LEVELS) >= 12
    assert rules.LEVELS[0].time_limit_ms is None  # errorless start: no time pressure
    assert rules.LEVELS[0].changes == ("other",)  # and only obvious differences
    for lv in rules.LEVELS:
        assert 3 <= lv.length <= 12
        assert lv.changes and set(lv.changes) <= set(rules.CHANGES)


def test_difficulty_never_decreases_along_the_table() -> None:
    lengths = [lv.length for lv in rules.LEVELS]
    assert lengths == sorted(lengths)
    limits = [lv.time_limit_ms or float("inf") for lv in rules.LEVELS]
    assert limits == sorted(limits, reverse=True)
    subtlety = {"other": 0, "swap": 1, "lookalike": 2}
    hardest = [max(subtlety[c] for c in lv.changes) for lv in rules.LEVELS]
    assert hardest == sorted(hardest)
    assert len(set(rules.LEVELS)) == len(rules.LEVELS)


def test_lookalikes_are_symmetric_and_inside_the_alphabets() -> None:
    for ch, alikes in rules.LOOKALIKES.items():
        for other in alikes:
            assert ch in rules.LOOKALIKES[other]
            assert (ch in rules.LETTERS) == (other in rules.LETTERS)
            assert other in rules.LETTERS + rules.DIGITS


# -- trials ----------------------------------------------------------------------------


def differing(a: str, b: str) -> list[int]:
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_pairs_differ_exactly_as_the_spec_says(level: int) -> None:
    rng = np.random.default_rng(level)
    row = rules.LEVELS[level - 1]
    same = 0
    for _ in range(200):
        spec = RULES.make_trial(level, rng)
        assert len(spec.left.replace("-", "")) == row.length
        assert rules.spec_from_json(json.loads(json.dumps(spec.to_json()))) == spec
        diff = differing(spec.left, spec.right)
        if spec.same:
            same += 1
            assert diff == []
            continue
        assert spec.change in row.changes
        if spec.change == "swap":
            assert len(diff) == 2 and diff[1] == diff[0] + 1
            i = diff[0]
            assert spec.left[i] == spec.right[i + 1] and spec.left[i + 1] == spec.right[i]
        else:
            assert len(diff) == 1
            a, b = spec.left[diff[0]], spec.right[diff[0]]
            looks_alike = b in rules.LOOKALIKES.get(a, "")
            assert looks_alike == (spec.change == "lookalike")
    assert 70 <= same <= 130  # about half the pairs are the same


def test_make_trial_is_deterministic_for_a_seed() -> None:
    a = [RULES.make_trial(9, np.random.default_rng(5)) for _ in range(3)]
    b = [RULES.make_trial(9, np.random.default_rng(5)) for _ in range(3)]
    assert a == b


def test_spec_from_json_rejects_bad_logs() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        rules.spec_from_json(
            {"level": 1, "left": "K-47", "right": "K-47", "change": "swap", "time_limit_ms": None}
        )
    with pytest.raises(ValueError, match="not a pair"):
        rules.spec_from_json({"level": 1, "left": "K-47", "right": "K-4", "change": "other"})
    with pytest.raises(ValueError, match="not a pair"):
        rules.spec_from_json({"level": 1, "left": "K-O7", "right": "K-O7", "change": None})
    with pytest.raises(ValueError, match="unknown change"):
        rules.spec_from_json({"level": 1, "left": "K-47", "right": "K-74", "change": "flip"})


# -- scoring ---------------------------------------------------------------------------


def pair(left: str, right: str, change: str | None, limit: float | None = None) -> MatchTrial:
    return MatchTrial(level=4, left=left, right=right, change=change, limit_ms=limit)


def test_scoring_same_and_different() -> None:
    same = pair("KB-4827", "KB-4827", None)
    diff = pair("KB-4827", "KB-4287", "swap")
    assert RULES.score(same, Response(answer={"same": True})).correct
    assert RULES.score(diff, Response(answer={"same": False})).correct
    missed = RULES.score(diff, Response(answer={"same": True}))
    assert missed.error_kind == "missed_difference" and missed.details == {"change": "swap"}
    false = RULES.score(same, Response(answer={"same": False}))
    assert false.error_kind == "false_difference"
    timed = pair("KB-4827", "KB-4827", None, limit=3000.0)
    assert RULES.score(timed, Response.timeout()).error_kind == "timeout"


def test_error_responses_are_wrong_and_time_out_only_with_a_limit() -> None:
    rng = np.random.default_rng(1)
    for level in range(1, len(rules.LEVELS) + 1):
        kinds = set()
        for _ in range(40):
            spec = RULES.make_trial(level, rng)
            out = RULES.score(spec, RULES.error_response(spec, rng))
            assert not out.correct
            kinds.add(out.error_kind)
        assert ("timeout" in kinds) == (rules.LEVELS[level - 1].time_limit_ms is not None)


# -- the view --------------------------------------------------------------------------


@pytest.fixture
def screen() -> tuple[pygame.Rect, Theme]:
    pygame.init()
    yield pygame.Rect(48, 108, 928, 512), Theme(768)
    pygame.quit()


@pytest.mark.parametrize(
    ("key", "same"),
    [(pygame.K_f, True), (pygame.K_LEFT, True), (pygame.K_j, False), (pygame.K_RIGHT, False)],
)
def test_view_keys(screen, key: int, same: bool) -> None:  # noqa: ANN001
    rect, theme = screen
    spec = pair("KB-4827", "KB-4827", None)
    e = pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)
    resp = MatchFastView().response_from_event(e, spec, rect, theme)
    assert resp is not None and resp.answer["same"] is same


def test_view_buttons_and_other_input(screen) -> None:  # noqa: ANN001
    rect, theme = screen
    view = MatchFastView()
    spec = pair("KB-4827", "KB-4287", "swap")
    same_button, different_button = view._layout(rect, theme).buttons
    for button, same in ((same_button, True), (different_button, False)):
        e = pygame.event.Event(pygame.MOUSEBUTTONUP, pos=button.center, button=1)
        assert view.response_from_event(e, spec, rect, theme).answer["same"] is same
    nothing = [
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=rect.topleft, button=1),
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a, mod=0, unicode="a", scancode=0),
    ]
    assert all(view.response_from_event(e, spec, rect, theme) is None for e in nothing)


def test_view_layout_fits_small_and_large_rects() -> None:
    pygame.init()
    view = MatchFastView()
    for rect, theme in (
        (pygame.Rect(48, 330, 928, 290), Theme(768)),  # an instruction page's picture
        (pygame.Rect(67, 152, 1786, 721), Theme(1080)),
    ):
        layout = view._layout(rect, theme)
        parts = [*layout.slips, *layout.buttons]
        assert all(rect.contains(p) for p in parts)
        assert layout.slips[0].bottom <= layout.buttons[0].top
        assert layout.caps_y + layout.cap_side // 2 <= rect.bottom
        size = view._code_size(theme, 10, layout.slips[0])
        w, h = theme.font(size, bold=True).size("WWWWW-88888")
        assert w <= layout.slips[0].width and h <= layout.slips[0].height
    pygame.quit()
