"""The goal attainment scale: five levels, -2..+2, and what counts as a rating."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest

from cogtrain import i18n
from cogtrain.staff.goal_scale import (
    GAS_LEVELS,
    MAX_RATING,
    MIN_RATING,
    gas_level,
    parse_rating,
    rating_problem,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    i18n.set_language("en")
    yield


def test_the_scale() -> None:
    assert (MIN_RATING, MAX_RATING) == (-2, 2)
    assert [(g.value, g.signed, g.label) for g in GAS_LEVELS] == [
        (-2, "-2", "Much less than expected"),
        (-1, "-1", "Somewhat less than expected"),
        (0, "0", "As expected"),
        (1, "+1", "Somewhat more than expected"),
        (2, "+2", "Much more than expected"),
    ]
    assert GAS_LEVELS[2].meaning == (
        "We got as far as we expected: this is the outcome we agreed on as the goal."
    )
    assert len({g.meaning for g in GAS_LEVELS}) == 5


class _Marking(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"<<{message}>>"


def test_labels_are_translated_when_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    assert gas_level(1).label_text() == "Somewhat more than expected"
    monkeypatch.setattr(i18n._active, "translations", _Marking())
    assert gas_level(-1).label_text() == "<<Somewhat less than expected>>"
    assert gas_level(2).meaning_text() == (
        "<<We got much further with this goal than we expected when we set it.>>"
    )


@pytest.mark.parametrize("value", [-2, -1, 0, 1, 2])
def test_gas_level(value: int) -> None:
    assert gas_level(value).value == value


@pytest.mark.parametrize("value", [3, -3, 100])
def test_gas_level_out_of_range(value: int) -> None:
    with pytest.raises(ValueError, match=r"-2\.\.\+2"):
        gas_level(value)


@pytest.mark.parametrize("value", [True, False, 1.0, "1", None])
def test_gas_level_wants_a_whole_number_not_a_bool(value: object) -> None:
    with pytest.raises(ValueError, match="whole number"):
        gas_level(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-2, -2), (0, 0), (2, 2), ("+1", 1), ("1", 1), (" -2 ", -2), ("\u22122", -2), ("0", 0)],
)
def test_ratings_typed_or_given(value: int | str, expected: int) -> None:
    assert rating_problem(value) is None
    assert parse_rating(value) == expected


CHOOSE = "Choose a goal attainment rating from -2 to +2."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", CHOOSE),
        ("  ", CHOOSE),
        (None, CHOOSE),
        (True, CHOOSE),
        (1.0, CHOOSE),
        (
            "1.5",
            'The goal attainment rating "1.5" is not a whole number. '
            "Choose a number from -2 to +2.",
        ),
        (
            "good",
            'The goal attainment rating "good" is not a whole number. '
            "Choose a number from -2 to +2.",
        ),
        (
            "3",
            "The goal attainment rating 3 is outside the scale. "
            "Choose a number from -2 to +2, where 0 is the expected outcome.",
        ),
        (
            -5,
            "The goal attainment rating -5 is outside the scale. "
            "Choose a number from -2 to +2, where 0 is the expected outcome.",
        ),
    ],
)
def test_rating_problems(value: object, expected: str) -> None:
    assert rating_problem(value) == expected  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        parse_rating(value)  # type: ignore[arg-type]
