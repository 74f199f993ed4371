"""Symbol coding, drawn: a row of shelf labels (symbol over its code) and one symbol to code.

The participant answers with the digit keys (top row or number pad) or by clicking the
label in the key, so the exercise works without a keyboard too.
"""

from __future__ import annotations

import math

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises.symbol_coding.rules import SymbolCodingTrial

DIGIT_KEYS: dict[int, int] = {getattr(pygame, f"K_{d}"): d for d in range(1, 10)}
DIGIT_KEYS.update({getattr(pygame, f"K_KP{d}"): d for d in range(1, 10)})

SYMBOL_COLOR = th.TEXT


def _poly(
    surface: pygame.Surface,
    color: th.Color,
    cx: float,
    cy: float,
    r: float,
    points: list[tuple[float, float]],
) -> None:
    pygame.draw.polygon(surface, color, [(cx + x * r, cy + y * r) for x, y in points])


def draw_symbol(
    surface: pygame.Surface,
    name: str,
    center: tuple[int, int],
    size: int,
    color: th.Color = SYMBOL_COLOR,
) -> None:
    """Draw one named symbol in a square of side ``size`` around ``center``."""
    cx, cy = center
    r = size / 2
    w = max(3, round(size / 9))
    if name == "circle":
        pygame.draw.circle(surface, color, center, round(r * 0.8))
    elif name == "ring":
        pygame.draw.circle(surface, color, center, round(r * 0.8), width=w)
    elif name == "square":
        side = round(r * 1.5)
        pygame.draw.rect(surface, color, pygame.Rect(cx - side // 2, cy - side // 2, side, side))
    elif name == "square_open":
        side = round(r * 1.5)
        pygame.draw.rect(
            surface, color, pygame.Rect(cx - side // 2, cy - side // 2, side, side), width=w
        )
    elif name == "triangle":
        _poly(surface, color, cx, cy, r, [(0, -0.85), (0.85, 0.7), (-0.85, 0.7)])
    elif name == "triangle_down":
        _poly(surface, color, cx, cy, r, [(0, 0.85), (0.85, -0.7), (-0.85, -0.7)])
    elif name == "diamond":
        _poly(surface, color, cx, cy, r, [(0, -0.9), (0.7, 0), (0, 0.9), (-0.7, 0)])
    elif name == "cross":
        t = 0.28
        _poly(
            surface,
            color,
            cx,
            cy,
            r,
            [
                (-t, -0.85),
                (t, -0.85),
                (t, -t),
                (0.85, -t),
                (0.85, t),
                (t, t),
                (t, 0.85),
                (-t, 0.85),
                (-t, t),
                (-0.85, t),
                (-0.85, -t),
                (-t, -t),
            ],
        )
    elif name == "x_mark":
        for a in (45, 135):
            dx = math.cos(math.radians(a)) * r * 0.85
            dy = math.sin(math.radians(a)) * r * 0.85
            pygame.draw.line(surface, color, (cx - dx, cy - dy), (cx + dx, cy + dy), w * 2)
    elif name == "star":
        pts = []
        for i in range(10):
            ang = math.radians(-90 + i * 36)
            rad = 0.9 if i % 2 == 0 else 0.38
            pts.append((math.cos(ang) * rad, math.sin(ang) * rad))
        _poly(surface, color, cx, cy, r, pts)
    elif name == "hourglass":
        _poly(
            surface,
            color,
            cx,
            cy,
            r,
            [(-0.7, -0.8), (0.7, -0.8), (0, 0), (0.7, 0.8), (-0.7, 0.8), (0, 0)],
        )
    elif name == "bars":
        bar_h = max(3, round(r * 0.28))
        for k in (-1, 0, 1):
            y = cy + k * r * 0.6
            pygame.draw.rect(
                surface, color, pygame.Rect(cx - r * 0.8, y - bar_h / 2, r * 1.6, bar_h)
            )
    elif name == "arrow_up":
        _poly(
            surface,
            color,
            cx,
            cy,
            r,
            [
                (0, -0.9),
                (0.75, -0.1),
                (0.28, -0.1),
                (0.28, 0.85),
                (-0.28, 0.85),
                (-0.28, -0.1),
                (-0.75, -0.1),
            ],
        )
    else:
        raise ValueError(f"unknown symbol {name!r}")


class SymbolCodingView(ExerciseView):
    """Shelf labels along the top, the symbol to code in the middle."""

    def _layout(
        self, rect: pygame.Rect, theme: th.Theme, n: int
    ) -> tuple[list[pygame.Rect], pygame.Rect, int]:
        """Key cards, the target card and the prompt's y, all fitted inside ``rect``."""
        gap = theme.px(14)
        card_w = min(
            theme.px(104), (rect.width - gap * (n - 1)) // n, int(rect.height * 0.30 / 1.5)
        )
        card_h = round(card_w * 1.5)
        total = card_w * n + gap * (n - 1)
        x0 = rect.centerx - total // 2
        cards = [pygame.Rect(x0 + i * (card_w + gap), rect.top, card_w, card_h) for i in range(n)]
        prompt_h = theme.px(50)
        side = min(theme.px(230), int(rect.height * 0.40))
        free = max(0, rect.height - card_h - side - prompt_h)
        target = pygame.Rect(0, 0, side, side)
        target.midtop = (rect.centerx, rect.top + card_h + free // 2)
        prompt_y = target.bottom + free // 4 + prompt_h // 2
        return cards, target, prompt_y

    def _draw_key(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        key: tuple[str, ...],
        cards: list[pygame.Rect],
    ) -> None:
        radius = theme.px(10)
        for i, (name, card) in enumerate(zip(key, cards, strict=True)):
            pygame.draw.rect(surface, th.PANEL, card, border_radius=radius)
            pygame.draw.rect(
                surface, th.PANEL_BORDER, card, width=theme.px(2), border_radius=radius
            )
            sym = round(card.width * 0.62)
            draw_symbol(surface, name, (card.centerx, card.top + card.width // 2 + 4), sym)
            rule_y = card.top + card.width + 4
            pygame.draw.line(
                surface,
                th.PANEL_BORDER,
                (card.left + 8, rule_y),
                (card.right - 8, rule_y),
                theme.px(2),
            )
            digit = number(i + 1)
            digit_size = min(th.SIZE_TITLE, int((card.bottom - rule_y) * 0.85 / theme.scale))
            draw_line(
                surface,
                theme,
                digit,
                size=digit_size,
                bold=True,
                center=(card.centerx, (rule_y + card.bottom) // 2),
            )

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: SymbolCodingTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        cards, target, prompt_y = self._layout(rect, theme, len(spec.key))
        self._draw_key(surface, theme, spec.key, cards)
        pygame.draw.rect(surface, th.PANEL, target, border_radius=theme.px(18))
        pygame.draw.rect(
            surface, th.PANEL_BORDER, target, width=theme.px(3), border_radius=theme.px(18)
        )
        if show_stimulus:
            draw_symbol(surface, spec.target_symbol, target.center, round(target.width * 0.6))
        draw_line(
            surface,
            theme,
            _("Which code does this label have?"),
            size=th.SIZE_BODY,
            color=th.MUTED,
            center=(rect.centerx, prompt_y),
        )

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: SymbolCodingTrial,
        page: int,
    ) -> None:
        if page == 0:
            # First page: only the key, large, since that is all the page talks about.
            n = len(spec.key)
            big = pygame.Rect(rect.left, rect.top, rect.width, rect.height * 2)
            cards, _target, _y = self._layout(big, theme, n)
            offset = rect.centery - cards[0].centery
            self._draw_key(surface, theme, spec.key, [c.move(0, offset) for c in cards])
        else:
            self.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=None)

    def response_from_event(
        self, event: pygame.event.Event, spec: SymbolCodingTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN and event.key in DIGIT_KEYS:
            return Response(answer={"digit": DIGIT_KEYS[event.key], "via": "key"})
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            cards, _target, _y = self._layout(rect, theme, len(spec.key))
            for i, card in enumerate(cards):
                if card.collidepoint(event.pos):
                    return Response(answer={"digit": i + 1, "via": "click"})
        return None

    def events_for(
        self, response: Response, spec: SymbolCodingTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        digit = int(response.answer["digit"])
        return [
            pygame.event.Event(
                pygame.KEYDOWN,
                key=getattr(pygame, f"K_{digit}"),
                mod=0,
                unicode=str(digit),
                scancode=0,
            )
        ]

    def practice_hint(self, spec: SymbolCodingTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        return _("The code for this label is {digit}.").format(digit=number(spec.correct_digit))
