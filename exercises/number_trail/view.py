"""Number trail, drawn: stations on a warehouse floor plan, joined by a line as they are reached.

Mouse: click the stations in order. Keyboard: the arrow keys move a focus ring to the
nearest station in that direction, Space or Enter visits the station in the ring. A
click on a station that is not the next one is kept in the response and otherwise only
answered by a quiet line of text naming the station to look for.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from cogtrain.i18n import Msg, _, data, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises.number_trail.rules import TrailTrial, make_trial

MAX_ASPECT = 1.75  # the floor plan is at most this much wider than tall
HIT_SLACK = 1.2  # a click this many radii from a centre still hits (rules keep them apart)
SELECT_KEYS = (pygame.K_SPACE, pygame.K_RETURN, pygame.K_KP_ENTER)
DIRECTIONS: dict[int, tuple[int, int]] = {
    pygame.K_LEFT: (-1, 0),
    pygame.K_RIGHT: (1, 0),
    pygame.K_UP: (0, -1),
    pygame.K_DOWN: (0, 1),
}
EXAMPLE_ALTERNATING_LEVEL = 5
EXAMPLE_SEED = 11


def label_msg(label: str) -> Msg:
    """A station label as drawable data: numbers the local way, letters as they are."""
    return number(int(label)) if label.isdigit() else data(label)


class NumberTrailView(ExerciseView):
    """The floor plan fills the rect below one line of prompt."""

    def __init__(self) -> None:
        self._clicks: list[int] = []
        self._reached = 0
        self._focus: int | None = None
        self._look_for: int | None = None
        self._alt_example: TrailTrial | None = None

    def begin_trial(self, spec: TrailTrial) -> None:
        self._clicks = []
        self._reached = 0
        self._focus = None
        self._look_for = None

    # -- geometry ------------------------------------------------------------------

    def _layout(self, rect: pygame.Rect, theme: th.Theme) -> tuple[int, pygame.Rect]:
        """The prompt's centre y and the floor plan, both inside ``rect``."""
        prompt_h = theme.px(54)
        h = rect.height - prompt_h
        w = min(rect.width, int(h * MAX_ASPECT))
        field = pygame.Rect(0, 0, w, h)
        field.midtop = (rect.centerx, rect.top + prompt_h)
        return rect.top + prompt_h // 2 - theme.px(4), field

    @staticmethod
    def _stations(field: pygame.Rect, spec: TrailTrial) -> tuple[list[tuple[float, float]], float]:
        w, h = field.width, field.height
        centres = [(field.left + x * w, field.top + y * h) for x, y in spec.positions]
        return centres, spec.radius * min(w, h)

    def _hit(
        self, pos: tuple[int, int], centres: list[tuple[float, float]], r: float
    ) -> int | None:
        for i, (x, y) in enumerate(centres):
            if math.hypot(pos[0] - x, pos[1] - y) <= r * HIT_SLACK:
                return i
        return None

    # -- drawing -------------------------------------------------------------------

    def _draw_floor(self, surface: pygame.Surface, field: pygame.Rect, theme: th.Theme) -> None:
        radius = theme.px(16)
        pygame.draw.rect(surface, th.PANEL, field, border_radius=radius)
        pygame.draw.rect(surface, th.PANEL_BORDER, field, width=theme.px(2), border_radius=radius)

    def _draw_stations(
        self,
        surface: pygame.Surface,
        field: pygame.Rect,
        theme: th.Theme,
        spec: TrailTrial,
        reached: int,
        focus: int | None,
    ) -> None:
        centres, r = self._stations(field, spec)
        if reached >= 2:
            pygame.draw.lines(surface, th.ACCENT, False, centres[:reached], theme.px(5))
        ring = max(2, theme.px(3))
        text_size = max(12, min(th.SIZE_TITLE, int(r * 1.1 / theme.scale)))
        for i, (label, (x, y)) in enumerate(zip(spec.labels, centres, strict=True)):
            c = (round(x), round(y))
            done = i < reached
            pygame.draw.circle(surface, th.ACCENT if done else th.PANEL, c, round(r))
            pygame.draw.circle(surface, th.ACCENT if done else th.TEXT, c, round(r), width=ring)
            draw_line(
                surface,
                theme,
                label_msg(label),
                size=text_size,
                bold=True,
                color=th.ACCENT_TEXT if done else th.TEXT,
                center=c,
            )
            if i == focus:
                pygame.draw.circle(
                    surface, th.FOCUS, c, round(r + theme.px(9)), width=max(3, theme.px(4))
                )

    def _prompt(self, spec: TrailTrial, look_for: int | None) -> Msg:
        if look_for is not None:
            return _("Not that one – look for {label}").format(
                label=label_msg(spec.labels[look_for])
            )
        shown = 5 if spec.alternate else 3
        sequence = ", ".join(str(label_msg(label)) for label in spec.labels[:shown])
        return _("Click the stations in order: {sequence}").format(sequence=data(sequence + " …"))

    def _draw(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: TrailTrial,
        *,
        reached: int,
        focus: int | None,
        look_for: int | None,
        show: bool = True,
    ) -> None:
        prompt_y, field = self._layout(rect, theme)
        self._draw_floor(surface, field, theme)
        draw_line(
            surface,
            theme,
            self._prompt(spec, look_for),
            size=th.SIZE_BODY,
            color=th.MUTED,
            center=(rect.centerx, prompt_y),
        )
        if show:
            self._draw_stations(surface, field, theme, spec, reached, focus)

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: TrailTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        self._draw(
            surface,
            rect,
            theme,
            spec,
            reached=self._reached,
            focus=self._focus,
            look_for=self._look_for,
            show=show_stimulus,
        )

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: TrailTrial,
        page: int,
    ) -> None:
        if page == 0:
            self._draw(surface, rect, theme, spec, reached=0, focus=None, look_for=None)
            return
        if page >= 2 and not spec.alternate:
            if self._alt_example is None:
                self._alt_example = make_trial(
                    EXAMPLE_ALTERNATING_LEVEL, np.random.default_rng(EXAMPLE_SEED)
                )
            spec = self._alt_example
        self._draw(surface, rect, theme, spec, reached=3, focus=None, look_for=None)

    # -- input ---------------------------------------------------------------------

    def _visit(self, i: int, spec: TrailTrial) -> Response | None:
        if i < self._reached:
            return None  # already reached: nothing to do
        self._clicks.append(i)
        if i == self._reached:
            self._reached += 1
            self._look_for = None
            if self._reached == spec.n:
                return Response(answer={"clicks": list(self._clicks)})
        else:
            self._look_for = self._reached
        return None

    def _move_focus(
        self, direction: tuple[int, int], centres: list[tuple[float, float]], field: pygame.Rect
    ) -> None:
        if self._focus is None:
            if self._reached > 0:
                self._focus = self._reached - 1
            else:
                cx, cy = field.center
                self._focus = min(
                    range(len(centres)),
                    key=lambda i: math.hypot(centres[i][0] - cx, centres[i][1] - cy),
                )
            return
        fx, fy = centres[self._focus]
        dx, dy = direction
        best, best_cost = None, math.inf
        for i, (x, y) in enumerate(centres):
            if i == self._focus:
                continue
            vx, vy = x - fx, y - fy
            dist = math.hypot(vx, vy)
            along = (vx * dx + vy * dy) / dist
            if along < 0.35:  # more than about 70 degrees off the arrow's direction
                continue
            cost = dist * (2.0 - along)
            if cost < best_cost:
                best, best_cost = i, cost
        if best is not None:
            self._focus = best

    def response_from_event(
        self, event: pygame.event.Event, spec: TrailTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        _prompt_y, field = self._layout(rect, theme)
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            centres, r = self._stations(field, spec)
            hit = self._hit(event.pos, centres, r)
            self._focus = None
            return None if hit is None else self._visit(hit, spec)
        if event.type == pygame.KEYDOWN:
            if event.key in DIRECTIONS:
                centres, _r = self._stations(field, spec)
                self._move_focus(DIRECTIONS[event.key], centres, field)
            elif event.key in SELECT_KEYS and self._focus is not None:
                return self._visit(self._focus, spec)
        return None

    def events_for(
        self, response: Response, spec: TrailTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        _prompt_y, field = self._layout(rect, theme)
        centres, _r = self._stations(field, spec)
        return [
            pygame.event.Event(
                pygame.MOUSEBUTTONUP,
                pos=(round(centres[int(c)][0]), round(centres[int(c)][1])),
                button=1,
            )
            for c in response.answer["clicks"]
        ]

    def practice_hint(self, spec: TrailTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "timeout":
            return _("Keep a steady pace – this trail has a time limit.")
        if spec.alternate:
            return _("After a number comes a letter, then the next number: 1, A, 2, B and so on.")
        return _("Find the next number before you click.")
