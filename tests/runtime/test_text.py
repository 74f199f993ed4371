"""Wrapping text to a width (cogtrain/runtime/text.py)."""

from __future__ import annotations

import pygame
import pytest

from cogtrain.i18n import Msg
from cogtrain.runtime.text import wrap
from cogtrain.runtime.theme import SIZE_BODY, Theme


@pytest.fixture
def theme() -> Theme:
    pygame.font.init()
    return Theme(768)


def test_words_break_at_spaces_only_when_they_fit(theme: Theme) -> None:
    font = theme.font(SIZE_BODY)
    text = "Du har trent tolv av førti timer, og det er bra gjort"
    width = font.size("Du har trent tolv av")[0] + 2
    lines = [str(x) for x in wrap(theme, Msg(text), width)]
    assert lines[0] == "Du har trent tolv av"
    assert " ".join(lines) == text
    assert all(font.size(line)[0] <= width for line in lines)


def test_a_path_wider_than_the_panel_is_broken_after_its_slashes(theme: Theme) -> None:
    font = theme.font(SIZE_BODY)
    path = "/home/kari/Dokumenter/cogtrain/eksport/cogtrain-bids-2026-12-03_1405.zip"
    width = font.size("/home/kari/Dokumenter/")[0] + 4
    lines = [str(x) for x in wrap(theme, Msg(f"Lagret som {path}"), width)]
    assert all(font.size(line)[0] <= width for line in lines), lines
    assert lines[0] == "Lagret som"
    assert "".join(lines[1:]) == path  # nothing lost, nothing added
    assert lines[1] == "/home/kari/Dokumenter/"  # broken after a slash where one fits


def test_a_word_with_no_break_points_is_broken_between_characters(theme: Theme) -> None:
    font = theme.font(SIZE_BODY)
    word = "x" * 200
    width = font.size("x" * 30)[0]
    lines = [str(x) for x in wrap(theme, Msg(word), width)]
    assert len(lines) > 1 and "".join(lines) == word
    assert all(0 < font.size(line)[0] <= width for line in lines)
