"""Drawing translated text: one line, or a paragraph wrapped to a width."""

from __future__ import annotations

import re

import pygame

from cogtrain.i18n import Msg
from cogtrain.runtime.theme import SIZE_BODY, TEXT, Color, Theme


def wrap(
    theme: Theme, text: Msg, width_px: int, size: int = SIZE_BODY, *, bold: bool = False
) -> list[Msg]:
    """Split ``text`` into lines no wider than ``width_px``, breaking at spaces.

    A word wider than the line on its own (a folder path in "saved as ...", a long URL)
    is broken after a ``/``, ``\\``, ``-``, ``_`` or ``.`` where it can be, else between
    characters, so it never runs off the panel it is in."""
    font = theme.font(size, bold=bold)
    lines: list[Msg] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.size(candidate)[0] <= width_px:
                line = candidate
                continue
            if line:
                lines.append(Msg(line))
                line = ""
            pieces = _break_word(font, word, width_px)
            lines.extend(Msg(p) for p in pieces[:-1])
            line = pieces[-1]
        lines.append(Msg(line))
    return lines


_BREAK_AFTER = re.compile(r"(?<=[/\\\-_.])")


def _break_word(font: pygame.font.Font, word: str, width_px: int) -> list[str]:
    """``word`` in pieces no wider than ``width_px`` (at least one character each)."""
    if font.size(word)[0] <= width_px:
        return [word]
    pieces: list[str] = []
    current = ""
    for part in _BREAK_AFTER.split(word):
        if font.size(current + part)[0] <= width_px:
            current += part
            continue
        if current:
            pieces.append(current)
            current = ""
        for ch in part:  # a part that is itself too wide: between characters
            if current and font.size(current + ch)[0] > width_px:
                pieces.append(current)
                current = ""
            current += ch
    pieces.append(current)
    return pieces


def draw_line(
    surface: pygame.Surface,
    theme: Theme,
    text: Msg,
    *,
    size: int = SIZE_BODY,
    color: Color = TEXT,
    bold: bool = False,
    center: tuple[int, int] | None = None,
    topleft: tuple[int, int] | None = None,
) -> pygame.Rect:
    surf = theme.render(text, size, color=color, bold=bold)
    rect = surf.get_rect()
    if center is not None:
        rect.center = center
    elif topleft is not None:
        rect.topleft = topleft
    surface.blit(surf, rect)
    return rect


def draw_paragraph(
    surface: pygame.Surface,
    theme: Theme,
    text: Msg,
    rect: pygame.Rect,
    *,
    size: int = SIZE_BODY,
    color: Color = TEXT,
    bold: bool = False,
    align_center: bool = True,
    line_gap: float = 1.3,
) -> int:
    """Draw wrapped text from the top of ``rect``; returns the y below the last line."""
    font = theme.font(size, bold=bold)
    line_h = round(font.get_linesize() * line_gap)
    y = rect.top
    for line in wrap(theme, text, rect.width, size, bold=bold):
        if align_center:
            draw_line(
                surface,
                theme,
                line,
                size=size,
                color=color,
                bold=bold,
                center=(rect.centerx, y + line_h // 2),
            )
        else:
            draw_line(
                surface, theme, line, size=size, color=color, bold=bold, topleft=(rect.left, y)
            )
        y += line_h
    return y
