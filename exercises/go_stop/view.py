"""Go / stop, drawn: a shop till with one item on the scanner, and sometimes a stop sign.

The stop sign is a dark octagon with a white bar (a "no entry" sign without the red):
large and clear, never flashing. It appears ``stop_delay_ms`` after the item, timed only
by the runner-given ``elapsed_ms``. Scan with Space (or Enter), or by clicking the item
or the big button.
"""

from __future__ import annotations

import dataclasses
import math

import pygame

from cogtrain.i18n import Msg, _
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.training.exercise import Outcome, Response
from exercises._shared.stream_view import draw_action_button, fit_size, space_press
from exercises.go_stop.rules import GoStopTrial
from exercises.shelf_search.goods import draw_product

PRESS_KEYS = (pygame.K_SPACE, pygame.K_RETURN, pygame.K_KP_ENTER)

COUNTER = (112, 120, 134)
COUNTER_EDGE = (80, 88, 102)
GLASS = (214, 226, 236)
SCAN_LINE = (98, 150, 196)


def draw_stop_sign(surface: pygame.Surface, center: tuple[int, int], radius: int) -> None:
    """A dark octagon with a white rim and a white bar across."""
    cx, cy = center

    def octagon(r: float) -> list[tuple[float, float]]:
        return [
            (
                cx + r * math.cos(math.radians(22.5 + 45 * i)),
                cy + r * math.sin(math.radians(22.5 + 45 * i)),
            )
            for i in range(8)
        ]

    pygame.draw.polygon(surface, th.PANEL, octagon(radius))
    pygame.draw.polygon(surface, th.TEXT, octagon(radius * 0.88))
    bar = pygame.Rect(0, 0, round(radius * 1.1), max(4, round(radius * 0.3)))
    bar.center = center
    pygame.draw.rect(surface, th.PANEL, bar, border_radius=max(2, bar.height // 4))


@dataclasses.dataclass(frozen=True)
class _Layout:
    prompt_y: int
    stage: pygame.Rect  # the till: clickable
    counter: pygame.Rect
    glass: pygame.Rect
    item_box: pygame.Rect
    button: pygame.Rect


class GoStopView(ExerciseView):
    """The till with the item on the scanner, a one-line reminder, and the scan button."""

    def __init__(self) -> None:
        self._elapsed: float | None = None

    def begin_trial(self, spec: GoStopTrial) -> None:
        self._elapsed = None

    def _layout(self, rect: pygame.Rect, theme: th.Theme, *, bare: bool = False) -> _Layout:
        prompt_h = 0 if bare else theme.px(64)
        button_h = 0 if bare else theme.px(80)
        gap = 0 if bare else theme.px(22)
        stage = pygame.Rect(
            rect.left,
            rect.top + prompt_h + gap,
            rect.width,
            rect.height - prompt_h - button_h - 2 * gap,
        )
        counter_h = max(theme.px(40), round(stage.height * 0.24))
        counter = pygame.Rect(stage.left, stage.bottom - counter_h, stage.width, counter_h)
        glass_w = min(round(stage.width * 0.5), round(stage.height * 1.2))
        glass = pygame.Rect(0, 0, glass_w, round(counter_h * 0.55))
        glass.midtop = (stage.centerx, counter.top + theme.px(6))
        item_h = round((glass.centery - stage.top) * 0.94)
        item_box = pygame.Rect(0, 0, round(item_h * 0.9), item_h)
        item_box.midbottom = (stage.centerx, glass.centery)
        button_w = min(theme.px(440), round(rect.width * 0.6))
        button = pygame.Rect(0, 0, button_w, button_h)
        button.midbottom = (rect.centerx, rect.bottom)
        return _Layout(rect.top + prompt_h // 2, stage, counter, glass, item_box, button)

    # -- drawing ---------------------------------------------------------------------

    def _draw_prompt(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout, cx: int) -> None:
        prompt = _("Scan each item, but not when you see")
        icon_r = theme.px(26)
        gap = theme.px(14)
        text = theme.render(prompt, fit_size(theme, prompt, lay.stage.width - gap - 2 * icon_r))
        total = text.get_width() + gap + 2 * icon_r
        x0 = cx - total // 2
        surface.blit(text, text.get_rect(midleft=(x0, lay.prompt_y)))
        draw_stop_sign(surface, (x0 + text.get_width() + gap + icon_r, lay.prompt_y), icon_r)

    def _draw_till(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout) -> None:
        pygame.draw.rect(surface, COUNTER, lay.counter, border_radius=theme.px(12))
        pygame.draw.rect(
            surface, COUNTER_EDGE, lay.counter, width=theme.px(3), border_radius=theme.px(12)
        )
        pygame.draw.rect(surface, GLASS, lay.glass, border_radius=theme.px(8))
        y = lay.glass.centery
        pygame.draw.line(
            surface,
            SCAN_LINE,
            (lay.glass.left + theme.px(12), y),
            (lay.glass.right - theme.px(12), y),
            theme.px(3),
        )

    def _draw_item(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        lay: _Layout,
        spec: GoStopTrial,
        stop_shown: bool,
    ) -> None:
        kind, colour, label = spec.product
        outline = draw_product(surface, kind, colour, label, lay.item_box)
        if stop_shown:
            radius = round(lay.item_box.height * 0.26)
            center = (outline.right, outline.top + radius // 2)
            draw_stop_sign(surface, center, radius)

    def _draw_button(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout) -> None:
        draw_action_button(surface, theme, lay.button, _("Scan (Space)"))

    def _stop_shown(self, spec: GoStopTrial, elapsed_ms: float | None) -> bool:
        return spec.stop and (elapsed_ms is None or elapsed_ms >= spec.stop_delay_ms)

    def marks_in_frame(self, spec: GoStopTrial, elapsed_ms: float | None) -> tuple[str, ...]:
        return ("stop_signal",) if self._stop_shown(spec, elapsed_ms) else ()

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: GoStopTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        lay = self._layout(rect, theme)
        self._draw_prompt(surface, theme, lay, rect.centerx)
        self._draw_till(surface, theme, lay)
        if show_stimulus:
            self._elapsed = elapsed_ms
            self._draw_item(surface, theme, lay, spec, self._stop_shown(spec, elapsed_ms))
        self._draw_button(surface, theme, lay)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: GoStopTrial,
        page: int,
    ) -> None:
        if page == 0:
            go = dataclasses.replace(spec, stop=False)
            lay = self._layout(rect, theme, bare=True)
            self._draw_till(surface, theme, lay)
            self._draw_item(surface, theme, lay, go, stop_shown=False)
        elif page == 1:
            stop = dataclasses.replace(spec, stop=True)
            lay = self._layout(rect, theme, bare=True)
            self._draw_till(surface, theme, lay)
            self._draw_item(surface, theme, lay, stop, stop_shown=True)
        else:
            # The stop sign can come a moment late: the item first, then the item with it.
            half_w = rect.width // 2 - theme.px(20)
            left = pygame.Rect(rect.left, rect.top, half_w, rect.height)
            right = pygame.Rect(rect.right - half_w, rect.top, half_w, rect.height)
            stop = dataclasses.replace(spec, stop=True)
            for part, shown in ((left, False), (right, True)):
                lay = self._layout(part, theme, bare=True)
                self._draw_till(surface, theme, lay)
                self._draw_item(surface, theme, lay, stop, stop_shown=shown)
            y = rect.centery
            x0, x1 = left.right - theme.px(4), right.left + theme.px(4)
            pygame.draw.line(surface, th.MUTED, (x0, y), (x1 - theme.px(10), y), theme.px(4))
            pygame.draw.polygon(
                surface,
                th.MUTED,
                [
                    (x1, y),
                    (x1 - theme.px(16), y - theme.px(12)),
                    (x1 - theme.px(16), y + theme.px(12)),
                ],
            )

    # -- input -----------------------------------------------------------------------

    def _press(self, spec: GoStopTrial, via: str) -> Response:
        shown = spec.stop and self._elapsed is not None and self._elapsed >= spec.stop_delay_ms
        return Response(answer={"pressed": True, "via": via, "stop_shown": shown})

    def response_from_event(
        self, event: pygame.event.Event, spec: GoStopTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN and event.key in PRESS_KEYS:
            return self._press(spec, "key")
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self._layout(rect, theme)
            if lay.button.collidepoint(event.pos) or lay.stage.collidepoint(event.pos):
                return self._press(spec, "click")
        return None

    def events_for(
        self, response: Response, spec: GoStopTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None or not response.answer.get("pressed"):
            return []
        return [space_press()]

    def practice_hint(self, spec: GoStopTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "failed_stop":
            return _(
                "This item had the stop sign. Then you do not press. It can come a moment late."
            )
        return _("Scan each item without a stop sign by pressing Space. You can be quick.")
