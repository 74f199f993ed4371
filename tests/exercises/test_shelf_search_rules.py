from __future__ import annotations

import json

import numpy as np
import pytest

from cogtrain.training.exercise import Response
from exercises.shelf_search import rules
from exercises.shelf_search.rules import RULES, Product, ShelfTrial

TARGET = Product("bottle", "blue", "stripe")


def shelf(present: bool) -> ShelfTrial:
    items = (
        Product("bottle", "blue", "dot"),  # differs in label only
        Product("jar", "green", "plain"),  # differs in everything
        TARGET if present else Product("bottle", "green", "stripe"),
        Product("tin", "blue", "stripe"),  # differs in kind only
    )
    return ShelfTrial(
        level=4,
        rows=3,
        cols=4,
        target=TARGET,
        slots=(0, 3, 5, 10),
        items=items,
        target_index=2 if present else None,
        limit_ms=None,
    )


# -- scoring ---------------------------------------------------------------------------


def test_clicking_the_item_is_right() -> None:
    out = RULES.score(shelf(True), Response(answer={"present": True, "item": 2}))
    assert out.correct and out.error_kind is None


def test_saying_it_is_there_by_key_is_right_when_it_is() -> None:
    assert RULES.score(shelf(True), Response(answer={"present": True, "item": None})).correct


def test_saying_not_there_when_it_is_absent_is_right() -> None:
    out = RULES.score(shelf(False), Response(answer={"present": False}))
    assert out.correct and out.error_kind is None


def test_overlooking_the_item_is_a_miss() -> None:
    out = RULES.score(shelf(True), Response(answer={"present": False}))
    assert not out.correct and out.error_kind == "miss"


def test_clicking_a_lookalike_is_wrong_item_with_its_similarity() -> None:
    out = RULES.score(shelf(True), Response(answer={"present": True, "item": 0}))
    assert not out.correct and out.error_kind == "wrong_item"
    assert out.details["shared_features"] == 2
    assert out.details["chosen"] == ["bottle", "blue", "dot"]


def test_saying_it_is_there_when_it_is_not_is_a_false_alarm() -> None:
    out = RULES.score(shelf(False), Response(answer={"present": True, "item": None}))
    assert not out.correct and out.error_kind == "false_alarm"
    out = RULES.score(shelf(False), Response(answer={"present": True, "item": 3}))
    assert out.error_kind == "false_alarm" and out.details["chosen"] == ["tin", "blue", "stripe"]


def test_timeout_and_item_outside_the_shelf() -> None:
    assert RULES.score(shelf(True), Response.timeout()).error_kind == "timeout"
    out = RULES.score(shelf(True), Response(answer={"present": True, "item": 9}))
    assert out.error_kind == "wrong_item"


def test_correct_and_error_responses() -> None:
    rng = np.random.default_rng(3)
    for present in (True, False):
        spec = shelf(present)
        assert RULES.score(spec, rules.correct_response(spec)).correct
        for _ in range(20):
            wrong = rules.error_response(spec, rng)
            assert not RULES.score(spec, wrong).correct
            if wrong.answer["present"] and wrong.answer["item"] is not None:
                # the slip takes one of the most alike items
                chosen = spec.items[wrong.answer["item"]]
                assert chosen.shared_features(TARGET) == 2


# -- level table -----------------------------------------------------------------------


def test_level_table_is_valid_and_gets_harder() -> None:
    lv = rules.LEVELS
    assert len(lv) >= 12
    order = {s: i for i, s in enumerate(rules.SIMILARITIES)}
    for a, b in zip(lv, lv[1:], strict=False):
        assert b.set_size >= a.set_size
        assert order[b.similarity] >= order[a.similarity]
        assert (b.time_limit_ms or float("inf")) <= (a.time_limit_ms or float("inf"))
        assert (b.set_size, order[b.similarity], -(b.time_limit_ms or 1e9)) > (
            a.set_size,
            order[a.similarity],
            -(a.time_limit_ms or 1e9),
        )
    for row in lv:
        assert row.rows * row.cols > row.set_size  # room for a few gaps
        assert row.similarity in rules.DISTRACTOR_WEIGHTS
    assert lv[0].time_limit_ms is None and lv[0].similarity == "far"


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_trials_match_their_level(level: int) -> None:
    row = rules.LEVELS[level - 1]
    rng = np.random.default_rng(level)
    present = 0
    for _ in range(300):
        spec = RULES.make_trial(level, rng)
        assert len(spec.items) == row.set_size == len(set(spec.slots))
        assert (spec.rows, spec.cols) == (row.rows, row.cols)
        matches = [i for i, p in enumerate(spec.items) if p == spec.target]
        assert matches == ([] if spec.target_index is None else [spec.target_index])
        shared = [p.shared_features(spec.target) for p in spec.items if p != spec.target]
        if row.similarity == "far":
            assert all(
                p.kind != spec.target.kind and p.colour != spec.target.colour
                for p in spec.items
                if p != spec.target
            )
        if row.similarity == "mixed":
            assert all(
                (p.kind == spec.target.kind) != (p.colour == spec.target.colour)
                for p in spec.items
                if p != spec.target
            )
        assert max(shared) <= 2
        present += spec.present
    assert 0.4 < present / 300 < 0.6


def test_close_levels_have_items_that_differ_only_in_label() -> None:
    rng = np.random.default_rng(8)
    spec = RULES.make_trial(len(rules.LEVELS), rng)
    alike = [p for p in spec.items if p != spec.target and p.shared_features(spec.target) == 2]
    assert len(alike) >= len(spec.items) // 4


@pytest.mark.parametrize("level", range(1, len(rules.LEVELS) + 1))
def test_deterministic_and_round_trips(level: int) -> None:
    a = RULES.make_trial(level, np.random.default_rng(21))
    assert a == RULES.make_trial(level, np.random.default_rng(21))
    assert rules.spec_from_json(json.loads(json.dumps(a.to_json()))) == a


def test_spec_from_json_rejects_bad_logs() -> None:
    good = shelf(True).to_json()
    with pytest.raises(ValueError, match="unknown product"):
        rules.spec_from_json({**good, "target": ["bottle", "red", "dot"]})
    with pytest.raises(ValueError, match="outside"):
        rules.spec_from_json({**good, "slots": [0, 3, 5, 12]})
    with pytest.raises(ValueError, match="target_index"):
        rules.spec_from_json({**good, "target_index": 1})
    with pytest.raises(ValueError, match="target_index"):
        rules.spec_from_json({**good, "target_index": None})
