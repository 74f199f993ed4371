"""Shelf search, drawn: the wanted item on a card at the left, the shop shelf at the right.

Answer by clicking the item on the shelf, or with the keys: Y or J ("it is there") and N
("it is not there"); two big buttons under the shelf do the same by mouse.
"""

from __future__ import annotations

import dataclasses

import pygame

from cogtrain.i18n import Msg, _
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line, draw_paragraph, wrap
from cogtrain.training.exercise import Outcome, Response
from exercises.shelf_search.goods import HEIGHT_SHARE, centred_box, draw_product
from exercises.shelf_search.rules import COLOURS, LABELS, Product, ShelfTrial

YES_KEYS = (pygame.K_y, pygame.K_j)
NO_KEYS = (pygame.K_n,)

SHELF_BACK = (236, 232, 222)
PLANK = (186, 150, 102)
PLANK_EDGE = (132, 100, 60)


def _fit(theme: th.Theme, text: Msg, width: int, *, bold: bool = False) -> int:
    """The body size, or the small size when the text would not fit in ``width``."""
    if theme.font(th.SIZE_BODY, bold=bold).size(str(text))[0] <= width:
        return th.SIZE_BODY
    return th.SIZE_SMALL


@dataclasses.dataclass(frozen=True)
class _Layout:
    prompt: pygame.Rect
    card: pygame.Rect
    shelf: pygame.Rect
    cells: tuple[pygame.Rect, ...]  # one per slot, row-major
    plank_h: int
    yes: pygame.Rect
    no: pygame.Rect


def _product(surface: pygame.Surface, p: Product, box: pygame.Rect) -> pygame.Rect:
    return draw_product(surface, p.kind, p.colour, p.label, box)


class ShelfSearchView(ExerciseView):
    """The card to look for, the shelf, and the two answer buttons."""

    def _layout(
        self, rect: pygame.Rect, theme: th.Theme, rows: int, cols: int, *, bare: bool = False
    ) -> _Layout:
        gap = theme.px(24)
        button_h = 0 if bare else theme.px(72)
        main_h = rect.height - (0 if bare else button_h + gap)
        side_w = min(theme.px(200), round(rect.width * 0.2))
        lines = len(wrap(theme, _("Find this item:"), side_w, th.SIZE_BODY))
        line_h = theme.font(th.SIZE_BODY).get_linesize()
        prompt = pygame.Rect(rect.left, rect.top, side_w, lines * line_h)
        card_side = min(side_w, main_h - prompt.height - theme.px(10))
        card = pygame.Rect(0, 0, card_side, card_side)
        card.midtop = (prompt.centerx, prompt.bottom + theme.px(10))
        shelf = pygame.Rect(rect.left + side_w + gap, rect.top, rect.width - side_w - gap, main_h)
        pad = theme.px(10)
        inner = shelf.inflate(-2 * pad, -2 * pad)
        row_h = inner.height // rows
        col_w = inner.width // cols
        cells = tuple(
            pygame.Rect(inner.left + c * col_w, inner.top + r * row_h, col_w, row_h)
            for r in range(rows)
            for c in range(cols)
        )
        plank_h = max(theme.px(8), row_h // 11)
        button_w = min(theme.px(400), (shelf.width - gap) // 2)
        yes = pygame.Rect(0, rect.bottom - button_h, button_w, button_h)
        no = yes.copy()
        yes.right = shelf.centerx - gap // 2
        no.left = shelf.centerx + gap // 2
        return _Layout(prompt, card, shelf, cells, plank_h, yes, no)

    def _item_box(self, lay: _Layout, cell: pygame.Rect) -> pygame.Rect:
        """Where a product stands in its cell: on the plank, with air above and beside it."""
        h = round((cell.height - lay.plank_h) * 0.84)
        w = min(round(cell.width * 0.92), round(h * 0.95))
        box = pygame.Rect(0, 0, w, h)
        box.midbottom = (cell.centerx, cell.bottom - lay.plank_h)
        return box

    # -- drawing ---------------------------------------------------------------------

    def _draw_card(
        self, surface: pygame.Surface, theme: th.Theme, lay: _Layout, target: Product
    ) -> None:
        draw_paragraph(
            surface, theme, _("Find this item:"), lay.prompt, size=th.SIZE_BODY, line_gap=1.0
        )
        radius = theme.px(14)
        pygame.draw.rect(surface, th.PANEL, lay.card, border_radius=radius)
        pygame.draw.rect(surface, th.ACCENT, lay.card, width=theme.px(4), border_radius=radius)
        _product(surface, target, self._card_box(lay, target.kind))

    def _card_box(self, lay: _Layout, kind: str) -> pygame.Rect:
        """The wanted item's box on the card: the shelf's box shape, scaled up to fit.

        Products are drawn in proportion to their box, so the card must use the same
        width-to-height ratio as a place on the shelf, or a narrow bottle on a crowded
        shelf would look like a different (wider) bottle on the card.
        """
        shelf_box = self._item_box(lay, lay.cells[0])
        side = lay.card.width * 0.8
        k = side / max(shelf_box.width, shelf_box.height, 1)
        box = pygame.Rect(0, 0, round(shelf_box.width * k), round(shelf_box.height * k))
        cx, cy = lay.card.center
        box.midbottom = (cx, round(cy + box.height * HEIGHT_SHARE[kind] / 2))
        return box

    def _draw_shelf(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        lay: _Layout,
        spec: ShelfTrial,
        show_items: bool,
        ring: int | None = None,
    ) -> None:
        pygame.draw.rect(surface, SHELF_BACK, lay.shelf, border_radius=theme.px(10))
        pygame.draw.rect(
            surface, PLANK_EDGE, lay.shelf, width=theme.px(3), border_radius=theme.px(10)
        )
        for r in range(spec.rows):
            cell = lay.cells[r * spec.cols]
            plank = pygame.Rect(
                lay.shelf.left + theme.px(3),
                cell.bottom - lay.plank_h,
                lay.shelf.width - theme.px(6),
                lay.plank_h,
            )
            pygame.draw.rect(surface, PLANK, plank)
            pygame.draw.line(surface, PLANK_EDGE, plank.bottomleft, plank.bottomright, theme.px(2))
        if not show_items:
            return
        for i, (slot, product) in enumerate(zip(spec.slots, spec.items, strict=True)):
            box = self._item_box(lay, lay.cells[slot])
            outline = _product(surface, product, box)
            if ring == i:
                pygame.draw.rect(
                    surface,
                    th.ACCENT,
                    outline.inflate(theme.px(18), theme.px(18)),
                    width=theme.px(5),
                    border_radius=theme.px(12),
                )

    def _draw_buttons(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout) -> None:
        labels = ((lay.yes, _("It is there (Y)")), (lay.no, _("Not there (N)")))
        size = min(_fit(theme, label, r.width - theme.px(24), bold=True) for r, label in labels)
        for rect, label in labels:
            pygame.draw.rect(surface, th.ACCENT, rect, border_radius=theme.px(14))
            draw_line(
                surface,
                theme,
                label,
                size=size,
                bold=True,
                color=th.ACCENT_TEXT,
                center=rect.center,
            )

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ShelfTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        lay = self._layout(rect, theme, spec.rows, spec.cols)
        if show_stimulus:
            self._draw_card(surface, theme, lay, spec.target)
        self._draw_shelf(surface, theme, lay, spec, show_stimulus)
        self._draw_buttons(surface, theme, lay)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ShelfTrial,
        page: int,
    ) -> None:
        if page >= 2:
            self._draw_lookalikes(surface, rect, theme, spec.target)
            return
        lay = self._layout(rect, theme, spec.rows, spec.cols, bare=True)
        ring = None
        if page == 1:
            if not spec.present:  # the picture needs the item on the shelf
                items = (spec.target, *spec.items[1:])
                spec = dataclasses.replace(spec, items=items, target_index=0)
            ring = spec.target_index
        self._draw_card(surface, theme, lay, spec.target)
        self._draw_shelf(surface, theme, lay, spec, True, ring=ring)

    def _draw_lookalikes(
        self, surface: pygame.Surface, rect: pygame.Rect, theme: th.Theme, target: Product
    ) -> None:
        """The wanted item (framed) beside items that differ from it in one feature only."""
        other_labels = [lb for lb in LABELS if lb != target.label]
        other_colour = next(c for c in COLOURS if c != target.colour)
        alike = (
            Product(target.kind, target.colour, other_labels[0]),
            Product(target.kind, other_colour, target.label),
            Product(target.kind, target.colour, other_labels[1]),
        )
        products = (target, *alike)
        gap = theme.px(34)
        side = min(theme.px(170), (rect.width - gap * 3) // 4, round(rect.height * 0.8))
        total = side * 4 + gap * 3
        for i, product in enumerate(products):
            card = pygame.Rect(rect.centerx - total // 2 + i * (side + gap), 0, side, side)
            card.centery = rect.centery
            pygame.draw.rect(surface, th.PANEL, card, border_radius=theme.px(12))
            colour, width = (th.ACCENT, theme.px(6)) if i == 0 else (th.PANEL_BORDER, theme.px(3))
            pygame.draw.rect(surface, colour, card, width=width, border_radius=theme.px(12))
            _product(surface, product, centred_box(product.kind, card.center, round(side * 0.75)))

    # -- input -----------------------------------------------------------------------

    def response_from_event(
        self, event: pygame.event.Event, spec: ShelfTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN:
            if event.key in YES_KEYS:
                return Response(answer={"present": True, "item": None, "via": "key"})
            if event.key in NO_KEYS:
                return Response(answer={"present": False, "via": "key"})
            return None
        if event.type != pygame.MOUSEBUTTONUP or getattr(event, "button", 1) != 1:
            return None
        lay = self._layout(rect, theme, spec.rows, spec.cols)
        if lay.yes.collidepoint(event.pos):
            return Response(answer={"present": True, "item": None, "via": "button"})
        if lay.no.collidepoint(event.pos):
            return Response(answer={"present": False, "via": "button"})
        for i, slot in enumerate(spec.slots):
            if lay.cells[slot].collidepoint(event.pos):
                return Response(answer={"present": True, "item": i, "via": "click"})
        return None

    def events_for(
        self, response: Response, spec: ShelfTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        if not response.answer.get("present"):
            key = pygame.K_n
        elif response.answer.get("item") is None:
            key = pygame.K_y
        else:
            lay = self._layout(rect, theme, spec.rows, spec.cols)
            cell = lay.cells[spec.slots[int(response.answer["item"])]]
            return [pygame.event.Event(pygame.MOUSEBUTTONUP, pos=cell.center, button=1)]
        return [pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)]

    def practice_hint(self, spec: ShelfTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "miss":
            return _("It was on the shelf. Look along one shelf at a time, left to right.")
        if outcome.error_kind in ("wrong_item", "false_alarm"):
            return _(
                "That item looks alike, but it is not the same. Check shape, colour and label."
            )
        return _("Take one shelf at a time, from left to right.")
