"""Match fast, drawn: the order's code and the parcel label's code side by side, two buttons.

Keys: F or the left arrow for "same", J or the right arrow for "different". Both
buttons can be clicked. The two codes are always drawn at the same size, chosen from
the code length so that the longest possible code of that length fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pygame

from cogtrain.i18n import Msg, _, data
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises.match_fast.rules import SEPARATOR, MatchTrial, change_code

SAME_KEYS = (pygame.K_f, pygame.K_LEFT)
DIFFERENT_KEYS = (pygame.K_j, pygame.K_RIGHT)
CODE_SIZE_MAX = 80  # reference px: big, but a long code must still fit its slip
# Headings, slips, a gap, buttons and key caps at full size (reference px, with spacing).
HEIGHTS_AT_REFERENCE = 44 + 170 + 96 + 60 + 60


@dataclass(frozen=True)
class _Layout:
    heading_y: int
    slips: tuple[pygame.Rect, pygame.Rect]
    buttons: tuple[pygame.Rect, pygame.Rect]
    caps_y: int
    cap_side: int


def draw_arrow(
    surface: pygame.Surface, center: tuple[int, int], size: int, direction: int, color: th.Color
) -> None:
    """A left (``direction`` -1) or right (+1) arrow in a square of side ``size``."""
    cx, cy = center
    h = size / 2
    shaft = size * 0.14
    head = size * 0.42
    d = direction
    pts = [
        (cx + d * h, cy),
        (cx + d * (h - head), cy - h * 0.8),
        (cx + d * (h - head), cy - shaft),
        (cx - d * h, cy - shaft),
        (cx - d * h, cy + shaft),
        (cx + d * (h - head), cy + shaft),
        (cx + d * (h - head), cy + h * 0.8),
    ]
    pygame.draw.polygon(surface, color, pts)


class MatchFastView(ExerciseView):
    """Two slips on top, the Same / Different buttons below, key caps under the buttons."""

    def __init__(self) -> None:
        self._code_sizes: dict[tuple[int, int, int, int], int] = {}

    def _layout(self, rect: pygame.Rect, theme: th.Theme) -> _Layout:
        """Headings, slips, buttons and key caps; everything shrinks together in a small
        rect (an instruction page's picture) so nothing overlaps."""
        k = min(1.0, rect.height / theme.px(HEIGHTS_AT_REFERENCE))
        heading_h = theme.px(44 * k)
        slip_h = theme.px(170 * k)
        button_h = theme.px(96 * k)
        caps_h = theme.px(60 * k)
        gap = theme.px(40)
        slip_w = min((rect.width - gap) // 2, theme.px(520))
        free = rect.height - heading_h - slip_h - button_h - caps_h
        top = rect.top + free // 3
        left = pygame.Rect(rect.centerx - gap // 2 - slip_w, top + heading_h, slip_w, slip_h)
        right = pygame.Rect(rect.centerx + gap // 2, top + heading_h, slip_w, slip_h)
        button_w = min(slip_w, theme.px(340))
        button_top = left.bottom + free // 3
        b_left = pygame.Rect(0, button_top, button_w, button_h)
        b_left.centerx = left.centerx
        b_right = pygame.Rect(0, button_top, button_w, button_h)
        b_right.centerx = right.centerx
        return _Layout(
            heading_y=top + heading_h // 2,
            slips=(left, right),
            buttons=(b_left, b_right),
            caps_y=b_left.bottom + caps_h // 2 + theme.px(4 * k),
            cap_side=theme.px(44 * k),
        )

    def _code_size(self, theme: th.Theme, length: int, slip: pygame.Rect) -> int:
        """The largest reference size at which any code of ``length`` fits the slip."""
        width, height = slip.width - theme.px(40), round(slip.height * 0.8)
        key = (theme.height, length, width, height)
        size = self._code_sizes.get(key)
        if size is None:
            n_letters = max(1, length // 2)
            widest = "W" * n_letters + SEPARATOR + "8" * (length - n_letters)
            size = CODE_SIZE_MAX
            while size > 12:
                w, h = theme.font(size, bold=True).size(widest)
                if w <= width and h <= height:
                    break
                size -= 2
            self._code_sizes[key] = size
        return size

    def _draw_slip(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        slip: pygame.Rect,
        heading: Msg,
        heading_y: int,
        code: str | None,
        code_size: int,
    ) -> None:
        draw_line(
            surface,
            theme,
            heading,
            size=th.SIZE_SMALL,
            color=th.MUTED,
            center=(slip.centerx, heading_y),
        )
        radius = theme.px(12)
        pygame.draw.rect(surface, th.PANEL, slip, border_radius=radius)
        pygame.draw.rect(surface, th.PANEL_BORDER, slip, width=theme.px(3), border_radius=radius)
        if code is not None:
            draw_line(surface, theme, data(code), size=code_size, bold=True, center=slip.center)

    def _draw_key_cap(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        center: tuple[int, int],
        side: int,
        letter: str | None,
        arrow: int,
    ) -> None:
        cap = pygame.Rect(0, 0, side, side)
        cap.center = center
        pygame.draw.rect(surface, th.PANEL, cap, border_radius=theme.px(8))
        pygame.draw.rect(
            surface, th.MUTED, cap, width=max(2, theme.px(2)), border_radius=theme.px(8)
        )
        if letter is not None:
            size = min(th.SIZE_SMALL, max(12, int(side * 0.6 / theme.scale)))
            draw_line(surface, theme, data(letter), size=size, bold=True, center=cap.center)
        else:
            draw_arrow(surface, cap.center, round(side * 0.55), arrow, th.TEXT)

    def _draw_buttons(self, surface: pygame.Surface, theme: th.Theme, layout: _Layout) -> None:
        radius = theme.px(14)
        labels = (_("Same"), _("Different"))
        caps = (("F", -1), ("J", 1))
        for button, label, (letter, arrow) in zip(layout.buttons, labels, caps, strict=True):
            pygame.draw.rect(surface, th.PANEL, button, border_radius=radius)
            pygame.draw.rect(surface, th.ACCENT, button, width=theme.px(3), border_radius=radius)
            draw_line(
                surface,
                theme,
                label,
                size=th.SIZE_BODY,
                bold=True,
                color=th.ACCENT,
                center=button.center,
            )
            side = layout.cap_side
            step = round(side * 0.7)
            left_cap, right_cap = (
                (button.centerx - step, layout.caps_y),
                (button.centerx + step, layout.caps_y),
            )
            self._draw_key_cap(surface, theme, left_cap, side, letter, arrow)
            self._draw_key_cap(surface, theme, right_cap, side, None, arrow)

    def _draw(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: MatchTrial,
        show: bool,
    ) -> None:
        layout = self._layout(rect, theme)
        left, right = layout.slips
        size = self._code_size(theme, len(spec.left) - 1, left)
        self._draw_slip(
            surface, theme, left, _("Order"), layout.heading_y, spec.left if show else None, size
        )
        self._draw_slip(
            surface,
            theme,
            right,
            _("Parcel label"),
            layout.heading_y,
            spec.right if show else None,
            size,
        )
        self._draw_buttons(surface, theme, layout)

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: MatchTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        self._draw(surface, rect, theme, spec, show_stimulus)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: MatchTrial,
        page: int,
    ) -> None:
        if page >= 2 and spec.same:
            # The last page talks about small differences: show one.
            base, changed = change_code(spec.left, "swap", np.random.default_rng(3))
            spec = replace(spec, left=base, right=changed, change="swap")
        self._draw(surface, rect, theme, spec, True)

    def response_from_event(
        self, event: pygame.event.Event, spec: MatchTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN:
            if event.key in SAME_KEYS:
                return Response(answer={"same": True, "via": "key"})
            if event.key in DIFFERENT_KEYS:
                return Response(answer={"same": False, "via": "key"})
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            same_button, different_button = self._layout(rect, theme).buttons
            if same_button.collidepoint(event.pos):
                return Response(answer={"same": True, "via": "click"})
            if different_button.collidepoint(event.pos):
                return Response(answer={"same": False, "via": "click"})
        return None

    def events_for(
        self, response: Response, spec: MatchTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        key = pygame.K_f if response.answer["same"] else pygame.K_j
        return [pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)]

    def practice_hint(self, spec: MatchTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "timeout":
            return _("Answer a little faster – there is a time limit.")
        if spec.same:
            return _("These two were the same: {code}.").format(code=data(spec.left))
        return _("Look closely: {left} and {right} are not the same.").format(
            left=data(spec.left), right=data(spec.right)
        )
