"""Sorting rules, drawn: four pallet labels along the top, the new parcel below them.

The participant answers by clicking a pallet (anywhere on its label or number) or with
the keys 1 to 4. Goods are drawn in four colours without red, and every colour comes
with its own shape, so colour is never the only cue.
"""

from __future__ import annotations

import math

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises.sorting_rules.rules import N_PILES, SortingTrial, pile_values

PILE_KEYS: dict[int, int] = {getattr(pygame, f"K_{d}"): d - 1 for d in range(1, N_PILES + 1)}
PILE_KEYS.update({getattr(pygame, f"K_KP{d}"): d - 1 for d in range(1, N_PILES + 1)})

GOODS_COLORS: tuple[th.Color, ...] = ((0, 104, 170), (232, 163, 23), (0, 135, 95), (118, 78, 160))
SHAPES: tuple[str, ...] = ("circle", "triangle", "square", "star")
# Where 1..4 items sit on a label, as fractions of the label's item area.
ITEM_SPOTS: tuple[tuple[tuple[float, float], ...], ...] = (
    ((0.5, 0.5),),
    ((0.27, 0.5), (0.73, 0.5)),
    ((0.5, 0.27), (0.27, 0.73), (0.73, 0.73)),
    ((0.27, 0.27), (0.73, 0.27), (0.27, 0.73), (0.73, 0.73)),
)


def _rule_text(rule: str) -> Msg:
    if rule == "colour":
        return _("Sort by colour")
    if rule == "shape":
        return _("Sort by shape")
    return _("Sort by number of items")


def _dim_word(dim: str) -> Msg:
    if dim == "colour":
        return _("colour")
    if dim == "shape":
        return _("shape")
    return _("number")


def _hint_text(rule: str) -> Msg:
    if rule == "colour":
        return _("Here the rule was colour: the pallet with the same colour was right.")
    if rule == "shape":
        return _("Here the rule was shape: the pallet with the same shape was right.")
    return _("Here the rule was the number of items: the pallet with as many items was right.")


def draw_item(
    surface: pygame.Surface, shape: str, color: th.Color, center: tuple[float, float], r: float
) -> None:
    cx, cy = center
    outline = max(2, round(r / 9))
    if shape == "circle":
        pygame.draw.circle(surface, color, (cx, cy), r * 0.92)
        pygame.draw.circle(surface, th.TEXT, (cx, cy), r * 0.92, width=outline)
        return
    if shape == "triangle":
        pts = [(cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)]
    elif shape == "square":
        s = r * 0.82
        pts = [(cx - s, cy - s), (cx + s, cy - s), (cx + s, cy + s), (cx - s, cy + s)]
    else:
        pts = []
        for i in range(10):
            ang = math.radians(-90 + i * 36)
            rad = r if i % 2 == 0 else r * 0.45
            pts.append((cx + math.cos(ang) * rad, cy + math.sin(ang) * rad))
    pygame.draw.polygon(surface, color, pts)
    pygame.draw.polygon(surface, th.TEXT, pts, width=outline)


def draw_label(
    surface: pygame.Surface,
    theme: th.Theme,
    rect: pygame.Rect,
    values: tuple[int, int, int],
    *,
    border: th.Color = th.PANEL_BORDER,
    single: bool = False,
) -> None:
    """One label: ``values`` = (colour, shape, count index) drawn as goods on a card.

    ``single``: the number of items is not in play, so the one item is drawn larger.
    """
    radius = theme.px(14)
    pygame.draw.rect(surface, th.PANEL, rect, border_radius=radius)
    pygame.draw.rect(surface, border, rect, width=theme.px(3), border_radius=radius)
    colour, shape, count_idx = values
    area = rect.inflate(-rect.width * 0.12, -rect.height * 0.12)
    r = min(area.width, area.height) * (0.3 if single else 0.2)
    for fx, fy in ITEM_SPOTS[count_idx]:
        center = (area.left + fx * area.width, area.top + fy * area.height)
        draw_item(surface, SHAPES[shape], GOODS_COLORS[colour], center, r)


class _Layout:
    def __init__(self, rect: pygame.Rect, theme: th.Theme) -> None:
        gap = theme.px(26)
        num_h = theme.px(44)
        # The prompt line gets air above and below, so it does not crowd the pallet
        # numbers over it or the parcel under it.
        prompt_h = theme.px(84)
        free_h = rect.height - 2 * num_h - prompt_h
        side = int(min((rect.width - gap * (N_PILES - 1)) / N_PILES, free_h / 2 * 0.96))
        side = max(side, theme.px(60))
        total = side * N_PILES + gap * (N_PILES - 1)
        x0 = rect.centerx - total // 2
        self.piles = [
            pygame.Rect(x0 + i * (side + gap), rect.top, side, side) for i in range(N_PILES)
        ]
        self.numbers_y = rect.top + side + num_h // 2
        # The whole column of a pallet (label and number) answers a click.
        self.targets = [p.inflate(gap, 0).union(p.move(0, num_h)) for p in self.piles]
        rest_top = rect.top + side + num_h
        self.prompt_y = rest_top + prompt_h // 2
        self.card = pygame.Rect(0, 0, side, side)
        self.card.midtop = (rect.centerx, rest_top + prompt_h)
        # Centre the whole picture vertically in what is left over.
        shift = max(0, (rect.bottom - self.card.bottom) // 2)
        self.piles = [p.move(0, shift) for p in self.piles]
        self.targets = [t.move(0, shift) for t in self.targets]
        self.numbers_y += shift
        self.prompt_y += shift
        self.card.move_ip(0, shift)
        if self.card.bottom > rect.bottom:
            self.card.bottom = rect.bottom


class SortingRulesView(ExerciseView):
    def __init__(self) -> None:
        self._key: tuple | None = None
        self._layout: _Layout | None = None

    def layout(self, rect: pygame.Rect, theme: th.Theme) -> _Layout:
        key = (tuple(rect), theme.height)
        if key != self._key or self._layout is None:
            self._layout = _Layout(rect, theme)
            self._key = key
        return self._layout

    def _draw(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: SortingTrial,
        *,
        show_card: bool,
        prompt: Msg | None,
    ) -> _Layout:
        lay = self.layout(rect, theme)
        single = "count" not in spec.dims
        for i, pile in enumerate(lay.piles):
            draw_label(surface, theme, pile, pile_values(i, spec.dims), single=single)
            draw_line(
                surface,
                theme,
                number(i + 1),
                size=th.SIZE_BODY,
                bold=True,
                center=(pile.centerx, lay.numbers_y),
            )
        if prompt is not None:
            draw_line(
                surface,
                theme,
                prompt,
                size=th.SIZE_BODY,
                bold=spec.rule_shown or spec.shows_change,
                color=th.ACCENT if spec.shows_change else th.TEXT,
                center=(rect.centerx, lay.prompt_y),
            )
        if show_card:
            draw_label(surface, theme, lay.card, spec.card, border=th.TEXT, single=single)
        else:
            pygame.draw.rect(
                surface, th.PANEL_BORDER, lay.card, width=theme.px(2), border_radius=theme.px(14)
            )
        return lay

    @staticmethod
    def _prompt(spec: SortingTrial) -> Msg:
        if spec.rule_shown:
            return _rule_text(spec.rule)
        if spec.shows_change:
            return _("The rule has changed – find the new one.")
        return _("Which pallet does this parcel go on?")

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: SortingTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        self._draw(
            surface,
            rect,
            theme,
            spec,
            show_card=show_stimulus,
            prompt=self._prompt(spec) if show_stimulus else None,
        )

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: SortingTrial,
        page: int,
    ) -> None:
        lay = self._draw(surface, rect, theme, spec, show_card=True, prompt=None)
        if page != 1:
            return
        # Show the ways the parcel could match: a tag under each matching pallet.
        placed: dict[int, int] = {}
        for dim in spec.dims:
            p = spec.pile_by(dim)
            k = placed.get(p, 0)
            placed[p] = k + 1
            pile = lay.piles[p]
            tag = theme.render(_dim_word(dim), th.SIZE_SMALL, color=th.ACCENT_TEXT, bold=True)
            box = tag.get_rect().inflate(theme.px(16), theme.px(6))
            box.midtop = (pile.centerx, lay.numbers_y + theme.px(24) + k * (box.height + 2))
            pygame.draw.line(
                surface, th.ACCENT, (lay.card.centerx, lay.card.top), box.midbottom, theme.px(4)
            )
            pygame.draw.rect(surface, th.ACCENT, box, border_radius=theme.px(8))
            surface.blit(tag, tag.get_rect(center=box.center))

    def response_from_event(
        self, event: pygame.event.Event, spec: SortingTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN and event.key in PILE_KEYS:
            return Response(answer={"pile": PILE_KEYS[event.key], "via": "key"})
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            for i, target in enumerate(self.layout(rect, theme).targets):
                if target.collidepoint(event.pos):
                    return Response(answer={"pile": i, "via": "click"})
        return None

    def events_for(
        self, response: Response, spec: SortingTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        pile = int(response.answer["pile"])
        target = self.layout(rect, theme).targets[pile]
        return [pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=target.center)]

    def practice_hint(self, spec: SortingTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        return _hint_text(spec.rule)
