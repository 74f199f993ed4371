"""Conveyor watch, drawn: a covered conveyor belt with one open checkpoint in the middle.

A parcel rides out from under the left cover, crosses the checkpoint during ``pass_ms``
and slides away under the right cover; its position comes only from the runner-given
``elapsed_ms``. The participant stops a fragile parcel with Space (or Enter) or by
clicking the belt or the big button under it.
"""

from __future__ import annotations

import dataclasses
import math

import pygame

from cogtrain.i18n import Msg, _
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises._shared.stream_view import (
    COVER_EDGE,
    draw_action_button,
    draw_belt,
    draw_covers,
    fit_size,
    space_press,
)
from exercises.conveyor_watch.rules import LOOKALIKE_MARKS, TARGET_MARK, ConveyorTrial

PRESS_KEYS = (pygame.K_SPACE, pygame.K_RETURN, pygame.K_KP_ENTER)

# Cardboard and belt colours (no red anywhere; marks are drawn in the theme's text colour).
CARDBOARD = (207, 172, 122)
CARDBOARD_EDGE = (140, 108, 66)
TAPE = (226, 203, 160)
KEY_FACE = (232, 235, 240)
SLIDE_OUT_MS = 260.0
# The upper half of an ellipse, left to right (the umbrella's canopy).
_ARC = [math.pi + i * math.pi / 18 for i in range(19)]


def _pts(cx: float, cy: float, r: float, points: list[tuple[float, float]], flip: bool = False):
    s = -1.0 if flip else 1.0
    return [(cx + x * r, cy + s * y * r) for x, y in points]


def _glass_parts(flip: bool) -> list[list[tuple[float, float]]]:
    bowl = [(-0.5, -0.85), (0.5, -0.85), (0.46, -0.5), (0.34, -0.22), (0.14, -0.06)]
    bowl += [(-0.14, -0.06), (-0.34, -0.22), (-0.46, -0.5)]
    stem = [(-0.07, -0.1), (0.07, -0.1), (0.07, 0.72), (-0.07, 0.72)]
    foot = [(-0.42, 0.68), (0.42, 0.68), (0.42, 0.84), (-0.42, 0.84)]
    return [bowl, stem, foot]


def draw_mark(
    surface: pygame.Surface, name: str, center: tuple[int, int], size: int, color=th.TEXT
) -> None:
    """Draw one handling sticker's symbol in a square of side ``size`` around ``center``."""
    cx, cy = center
    r = size / 2
    w = max(3, round(size / 12))
    if name in ("glass", "glass_down"):
        for part in _glass_parts(False):
            pygame.draw.polygon(surface, color, _pts(cx, cy, r, part, flip=name == "glass_down"))
    elif name == "funnel":
        cone = [(-0.55, -0.85), (0.55, -0.85), (0.09, -0.05), (-0.09, -0.05)]
        spout = [(-0.08, -0.1), (0.08, -0.1), (0.06, 0.84), (-0.06, 0.84)]
        pygame.draw.polygon(surface, color, _pts(cx, cy, r, cone))
        pygame.draw.polygon(surface, color, _pts(cx, cy, r, spout))
    elif name == "mug":
        body = pygame.Rect(0, 0, round(r * 1.0), round(r * 1.4))
        body.center = (round(cx - r * 0.15), round(cy + r * 0.05))
        pygame.draw.rect(surface, color, body, border_radius=max(2, round(r * 0.12)))
        handle = pygame.Rect(0, 0, round(r * 0.62), round(r * 0.8))
        handle.center = (body.right, body.centery)
        pygame.draw.ellipse(surface, color, handle, width=w)
    elif name == "arrows":
        arrow = [(0, -0.85), (0.3, -0.45), (0.1, -0.45), (0.1, 0.5), (-0.1, 0.5), (-0.1, -0.45)]
        arrow += [(-0.3, -0.45)]
        for dx in (-0.38, 0.38):
            pygame.draw.polygon(surface, color, _pts(cx + dx * r, cy, r, arrow))
        bar = pygame.Rect(0, 0, round(r * 1.5), max(3, round(r * 0.14)))
        bar.center = (cx, round(cy + r * 0.72))
        pygame.draw.rect(surface, color, bar)
    elif name == "umbrella":
        top = cy - r * 0.25
        canopy = [(cx + math.cos(a) * r * 0.88, top + math.sin(a) * r * 0.66) for a in _ARC]
        pygame.draw.polygon(surface, color, canopy)
        pygame.draw.line(surface, color, (cx, top), (cx, cy + r * 0.62), w)
        hook = pygame.Rect(0, 0, round(r * 0.42), round(r * 0.4))
        hook.midtop = (round(cx - r * 0.21 + w / 2), round(cy + r * 0.42))
        pygame.draw.arc(surface, color, hook, math.pi, 2 * math.pi, w)
    elif name == "label":
        for k, length in enumerate((1.4, 1.1, 1.25)):
            line = pygame.Rect(0, 0, round(r * length), max(3, round(r * 0.16)))
            line.midleft = (round(cx - r * 0.7), round(cy - r * 0.5 + k * r * 0.5))
            pygame.draw.rect(surface, color, line, border_radius=2)
    else:
        raise ValueError(f"unknown sticker {name!r}")


def draw_parcel(surface: pygame.Surface, mark: str, center: tuple[int, int], side: int) -> None:
    """A cardboard parcel seen from the front with a white handling sticker."""
    body = pygame.Rect(0, 0, side, round(side * 0.82))
    body.midbottom = (center[0], center[1] + body.height // 2)
    radius = max(3, side // 24)
    pygame.draw.rect(surface, CARDBOARD, body, border_radius=radius)
    tape = pygame.Rect(0, body.top, max(4, side // 7), body.height)
    tape.centerx = body.centerx
    pygame.draw.rect(surface, TAPE, tape)
    pygame.draw.rect(surface, CARDBOARD_EDGE, body, width=max(2, side // 60), border_radius=radius)
    sticker = pygame.Rect(0, 0, round(side * 0.56), round(side * 0.56))
    sticker.center = body.center
    pygame.draw.rect(surface, th.PANEL, sticker, border_radius=max(3, side // 30))
    pygame.draw.rect(
        surface, th.TEXT, sticker, width=max(2, side // 70), border_radius=max(3, side // 30)
    )
    draw_mark(surface, mark, sticker.center, round(sticker.width * 0.78))


def draw_keycap(surface: pygame.Surface, theme: th.Theme, rect: pygame.Rect, label: Msg) -> None:
    """A keyboard key seen from the front (light, with a thick lower edge: not a button)."""
    radius = theme.px(12)
    edge = theme.px(8)
    pygame.draw.rect(surface, COVER_EDGE, rect, border_radius=radius)
    top = pygame.Rect(rect.left, rect.top, rect.width, rect.height - edge)
    pygame.draw.rect(surface, KEY_FACE, top, border_radius=radius)
    pygame.draw.rect(surface, th.TEXT, rect, width=theme.px(3), border_radius=radius)
    draw_line(surface, theme, label, size=th.SIZE_BODY, color=th.TEXT, center=top.center)


def draw_stop_button(surface: pygame.Surface, theme: th.Theme, rect: pygame.Rect) -> None:
    """The big button under the belt that stops a fragile parcel."""
    draw_action_button(surface, theme, rect, _("Fragile – stop it (Space)"))


@dataclasses.dataclass(frozen=True)
class _Layout:
    prompt_y: int
    belt_area: pygame.Rect  # where the parcel can be seen and clicked
    opening: pygame.Rect  # the open checkpoint between the two covers
    belt: pygame.Rect
    parcel_side: int
    button: pygame.Rect


class ConveyorWatchView(ExerciseView):
    """The checkpoint on the belt, a one-line reminder above and the stop button below."""

    def _layout(self, rect: pygame.Rect, theme: th.Theme, *, bare: bool = False) -> _Layout:
        """Where everything goes; ``bare`` gives the whole rect to the belt (a picture)."""
        prompt_h = 0 if bare else theme.px(64)
        button_h = 0 if bare else theme.px(80)
        gap = 0 if bare else theme.px(22)
        belt_area = pygame.Rect(
            rect.left,
            rect.top + prompt_h + gap,
            rect.width,
            rect.height - prompt_h - button_h - 2 * gap,
        )
        opening_w = min(round(rect.width * 0.5), round(belt_area.height * 1.6))
        opening = pygame.Rect(0, belt_area.top, opening_w, belt_area.height)
        opening.centerx = rect.centerx
        belt_h = max(theme.px(26), round(belt_area.height * 0.16))
        belt = pygame.Rect(rect.left, belt_area.bottom - belt_h, rect.width, belt_h)
        parcel_side = min(round((belt_area.height - belt_h) * 0.86), round(opening_w * 0.5))
        button_w = min(theme.px(520), round(rect.width * 0.7))
        button = pygame.Rect(0, 0, button_w, button_h)
        button.midbottom = (rect.centerx, rect.bottom)
        return _Layout(rect.top + prompt_h // 2, belt_area, opening, belt, parcel_side, button)

    # -- drawing ---------------------------------------------------------------------

    def _parcel_x(self, lay: _Layout, spec: ConveyorTrial, elapsed_ms: float | None) -> int | None:
        """The parcel's centre x at ``elapsed_ms`` (None: it has gone under the cover)."""
        o = lay.opening
        start = o.left + lay.parcel_side * 0.62
        end = o.right - lay.parcel_side * 0.62
        if elapsed_ms is None:
            return o.centerx
        if elapsed_ms <= spec.pass_ms:
            return round(start + (end - start) * max(0.0, elapsed_ms) / spec.pass_ms)
        out = (elapsed_ms - spec.pass_ms) / SLIDE_OUT_MS
        if out >= 1.0:
            return None
        return round(end + (o.right + lay.parcel_side - end) * out)

    def _draw_prompt(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout, cx: int) -> None:
        text = _("Stop only the parcels with this sticker:")
        icon = theme.px(58)
        gap = theme.px(16)
        size = fit_size(theme, text, lay.belt_area.width - icon - gap)
        surf = theme.render(text, size, color=th.TEXT)
        total = surf.get_width() + gap + icon
        x0 = cx - total // 2
        surface.blit(surf, surf.get_rect(midleft=(x0, lay.prompt_y)))
        sticker = pygame.Rect(0, 0, icon, icon)
        sticker.midleft = (x0 + surf.get_width() + gap, lay.prompt_y)
        pygame.draw.rect(surface, th.PANEL, sticker, border_radius=theme.px(6))
        pygame.draw.rect(surface, th.TEXT, sticker, width=theme.px(2), border_radius=theme.px(6))
        draw_mark(surface, TARGET_MARK, sticker.center, round(icon * 0.78))

    def _draw_belt(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout) -> None:
        draw_belt(surface, theme, lay.belt)

    def _draw_covers(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout) -> None:
        o = lay.opening
        top = draw_covers(surface, theme, lay.belt_area, o, lay.belt)
        # A calm frame around the checkpoint so the eye knows where to look.
        frame = o.inflate(theme.px(6), 0)
        frame.top = top
        frame.height = lay.belt.bottom - top
        pygame.draw.rect(surface, th.ACCENT, frame, width=theme.px(4), border_radius=theme.px(8))

    def _draw_button(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout) -> None:
        draw_stop_button(surface, theme, lay.button)

    def _draw_scene(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ConveyorTrial,
        parcel_x: int | None,
    ) -> None:
        lay = self._layout(rect, theme)
        self._draw_prompt(surface, theme, lay, rect.centerx)
        self._draw_belt(surface, theme, lay)
        if parcel_x is not None:
            center = (parcel_x, lay.belt.top - round(lay.parcel_side * 0.41))
            clip = surface.get_clip()
            surface.set_clip(lay.opening.clip(clip) if clip else lay.opening)
            draw_parcel(surface, spec.mark, center, lay.parcel_side)
            surface.set_clip(clip)
        self._draw_covers(surface, theme, lay)
        self._draw_button(surface, theme, lay)

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ConveyorTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        lay = self._layout(rect, theme)
        x = self._parcel_x(lay, spec, elapsed_ms) if show_stimulus else None
        self._draw_scene(surface, rect, theme, spec, x)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ConveyorTrial,
        page: int,
    ) -> None:
        fragile = dataclasses.replace(spec, mark=TARGET_MARK)
        if page == 0:
            # The belt with one fragile parcel in the checkpoint.
            lay = self._layout(rect, theme, bare=True)
            self._draw_belt(surface, theme, lay)
            center = (lay.opening.centerx, lay.belt.top - round(lay.parcel_side * 0.41))
            draw_parcel(surface, TARGET_MARK, center, lay.parcel_side)
            self._draw_covers(surface, theme, lay)
        elif page == 1:
            self._draw_press(surface, rect, theme, fragile)
        else:
            self._draw_stickers(surface, rect, theme)

    def _draw_press(
        self, surface: pygame.Surface, rect: pygame.Rect, theme: th.Theme, spec: ConveyorTrial
    ) -> None:
        """A fragile parcel, the Space key and the stop button: either one stops it."""
        side = min(round(rect.height * 0.8), round(rect.width * 0.3))
        gap = theme.px(60)
        col_w = min(rect.width - side - gap, theme.px(520))
        button_h = theme.px(72)
        key = pygame.Rect(0, 0, min(col_w, theme.px(260)), min(round(side * 0.45), theme.px(80)))
        inner_gap = theme.px(20)
        x0 = rect.centerx - (side + gap + col_w) // 2
        draw_parcel(surface, spec.mark, (x0 + side // 2, rect.centery), side)
        col_x = x0 + side + gap + col_w // 2
        top = rect.centery - (key.height + inner_gap + button_h) // 2
        key.midtop = (col_x, top)
        draw_keycap(surface, theme, key, _("Space"))
        button = pygame.Rect(0, 0, col_w, button_h)
        button.midtop = (col_x, key.bottom + inner_gap)
        draw_stop_button(surface, theme, button)

    def _draw_stickers(self, surface: pygame.Surface, rect: pygame.Rect, theme: th.Theme) -> None:
        """The fragile sticker, framed, next to the stickers that only look like it."""
        marks = (TARGET_MARK, *LOOKALIKE_MARKS)
        gap = theme.px(36)
        side = min(theme.px(150), (rect.width - gap * (len(marks) - 1)) // len(marks))
        side = min(side, round(rect.height * 0.6))
        total = side * len(marks) + gap * (len(marks) - 1)
        x = rect.centerx - total // 2
        for i, mark in enumerate(marks):
            card = pygame.Rect(x + i * (side + gap), 0, side, side)
            card.centery = rect.centery
            pygame.draw.rect(surface, th.PANEL, card, border_radius=theme.px(10))
            border = (th.ACCENT, theme.px(7)) if i == 0 else (th.PANEL_BORDER, theme.px(3))
            pygame.draw.rect(
                surface,
                border[0],
                card.inflate(theme.px(8), theme.px(8)) if i == 0 else card,
                width=border[1],
                border_radius=theme.px(10),
            )
            draw_mark(surface, mark, card.center, round(side * 0.7))

    # -- input -----------------------------------------------------------------------

    def response_from_event(
        self, event: pygame.event.Event, spec: ConveyorTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN and event.key in PRESS_KEYS:
            return Response(answer={"pressed": True, "via": "key"})
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self._layout(rect, theme)
            if lay.button.collidepoint(event.pos) or lay.belt_area.collidepoint(event.pos):
                return Response(answer={"pressed": True, "via": "click"})
        return None

    def events_for(
        self, response: Response, spec: ConveyorTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None or not response.answer.get("pressed"):
            return []
        return [space_press()]

    def practice_hint(self, spec: ConveyorTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "miss":
            return _("This parcel had the glass sticker. Press Space or click to stop it.")
        if spec.is_lookalike:
            return _("This sticker only looks like the glass. Let the parcel pass.")
        return _("This parcel was not fragile. Let it pass without pressing.")
