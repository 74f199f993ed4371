"""Two-channel watch, drawn: a covered goods-in belt with an alarm lamp on its right.

During the stream (``elapsed_ms`` below the stream's length) items cross the open middle
of the belt one after another and the lamp lights steadily while an alarm is on (no
flashing). Space (or a click on the alarm button or the lamp) answers the alarm: the
press is kept on the view as partial input, timed with the last runner-given
``elapsed_ms``, and the lamp goes out. When the belt has stopped, a row of number
buttons asks for the count; a digit key or a click on a number completes the response.

Input events made by :meth:`events_for` carry the stream time they stand for in a
``stream_ms`` attribute: the headless players post a whole response at once, so they
cannot press at the right moment the way a participant does.
"""

from __future__ import annotations

import dataclasses

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises._shared.stream_view import (
    draw_action_button,
    draw_belt,
    draw_covers,
    fit_size,
    space_press,
)
from exercises.two_channel_watch.rules import TARGET, TwoChannelTrial

ALARM_KEYS = (pygame.K_SPACE,)
DIGIT_KEYS: dict[int, int] = {getattr(pygame, f"K_{d}"): d for d in range(10)}
DIGIT_KEYS.update({getattr(pygame, f"K_KP{d}"): d for d in range(10)})

# Where an item is at its slot's start, as a share of its crossing: the first item is
# already on the belt when the stream begins.
LEAD = 0.35

WOOD = (168, 122, 72)
WOOD_DARK = (116, 80, 42)
CARDBOARD = (212, 178, 128)
CARDBOARD_EDGE = (140, 108, 66)
TAPE = (232, 210, 168)
BARREL = (52, 98, 170)
BARREL_BAND = (150, 178, 216)
SACK = (230, 218, 186)
SACK_EDGE = (128, 116, 90)
LAMP_OFF = (214, 218, 226)
LAMP_ON = (240, 178, 44)
LAMP_GLOW = (248, 222, 150)


def draw_item(surface: pygame.Surface, kind: str, midbottom: tuple[int, int], side: int) -> None:
    """One item standing on ``midbottom``, about ``side`` wide."""
    line = max(2, side // 40)
    if kind in ("crate", "box"):
        body = pygame.Rect(0, 0, side, round(side * 0.78))
        body.midbottom = midbottom
        if kind == "crate":
            pygame.draw.rect(surface, WOOD, body, border_radius=line)
            slat_gap = body.height // 3
            for k in (1, 2):
                y = body.top + k * slat_gap
                pygame.draw.line(surface, WOOD_DARK, (body.left, y), (body.right - 1, y), line * 2)
            post = max(4, side // 9)
            for x in (body.left, body.right - post):
                pygame.draw.rect(surface, WOOD_DARK, pygame.Rect(x, body.top, post, body.height))
            pygame.draw.rect(surface, th.TEXT, body, width=line, border_radius=line)
        else:
            pygame.draw.rect(surface, CARDBOARD, body, border_radius=line)
            tape = pygame.Rect(0, body.top, max(4, side // 6), body.height)
            tape.centerx = body.centerx
            pygame.draw.rect(surface, TAPE, tape)
            pygame.draw.rect(surface, CARDBOARD_EDGE, body, width=line, border_radius=line)
    elif kind == "barrel":
        body = pygame.Rect(0, 0, round(side * 0.7), round(side * 0.92))
        body.midbottom = midbottom
        radius = body.width // 4
        pygame.draw.rect(surface, BARREL, body, border_radius=radius)
        for frac in (0.25, 0.75):
            y = body.top + round(body.height * frac)
            pygame.draw.line(
                surface, BARREL_BAND, (body.left + line, y), (body.right - line, y), line * 3
            )
        pygame.draw.rect(surface, th.TEXT, body, width=line, border_radius=radius)
    elif kind == "sack":
        body = pygame.Rect(0, 0, round(side * 0.82), round(side * 0.72))
        body.midbottom = midbottom
        pygame.draw.ellipse(surface, SACK, body)
        pygame.draw.ellipse(surface, SACK_EDGE, body, width=line)
        neck = pygame.Rect(0, 0, round(side * 0.3), round(side * 0.24))
        neck.midbottom = (body.centerx, body.top + line * 3)
        pts = [
            neck.bottomleft,
            neck.bottomright,
            (neck.right + line * 2, neck.top),
            (neck.left - line * 2, neck.top),
        ]
        pygame.draw.polygon(surface, SACK, pts)
        pygame.draw.polygon(surface, SACK_EDGE, pts, width=line)
        tie = pygame.Rect(0, 0, neck.width, max(4, line * 3))
        tie.center = (neck.centerx, neck.bottom - line * 3)
        pygame.draw.rect(surface, SACK_EDGE, tie)
    else:
        raise ValueError(f"unknown item {kind!r}")


def draw_lamp(surface: pygame.Surface, center: tuple[int, int], radius: int, on: bool) -> None:
    """The alarm lamp: grey when off, a steady amber glow when on."""
    if on:
        pygame.draw.circle(surface, LAMP_GLOW, center, round(radius * 1.35))
    pygame.draw.circle(surface, LAMP_ON if on else LAMP_OFF, center, radius)
    pygame.draw.circle(surface, th.TEXT, center, radius, width=max(2, radius // 12))


@dataclasses.dataclass(frozen=True)
class _Layout:
    top_y: int
    belt_area: pygame.Rect
    opening: pygame.Rect
    belt: pygame.Rect
    item_side: int
    lamp: tuple[int, int]
    lamp_r: int
    alarm_button: pygame.Rect
    numbers: tuple[pygame.Rect, ...]
    question_y: int


class TwoChannelWatchView(ExerciseView):
    """The belt, the lamp and the alarm button; then the number row for the count."""

    def __init__(self) -> None:
        self._now: float = 0.0
        self._presses: list[float] = []

    def begin_trial(self, spec: TwoChannelTrial) -> None:
        self._now = 0.0
        self._presses = []

    # -- layout ----------------------------------------------------------------------

    def _layout(self, rect: pygame.Rect, theme: th.Theme, *, bare: bool = False) -> _Layout:
        top_h = 0 if bare else theme.px(64)
        button_h = 0 if bare else theme.px(80)
        gap = 0 if bare else theme.px(22)
        belt_area = pygame.Rect(
            rect.left,
            rect.top + top_h + gap,
            rect.width,
            rect.height - top_h - button_h - 2 * gap,
        )
        opening_w = min(round(rect.width * 0.5), round(belt_area.height * 1.7))
        opening = pygame.Rect(0, belt_area.top, opening_w, belt_area.height)
        opening.centerx = rect.centerx
        belt_h = max(theme.px(24), round(belt_area.height * 0.15))
        belt = pygame.Rect(rect.left, belt_area.bottom - belt_h, rect.width, belt_h)
        item_side = min(round((belt_area.height - belt_h) * 0.8), opening_w // 3)
        cover_w = opening.left - rect.left
        lamp_r = max(theme.px(16), min(theme.px(50), round(cover_w * 0.3), belt_area.height // 4))
        lamp = ((opening.right + rect.right) // 2, belt_area.top + round(belt_area.height * 0.42))
        button_w = min(theme.px(440), round(rect.width * 0.6))
        alarm_button = pygame.Rect(0, 0, button_w, button_h)
        alarm_button.midbottom = (rect.centerx, rect.bottom)
        n_gap = theme.px(12)
        n_side = min(theme.px(84), (rect.width - 9 * n_gap) // 10)
        total = 10 * n_side + 9 * n_gap
        # The question and the number row, centred together in the rect.
        question_h = theme.font(th.SIZE_TITLE, bold=True).get_linesize()
        block_h = question_h + theme.px(24) + n_side
        question_y = rect.centery - block_h // 2 + question_h // 2
        n_top = rect.centery + block_h // 2 - n_side
        numbers = tuple(
            pygame.Rect(rect.centerx - total // 2 + d * (n_side + n_gap), n_top, n_side, n_side)
            for d in range(10)
        )
        return _Layout(
            rect.top + top_h // 2,
            belt_area,
            opening,
            belt,
            item_side,
            lamp,
            lamp_r,
            alarm_button,
            numbers,
            question_y,
        )

    # -- drawing ---------------------------------------------------------------------

    def _item_x(self, lay: _Layout, spec: TwoChannelTrial, t: float) -> list[tuple[str, int]]:
        """The items in view at stream time ``t`` and their centre x."""
        o, s = lay.opening, lay.item_side
        out = []
        for i, kind in enumerate(spec.items):
            p = (t - i * spec.item_ms) / spec.item_ms + LEAD
            if 0.0 < p < 1.0:
                out.append((kind, round(o.left - s / 2 + p * (o.width + s))))
        return out

    def _draw_header(
        self, surface: pygame.Surface, theme: th.Theme, lay: _Layout, rect: pygame.Rect
    ) -> None:
        icon = theme.px(46)
        gap = theme.px(14)
        for text, x_mid, draw_icon in (
            (_("Count the crates"), rect.left + rect.width // 4, "crate"),
            (_("Alarm: press Space"), rect.left + 3 * rect.width // 4, "lamp"),
        ):
            surf = theme.render(text, fit_size(theme, text, rect.width // 2 - icon - 2 * gap))
            total = icon + gap + surf.get_width()
            x0 = x_mid - total // 2
            if draw_icon == "crate":
                draw_item(surface, TARGET, (x0 + icon // 2, lay.top_y + round(icon * 0.39)), icon)
            else:
                draw_lamp(surface, (x0 + icon // 2, lay.top_y), round(icon * 0.42), False)
            surface.blit(surf, surf.get_rect(midleft=(x0 + icon + gap, lay.top_y)))

    def _draw_belt(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        lay: _Layout,
        items: list[tuple[str, int]],
        lamp_on: bool,
    ) -> None:
        draw_belt(surface, theme, lay.belt)
        clip = surface.get_clip()
        surface.set_clip(lay.opening.clip(clip))
        for kind, x in items:
            draw_item(surface, kind, (x, lay.belt.top), lay.item_side)
        surface.set_clip(clip)
        draw_covers(surface, theme, lay.belt_area, lay.opening, lay.belt)
        draw_lamp(surface, lay.lamp, lay.lamp_r, lamp_on)

    def _draw_alarm_button(self, surface: pygame.Surface, theme: th.Theme, lay: _Layout) -> None:
        draw_action_button(surface, theme, lay.alarm_button, _("Alarm (Space)"))

    def _draw_question(
        self, surface: pygame.Surface, theme: th.Theme, lay: _Layout, cx: int
    ) -> None:
        draw_line(
            surface,
            theme,
            _("How many crates went past?"),
            size=th.SIZE_TITLE,
            bold=True,
            center=(cx, lay.question_y),
        )
        for d, r in enumerate(lay.numbers):
            pygame.draw.rect(surface, th.PANEL, r, border_radius=theme.px(12))
            pygame.draw.rect(surface, th.ACCENT, r, width=theme.px(3), border_radius=theme.px(12))
            draw_line(surface, theme, number(d), size=th.SIZE_TITLE, bold=True, center=r.center)

    def _lamp_on(self, spec: TwoChannelTrial, t: float, presses: list[float]) -> bool:
        alarm = spec.alarm_on(t)
        return alarm is not None and not any(spec.alarm_on(p) == alarm for p in presses)

    def _draw_at(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: TwoChannelTrial,
        t: float | None,
        presses: list[float],
    ) -> None:
        """The screen at stream time ``t`` (None: the belt before the stream starts)."""
        lay = self._layout(rect, theme)
        if t is not None and t >= spec.stream_ms:
            self._draw_question(surface, theme, lay, rect.centerx)
            return
        self._draw_header(surface, theme, lay, rect)
        items = [] if t is None else self._item_x(lay, spec, t)
        lamp = t is not None and self._lamp_on(spec, t, presses)
        self._draw_belt(surface, theme, lay, items, lamp)
        self._draw_alarm_button(surface, theme, lay)

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: TwoChannelTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        t = None
        if show_stimulus:
            t = 0.0 if elapsed_ms is None else elapsed_ms
            self._now = t
        self._draw_at(surface, rect, theme, spec, t, self._presses)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: TwoChannelTrial,
        page: int,
    ) -> None:
        if page == 0:
            # A crate in the middle of the open belt, nothing else.
            lay = self._layout(rect, theme, bare=True)
            self._draw_belt(surface, theme, lay, [(TARGET, lay.opening.centerx)], False)
        elif page == 1:
            lay = self._layout(rect, theme, bare=True)
            self._draw_belt(surface, theme, lay, [("barrel", lay.opening.centerx)], True)
        else:
            self._draw_at(surface, rect, theme, spec, spec.stream_ms, [])

    # -- input -----------------------------------------------------------------------

    def response_from_event(
        self, event: pygame.event.Event, spec: TwoChannelTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        t = float(getattr(event, "stream_ms", self._now))
        if t < spec.stream_ms:
            if self._is_alarm_press(event, rect, theme):
                self._presses.append(t)
            return None
        digit = None
        if event.type == pygame.KEYDOWN and event.key in DIGIT_KEYS:
            digit = DIGIT_KEYS[event.key]
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self._layout(rect, theme)
            for d, r in enumerate(lay.numbers):
                if r.collidepoint(event.pos):
                    digit = d
        if digit is None:
            return None
        return Response(answer={"count": digit, "presses_ms": list(self._presses)})

    def _is_alarm_press(
        self, event: pygame.event.Event, rect: pygame.Rect, theme: th.Theme
    ) -> bool:
        if event.type == pygame.KEYDOWN:
            return event.key in ALARM_KEYS
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self._layout(rect, theme)
            x, y = event.pos
            near_lamp = (x - lay.lamp[0]) ** 2 + (y - lay.lamp[1]) ** 2 <= (lay.lamp_r * 1.6) ** 2
            return near_lamp or lay.alarm_button.collidepoint(event.pos)
        return False

    def events_for(
        self, response: Response, spec: TwoChannelTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        events = [space_press(stream_ms=t) for t in response.answer.get("presses_ms", ())]
        digit = int(response.answer["count"])
        events.append(
            pygame.event.Event(
                pygame.KEYDOWN,
                key=getattr(pygame, f"K_{digit}"),
                mod=0,
                unicode=str(digit),
                scancode=0,
                stream_ms=spec.stream_ms,
            )
        )
        return events

    def practice_hint(self, spec: TwoChannelTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "wrong_count":
            return _("The right number was {n}. Count only the crates with planks.").format(
                n=number(spec.count)
            )
        if outcome.error_kind == "missed_alarm":
            return _("The lamp lit up. Press Space as soon as it lights, then keep counting.")
        return _("Press Space only while the alarm lamp is lit.")
