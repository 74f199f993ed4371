import pytest

from cogtrain.training.reflection import MAX_NOTE_CHARS, Reflection, ReflectionError


def test_strategies_are_kept_in_list_order_without_duplicates() -> None:
    r = Reflection.make(["slow_down", "say_aloud", "slow_down"], "  på lageret  ")
    assert r.strategies == ("say_aloud", "slow_down")
    assert r.transfer_note == "på lageret"


def test_empty_answers_are_fine() -> None:
    assert Reflection.make([], "   ") == Reflection((), None)


def test_unknown_strategy_and_long_note_are_refused() -> None:
    with pytest.raises(ReflectionError, match="unknown strategies"):
        Reflection.make(["juggle"], None)
    with pytest.raises(ReflectionError, match=str(MAX_NOTE_CHARS)):
        Reflection.make([], "x" * (MAX_NOTE_CHARS + 1))
