"""Sequence-recall input shared by views: picks made one by one, undo, progress dots.

Used where the participant reproduces a sequence by picking its items in turn
(``order_list``, ``position_span``). The picks so far stay on the view as a plain list;
these helpers add a pick and build the complete ``Response`` at the last one, lay out
and draw the row above the board (one dot per item to pick, the "Undo" box), and make
the click events a recorded answer stands for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pygame

from cogtrain.runtime import theme as th
from cogtrain.training.exercise import Response

UNDO_KEYS = (pygame.K_BACKSPACE, pygame.K_DELETE)


def add_pick(picks: list[Any], item: Any, span: int, key: str, via: str) -> Response | None:
    """Add ``item`` to ``picks`` (once only); the ``Response`` when ``span`` are made.

    The answer is ``{key: picks, "via": via}``, ``via`` being how the last pick was made.
    """
    if item in picks:
        return None
    picks.append(item)
    if len(picks) < span:
        return None
    return Response(answer={key: list(picks), "via": via})


def control_row(rect: pygame.Rect, theme: th.Theme) -> tuple[int, pygame.Rect]:
    """The row under the prompt: the progress dots' centre y and the "Undo" box."""
    row_h = theme.px(56)
    row_top = rect.top + theme.px(52)
    undo_w = min(theme.px(200), rect.width // 4)
    undo = pygame.Rect(rect.right - undo_w, row_top, undo_w, row_h)
    return row_top + row_h // 2, undo


def draw_progress_dots(
    surface: pygame.Surface, theme: th.Theme, center_x: int, y: int, total: int, done: int
) -> None:
    """One dot per item to pick, centred on ``center_x``: filled for those picked."""
    r = theme.px(11)
    gap = theme.px(34)
    x0 = center_x - (total - 1) * gap // 2
    for i in range(total):
        center = (x0 + i * gap, y)
        if i < done:
            pygame.draw.circle(surface, th.ACCENT, center, r)
        else:
            pygame.draw.circle(surface, th.MUTED, center, r, width=max(2, theme.px(3)))


def draw_undo_box(
    surface: pygame.Surface, theme: th.Theme, box: pygame.Rect, *, active: bool
) -> th.Color:
    """The "Undo" box, quiet until there is something to take back; the label's colour."""
    radius = theme.px(12)
    pygame.draw.rect(surface, th.PANEL, box, border_radius=radius)
    pygame.draw.rect(
        surface,
        th.ACCENT if active else th.PANEL_BORDER,
        box,
        width=theme.px(3),
        border_radius=radius,
    )
    return th.ACCENT if active else th.MUTED


def click_events(positions: Iterable[tuple[int, int]]) -> list[pygame.event.Event]:
    """A left click (button down, then up) at each position, in order."""
    events = []
    for pos in positions:
        events.append(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        events.append(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    return events
