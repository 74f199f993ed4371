"""The start screen, and the participant's own way in: their code and PIN.

The start screen never lists participants: the PC may stand in a shared room, and the
codes of the others are none of a participant's business. Before any staff account
exists (a new installation, or a try-out) it offers the demo participant and the set-up
of the staff side; afterwards, "Start my training" (code and PIN) and the staff log-in.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from cogtrain.i18n import Msg, _
from cogtrain.runtime import theme as th
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.scenes.layout import button_area, draw_title, margins
from cogtrain.runtime.text import draw_line, draw_paragraph
from cogtrain.runtime.text_field import TextField
from cogtrain.runtime.widgets import Button, ButtonColumn


class StartScene(Scene):
    """Large buttons; nothing else competes for attention."""

    def __init__(
        self,
        *,
        on_quit_program: Callable[[], None],
        on_staff: Callable[[], None],
        on_demo: Callable[[], None] | None = None,
        on_my_training: Callable[[], None] | None = None,
        set_up: bool = True,
        notice: Msg | None = None,
    ) -> None:
        super().__init__()
        self.set_up = set_up
        self.notice = notice
        buttons: list[Button] = []
        if on_my_training is not None:
            buttons.append(Button(_("Start my training"), on_my_training))
        if on_demo is not None:
            buttons.append(Button(_("Try the demo training"), on_demo))
        staff_label = _("Staff log in") if set_up else _("Set up cogtrain for a clinic")
        buttons.append(Button(staff_label, on_staff, primary=False))
        buttons.append(Button(_("Close cogtrain"), on_quit_program, primary=False))
        self.buttons = ButtonColumn(buttons)

    def handle(self, ev: StampedEvent) -> None:
        self.buttons.handle(ev.event)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.app.theme if self.app else th.Theme(surface.get_height())
        y = draw_title(surface, theme, _("Welcome"))
        area = margins(surface, theme)
        text = (
            _("Press “Start my training” and type your code and PIN.")
            if self.set_up
            else _("You can try the training with the demo participant.")
        )
        y = draw_paragraph(
            surface,
            theme,
            text,
            pygame.Rect(area.left, y, area.width, theme.px(60)),
            color=th.MUTED,
        )
        self.buttons.layout(
            pygame.Rect(area.left, y + theme.px(30), area.width, area.bottom - y), theme
        )
        self.buttons.draw(surface, theme)
        if self.notice is not None:
            draw_line(
                surface,
                theme,
                self.notice,
                size=th.SIZE_SMALL,
                color=th.MUTED,
                center=(area.centerx, area.bottom - theme.px(10)),
            )


class ParticipantLoginScene(Scene):
    """Two large fields, code and PIN, and a calm message when they do not match."""

    def __init__(
        self,
        on_login: Callable[[str, str], Msg | None],
        on_back: Callable[[], None],
    ) -> None:
        super().__init__()
        self.code = TextField(max_chars=32)
        self.pin = TextField(max_chars=8, masked=True)
        self.on_login = on_login
        self.message: Msg | None = None
        self.buttons = ButtonColumn(
            [Button(_("Back"), on_back, primary=False), Button(_("Start"), self.submit)],
            horizontal=True,
            focus=1,
        )
        self.code.focus(True)

    def submit(self) -> None:
        self.message = self.on_login(self.code.text, self.pin.text)
        if self.message is not None:
            self.pin.text, self.pin.cursor = "", 0
            self.code.focus(False)
            self.pin.focus(True)

    def handle(self, ev: StampedEvent) -> None:
        e = ev.event
        if e.type == pygame.KEYDOWN and e.key in (pygame.K_TAB, pygame.K_DOWN, pygame.K_UP):
            first = self.code.focused
            self.code.focus(not first)
            self.pin.focus(first)
            return
        if e.type == pygame.KEYDOWN and e.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.code.focused and self.code.text:
                self.code.focus(False)
                self.pin.focus(True)
                return
            if self.pin.focused:
                self.submit()
                return
        if self.code.handle(e) or self.pin.handle(e):
            if e.type == pygame.MOUSEBUTTONUP:
                # A click in one field takes the focus from the other.
                other = self.pin if self.code.focused else self.code
                other.focus(False)
            return
        self.buttons.handle(e)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.app.theme if self.app else th.Theme(surface.get_height())
        y = draw_title(surface, theme, _("Start my training"))
        area = margins(surface, theme)
        width = min(area.width, theme.px(620))
        x = area.centerx - width // 2
        h = theme.px(84)
        for label, field in ((_("Your code"), self.code), (_("Your PIN"), self.pin)):
            r = draw_line(surface, theme, label, bold=True, topleft=(x, y))
            field.draw(surface, theme, pygame.Rect(x, r.bottom + theme.px(8), width, h), Msg(""))
            y = r.bottom + theme.px(8) + h + theme.px(24)
        if self.message is not None:
            draw_paragraph(
                surface,
                theme,
                self.message,
                pygame.Rect(area.left, y, area.width, theme.px(80)),
                size=th.SIZE_SMALL,
                color=th.GENTLE,
            )
        self.buttons.layout(button_area(surface, theme), theme)
        self.buttons.draw(surface, theme, show_focus=not (self.code.focused or self.pin.focused))
