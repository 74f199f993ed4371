"""Drawing and input shared by the fast-stream views (``conveyor_watch``, ``go_stop``,
``two_channel_watch``): a covered conveyor belt, the big accent-coloured action button,
the label fitting they use, and the Space press a replay posts.
"""

from __future__ import annotations

from typing import Any

import pygame

from cogtrain.i18n import Msg
from cogtrain.runtime import theme as th
from cogtrain.runtime.text import draw_line

BELT = (96, 104, 118)
BELT_STRIPE = (128, 136, 150)
COVER = (206, 211, 220)
COVER_EDGE = (150, 158, 172)


def fit_size(theme: th.Theme, text: Msg, width: int, *, bold: bool = False) -> int:
    """The body size, or the small size when the text would not fit in ``width``."""
    if theme.font(th.SIZE_BODY, bold=bold).size(str(text))[0] <= width:
        return th.SIZE_BODY
    return th.SIZE_SMALL


def draw_action_button(
    surface: pygame.Surface, theme: th.Theme, rect: pygame.Rect, label: Msg
) -> None:
    """The big accent button under the scene, its label fitted to its width."""
    pygame.draw.rect(surface, th.ACCENT, rect, border_radius=theme.px(14))
    draw_line(
        surface,
        theme,
        label,
        size=fit_size(theme, label, rect.width - theme.px(24), bold=True),
        bold=True,
        color=th.ACCENT_TEXT,
        center=rect.center,
    )


def draw_belt(surface: pygame.Surface, theme: th.Theme, belt: pygame.Rect) -> None:
    """The moving belt: a grey band with evenly spaced cross stripes."""
    pygame.draw.rect(surface, BELT, belt, border_radius=theme.px(8))
    step = theme.px(46)
    for x in range(belt.left + step // 2, belt.right, step):
        pygame.draw.line(
            surface,
            BELT_STRIPE,
            (x, belt.top + theme.px(5)),
            (x, belt.bottom - theme.px(5)),
            theme.px(3),
        )


def draw_covers(
    surface: pygame.Surface,
    theme: th.Theme,
    area: pygame.Rect,
    opening: pygame.Rect,
    belt: pygame.Rect,
) -> int:
    """The covers left and right of the open ``opening``; returns their top y."""
    top = area.top + theme.px(4)
    for cover in (
        pygame.Rect(area.left, top, opening.left - area.left, belt.bottom - top),
        pygame.Rect(opening.right, top, area.right - opening.right, belt.bottom - top),
    ):
        pygame.draw.rect(surface, COVER, cover, border_radius=theme.px(14))
        pygame.draw.rect(surface, COVER_EDGE, cover, width=theme.px(3), border_radius=theme.px(14))
    return top


def space_press(**attrs: Any) -> pygame.event.Event:
    """A Space key press, as a replay posts it (extra event attributes in ``attrs``)."""
    return pygame.event.Event(
        pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=" ", scancode=0, **attrs
    )
