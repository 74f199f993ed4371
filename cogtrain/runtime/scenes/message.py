"""A calm screen with a title, a few lines of text and one or two buttons."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from cogtrain.i18n import Msg
from cogtrain.runtime import theme as th
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.scenes.layout import button_area, draw_title, margins
from cogtrain.runtime.text import draw_paragraph
from cogtrain.runtime.widgets import Button, ButtonColumn


class MessageScene(Scene):
    """Title, paragraphs, buttons: used between blocks, at the end, and for errors."""

    def __init__(
        self,
        title: Msg,
        paragraphs: Sequence[Msg],
        buttons: Sequence[Button],
        *,
        muted_from: int = 1,
    ) -> None:
        super().__init__()
        self.title = title
        self.paragraphs = list(paragraphs)
        self.muted_from = muted_from
        self.buttons = ButtonColumn(buttons, horizontal=True)

    def handle(self, ev: StampedEvent) -> None:
        self.buttons.handle(ev.event)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.app.theme if self.app else th.Theme(surface.get_height())
        y = draw_title(surface, theme, self.title) + theme.px(20)
        area = margins(surface, theme)
        text_rect = pygame.Rect(area.left + theme.px(40), y, area.width - theme.px(80), area.height)
        for i, p in enumerate(self.paragraphs):
            color = th.TEXT if i < self.muted_from else th.MUTED
            text_rect.top = draw_paragraph(surface, theme, p, text_rect, color=color) + theme.px(14)
        self.buttons.layout(button_area(surface, theme), theme)
        self.buttons.draw(surface, theme)
