"""Order list, drawn: an order slip during the study phase, then a shelf to pick from.

During the study phase (``input_after_ms``) the slip shows the whole order, or one item
at a time, driven only by the runner-given ``elapsed_ms``. Then the slip is put away and
the shelf appears: a grid of numbered products. Pick with a click or the digit key; the
picks so far stay on the view (numbered on the shelf, or ticked where order does not
matter) and "Undo" (or Backspace) takes back the last one. The response is complete at
the last pick.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line, wrap
from cogtrain.training.exercise import Outcome, Response
from exercises._shared.sequence_input import (
    UNDO_KEYS,
    add_pick,
    click_events,
    control_row,
    draw_progress_dots,
    draw_undo_box,
)
from exercises.order_list.rules import ITEM_NAMES, OrderTrial

DIGIT_KEYS: dict[int, int] = {getattr(pygame, f"K_{d}"): d for d in range(1, 10)}
DIGIT_KEYS.update({getattr(pygame, f"K_KP{d}"): d for d in range(1, 10)})
# The last part of each item's time in "one at a time" mode is blank, so that two
# items never run into each other.
BLANK_MS = 300.0
COLUMNS = {4: 4, 5: 3, 6: 3, 7: 4, 8: 4, 9: 3}


def item_name(item: str) -> Msg:
    return _(ITEM_NAMES[item])


def draw_fitted(
    surface: pygame.Surface,
    theme: th.Theme,
    text: Msg,
    box: pygame.Rect,
    *,
    bold: bool = False,
    color: th.Color = th.TEXT,
    sizes: tuple[int, ...] = (th.SIZE_BODY, th.SIZE_SMALL),
) -> None:
    """Draw ``text`` centred in ``box`` at the largest size that fits (two lines at most)."""
    for size in sizes:
        if theme.font(size, bold=bold).size(str(text))[0] <= box.width:
            draw_line(surface, theme, text, size=size, bold=bold, color=color, center=box.center)
            return
    size = sizes[-1]
    lines = wrap(theme, text, box.width, size, bold=bold)[:2]
    line_h = theme.font(size, bold=bold).get_linesize()
    y = box.centery - line_h * (len(lines) - 1) // 2
    for line in lines:
        draw_line(surface, theme, line, size=size, bold=bold, color=color, center=(box.centerx, y))
        y += line_h


def draw_check(surface: pygame.Surface, center: tuple[int, int], r: int, color: th.Color) -> None:
    cx, cy = center
    pts = [(cx - r * 0.5, cy), (cx - r * 0.12, cy + r * 0.4), (cx + r * 0.55, cy - r * 0.4)]
    pygame.draw.lines(surface, color, False, pts, max(3, r // 4))


@dataclass(frozen=True)
class ShelfLayout:
    prompt_y: int
    dots_y: int
    undo: pygame.Rect
    tiles: list[pygame.Rect]


class OrderListView(ExerciseView):
    """The order slip, then the shelf with the picks so far."""

    def __init__(self) -> None:
        self.picks: list[str] = []

    def begin_trial(self, spec: OrderTrial) -> None:
        self.picks = []

    # -- layout ---------------------------------------------------------------------

    def _layout(self, rect: pygame.Rect, theme: th.Theme, n_tiles: int) -> ShelfLayout:
        prompt_y = rect.top + theme.px(22)
        dots_y, undo = control_row(rect, theme)
        gap = theme.px(14)
        cols = COLUMNS.get(n_tiles, 3)
        rows = -(-n_tiles // cols)
        area_top = undo.bottom + theme.px(24)
        area_h = rect.bottom - theme.px(10) - area_top  # room for the last shelf plank
        tile_h = min(theme.px(130), (area_h - gap * (rows - 1)) // rows)
        tile_w = min(theme.px(290), (rect.width - gap * (cols - 1)) // cols)
        total_w = cols * tile_w + (cols - 1) * gap
        total_h = rows * tile_h + (rows - 1) * gap
        x0 = rect.centerx - total_w // 2
        y0 = area_top + (area_h - total_h) // 2
        tiles = []
        for i in range(n_tiles):
            r, c = divmod(i, cols)
            tiles.append(
                pygame.Rect(x0 + c * (tile_w + gap), y0 + r * (tile_h + gap), tile_w, tile_h)
            )
        return ShelfLayout(prompt_y, dots_y, undo, tiles)

    # -- drawing ----------------------------------------------------------------------

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

    def _slip_rect(self, rect: pygame.Rect, theme: th.Theme, n_lines: int) -> pygame.Rect:
        line_h = theme.font(th.SIZE_BODY).get_linesize() + theme.px(8)
        h = min(rect.height - theme.px(70), theme.px(70) + n_lines * line_h + theme.px(24))
        w = min(rect.width, theme.px(520))
        slip = pygame.Rect(0, 0, w, h)
        slip.midtop = (rect.centerx, rect.top + theme.px(58))
        return slip

    def _draw_slip(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        slip: pygame.Rect,
    ) -> None:
        radius = theme.px(12)
        pygame.draw.rect(surface, th.PANEL, slip, border_radius=radius)
        pygame.draw.rect(surface, th.PANEL_BORDER, slip, width=theme.px(3), border_radius=radius)

    def _draw_study(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: OrderTrial,
        elapsed_ms: float,
    ) -> None:
        if spec.presentation == "list":
            self._draw_prompt(surface, rect, theme, _("Read the order and remember it"))
            self._draw_list_slip(surface, rect, theme, spec)
            return
        self._draw_prompt(surface, rect, theme, _("Remember the items, in order"))
        index = int(elapsed_ms // spec.item_ms)
        within = elapsed_ms - index * spec.item_ms
        card = self._card_rect(rect, theme)
        self._draw_slip(surface, theme, card)
        if index < spec.span and within < spec.item_ms - BLANK_MS:
            draw_fitted(
                surface,
                theme,
                item_name(spec.order[index]),
                card.inflate(-theme.px(30), -theme.px(60)),
                bold=True,
                sizes=(th.SIZE_TITLE, th.SIZE_BODY),
            )
        shown = min(index + 1, spec.span)
        draw_line(
            surface,
            theme,
            _("Item {n} of {total}").format(n=number(shown), total=number(spec.span)),
            size=th.SIZE_SMALL,
            color=th.MUTED,
            center=(rect.centerx, card.bottom + theme.px(34)),
        )

    def _card_rect(self, rect: pygame.Rect, theme: th.Theme) -> pygame.Rect:
        card = pygame.Rect(0, 0, min(rect.width, theme.px(480)), theme.px(190))
        card.center = (rect.centerx, rect.centery)
        return card

    def _draw_list_slip(
        self, surface: pygame.Surface, rect: pygame.Rect, theme: th.Theme, spec: OrderTrial
    ) -> None:
        slip = self._slip_rect(rect, theme, spec.span)
        self._draw_slip(surface, theme, slip)
        draw_line(
            surface,
            theme,
            _("Order"),
            size=th.SIZE_SMALL,
            bold=True,
            color=th.MUTED,
            center=(slip.centerx, slip.top + theme.px(32)),
        )
        pygame.draw.line(
            surface,
            th.PANEL_BORDER,
            (slip.left + theme.px(20), slip.top + theme.px(58)),
            (slip.right - theme.px(20), slip.top + theme.px(58)),
            theme.px(2),
        )
        line_h = theme.font(th.SIZE_BODY).get_linesize() + theme.px(8)
        y = slip.top + theme.px(70)
        for i, item in enumerate(spec.order):
            draw_line(
                surface,
                theme,
                number(i + 1),
                size=th.SIZE_BODY,
                color=th.MUTED,
                center=(slip.left + theme.px(50), y + line_h // 2),
            )
            draw_line(
                surface,
                theme,
                item_name(item),
                size=th.SIZE_BODY,
                bold=True,
                topleft=(
                    slip.left + theme.px(90),
                    y + (line_h - theme.font(th.SIZE_BODY).get_linesize()) // 2,
                ),
            )
            y += line_h

    def _draw_shelf(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: OrderTrial,
        picks: list[str],
    ) -> None:
        lay = self._layout(rect, theme, len(spec.shelf))
        prompt = (
            _("Pick the items in the same order")
            if spec.ordered
            else _("Pick the items on the order")
        )
        self._draw_prompt(surface, rect, theme, prompt)
        # How many picks so far: one dot per item on the order.
        draw_progress_dots(surface, theme, rect.centerx, lay.dots_y, spec.span, len(picks))
        # Undo: quiet until there is something to take back.
        undo_color = draw_undo_box(surface, theme, lay.undo, active=bool(picks))
        draw_fitted(
            surface,
            theme,
            _("Undo"),
            lay.undo.inflate(-theme.px(12), 0),
            bold=True,
            color=undo_color,
            sizes=(th.SIZE_BODY, th.SIZE_SMALL),
        )
        radius = theme.px(12)
        # A shelf plank under each row of products.
        for tile in lay.tiles:
            if tile.left == lay.tiles[0].left:
                row = [t for t in lay.tiles if t.top == tile.top]
                plank = pygame.Rect(
                    row[0].left - theme.px(10),
                    tile.bottom + theme.px(2),
                    row[-1].right - row[0].left + theme.px(20),
                    theme.px(6),
                ).clip(rect)  # a full-width shelf must not reach past the content rect
                pygame.draw.rect(surface, th.PANEL_BORDER, plank, border_radius=theme.px(3))
        for i, (item, tile) in enumerate(zip(spec.shelf, lay.tiles, strict=True)):
            picked = item in picks
            pygame.draw.rect(
                surface, th.BACKGROUND if picked else th.PANEL, tile, border_radius=radius
            )
            pygame.draw.rect(
                surface,
                th.ACCENT if picked else th.PANEL_BORDER,
                tile,
                width=theme.px(4 if picked else 2),
                border_radius=radius,
            )
            draw_line(
                surface,
                theme,
                number(i + 1),
                size=th.SIZE_SMALL,
                color=th.MUTED,
                topleft=(tile.left + theme.px(10), tile.top + theme.px(4)),
            )
            name_box = tile.inflate(-theme.px(24), -theme.px(20))
            name_box.top += theme.px(8)
            if picked:
                name_box.width -= theme.px(36)
            draw_fitted(surface, theme, item_name(item), name_box)
            if picked:
                badge = (tile.right - theme.px(24), tile.top + theme.px(24))
                pygame.draw.circle(surface, th.ACCENT, badge, theme.px(17))
                if spec.ordered:
                    draw_line(
                        surface,
                        theme,
                        number(picks.index(item) + 1),
                        size=th.SIZE_SMALL,
                        bold=True,
                        color=th.ACCENT_TEXT,
                        center=badge,
                    )
                else:
                    draw_check(surface, badge, theme.px(14), th.ACCENT_TEXT)

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: OrderTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        if not show_stimulus:
            # The calm pause between orders: an empty slip.
            if spec.presentation == "list":
                self._draw_slip(surface, theme, self._slip_rect(rect, theme, spec.span))
            else:
                self._draw_slip(surface, theme, self._card_rect(rect, theme))
            return
        if elapsed_ms is not None and elapsed_ms < spec.input_after_ms:
            self._draw_study(surface, rect, theme, spec, elapsed_ms)
        else:
            self._draw_shelf(surface, rect, theme, spec, self.picks)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: OrderTrial,
        page: int,
    ) -> None:
        if page == 0:
            slip = self._slip_rect(rect, theme, spec.span)
            shift = rect.centery - slip.centery
            self._draw_list_slip(surface, rect.move(0, shift), theme, spec)
        else:
            # The shelf with the first item already picked, as it looks mid-answer.
            self._draw_shelf(surface, rect, theme, spec, list(spec.order[:1]))

    # -- input --------------------------------------------------------------------------

    def _pick(self, item: str, spec: OrderTrial, via: str) -> Response | None:
        return add_pick(self.picks, item, spec.span, "picks", via)

    def response_from_event(
        self, event: pygame.event.Event, spec: OrderTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN:
            if event.key in UNDO_KEYS and self.picks:
                self.picks.pop()
            elif event.key in DIGIT_KEYS and DIGIT_KEYS[event.key] <= len(spec.shelf):
                return self._pick(spec.shelf[DIGIT_KEYS[event.key] - 1], spec, "key")
            return None
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self._layout(rect, theme, len(spec.shelf))
            if lay.undo.collidepoint(event.pos) and self.picks:
                self.picks.pop()
                return None
            for item, tile in zip(spec.shelf, lay.tiles, strict=True):
                if tile.collidepoint(event.pos):
                    return self._pick(item, spec, "click")
        return None

    def events_for(
        self, response: Response, spec: OrderTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        lay = self._layout(rect, theme, len(spec.shelf))
        return click_events(
            lay.tiles[spec.shelf.index(item)].center for item in response.answer["picks"]
        )

    def practice_hint(self, spec: OrderTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        items = ", ".join(str(item_name(i)) for i in spec.order)
        if outcome.error_kind == "wrong_order":
            return _("The right items – but the order was: {items}.").format(items=items)
        return _("The order was: {items}.").format(items=items)
