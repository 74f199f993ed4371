"""A break between blocks: calm, no countdown, over when the participant is ready.

The break's length is measured with the app's clock from the moment the screen appears
to the press of the button, and logged with the session; it never counts as training.
After the planned minutes a quiet line says the break time is up; nothing flashes or
hurries, and the participant may go on earlier.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from cogtrain.i18n import _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.clock import ms_between
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.scenes.layout import button_area, draw_title, margins
from cogtrain.runtime.text import draw_paragraph
from cogtrain.runtime.widgets import Button, ButtonColumn


class BreakScene(Scene):
    def __init__(self, break_minutes: int, on_done: Callable[[float], None]) -> None:
        super().__init__()
        self.break_minutes = break_minutes
        self.on_done = on_done
        self.started_ns: int | None = None
        self.now_ns: int | None = None
        self.buttons = ButtonColumn([Button(_("I am ready to go on"), self._done)], horizontal=True)

    def enter(self, app) -> None:  # type: ignore[no-untyped-def]
        super().enter(app)
        if self.started_ns is None:
            self.started_ns = app.clock.now_ns()
            self.now_ns = self.started_ns

    @property
    def elapsed_ms(self) -> float:
        if self.started_ns is None or self.now_ns is None:
            return 0.0
        return ms_between(self.started_ns, self.now_ns)

    def _done(self) -> None:
        assert self.app is not None
        self.now_ns = self.app.clock.now_ns()
        self.on_done(self.elapsed_ms)

    def handle(self, ev: StampedEvent) -> None:
        self.buttons.handle(ev.event)

    def update(self, now_ns: int) -> None:
        self.now_ns = now_ns

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.app.theme if self.app else th.Theme(surface.get_height())
        y = draw_title(surface, theme, _("Break")) + theme.px(20)
        area = margins(surface, theme)
        text = pygame.Rect(area.left + theme.px(40), y, area.width - theme.px(80), area.height)
        text.top = draw_paragraph(
            surface,
            theme,
            _("Take your time. Stand up, stretch, look out of the window."),
            text,
        ) + theme.px(14)
        text.top = draw_paragraph(
            surface,
            theme,
            _("The break is about {n} minutes. Everything you have done is saved.").format(
                n=number(self.break_minutes)
            ),
            text,
            color=th.MUTED,
        ) + theme.px(14)
        if self.elapsed_ms >= self.break_minutes * 60_000:
            draw_paragraph(surface, theme, _("Go on when you are ready."), text, color=th.POSITIVE)
        self.buttons.layout(button_area(surface, theme), theme)
        self.buttons.draw(surface, theme)
