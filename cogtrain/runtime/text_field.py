"""A text field for free text: typing (æøå via TEXTINPUT), cursor, editing, paste.

Typing comes from ``TEXTINPUT`` events (as pygame-ce advises), so any keyboard layout and
input method works; editing keys come from ``KEYDOWN``. The caret does not blink: calm
screens do not flash.
"""

from __future__ import annotations

import pygame

from cogtrain.i18n import Msg, data
from cogtrain.runtime import theme as th
from cogtrain.runtime.text import draw_line, wrap


class TextField:
    def __init__(self, *, max_chars: int = 500, text: str = "", masked: bool = False) -> None:
        self.masked = masked  # a PIN: shown as dots, never pasted from or into elsewhere
        self.text = text[:max_chars]
        self.cursor = len(self.text)
        self.max_chars = max_chars
        self.focused = False
        self.rect: pygame.Rect | None = None

    def focus(self, on: bool) -> None:
        if on and not self.focused:
            pygame.key.start_text_input()
        elif not on and self.focused:
            pygame.key.stop_text_input()
        self.focused = on

    def insert(self, s: str) -> None:
        s = s.replace("\r", " ").replace("\n", " ").replace("\t", " ")
        room = self.max_chars - len(self.text)
        s = s[: max(0, room)]
        self.text = self.text[: self.cursor] + s + self.text[self.cursor :]
        self.cursor += len(s)

    def handle(self, event: pygame.event.Event) -> bool:
        """Edit on input while focused; a click inside focuses. Returns True when used."""
        if event.type == pygame.MOUSEBUTTONUP and self.rect is not None:
            inside = self.rect.collidepoint(event.pos)
            self.focus(inside)
            if inside:
                self.cursor = len(self.text)
            return inside
        if not self.focused:
            return False
        if event.type == pygame.TEXTINPUT:
            self.insert(event.text)
            return True
        if event.type != pygame.KEYDOWN:
            return False
        ctrl = bool(getattr(event, "mod", 0) & pygame.KMOD_CTRL)
        k = event.key
        if k == pygame.K_BACKSPACE and self.cursor > 0:
            self.text = self.text[: self.cursor - 1] + self.text[self.cursor :]
            self.cursor -= 1
        elif k == pygame.K_DELETE and self.cursor < len(self.text):
            self.text = self.text[: self.cursor] + self.text[self.cursor + 1 :]
        elif k == pygame.K_LEFT:
            self.cursor = max(0, self.cursor - 1)
        elif k == pygame.K_RIGHT:
            self.cursor = min(len(self.text), self.cursor + 1)
        elif k == pygame.K_HOME:
            self.cursor = 0
        elif k == pygame.K_END:
            self.cursor = len(self.text)
        elif ctrl and k == pygame.K_v:
            self.insert(_clipboard_text())
        elif k in (pygame.K_BACKSPACE, pygame.K_DELETE):
            pass
        else:
            return False
        return True

    def draw(
        self, surface: pygame.Surface, theme: th.Theme, rect: pygame.Rect, placeholder: Msg
    ) -> None:
        self.rect = rect
        radius = theme.px(12)
        pygame.draw.rect(surface, th.PANEL, rect, border_radius=radius)
        border = th.FOCUS if self.focused else th.PANEL_BORDER
        pygame.draw.rect(
            surface, border, rect, width=theme.px(4 if self.focused else 2), border_radius=radius
        )
        inner = rect.inflate(-theme.px(36), -theme.px(28))
        font = theme.font(th.SIZE_BODY)
        line_h = font.get_linesize()
        if not self.text:
            draw_line(surface, theme, placeholder, color=th.MUTED, topleft=inner.topleft)
            if self.focused:
                pygame.draw.line(
                    surface, th.TEXT, inner.topleft, (inner.left, inner.top + line_h), theme.px(3)
                )
            return
        shown = "•" * len(self.text) if self.masked else self.text
        lines = wrap(theme, data(shown), inner.width)
        max_lines = max(1, inner.height // line_h)
        # Keep the caret's line visible.
        caret_line, caret_col, seen = 0, 0, 0
        for i, line in enumerate(lines):
            if self.cursor <= seen + len(line):
                caret_line, caret_col = i, self.cursor - seen
                break
            seen += len(line) + 1
        else:
            caret_line, caret_col = len(lines) - 1, len(lines[-1])
        first = max(0, caret_line - max_lines + 1)
        y = inner.top
        for i, line in enumerate(lines[first : first + max_lines], start=first):
            draw_line(surface, theme, line, topleft=(inner.left, y))
            if self.focused and i == caret_line:
                x = inner.left + font.size(str(line)[:caret_col])[0]
                pygame.draw.line(surface, th.TEXT, (x, y), (x, y + line_h), theme.px(3))
            y += line_h


def _clipboard_text() -> str:
    try:
        if not pygame.scrap.get_init():
            pygame.scrap.init()
        text = pygame.scrap.get_text()
    except (pygame.error, AttributeError):
        return ""
    return text or ""
