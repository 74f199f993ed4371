"""Instructions: one short idea per page, each with a picture of the task."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.scenes.layout import button_area, draw_footer_hint, draw_title, margins
from cogtrain.runtime.text import draw_paragraph
from cogtrain.runtime.widgets import Button, ButtonColumn


class InstructionsScene(Scene):
    pausable = True

    def __init__(
        self,
        title: Msg,
        pages: Sequence[Msg],
        view: ExerciseView,
        example: Any,
        on_done: Callable[[], None],
        make_pause: Callable[[], Scene],
        *,
        done_label: Msg | None = None,
    ) -> None:
        super().__init__()
        self.title = title
        self.pages = list(pages)
        self.view = view
        self.example = example
        self.on_done = on_done
        self.make_pause = make_pause
        self.done_label = done_label or _("Start the practice round")
        self.page = 0
        self._entered_ns: int | None = None
        self._paused_at_ns: int | None = None
        self._paused_ns = 0
        self._build_buttons()

    # Reading the instructions is training time (pauses are not): the flow hands this
    # to the block that follows, which counts it.

    def enter(self, app) -> None:  # type: ignore[no-untyped-def]
        super().enter(app)
        if self._entered_ns is None:
            self._entered_ns = app.clock.now_ns()

    def on_pause(self, now_ns: int) -> None:
        self._paused_at_ns = now_ns

    def on_resume(self, now_ns: int) -> None:
        if self._paused_at_ns is not None:
            self._paused_ns += now_ns - self._paused_at_ns
            self._paused_at_ns = None

    def active_ms(self, now_ns: int) -> float:
        """Time on these pages so far, pauses excluded."""
        if self._entered_ns is None:
            return 0.0
        paused = self._paused_ns + (
            now_ns - self._paused_at_ns if self._paused_at_ns is not None else 0
        )
        return max(0, now_ns - self._entered_ns - paused) / 1_000_000

    def _build_buttons(self) -> None:
        last = self.page == len(self.pages) - 1
        buttons = []
        if self.page > 0:
            buttons.append(Button(_("Back"), self._back, primary=False))
        buttons.append(
            Button(self.done_label if last else _("Next"), self.on_done if last else self._next)
        )
        self.buttons = ButtonColumn(buttons, horizontal=True, focus=len(buttons) - 1)

    def _next(self) -> None:
        self.page = min(self.page + 1, len(self.pages) - 1)
        self._build_buttons()

    def _back(self) -> None:
        self.page = max(self.page - 1, 0)
        self._build_buttons()

    def pause_scene(self) -> Scene:
        return self.make_pause()

    def handle(self, ev: StampedEvent) -> None:
        self.buttons.handle(ev.event)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.app.theme if self.app else th.Theme(surface.get_height())
        y = draw_title(surface, theme, self.title)
        area = margins(surface, theme)
        text_rect = pygame.Rect(
            area.left + theme.px(40), y, area.width - theme.px(80), theme.px(110)
        )
        y = draw_paragraph(surface, theme, self.pages[self.page], text_rect)
        buttons = button_area(surface, theme)
        picture = pygame.Rect(
            area.left, y + theme.px(10), area.width, buttons.top - y - theme.px(30)
        )
        # A long page in a small window leaves no room: the words matter more than the
        # picture, so the picture is left out rather than squeezed to nothing.
        if picture.width > 0 and picture.height >= theme.px(60):
            self.view.draw_example(surface, picture, theme, self.example, self.page)
        self.buttons.layout(buttons, theme)
        self.buttons.draw(surface, theme)
        draw_footer_hint(
            surface,
            theme,
            _("Page {n} of {total}").format(n=number(self.page + 1), total=number(len(self.pages))),
        )
