"""The start screen: the participant picks themself by their code."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pygame

from cogtrain.i18n import _, data
from cogtrain.runtime import theme as th
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.scenes.layout import draw_title, margins
from cogtrain.runtime.text import draw_paragraph
from cogtrain.runtime.widgets import Button, ButtonColumn
from cogtrain.storage.store import ParticipantInfo

MAX_SHOWN = 6


class StartScene(Scene):
    """Large buttons, one per participant code; nothing else competes for attention."""

    def __init__(
        self,
        participants: Sequence[ParticipantInfo],
        on_pick: Callable[[ParticipantInfo], None],
        on_quit_program: Callable[[], None],
    ) -> None:
        super().__init__()
        self.participants = list(participants)
        buttons = [
            Button(data(p.code), (lambda p=p: on_pick(p))) for p in self.participants[:MAX_SHOWN]
        ]
        buttons.append(Button(_("Close cogtrain"), on_quit_program, primary=False))
        self.buttons = ButtonColumn(buttons)

    def handle(self, ev: StampedEvent) -> None:
        self.buttons.handle(ev.event)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.app.theme if self.app else th.Theme(surface.get_height())
        y = draw_title(surface, theme, _("Welcome"))
        area = margins(surface, theme)
        y = draw_paragraph(
            surface,
            theme,
            _("Who is training today? Choose your code."),
            pygame.Rect(area.left, y, area.width, theme.px(60)),
            color=th.MUTED,
        )
        self.buttons.layout(
            pygame.Rect(area.left, y + theme.px(30), area.width, area.bottom - y), theme
        )
        self.buttons.draw(surface, theme)
