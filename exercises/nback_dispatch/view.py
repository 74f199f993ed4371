"""N-back dispatch, drawn: one parcel on the belt, and two answers: same or different.

Answer with F or the Left arrow ("Same"), J or the Right arrow ("Different"), or click
the buttons (the same keys as in Match fast). Between parcels the belt stands empty for a
moment, so that two parcels with the same label never run into each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from cogtrain import i18n
from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises.nback_dispatch.rules import DESTINATIONS, NBackTrial

SAME_KEYS = (pygame.K_LEFT, pygame.K_f)
OTHER_KEYS = (pygame.K_RIGHT, pygame.K_j)


@dataclass(frozen=True)
class DispatchLayout:
    prompt_y: int
    note_y: int
    parcel: pygame.Rect
    belt: pygame.Rect
    same: pygame.Rect
    other: pygame.Rect


def destination(label: str) -> Msg:
    return _(DESTINATIONS[label])


def question(n: int) -> Msg:
    if n == 1:
        return _("Same destination as the parcel before?")
    return _("Same destination as {n} parcels back?").format(n=number(n))


def draw_arrow(
    surface: pygame.Surface, center: tuple[int, int], size: int, color: th.Color, left: bool
) -> None:
    """A plain arrow, pointing left or right, in a square of side ``size``."""
    cx, cy = center
    d = -1 if left else 1
    tip = (cx + d * size * 0.5, cy)
    base_x = cx - d * size * 0.05
    pygame.draw.polygon(
        surface, color, [tip, (base_x, cy - size * 0.45), (base_x, cy + size * 0.45)]
    )
    thick = max(3, round(size * 0.3))
    tail_x = cx - d * size * 0.5
    pygame.draw.rect(
        surface,
        color,
        pygame.Rect(
            round(min(tail_x, base_x)), cy - thick // 2, round(abs(base_x - tail_x)) + 1, thick
        ),
    )


class NBackDispatchView(ExerciseView):
    """A parcel on a belt with its destination label; "same" and "different" below."""

    def __init__(self) -> None:
        self._label_sizes: dict[tuple, int] = {}

    def _layout(self, rect: pygame.Rect, theme: th.Theme, *, prompt: bool = True) -> DispatchLayout:
        prompt_y = rect.top + theme.px(22)
        note_y = rect.top + theme.px(62)
        btn_h = theme.px(76)
        gap = theme.px(40)
        btn_w = min(theme.px(360), (rect.width - gap) // 2)
        same = pygame.Rect(rect.centerx - gap // 2 - btn_w, rect.bottom - btn_h, btn_w, btn_h)
        other = pygame.Rect(rect.centerx + gap // 2, rect.bottom - btn_h, btn_w, btn_h)
        free_top = rect.top + (theme.px(90) if prompt else 0)
        free_bottom = same.top - theme.px(24)
        belt_h = theme.px(18)
        parcel_h = max(theme.px(40), min(theme.px(210), free_bottom - free_top - belt_h))
        parcel_w = min(rect.width, round(parcel_h * 1.8))
        parcel = pygame.Rect(0, 0, parcel_w, parcel_h)
        parcel.midbottom = (rect.centerx, free_bottom - belt_h)
        belt = pygame.Rect(0, 0, min(rect.width, parcel_w + theme.px(260)), belt_h)
        belt.midtop = (rect.centerx, parcel.bottom)
        return DispatchLayout(prompt_y, note_y, parcel, belt, same, other)

    def _draw_belt(self, surface: pygame.Surface, theme: th.Theme, lay: DispatchLayout) -> None:
        pygame.draw.rect(surface, th.PANEL_BORDER, lay.belt, border_radius=lay.belt.height // 2)
        r = max(2, lay.belt.height // 4)
        step = theme.px(40)
        for x in range(lay.belt.left + step // 2, lay.belt.right, step):
            pygame.draw.circle(surface, th.MUTED, (x, lay.belt.centery), r)

    def _draw_parcel(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        box: pygame.Rect,
        label: str,
        labels: tuple[str, ...] | None = None,
    ) -> None:
        """One parcel; its label is sized to fit the longest of ``labels`` (default: every
        destination there is)."""
        radius = theme.px(8)
        pygame.draw.rect(surface, th.PANEL, box, border_radius=radius)
        pygame.draw.rect(surface, th.MUTED, box, width=theme.px(3), border_radius=radius)
        # Packing tape down the left of the box, the address sticker on the right.
        tape = pygame.Rect(
            box.left + round(box.width * 0.09), box.top, round(box.width * 0.07), box.height
        )
        pygame.draw.rect(surface, th.PANEL_BORDER, tape)
        margin = round(box.width * 0.06)
        sticker = pygame.Rect(
            tape.right + margin,
            box.top + round(box.height * 0.2),
            box.right - margin - tape.right - margin,
            round(box.height * 0.6),
        )
        pygame.draw.rect(surface, th.BACKGROUND, sticker, border_radius=radius)
        pygame.draw.rect(surface, th.ACCENT, sticker, width=theme.px(3), border_radius=radius)
        size = self._label_size(theme, sticker, labels or tuple(DESTINATIONS))
        draw_line(surface, theme, destination(label), size=size, bold=True, center=sticker.center)

    def _label_size(self, theme: th.Theme, sticker: pygame.Rect, labels: tuple[str, ...]) -> int:
        """One text size for every destination on a sticker this big: the largest at which
        the longest name fits inside the sticker (width and height), so that the label
        never spills over its frame and does not jump in size from parcel to parcel."""
        key = (i18n.current_language(), theme.height, sticker.width, sticker.height, labels)
        size = self._label_sizes.get(key)
        if size is None:
            room_w = sticker.width - theme.px(16)
            room_h = sticker.height - theme.px(6)
            names = [str(destination(k)) for k in labels]
            size = th.SIZE_TITLE
            while size > 12:
                font = theme.font(size, bold=True)
                if all(font.size(n)[0] <= room_w for n in names) and font.get_height() <= room_h:
                    break
                size -= 2
            self._label_sizes[key] = size
        return size

    def _draw_buttons(self, surface: pygame.Surface, theme: th.Theme, lay: DispatchLayout) -> None:
        radius = theme.px(14)
        for box, text, left in ((lay.same, _("Same"), True), (lay.other, _("Different"), False)):
            pygame.draw.rect(surface, th.PANEL, box, border_radius=radius)
            pygame.draw.rect(surface, th.ACCENT, box, width=theme.px(3), border_radius=radius)
            arrow = theme.px(30)
            label = theme.render(text, th.SIZE_BODY, color=th.ACCENT, bold=True)
            total = arrow + theme.px(14) + label.get_width()
            x = box.centerx - total // 2
            if left:
                draw_arrow(surface, (x + arrow // 2, box.centery), arrow, th.ACCENT, True)
                surface.blit(label, label.get_rect(midleft=(x + arrow + theme.px(14), box.centery)))
            else:
                surface.blit(label, label.get_rect(midleft=(x, box.centery)))
                ax = x + label.get_width() + theme.px(14) + arrow // 2
                draw_arrow(surface, (ax, box.centery), arrow, th.ACCENT, False)

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: NBackTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        lay = self._layout(rect, theme)
        self._draw_belt(surface, theme, lay)
        self._draw_buttons(surface, theme, lay)
        if not show_stimulus:
            return
        if spec.is_start:
            draw_line(
                surface,
                theme,
                _("Nothing to compare with yet"),
                size=th.SIZE_BODY,
                color=th.MUTED,
                center=(rect.centerx, lay.prompt_y),
            )
            draw_line(
                surface,
                theme,
                _("Remember this parcel and press Different."),
                size=th.SIZE_SMALL,
                color=th.MUTED,
                center=(rect.centerx, lay.note_y),
            )
        else:
            draw_line(
                surface,
                theme,
                question(spec.n),
                size=th.SIZE_BODY,
                color=th.MUTED,
                center=(rect.centerx, lay.prompt_y),
            )
        self._draw_parcel(surface, theme, lay.parcel, spec.label)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: NBackTrial,
        page: int,
    ) -> None:
        lay = self._layout(rect, theme)
        if page == 0:
            # A short row of parcels on the belt, the newest on the right.
            labels = ("north", "harbour", "harbour")
            gap = theme.px(30)
            w = min(lay.parcel.width, (rect.width - 2 * gap - theme.px(60)) // 3)
            w = min(w, round(rect.height * 0.6 * 1.8))
            h = round(w / 1.8)
            x0 = rect.centerx - (3 * w + 2 * gap) // 2
            bottom = rect.centery + h // 2
            belt = pygame.Rect(
                x0 - theme.px(30), bottom, 3 * w + 2 * gap + theme.px(60), lay.belt.height
            )
            self._draw_belt(
                surface, theme, DispatchLayout(0, 0, lay.parcel, belt, lay.same, lay.other)
            )
            for i, label in enumerate(labels):
                box = pygame.Rect(x0 + i * (w + gap), bottom - h, w, h)
                self._draw_parcel(surface, theme, box, label, labels)
        else:
            # The parcel and the two answers; the question itself is in the page's text.
            pic = pygame.Rect(rect.left, rect.top, rect.width, rect.height - theme.px(24))
            lay = self._layout(pic, theme, prompt=False)
            self._draw_belt(surface, theme, lay)
            self._draw_buttons(surface, theme, lay)
            self._draw_parcel(surface, theme, lay.parcel, spec.label)

    def response_from_event(
        self, event: pygame.event.Event, spec: NBackTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN:
            if event.key in SAME_KEYS:
                return Response(answer={"same": True, "via": "key"})
            if event.key in OTHER_KEYS:
                return Response(answer={"same": False, "via": "key"})
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self._layout(rect, theme)
            if lay.same.collidepoint(event.pos):
                return Response(answer={"same": True, "via": "click"})
            if lay.other.collidepoint(event.pos):
                return Response(answer={"same": False, "via": "click"})
        return None

    def events_for(
        self, response: Response, spec: NBackTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        key = pygame.K_LEFT if response.answer["same"] else pygame.K_RIGHT
        return [pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)]

    def practice_hint(self, spec: NBackTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if spec.is_start:
            if spec.n == 1:
                return _("The first parcel has nothing before it: press Different.")
            return _("The first {n} parcels have nothing to compare with: press Different.").format(
                n=number(spec.n)
            )
        assert spec.compare_with is not None
        where = destination(spec.compare_with)
        if spec.n == 1:
            return _("The parcel before was going to {place}.").format(place=where)
        return _("The parcel {n} back was going to {place}.").format(n=number(spec.n), place=where)
