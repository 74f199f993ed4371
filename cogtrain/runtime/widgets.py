"""Large, forgiving buttons that work by mouse, touch and keyboard alike.

A :class:`ButtonColumn` lays buttons out one under another (or side by side), keeps
one focused (drawn with a thick outline), moves focus with the arrow keys or Tab, and
activates with Enter or Space or a click. Everything is big enough to hit without
precision: a participant should never fail to press the button they meant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygame

from cogtrain.i18n import Msg
from cogtrain.runtime import theme as th
from cogtrain.runtime.text import draw_line

ACTIVATE_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
NEXT_KEYS = (pygame.K_DOWN, pygame.K_RIGHT, pygame.K_TAB)
PREV_KEYS = (pygame.K_UP, pygame.K_LEFT)


@dataclass
class Button:
    label: Msg
    action: Callable[[], None]
    primary: bool = True
    rect: pygame.Rect | None = None


class ButtonColumn:
    """A focusable row or column of buttons."""

    def __init__(
        self, buttons: Sequence[Button], *, horizontal: bool = False, focus: int = 0
    ) -> None:
        self.buttons = list(buttons)
        self.horizontal = horizontal
        self.focus = focus

    def layout(self, area: pygame.Rect, theme: th.Theme) -> None:
        n = len(self.buttons)
        if n == 0:
            return  # a screen that only says something (a "one moment")
        gap = theme.px(20)
        height = theme.px(76)
        if self.horizontal:
            # Wide enough for the longest label (Norwegian labels run long), never wider
            # than a fair share of the row; a label that still does not fit is drawn
            # smaller in draw().
            pad = theme.px(28)
            widest = max(
                (theme.render(b.label, th.SIZE_BODY, bold=True).get_width() + 2 * pad)
                for b in self.buttons
            )
            width = min(max(theme.px(380), widest), (area.width - gap * (n - 1)) // max(n, 1))
            total = width * n + gap * (n - 1)
            x = area.centerx - total // 2
            for b in self.buttons:
                b.rect = pygame.Rect(x, area.top, width, height)
                x += width + gap
        else:
            width = min(area.width, theme.px(520))
            y = area.top
            for b in self.buttons:
                b.rect = pygame.Rect(area.centerx - width // 2, y, width, height)
                y += height + gap

    def handle(self, event: pygame.event.Event) -> bool:
        """React to ``event``; returns True when it was used."""
        if event.type == pygame.KEYDOWN:
            if event.key in ACTIVATE_KEYS and self.buttons:
                self.buttons[self.focus].action()
                return True
            shift = bool(getattr(event, "mod", 0) & pygame.KMOD_SHIFT)
            if event.key in NEXT_KEYS and not (event.key == pygame.K_TAB and shift):
                self.focus = (self.focus + 1) % len(self.buttons)
                return True
            if event.key in PREV_KEYS or (event.key == pygame.K_TAB and shift):
                self.focus = (self.focus - 1) % len(self.buttons)
                return True
        elif event.type == pygame.MOUSEMOTION:
            for i, b in enumerate(self.buttons):
                if b.rect is not None and b.rect.collidepoint(event.pos):
                    self.focus = i
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            for i, b in enumerate(self.buttons):
                if b.rect is not None and b.rect.collidepoint(event.pos):
                    self.focus = i
                    b.action()
                    return True
        return False

    def draw(self, surface: pygame.Surface, theme: th.Theme, *, show_focus: bool = True) -> None:
        radius = theme.px(14)
        for i, b in enumerate(self.buttons):
            if b.rect is None:
                continue
            focused = show_focus and i == self.focus
            if b.primary:
                pygame.draw.rect(surface, th.ACCENT, b.rect, border_radius=radius)
                color = th.ACCENT_TEXT
            else:
                pygame.draw.rect(surface, th.PANEL, b.rect, border_radius=radius)
                pygame.draw.rect(
                    surface, th.ACCENT, b.rect, width=theme.px(3), border_radius=radius
                )
                color = th.ACCENT
            if focused:
                ring = b.rect.inflate(theme.px(14), theme.px(14))
                pygame.draw.rect(
                    surface, th.FOCUS, ring, width=theme.px(4), border_radius=radius + theme.px(6)
                )
            size = th.SIZE_BODY
            if theme.render(b.label, size, bold=True).get_width() > b.rect.width - theme.px(16):
                size = th.SIZE_SMALL
            draw_line(
                surface,
                theme,
                b.label,
                size=size,
                color=color,
                bold=True,
                center=b.rect.center,
            )
