from __future__ import annotations

import pygame
import pytest

from cogtrain.runtime.text_field import TextField


@pytest.fixture(autouse=True)
def _pg() -> None:
    pygame.init()
    pygame.display.set_mode((200, 200))


def typed(field: TextField, text: str) -> None:
    field.handle(pygame.event.Event(pygame.TEXTINPUT, text=text))


def press(field: TextField, key: int, mod: int = 0) -> bool:
    return field.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=""))


def test_typing_norwegian_letters_and_editing_in_the_middle() -> None:
    f = TextField()
    f.focus(True)
    typed(f, "blåbær")
    press(f, pygame.K_LEFT)
    press(f, pygame.K_LEFT)
    typed(f, "ø")
    assert f.text == "blåbøær" and f.cursor == 5
    press(f, pygame.K_DELETE)
    assert f.text == "blåbør"
    press(f, pygame.K_HOME)
    press(f, pygame.K_BACKSPACE)  # nothing before the cursor
    press(f, pygame.K_DELETE)
    assert f.text == "låbør"
    press(f, pygame.K_END)
    typed(f, " æ")
    assert f.text == "låbør æ" and f.cursor == len(f.text)


def test_unfocused_field_ignores_typing_and_max_length_holds() -> None:
    f = TextField(max_chars=5)
    typed(f, "abc")
    assert f.text == ""
    f.focus(True)
    typed(f, "abcdefgh")
    assert f.text == "abcde"
    typed(f, "x\ny")
    assert f.text == "abcde"


def test_newlines_and_tabs_become_spaces() -> None:
    f = TextField()
    f.focus(True)
    typed(f, "a\tb\nc")
    assert f.text == "a b c"


def test_click_focuses_and_click_outside_unfocuses() -> None:
    f = TextField()
    from cogtrain import i18n
    from cogtrain.runtime.theme import Theme

    surface = pygame.Surface((400, 200))
    f.draw(surface, Theme(768), pygame.Rect(10, 10, 300, 100), i18n._("Next"))
    assert f.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(50, 50), button=1))
    assert f.focused
    assert not f.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(390, 190), button=1))
    assert not f.focused
