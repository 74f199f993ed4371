"""Tower planner, drawn: the participant's three stacks on the left, the order on the right.

Moving a crate is two steps: choose a stack (its top crate is lifted and outlined), then
choose where it goes. Stacks are chosen by clicking anywhere in their column or with the
keys 1, 2 and 3; choosing the lifted stack again puts the crate back. Moves that are not
possible (an empty stack, a full one) are simply ignored.
"""

from __future__ import annotations

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line, draw_paragraph
from cogtrain.training.exercise import Outcome, Response
from exercises.tower_planner.rules import (
    N_STACKS,
    Move,
    State,
    TowerTrial,
    apply_move,
    shortest_moves,
)

STACK_KEYS: dict[int, int] = {getattr(pygame, f"K_{d}"): d - 1 for d in range(1, N_STACKS + 1)}
STACK_KEYS.update({getattr(pygame, f"K_KP{d}"): d - 1 for d in range(1, N_STACKS + 1)})

# Crate colours (no red), each with a symbol so that colour is never the only cue.
CRATE_COLORS: tuple[th.Color, ...] = ((0, 104, 170), (232, 163, 23), (0, 135, 95), (118, 78, 160))
SYMBOL_COLORS: tuple[th.Color, ...] = (th.PANEL, th.TEXT, th.PANEL, th.PANEL)
SLOT_FILL: th.Color = (236, 238, 242)
FLOOR: th.Color = (110, 118, 132)


class _Layout:
    """Where everything goes for one rect: computed once per trial and window size."""

    def __init__(self, rect: pygame.Rect, theme: th.Theme, spec: TowerTrial) -> None:
        self.status_y = rect.top + theme.px(20)
        top = rect.top + theme.px(56)
        gap = theme.px(40)
        now_w = int((rect.width - gap) * 0.60)
        self.now = pygame.Rect(rect.left, top, now_w, rect.bottom - top)
        edge = theme.px(10)
        self.goal = pygame.Rect(
            self.now.right + gap, top, rect.right - edge - self.now.right - gap, 0
        )
        self.max_room = max(spec.room)
        head = theme.px(44)
        label = theme.px(50)
        # Now board: heading, a lift row above the racks, the racks, stack numbers.
        now_body_h = self.now.height - head - label
        col_w = self.now.width // N_STACKS
        self.crate = int(min(now_body_h / (self.max_room + 1.25), col_w * 0.72))
        self.columns = [
            pygame.Rect(self.now.left + i * col_w, self.now.top, col_w, self.now.height)
            for i in range(N_STACKS)
        ]
        self.now_head_y = self.now.top + head // 2
        self.lift_top = self.now.top + head
        self.now_floor = self.now.bottom - label
        self.label_y = self.now_floor + label // 2 + theme.px(4)
        # Goal board: same racks, smaller, vertically aligned with the Now floor.
        gcol_w = self.goal.width // N_STACKS
        self.goal_crate = int(min(self.crate * 0.8, gcol_w * 0.72))
        goal_h = head + self.goal_crate * (self.max_room + 0.5) + theme.px(16)
        self.goal.height = int(goal_h)
        self.goal.bottom = self.now_floor + theme.px(16)
        self.goal_head_y = self.goal.top + head // 2
        self.goal_floor = self.goal.bottom - theme.px(16)
        self.goal_columns = [
            pygame.Rect(self.goal.left + i * gcol_w, self.goal.top, gcol_w, self.goal.height)
            for i in range(N_STACKS)
        ]


def _draw_symbol(surface: pygame.Surface, kind: int, center: tuple[int, int], r: int) -> None:
    color = SYMBOL_COLORS[kind]
    cx, cy = center
    if kind == 0:
        pygame.draw.circle(surface, color, center, r)
    elif kind == 1:
        pygame.draw.polygon(
            surface, color, [(cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)]
        )
    elif kind == 2:
        side = int(r * 1.6)
        pygame.draw.rect(surface, color, pygame.Rect(cx - side // 2, cy - side // 2, side, side))
    else:
        pygame.draw.polygon(
            surface, color, [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
        )


def draw_crate(surface: pygame.Surface, crate: int, rect: pygame.Rect, theme: th.Theme) -> None:
    radius = max(3, rect.width // 8)
    pygame.draw.rect(surface, CRATE_COLORS[crate], rect, border_radius=radius)
    pygame.draw.rect(surface, th.TEXT, rect, width=max(2, theme.px(2)), border_radius=radius)
    _draw_symbol(surface, crate, rect.center, max(4, int(rect.width * 0.24)))


def _slot_rect(column: pygame.Rect, floor: int, size: int, k: int) -> pygame.Rect:
    """The k-th place from the bottom of a stack."""
    r = pygame.Rect(0, 0, size - 4, size - 4)
    r.midbottom = (column.centerx, floor - k * size - 2)
    return r


def draw_racks(
    surface: pygame.Surface,
    theme: th.Theme,
    columns: list[pygame.Rect],
    floor: int,
    size: int,
    state: State | None,
    room: tuple[int, ...],
    *,
    lifted: int | None = None,
) -> None:
    """Three stacks with their empty places outlined; ``lifted`` shows its top crate up."""
    for i, column in enumerate(columns):
        for k in range(room[i]):
            slot = _slot_rect(column, floor, size, k)
            pygame.draw.rect(surface, SLOT_FILL, slot, border_radius=max(3, size // 10))
            pygame.draw.rect(
                surface,
                th.PANEL_BORDER,
                slot,
                width=max(1, theme.px(2)),
                border_radius=max(3, size // 10),
            )
        if state is None:
            continue
        for k, crate in enumerate(state[i]):
            slot = _slot_rect(column, floor, size, k)
            if lifted == i and k == len(state[i]) - 1:
                slot.bottom = floor - room[i] * size - size // 4
                draw_crate(surface, crate, slot, theme)
                ring = slot.inflate(theme.px(12), theme.px(12))
                pygame.draw.rect(
                    surface, th.FOCUS, ring, width=theme.px(4), border_radius=theme.px(10)
                )
            else:
                draw_crate(surface, crate, slot, theme)
    left = columns[0].left + theme.px(8)
    right = columns[-1].right - theme.px(8)
    pygame.draw.line(surface, FLOOR, (left, floor), (right, floor), max(3, theme.px(5)))


class TowerPlannerView(ExerciseView):
    """Collects moves one at a time; the response is complete when solved or out of moves."""

    def __init__(self) -> None:
        self._spec: TowerTrial | None = None
        self.state: State | None = None
        self.moves: list[Move] = []
        self.lifted: int | None = None
        self._via = "key"
        self._layout_key: tuple | None = None
        self._layout: _Layout | None = None

    def begin_trial(self, spec: TowerTrial) -> None:
        self._spec = spec
        self.state = spec.start
        self.moves = []
        self.lifted = None
        self._via = "key"

    def _ensure(self, spec: TowerTrial) -> None:
        if self._spec is not spec:
            self.begin_trial(spec)

    def layout(self, rect: pygame.Rect, theme: th.Theme, spec: TowerTrial) -> _Layout:
        key = (tuple(rect), theme.height, max(spec.room))
        if key != self._layout_key or self._layout is None:
            self._layout = _Layout(rect, theme, spec)
            self._layout_key = key
        return self._layout

    # -- drawing --------------------------------------------------------------------

    def _draw_board(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        spec: TowerTrial,
        lay: _Layout,
        state: State | None,
        lifted: int | None,
        moves_left: int | None,
        goal_hidden: bool,
    ) -> None:
        if moves_left is not None:
            draw_line(
                surface,
                theme,
                _("Moves left: {n}").format(n=number(moves_left)),
                size=th.SIZE_BODY,
                bold=True,
                center=(lay.now.centerx, lay.status_y),
            )
        draw_line(
            surface,
            theme,
            _("Your stacks"),
            size=th.SIZE_SMALL,
            color=th.MUTED,
            center=(lay.now.centerx, lay.now_head_y),
        )
        if lifted is not None:
            col = lay.columns[lifted].inflate(-theme.px(8), 0)
            col.top = lay.lift_top
            col.height = lay.now.bottom - col.top
            pygame.draw.rect(surface, th.PANEL, col, border_radius=theme.px(14))
            pygame.draw.rect(surface, th.ACCENT, col, width=theme.px(3), border_radius=theme.px(14))
        draw_racks(
            surface, theme, lay.columns, lay.now_floor, lay.crate, state, spec.room, lifted=lifted
        )
        for i, column in enumerate(lay.columns):
            draw_line(
                surface,
                theme,
                number(i + 1),
                size=th.SIZE_BODY,
                bold=True,
                center=(column.centerx, lay.label_y),
            )
        # The order picture, on a card.
        card = lay.goal.inflate(theme.px(16), theme.px(8))
        pygame.draw.rect(surface, th.PANEL, card, border_radius=theme.px(14))
        pygame.draw.rect(
            surface, th.PANEL_BORDER, card, width=theme.px(2), border_radius=theme.px(14)
        )
        draw_line(
            surface,
            theme,
            _("Make it like this"),
            size=th.SIZE_SMALL,
            color=th.MUTED,
            center=(lay.goal.centerx, lay.goal_head_y),
        )
        if goal_hidden:
            body = pygame.Rect(
                card.left,
                lay.goal.top + theme.px(44),
                card.width,
                card.bottom - lay.goal.top - theme.px(44),
            )
            pygame.draw.rect(
                surface,
                SLOT_FILL,
                body.inflate(-theme.px(20), -theme.px(16)),
                border_radius=theme.px(10),
            )
            draw_paragraph(
                surface,
                theme,
                _("Put away – follow your plan"),
                body.inflate(-theme.px(40), -theme.px(40)),
                size=th.SIZE_SMALL,
            )
        else:
            draw_racks(
                surface,
                theme,
                lay.goal_columns,
                lay.goal_floor,
                lay.goal_crate,
                spec.goal,
                spec.room,
            )

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: TowerTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        self._ensure(spec)
        lay = self.layout(rect, theme, spec)
        if show_stimulus:
            hidden = spec.hide_goal and bool(self.moves)
            left = spec.allowed_moves - len(self.moves)
            self._draw_board(surface, theme, spec, lay, self.state, self.lifted, left, hidden)
        else:
            self._draw_board(surface, theme, spec, lay, None, None, spec.allowed_moves, False)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: TowerTrial,
        page: int,
    ) -> None:
        lay = _Layout(rect, theme, spec)
        lifted = None
        if page == 1:
            first = shortest_moves(spec.start, spec.goal, spec.room)
            lifted = first[0][0] if first else None
        left = spec.allowed_moves if page >= 2 else None
        self._draw_board(surface, theme, spec, lay, spec.start, lifted, left, False)

    # -- input ----------------------------------------------------------------------

    def _choose(self, stack: int, spec: TowerTrial) -> Response | None:
        assert self.state is not None
        if self.lifted is None:
            if self.state[stack]:
                self.lifted = stack
            return None
        if stack == self.lifted:
            self.lifted = None  # put it back
            return None
        try:
            new = apply_move(self.state, (self.lifted, stack), spec.room)
        except ValueError:
            return None  # that stack is full: keep the crate lifted
        self.moves.append((self.lifted, stack))
        self.state = new
        self.lifted = None
        if new == spec.goal or len(self.moves) >= spec.allowed_moves:
            return Response(answer={"moves": [list(m) for m in self.moves], "via": self._via})
        return None

    def response_from_event(
        self, event: pygame.event.Event, spec: TowerTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        self._ensure(spec)
        if event.type == pygame.KEYDOWN:
            if event.key in STACK_KEYS:
                self._via = "key"
                return self._choose(STACK_KEYS[event.key], spec)
            if event.key in (pygame.K_BACKSPACE, pygame.K_DELETE):
                self.lifted = None
            return None
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self.layout(rect, theme, spec)
            for i, column in enumerate(lay.columns):
                if column.collidepoint(event.pos):
                    self._via = "click"
                    return self._choose(i, spec)
        return None

    def events_for(
        self, response: Response, spec: TowerTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        events = []
        for a, b in response.answer["moves"]:
            for stack in (int(a), int(b)):
                events.append(
                    pygame.event.Event(
                        pygame.KEYDOWN,
                        key=getattr(pygame, f"K_{stack + 1}"),
                        mod=0,
                        unicode=str(stack + 1),
                        scancode=0,
                    )
                )
        return events

    def practice_hint(self, spec: TowerTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        return _(
            "This one can be done in {n} moves. Plan all the moves before the first one."
        ).format(n=number(spec.min_moves))
