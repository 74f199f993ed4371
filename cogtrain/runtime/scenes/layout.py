"""Shared layout for every screen: a title band, a content area, a button area."""

from __future__ import annotations

import pygame

from cogtrain.i18n import Msg
from cogtrain.runtime import theme as th
from cogtrain.runtime.text import draw_line


def margins(surface: pygame.Surface, theme: th.Theme) -> pygame.Rect:
    m = theme.px(48)
    return surface.get_rect().inflate(-2 * m, -2 * m)


def draw_title(surface: pygame.Surface, theme: th.Theme, title: Msg) -> int:
    """Draw the screen title; returns the y where content may start."""
    area = margins(surface, theme)
    rect = draw_line(
        surface,
        theme,
        title,
        size=th.SIZE_TITLE,
        bold=True,
        center=(area.centerx, area.top + theme.px(30)),
    )
    return rect.bottom + theme.px(28)


def button_area(surface: pygame.Surface, theme: th.Theme, rows: int = 1) -> pygame.Rect:
    area = margins(surface, theme)
    h = rows * theme.px(76) + (rows - 1) * theme.px(20)
    return pygame.Rect(area.left, area.bottom - h, area.width, h)


def draw_footer_hint(surface: pygame.Surface, theme: th.Theme, text: Msg) -> None:
    r = surface.get_rect()
    draw_line(
        surface,
        theme,
        text,
        size=th.SIZE_SMALL,
        color=th.MUTED,
        center=(r.centerx, r.bottom - theme.px(22)),
    )
