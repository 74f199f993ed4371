"""Reaction, drawn: the doors of a loading dock; a parcel appears in front of one of them.

The dock is empty during the runner's gap and, for ``foreperiod_ms`` after the trial
starts, during the wait the rules describe; then the parcel appears. Whether a press is
early is decided by what the participant saw: a press while the last frame drawn still
showed the empty dock is an anticipation (``early`` in the answer).

Keys (also shown on key caps under the doors): one door Space or Enter; two doors F J
(or ← →, 1 2); three doors F Space J (or ← ↓ →, 1 2 3); four doors D F J K (or 1–4).
Clicking a door (or, with one door, anywhere on the dock) works too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from cogtrain.i18n import Msg, _, data
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises.reaction.rules import ReactionTrial

SPACE = "space"
# Per number of doors: the key shown on each door's cap (a letter, or SPACE).
CAPS: dict[int, tuple[str, ...]] = {
    1: (SPACE,),
    2: ("F", "J"),
    3: ("F", SPACE, "J"),
    4: ("D", "F", "J", "K"),
}
_DIGITS = [(getattr(pygame, f"K_{d}"), getattr(pygame, f"K_KP{d}")) for d in range(1, 5)]


_NAMED = {SPACE: pygame.K_SPACE, "D": pygame.K_d, "F": pygame.K_f, "J": pygame.K_j, "K": pygame.K_k}


def cap_key(choices: int, door: int) -> int:
    """The key shown on the cap under ``door``."""
    return _NAMED[CAPS[choices][door]]


def _key_map(choices: int) -> dict[int, int]:
    keys: dict[int, int] = {cap_key(choices, door): door for door in range(choices)}
    for door in range(choices):
        for k in _DIGITS[door]:
            keys[k] = door
    if choices == 1:
        keys[pygame.K_RETURN] = 0
        keys[pygame.K_KP_ENTER] = 0
    elif choices == 2:
        keys[pygame.K_LEFT] = 0
        keys[pygame.K_RIGHT] = 1
    elif choices == 3:
        keys[pygame.K_LEFT] = 0
        keys[pygame.K_DOWN] = 1
        keys[pygame.K_RIGHT] = 2
    return keys


KEY_MAPS: dict[int, dict[int, int]] = {n: _key_map(n) for n in CAPS}


@dataclass(frozen=True)
class _Layout:
    prompt_y: int
    dock: pygame.Rect
    doors: tuple[pygame.Rect, ...]
    caps_y: int


class ReactionView(ExerciseView):
    """A row of dock doors under one line of prompt, key caps under the doors."""

    def __init__(self) -> None:
        self._seen = False

    def begin_trial(self, spec: ReactionTrial) -> None:
        self._seen = False

    def _layout(self, rect: pygame.Rect, theme: th.Theme, choices: int) -> _Layout:
        prompt_h = theme.px(56)
        caps_h = theme.px(66)
        gap = theme.px(36)
        door_h = min(theme.px(280), rect.height - prompt_h - caps_h - theme.px(20))
        door_w = min(
            theme.px(300 if choices == 1 else 210), (rect.width - gap * (choices - 1)) // choices
        )
        total = door_w * choices + gap * (choices - 1)
        free = rect.height - prompt_h - door_h - caps_h
        top = rect.top + prompt_h + free // 2
        x0 = rect.centerx - total // 2
        doors = tuple(
            pygame.Rect(x0 + i * (door_w + gap), top, door_w, door_h) for i in range(choices)
        )
        dock = pygame.Rect(rect.left, rect.top + prompt_h, rect.width, rect.height - prompt_h)
        return _Layout(
            prompt_y=rect.top + prompt_h // 2,
            dock=dock,
            doors=doors,
            caps_y=doors[0].bottom + caps_h // 2 + theme.px(4),
        )

    # -- drawing -------------------------------------------------------------------

    def _draw_door(self, surface: pygame.Surface, theme: th.Theme, door: pygame.Rect) -> None:
        radius = theme.px(10)
        pygame.draw.rect(surface, th.PANEL, door, border_radius=radius)
        slat = max(1, theme.px(2))
        step = max(theme.px(26), door.height // 9)
        for y in range(door.top + step, door.bottom - step // 2, step):
            pygame.draw.line(
                surface, th.PANEL_BORDER, (door.left + radius, y), (door.right - radius, y), slat
            )
        pygame.draw.rect(surface, th.MUTED, door, width=max(2, theme.px(3)), border_radius=radius)

    def _draw_parcel(self, surface: pygame.Surface, theme: th.Theme, door: pygame.Rect) -> None:
        """A closed cardboard box standing in front of the door: lid seam, tape, label."""
        w = min(round(door.width * 0.7), round(door.height * 0.62), theme.px(170))
        h = round(w * 0.78)
        box = pygame.Rect(0, 0, w, h)
        box.midbottom = (door.centerx, door.bottom - theme.px(12))
        pygame.draw.rect(surface, th.ACCENT, box, border_radius=max(2, theme.px(5)))
        light = th.ACCENT_TEXT
        seam_y = box.top + round(h * 0.3)
        line = max(2, theme.px(3))
        pygame.draw.line(
            surface, light, (box.left + line, seam_y), (box.right - line, seam_y), line
        )
        tape = max(4, w // 7)
        pygame.draw.rect(
            surface,
            light,
            pygame.Rect(box.centerx - tape // 2, box.top, tape, seam_y - box.top + tape),
        )
        label = pygame.Rect(0, 0, round(w * 0.3), round(h * 0.2))
        label.bottomright = (box.right - w // 10, box.bottom - h // 8)
        pygame.draw.rect(surface, light, label, border_radius=max(1, theme.px(3)))

    def _draw_cap(
        self, surface: pygame.Surface, theme: th.Theme, center: tuple[int, int], cap: str
    ) -> None:
        text = _("Space") if cap == SPACE else data(cap)
        surf = theme.render(text, th.SIZE_SMALL, bold=True)
        h = theme.px(46)
        box = pygame.Rect(0, 0, max(h, surf.get_width() + theme.px(24)), h)
        box.center = center
        pygame.draw.rect(surface, th.PANEL, box, border_radius=theme.px(8))
        pygame.draw.rect(
            surface, th.MUTED, box, width=max(2, theme.px(2)), border_radius=theme.px(8)
        )
        surface.blit(surf, surf.get_rect(center=box.center))

    def _draw(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ReactionTrial,
        parcel: bool,
    ) -> None:
        layout = self._layout(rect, theme, spec.choices)
        prompt = (
            _("Press as soon as the parcel comes")
            if spec.choices == 1
            else _("Press the key under the door where the parcel comes")
        )
        draw_line(
            surface,
            theme,
            prompt,
            size=th.SIZE_BODY,
            color=th.MUTED,
            center=(rect.centerx, layout.prompt_y),
        )
        for door, cap in zip(layout.doors, CAPS[spec.choices], strict=True):
            self._draw_door(surface, theme, door)
            self._draw_cap(surface, theme, (door.centerx, layout.caps_y), cap)
        if parcel:
            self._draw_parcel(surface, theme, layout.doors[spec.target])

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ReactionTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        parcel = show_stimulus and _parcel_due(spec, elapsed_ms)
        if parcel:
            self._seen = True
        self._draw(surface, rect, theme, spec, parcel)

    def marks_in_frame(self, spec: ReactionTrial, elapsed_ms: float | None) -> tuple[str, ...]:
        return ("target",) if _parcel_due(spec, elapsed_ms) else ()

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ReactionTrial,
        page: int,
    ) -> None:
        if page == 0:
            example = ReactionTrial(spec.level, 1, 0, 0.0, spec.window_ms)
            self._draw(surface, rect, theme, example, True)
        elif page == 1:
            example = ReactionTrial(spec.level, 1, 0, 0.0, spec.window_ms)
            self._draw(surface, rect, theme, example, False)
        else:
            choices = max(spec.choices, 3)
            example = ReactionTrial(spec.level, choices, 1, 0.0, spec.window_ms)
            self._draw(surface, rect, theme, example, True)

    # -- input ---------------------------------------------------------------------

    def _door_at(
        self, pos: tuple[int, int], spec: ReactionTrial, rect: pygame.Rect, theme: th.Theme
    ) -> int | None:
        layout = self._layout(rect, theme, spec.choices)
        if spec.choices == 1:
            return 0 if layout.dock.collidepoint(pos) else None
        for i, door in enumerate(layout.doors):
            column = pygame.Rect(door.left, layout.dock.top, door.width, layout.dock.height)
            if column.collidepoint(pos):
                return i
        return None

    def response_from_event(
        self, event: pygame.event.Event, spec: ReactionTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        door: int | None = None
        via = "key"
        if event.type == pygame.KEYDOWN:
            door = KEY_MAPS[spec.choices].get(event.key)
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            door = self._door_at(event.pos, spec, rect, theme)
            via = "click"
        if door is None:
            return None
        return Response(answer={"choice": door, "early": not self._seen, "via": via})

    def events_for(
        self, response: Response, spec: ReactionTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        """Key presses for the answer. They take effect when they arrive: a scripted
        player that sends them before the parcel is drawn makes an anticipation."""
        if response.answer is None:
            return []
        key = cap_key(spec.choices, int(response.answer["choice"]))
        return [pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)]

    def practice_hint(self, spec: ReactionTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "anticipation":
            return _("Wait until you see the parcel, then press.")
        if outcome.error_kind == "wrong_door":
            return _("Press the key under the door where the parcel is.")
        return _("Press as soon as you see the parcel.")


def _parcel_due(spec: ReactionTrial, elapsed_ms: float | None) -> bool:
    """Whether the parcel is at its door ``elapsed_ms`` after onset (None: the onset)."""
    return (elapsed_ms or 0.0) >= spec.foreperiod_ms
