"""After a block: "What helped you?" then "Where at work could this help?".

Two calm screens, one question each. Both are optional: "Next" with nothing chosen and
an empty note are fine answers, and nothing here is ever judged.
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
from cogtrain.runtime.widgets import ACTIVATE_KEYS, NEXT_KEYS, PREV_KEYS, Button, ButtonColumn
from cogtrain.training.reflection import MAX_NOTE_CHARS, STRATEGIES


class StrategyScene(Scene):
    """Pick any number of strategies from a short list (toggle buttons)."""

    pausable = True

    def __init__(
        self, on_next: Callable[[tuple[str, ...]], None], make_pause: Callable[[], Scene]
    ) -> None:
        super().__init__()
        self.on_next = on_next
        self.make_pause = make_pause
        self.chosen: set[str] = set()
        self.focus = 0
        self.rects: list[pygame.Rect] = []
        self.next_button = ButtonColumn([Button(_("Next"), self._done)])

    @property
    def n_items(self) -> int:
        return len(STRATEGIES) + 1  # the toggles, then "Next"

    def _done(self) -> None:
        self.on_next(tuple(sid for sid, _label in STRATEGIES if sid in self.chosen))

    def _activate(self, i: int) -> None:
        if i == len(STRATEGIES):
            self._done()
            return
        sid = STRATEGIES[i][0]
        self.chosen.symmetric_difference_update({sid})

    def pause_scene(self) -> Scene:
        return self.make_pause()

    def handle(self, ev: StampedEvent) -> None:
        e = ev.event
        if e.type == pygame.KEYDOWN:
            if e.key in ACTIVATE_KEYS:
                self._activate(self.focus)
            elif e.key in NEXT_KEYS:
                self.focus = (self.focus + 1) % self.n_items
            elif e.key in PREV_KEYS:
                self.focus = (self.focus - 1) % self.n_items
        elif e.type in (pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            for i, r in enumerate(self.rects):
                if r.collidepoint(e.pos):
                    self.focus = i
                    if e.type == pygame.MOUSEBUTTONUP:
                        self._activate(i)
                    return
            if e.type == pygame.MOUSEBUTTONUP:
                self.next_button.handle(e)  # a click on "Next"

    def draw(self, surface: pygame.Surface) -> None:
        assert self.app is not None
        theme = self.app.theme
        y = draw_title(surface, theme, _("What helped you?"))
        area = margins(surface, theme)
        y = draw_paragraph(
            surface,
            theme,
            _("Choose as many as you like, or none."),
            pygame.Rect(area.left, y, area.width, theme.px(50)),
            color=th.MUTED,
        )
        cols, gap = 2, theme.px(20)
        w = min(theme.px(420), (area.width - gap) // cols)
        h = theme.px(72)
        x0 = area.centerx - (cols * w + gap) // 2
        self.rects = []
        for i, (sid, label) in enumerate(STRATEGIES):
            r = pygame.Rect(
                x0 + (i % cols) * (w + gap), y + theme.px(16) + (i // cols) * (h + gap), w, h
            )
            self.rects.append(r)
            on = sid in self.chosen
            radius = theme.px(14)
            pygame.draw.rect(surface, th.ACCENT if on else th.PANEL, r, border_radius=radius)
            pygame.draw.rect(surface, th.ACCENT, r, width=theme.px(3), border_radius=radius)
            color = th.ACCENT_TEXT if on else th.ACCENT
            box = pygame.Rect(
                r.left + theme.px(18), r.centery - theme.px(14), theme.px(28), theme.px(28)
            )
            pygame.draw.rect(surface, color, box, width=theme.px(3), border_radius=theme.px(4))
            if on:
                pygame.draw.lines(
                    surface,
                    color,
                    False,
                    [
                        (box.left + box.width * 0.2, box.centery),
                        (box.left + box.width * 0.45, box.bottom - box.height * 0.2),
                        (box.right - box.width * 0.15, box.top + box.height * 0.2),
                    ],
                    theme.px(4),
                )
            draw_line(
                surface,
                theme,
                _(label),
                color=color,
                bold=on,
                topleft=(box.right + theme.px(16), r.centery - theme.px(20)),
            )
            if self.focus == i:
                pygame.draw.rect(
                    surface,
                    th.FOCUS,
                    r.inflate(theme.px(12), theme.px(12)),
                    width=theme.px(4),
                    border_radius=radius + theme.px(6),
                )
        self.next_button.layout(button_area(surface, theme), theme)
        # The ring shows on "Next" only when keyboard focus is there.
        self.next_button.focus = 0 if self.focus == len(STRATEGIES) else -1
        self.next_button.draw(surface, theme)


class TransferScene(Scene):
    """Free text: where at work could this help? Then train on, or end the session."""

    pausable = True

    def __init__(
        self,
        on_again: Callable[[str], None],
        on_finish: Callable[[str], None],
        make_pause: Callable[[], Scene],
        again_label: Msg | None = None,
    ) -> None:
        super().__init__()
        self.field = TextField(max_chars=MAX_NOTE_CHARS)
        self.make_pause = make_pause
        self.buttons = ButtonColumn(
            [
                Button(again_label or _("Train another round"), lambda: on_again(self.field.text)),
                Button(_("End the session"), lambda: on_finish(self.field.text), primary=False),
            ],
            horizontal=True,
        )
        self.in_field = True

    def enter(self, app) -> None:  # type: ignore[no-untyped-def]
        super().enter(app)
        self.field.focus(True)

    def pause_scene(self) -> Scene:
        return self.make_pause()

    def _leave_field(self) -> None:
        self.field.focus(False)
        self.in_field = False

    def handle(self, ev: StampedEvent) -> None:
        e = ev.event
        if e.type == pygame.MOUSEBUTTONUP and self.field.rect is not None:
            self.in_field = self.field.handle(e)
            if self.in_field:
                return
        if self.in_field:
            if e.type == pygame.KEYDOWN and e.key in (
                pygame.K_TAB,
                pygame.K_RETURN,
                pygame.K_KP_ENTER,
                pygame.K_DOWN,
            ):
                self._leave_field()
                return
            self.field.handle(e)
            return
        if e.type == pygame.KEYDOWN and e.key == pygame.K_UP:
            self.field.focus(True)
            self.in_field = True
            return
        self.buttons.handle(e)

    def on_quit(self, now_ns: int) -> None:
        self.field.focus(False)

    def draw(self, surface: pygame.Surface) -> None:
        assert self.app is not None
        theme = self.app.theme
        y = draw_title(surface, theme, _("Where at work could this help?"))
        area = margins(surface, theme)
        y = draw_paragraph(
            surface,
            theme,
            _(
                "Write a few words if you like – for example a task at your "
                "workplace. You can also leave it empty."
            ),
            pygame.Rect(area.left + theme.px(40), y, area.width - theme.px(80), theme.px(100)),
            color=th.MUTED,
        )
        buttons = button_area(surface, theme)
        field = pygame.Rect(
            area.left + theme.px(40),
            y + theme.px(10),
            area.width - theme.px(80),
            min(theme.px(220), buttons.top - y - theme.px(50)),
        )
        self.field.draw(surface, theme, field, _("For example: when I pick orders"))
        self.buttons.layout(buttons, theme)
        self.buttons.draw(surface, theme, show_focus=not self.in_field)
