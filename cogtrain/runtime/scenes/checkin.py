"""Check-in (dagsform): two calm one-tap questions at the start of a session.

Pictures rather than faces, so nothing looks like a judgement: a battery for how
rested, the weather for how stressed. Either question can be skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.scenes.layout import button_area, draw_footer_hint, draw_title, margins
from cogtrain.runtime.text import draw_line, draw_paragraph
from cogtrain.runtime.widgets import ACTIVATE_KEYS, Button, ButtonColumn
from cogtrain.training.checkin import RESTED_LABELS, STRESSED_LABELS

Icon = Callable[[pygame.Surface, pygame.Rect, th.Color], None]

SOFT_BLUE = (120, 160, 200)
SUN = (222, 170, 60)


def battery(level: int) -> Icon:
    def draw(surface: pygame.Surface, rect: pygame.Rect, color: th.Color) -> None:
        body = pygame.Rect(0, 0, rect.width * 0.46, rect.height * 0.78)
        body.center = (rect.centerx, rect.centery + rect.height * 0.05)
        w = max(3, rect.width // 28)
        cap = pygame.Rect(0, 0, body.width * 0.4, rect.height * 0.08)
        cap.midbottom = body.midtop
        pygame.draw.rect(surface, color, cap, border_radius=w)
        pygame.draw.rect(surface, color, body, width=w, border_radius=w * 2)
        inner = body.inflate(-w * 4, -w * 4)
        bar_h = (inner.height - 2 * w) // 3
        for i in range(level):
            bar = pygame.Rect(
                inner.left, inner.bottom - (i + 1) * bar_h - i * w, inner.width, bar_h
            )
            pygame.draw.rect(surface, color, bar, border_radius=w)

    return draw


def weather(kind: int) -> Icon:
    """1 = sun (calm), 2 = sun behind a cloud, 3 = a cloud with rain."""

    def cloud(surface: pygame.Surface, c: tuple[float, float], s: float, color: th.Color) -> None:
        cx, cy = c
        for dx, dy, r in ((-0.32, 0.05, 0.26), (0.0, -0.12, 0.34), (0.32, 0.05, 0.26)):
            pygame.draw.circle(surface, color, (cx + dx * s, cy + dy * s), r * s)
        pygame.draw.rect(
            surface,
            color,
            pygame.Rect(cx - 0.58 * s, cy, 1.16 * s, 0.3 * s),
            border_radius=int(0.15 * s),
        )

    def draw(surface: pygame.Surface, rect: pygame.Rect, color: th.Color) -> None:
        s = rect.width * 0.8
        cx, cy = rect.center
        if kind in (1, 2):
            sun_c = (cx, cy) if kind == 1 else (cx + s * 0.18, cy - s * 0.18)
            r = s * (0.24 if kind == 1 else 0.18)
            for i in range(8):
                v = pygame.math.Vector2(1, 0).rotate(i * 45)
                pygame.draw.line(
                    surface, SUN, sun_c + v * r * 1.35, sun_c + v * r * 1.8, max(3, int(s / 30))
                )
            pygame.draw.circle(surface, SUN, sun_c, r)
        if kind in (2, 3):
            cloud(surface, (cx - s * 0.05, cy + s * 0.02), s * 0.75, color)
        if kind == 3:
            for dx in (-0.22, 0.0, 0.22):
                x = cx + dx * s
                pygame.draw.line(
                    surface,
                    SOFT_BLUE,
                    (x, cy + s * 0.3),
                    (x - s * 0.05, cy + s * 0.44),
                    max(3, int(s / 28)),
                )

    return draw


class ChoiceCardsScene(Scene):
    """A question with a few big picture cards, answered by one tap (or skipped)."""

    pausable = True

    def __init__(
        self,
        title: Msg,
        question: Msg,
        options: Sequence[tuple[Msg, Icon]],
        on_choice: Callable[[int | None], None],
        make_pause: Callable[[], Scene],
    ) -> None:
        super().__init__()
        self.title = title
        self.question = question
        self.options = list(options)
        self.on_choice = on_choice
        self.make_pause = make_pause
        self.focus = len(self.options) // 2
        self.cards: list[pygame.Rect] = []
        self.skip = ButtonColumn([Button(_("Skip"), lambda: self.on_choice(None), primary=False)])
        self.skip_focused = False

    def pause_scene(self) -> Scene:
        return self.make_pause()

    def handle(self, ev: StampedEvent) -> None:
        e = ev.event
        n = len(self.options)
        if e.type == pygame.KEYDOWN:
            if e.key in ACTIVATE_KEYS:
                self.on_choice(None if self.skip_focused else self.focus + 1)
            elif e.key in (pygame.K_RIGHT, pygame.K_TAB):
                self.focus, self.skip_focused = (self.focus + 1) % n, False
            elif e.key == pygame.K_LEFT:
                self.focus, self.skip_focused = (self.focus - 1) % n, False
            elif e.key == pygame.K_DOWN:
                self.skip_focused = True
            elif e.key == pygame.K_UP:
                self.skip_focused = False
            elif pygame.K_1 <= e.key < pygame.K_1 + n:
                self.on_choice(e.key - pygame.K_1 + 1)
        elif e.type == pygame.MOUSEBUTTONUP:
            for i, r in enumerate(self.cards):
                if r.collidepoint(e.pos):
                    self.on_choice(i + 1)
                    return
            self.skip.handle(e)

    def draw(self, surface: pygame.Surface) -> None:
        assert self.app is not None
        theme = self.app.theme
        y = draw_title(surface, theme, self.title)
        area = margins(surface, theme)
        y = draw_paragraph(
            surface, theme, self.question, pygame.Rect(area.left, y, area.width, theme.px(60))
        )
        n = len(self.options)
        gap = theme.px(28)
        side = min(theme.px(240), (area.width - gap * (n - 1)) // n)
        x0 = area.centerx - (side * n + gap * (n - 1)) // 2
        top = y + theme.px(30)
        self.cards = []
        for i, (label, icon) in enumerate(self.options):
            card = pygame.Rect(x0 + i * (side + gap), top, side, side + theme.px(70))
            self.cards.append(card)
            pygame.draw.rect(surface, th.PANEL, card, border_radius=theme.px(18))
            pygame.draw.rect(
                surface, th.PANEL_BORDER, card, width=theme.px(2), border_radius=theme.px(18)
            )
            pic = pygame.Rect(card.left, card.top, side, side).inflate(-side // 4, -side // 4)
            icon(surface, pic, th.ACCENT)
            draw_line(surface, theme, label, center=(card.centerx, card.bottom - theme.px(40)))
            if i == self.focus and not self.skip_focused:
                pygame.draw.rect(
                    surface,
                    th.FOCUS,
                    card.inflate(theme.px(14), theme.px(14)),
                    width=theme.px(4),
                    border_radius=theme.px(24),
                )
        self.skip.layout(button_area(surface, theme), theme)
        self.skip.draw(surface, theme, show_focus=self.skip_focused)
        draw_footer_hint(
            surface,
            theme,
            _("Choose with a tap, or the keys {a} to {b}").format(a=number(1), b=number(n)),
        )


def rested_scene(
    on_choice: Callable[[int | None], None], make_pause: Callable[[], Scene]
) -> ChoiceCardsScene:
    return ChoiceCardsScene(
        _("How are you today?"),
        _("How rested do you feel?"),
        [(_(label), battery(i + 1)) for i, label in enumerate(RESTED_LABELS)],
        on_choice,
        make_pause,
    )


def stressed_scene(
    on_choice: Callable[[int | None], None], make_pause: Callable[[], Scene]
) -> ChoiceCardsScene:
    return ChoiceCardsScene(
        _("How are you today?"),
        _("How stressed do you feel?"),
        [(_(label), weather(i + 1)) for i, label in enumerate(STRESSED_LABELS)],
        on_choice,
        make_pause,
    )
