"""Position span, drawn: a shelf of bins that light up one by one, then take taps.

The lit bin is computed from the runner-given ``elapsed_ms`` only. Taps are partial
input kept on the view (numbered in the bins as they are made); the response is complete
at the last tap. Mouse or touch: tap the bins. Keyboard: the arrow keys move a frame
between the bins and Space or Enter taps. "Undo" (or Backspace) takes back the last tap.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises._shared.sequence_input import (
    UNDO_KEYS,
    add_pick,
    click_events,
    control_row,
    draw_progress_dots,
    draw_undo_box,
)
from exercises.position_span.rules import SpanTrial

TAP_KEYS = (pygame.K_SPACE, pygame.K_RETURN, pygame.K_KP_ENTER)
MOVES = {
    pygame.K_LEFT: (0, -1),
    pygame.K_RIGHT: (0, 1),
    pygame.K_UP: (-1, 0),
    pygame.K_DOWN: (1, 0),
}


@dataclass(frozen=True)
class BoardLayout:
    dots_y: int
    undo: pygame.Rect
    frame: pygame.Rect
    bins: list[pygame.Rect]


class PositionSpanView(ExerciseView):
    """A pick-to-light shelf: the lit sequence, then the taps so far."""

    def __init__(self) -> None:
        self.taps: list[int] = []
        self.focus: int | None = None  # keyboard frame; shown once an arrow key is used

    def begin_trial(self, spec: SpanTrial) -> None:
        self.taps = []
        self.focus = None

    # -- layout ---------------------------------------------------------------------

    def _bins(self, frame: pygame.Rect, theme: th.Theme, grid: int) -> list[pygame.Rect]:
        pad = theme.px(14)
        gap = theme.px(12)
        cell = (frame.width - 2 * pad - (grid - 1) * gap) // grid
        bins = []
        for i in range(grid * grid):
            r, c = divmod(i, grid)
            x = frame.left + pad + c * (cell + gap)
            bins.append(pygame.Rect(x, frame.top + pad + r * (cell + gap), cell, cell))
        return bins

    def _layout(self, rect: pygame.Rect, theme: th.Theme, grid: int) -> BoardLayout:
        dots_y, undo = control_row(rect, theme)
        top = undo.bottom + theme.px(20)
        side = min(rect.bottom - top, rect.width)
        frame = pygame.Rect(0, 0, side, side)
        frame.midtop = (rect.centerx, top)
        return BoardLayout(dots_y, undo, frame, self._bins(frame, theme, grid))

    # -- drawing ----------------------------------------------------------------------

    def _draw_board(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        lay: BoardLayout,
        *,
        lit: dict[int, Msg | None],
        tapped: list[int],
        focus: int | None,
    ) -> None:
        """``lit`` maps bins to draw lit to an optional number shown in them."""
        radius = theme.px(10)
        pygame.draw.rect(surface, th.PANEL_BORDER, lay.frame, border_radius=theme.px(14))
        for i, b in enumerate(lay.bins):
            if i in lit:
                pygame.draw.rect(surface, th.ACCENT, b, border_radius=radius)
                label = lit[i]
                if label is not None:
                    draw_line(
                        surface,
                        theme,
                        label,
                        size=th.SIZE_BODY,
                        bold=True,
                        color=th.ACCENT_TEXT,
                        center=b.center,
                    )
                continue
            pygame.draw.rect(surface, th.PANEL, b, border_radius=radius)
            if i in tapped:
                pygame.draw.rect(surface, th.ACCENT, b, width=theme.px(5), border_radius=radius)
                draw_line(
                    surface,
                    theme,
                    number(tapped.index(i) + 1),
                    size=th.SIZE_BODY,
                    bold=True,
                    color=th.ACCENT,
                    center=b.center,
                )
        if focus is not None:
            ring = lay.bins[focus].inflate(theme.px(10), theme.px(10))
            pygame.draw.rect(surface, th.FOCUS, ring, width=theme.px(4), border_radius=radius + 4)

    def _draw_prompt(
        self, surface: pygame.Surface, rect: pygame.Rect, theme: th.Theme, text: Msg
    ) -> None:
        draw_line(
            surface,
            theme,
            text,
            size=th.SIZE_BODY,
            color=th.MUTED,
            center=(rect.centerx, rect.top + theme.px(22)),
        )

    def _draw_controls(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        lay: BoardLayout,
        span: int,
        n_taps: int,
    ) -> None:
        draw_progress_dots(surface, theme, rect.centerx, lay.dots_y, span, n_taps)
        undo_color = draw_undo_box(surface, theme, lay.undo, active=n_taps > 0)
        label = _("Undo")
        fits = theme.font(th.SIZE_BODY, bold=True).size(label)[0] <= lay.undo.width - theme.px(16)
        draw_line(
            surface,
            theme,
            label,
            size=th.SIZE_BODY if fits else th.SIZE_SMALL,
            bold=True,
            color=undo_color,
            center=lay.undo.center,
        )

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: SpanTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        lay = self._layout(rect, theme, spec.grid)
        if not show_stimulus:
            self._draw_board(surface, theme, lay, lit={}, tapped=[], focus=None)
            return
        if elapsed_ms is not None and elapsed_ms < spec.input_after_ms:
            prompt = (
                _("Watch the lights – you will tap them backwards")
                if spec.backwards
                else _("Watch the lights")
            )
            self._draw_prompt(surface, rect, theme, prompt)
            lit = spec.lit_at(elapsed_ms)
            self._draw_board(
                surface,
                theme,
                lay,
                lit={} if lit is None else {lit: None},
                tapped=[],
                focus=None,
            )
            return
        prompt = (
            _("Tap them backwards: the last one first")
            if spec.backwards
            else _("Tap the same bins in the same order")
        )
        self._draw_prompt(surface, rect, theme, prompt)
        self._draw_controls(surface, rect, theme, lay, spec.span, len(self.taps))
        self._draw_board(surface, theme, lay, lit={}, tapped=self.taps, focus=self.focus)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: SpanTrial,
        page: int,
    ) -> None:
        # Just the board, as large as the picture allows.
        side = min(rect.width, rect.height) - theme.px(12)
        frame = pygame.Rect(0, 0, side, side)
        frame.center = rect.center
        lay = BoardLayout(0, pygame.Rect(0, 0, 0, 0), frame, self._bins(frame, theme, spec.grid))
        if page == 0:
            # The whole lit sequence at once, numbered: "this is the order to remember".
            lit = {c: number(i + 1) for i, c in enumerate(spec.sequence)}
            self._draw_board(surface, theme, lay, lit=lit, tapped=[], focus=None)
        else:
            # Taps numbered in the order they are made: the same order on page 2, the
            # reversed order on page 3 (backwards).
            taps = list(spec.sequence) if page == 1 else list(reversed(spec.sequence))
            self._draw_board(surface, theme, lay, lit={}, tapped=taps, focus=None)

    # -- input --------------------------------------------------------------------------

    def _tap(self, cell: int, spec: SpanTrial, via: str) -> Response | None:
        return add_pick(self.taps, cell, spec.span, "taps", via)

    def response_from_event(
        self, event: pygame.event.Event, spec: SpanTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN:
            if event.key in UNDO_KEYS and self.taps:
                self.taps.pop()
            elif event.key in MOVES:
                if self.focus is None:
                    self.focus = 0
                else:
                    r, c = divmod(self.focus, spec.grid)
                    dr, dc = MOVES[event.key]
                    r = min(max(r + dr, 0), spec.grid - 1)
                    c = min(max(c + dc, 0), spec.grid - 1)
                    self.focus = r * spec.grid + c
            elif event.key in TAP_KEYS and self.focus is not None:
                return self._tap(self.focus, spec, "key")
            return None
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self._layout(rect, theme, spec.grid)
            if lay.undo.collidepoint(event.pos) and self.taps:
                self.taps.pop()
                return None
            for i, b in enumerate(lay.bins):
                if b.collidepoint(event.pos):
                    self.focus = None
                    return self._tap(i, spec, "click")
        return None

    def events_for(
        self, response: Response, spec: SpanTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        lay = self._layout(rect, theme, spec.grid)
        return click_events(lay.bins[int(cell)].center for cell in response.answer["taps"])

    def practice_hint(self, spec: SpanTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "not_reversed":
            return _("You tapped them forwards. Here, start with the bin that lit up last.")
        if spec.backwards:
            return _("Watch the lights, then tap them starting with the last one.")
        return _("Watch the lights, then tap the bins in the order they lit up.")
