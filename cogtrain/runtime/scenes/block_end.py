"""End of a block: what was done, framed as what was done (never as what is missing)."""

from __future__ import annotations

from collections.abc import Callable

import pygame

from cogtrain.i18n import Msg, _, number, percent
from cogtrain.runtime import theme as th
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.scenes.layout import button_area, draw_title, margins
from cogtrain.runtime.text import draw_line
from cogtrain.runtime.training_controller import BlockResult
from cogtrain.runtime.widgets import Button, ButtonColumn


def result_lines(result: BlockResult) -> list[tuple[Msg, Msg]]:
    """(label, value) rows shown on the end-of-block screen."""
    s, t = result.summary, result.time
    return [
        (_("Tasks done"), number(s.n_trials)),
        (_("Right"), percent(s.accuracy)),
        (_("Level now"), number(s.end_level)),
        (_("Trained today"), _("{minutes} min").format(minutes=number(t.today_minutes))),
        (
            _("Trained in all"),
            _("{hours} of {target} hours").format(
                hours=number(t.total_hours, decimals=1), target=number(t.target_hours)
            ),
        ),
    ]


class BlockEndScene(Scene):
    def __init__(self, result: BlockResult, on_next: Callable[[], None]) -> None:
        super().__init__()
        self.result = result
        self.rows = result_lines(result)
        self.buttons = ButtonColumn([Button(_("Next"), on_next)], horizontal=True)

    def handle(self, ev: StampedEvent) -> None:
        self.buttons.handle(ev.event)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.app.theme if self.app else th.Theme(surface.get_height())
        y = draw_title(surface, theme, _("Well done! The round is finished."))
        area = margins(surface, theme)
        panel_w = min(area.width, theme.px(640))
        row_h = theme.px(58)
        panel = pygame.Rect(
            area.centerx - panel_w // 2,
            y + theme.px(10),
            panel_w,
            row_h * len(self.rows) + theme.px(30),
        )
        pygame.draw.rect(surface, th.PANEL, panel, border_radius=theme.px(16))
        pygame.draw.rect(
            surface, th.PANEL_BORDER, panel, width=theme.px(2), border_radius=theme.px(16)
        )
        ry = panel.top + theme.px(15)
        for label, value in self.rows:
            draw_line(
                surface,
                theme,
                label,
                color=th.MUTED,
                topleft=(panel.left + theme.px(30), ry + theme.px(8)),
            )
            v = theme.render(value, th.SIZE_BODY, bold=True)
            surface.blit(v, v.get_rect(topright=(panel.right - theme.px(30), ry + theme.px(8))))
            ry += row_h
        self.buttons.layout(button_area(surface, theme), theme)
        self.buttons.draw(surface, theme)
