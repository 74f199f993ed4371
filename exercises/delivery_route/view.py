"""Delivery route, drawn: the map on the left, the stops and the drive time on the right.

The van starts at the depot (the dark square). The participant drives street by street:
click a crossing next to the van (they are ringed) or type its letter. Undo (or the
Backspace key) takes back the last street, Start over (or Delete) returns to the depot.
The trial ends by itself once the route is complete.
"""

from __future__ import annotations

import math

import pygame

from cogtrain.i18n import Msg, _, data, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line, draw_paragraph, wrap
from cogtrain.training.exercise import Outcome, Response
from exercises.delivery_route.rules import (
    RouteTrial,
    complete_at,
    neighbours,
    plan_of,
    route_minutes,
)

STOP_FILL: th.Color = (232, 163, 23)
DONE_FILL: th.Color = (214, 236, 216)
STREET: th.Color = (176, 184, 196)
ARROW: th.Color = (70, 80, 98)
ROUTE: th.Color = th.ACCENT

LETTER_KEYS: dict[int, int] = {getattr(pygame, f"K_{chr(ord('a') + i)}"): i for i in range(26)}


def letter(i: int) -> Msg:
    return data(chr(ord("A") + i))


class _Layout:
    def __init__(self, rect: pygame.Rect, theme: th.Theme, spec: RouteTrial) -> None:
        gap = theme.px(28)
        panel_w = max(theme.px(230), int(rect.width * 0.27))
        self.map = pygame.Rect(rect.left, rect.top, rect.width - panel_w - gap, rect.height)
        self.panel = pygame.Rect(self.map.right + gap, rect.top, panel_w, rect.height)
        self.r = self._radius(rect, theme, spec)
        pad = self.r + theme.px(10)
        inner = self.map.inflate(-2 * pad, -2 * pad)
        # Stretch the crossings to fill the map (their positions are 0..1 with margins).
        xs = [x for x, _y in spec.points]
        ys = [y for _x, y in spec.points]
        x0, xw = min(xs), (max(xs) - min(xs)) or 1.0
        y0, yh = min(ys), (max(ys) - min(ys)) or 1.0
        self.nodes = [
            (
                round(inner.left + (x - x0) / xw * inner.width),
                round(inner.top + (y - y0) / yh * inner.height),
            )
            for x, y in spec.points
        ]
        # Buttons at the bottom of the panel; a short rect (an instruction page's
        # picture) gets a compact panel so that its text never runs into the buttons.
        self.compact = rect.height < theme.px(440)
        bh = theme.px(52 if self.compact else 64)
        self.start_over = pygame.Rect(self.panel.left, self.panel.bottom - bh, self.panel.width, bh)
        self.undo = self.start_over.move(0, -bh - theme.px(10 if self.compact else 16))

    @staticmethod
    def _radius(rect: pygame.Rect, theme: th.Theme, spec: RouteTrial) -> int:
        # Crossings sit on a jittered grid; the closest pair sets how big a node can be.
        span = min(rect.width * 0.7, rect.height)
        closest = min(
            math.dist(a, b) for i, a in enumerate(spec.points) for b in spec.points[i + 1 :]
        )
        return int(max(theme.px(17), min(theme.px(30), closest * span * 0.3)))

    def node_at(self, pos: tuple[int, int]) -> int | None:
        best, best_d = None, float("inf")
        for i, (x, y) in enumerate(self.nodes):
            d = math.hypot(pos[0] - x, pos[1] - y)
            if d < best_d:
                best, best_d = i, d
        # Generous: anywhere within twice the drawn radius counts.
        return best if best_d <= self.r * 2 else None


class DeliveryRouteView(ExerciseView):
    def __init__(self) -> None:
        self._spec: RouteTrial | None = None
        self.route: list[int] = []
        self.undos = 0
        self._via = "key"
        self._adj: list[list[tuple[int, int]]] = []
        self._key: tuple | None = None
        self._layout: _Layout | None = None
        self._tag_boxes: dict[tuple, pygame.Rect | None] = {}

    def begin_trial(self, spec: RouteTrial) -> None:
        self._spec = spec
        self.route = [spec.depot]
        self.undos = 0
        self._via = "key"
        self._adj = neighbours(spec.n_nodes, spec.streets)

    def _ensure(self, spec: RouteTrial) -> None:
        if self._spec is not spec:
            self.begin_trial(spec)

    def layout(self, rect: pygame.Rect, theme: th.Theme, spec: RouteTrial) -> _Layout:
        key = (tuple(rect), theme.height, id(spec))
        if key != self._key or self._layout is None:
            self._layout = _Layout(rect, theme, spec)
            self._key = key
        return self._layout

    # -- drawing --------------------------------------------------------------------

    def _draw_map(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        spec: RouteTrial,
        lay: _Layout,
        route: list[int] | None,
    ) -> None:
        pygame.draw.rect(surface, th.PANEL, lay.map, border_radius=theme.px(16))
        pygame.draw.rect(
            surface, th.PANEL_BORDER, lay.map, width=theme.px(2), border_radius=theme.px(16)
        )
        street_w = max(3, theme.px(6))
        for a, b, _w, one_way in spec.streets:
            pa, pb = lay.nodes[a], lay.nodes[b]
            pygame.draw.line(surface, STREET, pa, pb, street_w)
            if one_way:
                for f in (0.28, 0.72):
                    self._arrow(surface, theme, pa, pb, f)
        if route:
            for a, b in zip(route, route[1:], strict=False):
                pygame.draw.line(surface, ROUTE, lay.nodes[a], lay.nodes[b], max(5, theme.px(11)))
        label_boxes: list[pygame.Rect] = []
        for a, b, w, _one in spec.streets:
            mid = (
                (lay.nodes[a][0] + lay.nodes[b][0]) // 2,
                (lay.nodes[a][1] + lay.nodes[b][1]) // 2,
            )
            label = theme.render(number(w), th.SIZE_SMALL, color=th.TEXT, bold=True)
            box = label.get_rect().inflate(theme.px(12), theme.px(2))
            box.center = mid
            label_boxes.append(box)
            pygame.draw.rect(surface, th.PANEL, box, border_radius=theme.px(8))
            pygame.draw.rect(
                surface, th.PANEL_BORDER, box, width=max(1, theme.px(2)), border_radius=theme.px(8)
            )
            surface.blit(label, label.get_rect(center=box.center))
        visited = set(route or ())
        here = route[-1] if route else None
        reachable = {v for v, _w in self._adj[here]} if here is not None and self._adj else set()
        limits = dict(spec.deadlines)
        r = lay.r
        for i, (x, y) in enumerate(lay.nodes):
            if i == spec.depot:
                box = pygame.Rect(0, 0, 2 * r, 2 * r)
                box.center = (x, y)
                pygame.draw.rect(surface, th.ACCENT, box, border_radius=theme.px(6))
                color = th.ACCENT_TEXT
            elif i in spec.stops:
                fill = DONE_FILL if i in visited else STOP_FILL
                pygame.draw.circle(surface, fill, (x, y), r)
                pygame.draw.circle(surface, th.TEXT, (x, y), r, width=max(2, theme.px(3)))
                color = th.TEXT
            else:
                pygame.draw.circle(surface, th.PANEL, (x, y), int(r * 0.8))
                pygame.draw.circle(
                    surface, th.MUTED, (x, y), int(r * 0.8), width=max(2, theme.px(2))
                )
                color = th.MUTED
            size = th.SIZE_SMALL if i in spec.stops or i == spec.depot else th.SIZE_SMALL - 4
            draw_line(surface, theme, letter(i), size=size, bold=True, color=color, center=(x, y))
            if i in reachable and route is not None:
                pygame.draw.circle(
                    surface, th.ACCENT, (x, y), r + theme.px(7), width=max(2, theme.px(3))
                )
        # Time-limit tags last, each where it hides the fewest streets, minutes and
        # crossings (it must never cover the minutes of a street).
        for i, minutes in limits.items():
            tag = theme.render(
                _("within {n} min").format(n=number(minutes)),
                th.SIZE_SMALL - 4,
                color=th.ACCENT_TEXT,
                bold=True,
            )
            tbox = self._tag_box(theme, spec, lay, i, tag.get_rect(), label_boxes)
            if tbox is None:
                continue
            pygame.draw.rect(surface, th.ACCENT, tbox, border_radius=theme.px(6))
            surface.blit(tag, tag.get_rect(center=tbox.center))
        if here is not None:
            hx, hy = lay.nodes[here]
            pygame.draw.circle(
                surface, th.FOCUS, (hx, hy), r + theme.px(4), width=max(3, theme.px(5))
            )

    def _tag_box(
        self,
        theme: th.Theme,
        spec: RouteTrial,
        lay: _Layout,
        node: int,
        text_rect: pygame.Rect,
        label_boxes: list[pygame.Rect],
    ) -> pygame.Rect | None:
        """Where ``node``'s time-limit tag goes: touching the crossing, on the side that
        hides the fewest street minutes, crossings and streets (searched once per trial
        and size, then kept)."""
        key = (spec, tuple(lay.map), lay.r, node, text_rect.size)
        if key in self._tag_boxes:
            return self._tag_boxes[key]
        if len(self._tag_boxes) > 64:
            self._tag_boxes.clear()
        x, y = lay.nodes[node]
        r, off = lay.r, theme.px(6)
        base = text_rect.inflate(theme.px(10), theme.px(2))
        w, h = base.size
        blockers = [*label_boxes]
        blockers += [pygame.Rect(nx - r, ny - r, 2 * r, 2 * r) for nx, ny in lay.nodes]
        inner = lay.map.inflate(-theme.px(6), -theme.px(6))
        step = max(4, theme.px(8))
        candidates: list[pygame.Rect] = []
        for top in (y + r + off, y - r - off - h):  # below, above: slid left and right
            for left in range(x - w + r, x - r + 1, step):
                candidates.append(pygame.Rect(left, top, w, h))
        for left in (x + r + off, x - r - off - w):  # right, left: slid up and down
            for top in range(y - h - r // 2, y + r // 2 + 1, step):
                candidates.append(pygame.Rect(left, top, w, h))
        best, best_cost = base, math.inf
        for box in candidates:
            box.clamp_ip(inner)
            cost = 10.0 * sum(box.colliderect(b) for b in blockers)
            cost += sum(
                bool(box.clipline(lay.nodes[a], lay.nodes[b])) for a, b, _w, _o in spec.streets
            )
            # Among equally free places, the one closest to its crossing.
            cost += math.dist(box.center, (x, y)) / 10_000
            if cost < best_cost:
                best, best_cost = box, cost
        # Nowhere free (a crowded corner): leave the tag off the map rather than hide a
        # street's minutes; the panel beside the map states the time limit anyway.
        found = best if best_cost < 10 else None
        self._tag_boxes[key] = found
        return found

    @staticmethod
    def _arrow(
        surface: pygame.Surface, theme: th.Theme, pa: tuple[int, int], pb: tuple[int, int], f: float
    ) -> None:
        dx, dy = pb[0] - pa[0], pb[1] - pa[1]
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        cx, cy = pa[0] + dx * f, pa[1] + dy * f
        s = theme.px(13)
        tip = (cx + ux * s, cy + uy * s)
        left = (cx - ux * s - uy * s * 0.8, cy - uy * s + ux * s * 0.8)
        right = (cx - ux * s + uy * s * 0.8, cy - uy * s - ux * s * 0.8)
        pygame.draw.polygon(surface, ARROW, [tip, left, right])

    def _button(
        self, surface: pygame.Surface, theme: th.Theme, rect: pygame.Rect, label: Msg, active: bool
    ) -> None:
        radius = theme.px(14)
        pygame.draw.rect(surface, th.PANEL, rect, border_radius=radius)
        color = th.ACCENT if active else th.PANEL_BORDER
        pygame.draw.rect(surface, color, rect, width=theme.px(3), border_radius=radius)
        draw_line(
            surface,
            theme,
            label,
            size=th.SIZE_SMALL,
            bold=True,
            color=th.ACCENT if active else th.MUTED,
            center=rect.center,
        )

    def _draw_panel(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        spec: RouteTrial,
        lay: _Layout,
        route: list[int] | None,
    ) -> None:
        p = lay.panel
        y = p.top
        visited = set(route or ())
        minutes = route_minutes(spec, route) if route else 0
        compact = lay.compact
        draw_line(
            surface, theme, _("Drive time"), size=th.SIZE_SMALL, color=th.MUTED, topleft=(p.left, y)
        )
        y += theme.px(30 if compact else 34)
        draw_line(
            surface,
            theme,
            _("{n} min").format(n=number(minutes or 0)),
            size=th.SIZE_BODY if compact else th.SIZE_TITLE,
            bold=True,
            topleft=(p.left, y),
        )
        y += theme.px(48 if compact else 70)
        draw_line(
            surface, theme, _("Stops"), size=th.SIZE_SMALL, color=th.MUTED, topleft=(p.left, y)
        )
        y += theme.px(34 if compact else 38)
        r = theme.px(15)
        x = p.left + r
        for s in spec.stops:
            if x + r > p.right:
                x = p.left + r
                y += 2 * r + theme.px(10)
            done = s in visited
            pygame.draw.circle(surface, DONE_FILL if done else STOP_FILL, (x, y + r), r)
            pygame.draw.circle(surface, th.TEXT, (x, y + r), r, width=max(2, theme.px(2)))
            draw_line(
                surface, theme, letter(s), size=th.SIZE_SMALL - 6, bold=True, center=(x, y + r)
            )
            x += 2 * r + theme.px(12)
        y += 2 * r + theme.px(12 if compact else 18)
        notes = [
            _("{stop}: within {n} min").format(stop=letter(stop), n=number(minutes_limit))
            for stop, minutes_limit in spec.deadlines
        ]
        if spec.round_trip:
            notes.append(_("End at the depot."))
        line_gap = 1.1 if compact else 1.3
        line_h = round(theme.font(th.SIZE_SMALL).get_linesize() * line_gap)
        bottom = lay.undo.top - theme.px(6) if route is not None else p.bottom
        for text in notes:
            lines = len(wrap(theme, text, p.width, th.SIZE_SMALL))
            if y + lines * line_h > bottom:
                break  # only in a small picture: never draw over the buttons
            y = draw_paragraph(
                surface,
                theme,
                text,
                pygame.Rect(p.left, y, p.width, theme.px(80)),
                size=th.SIZE_SMALL,
                align_center=False,
                line_gap=line_gap,
            )
        if route is not None:
            self._button(surface, theme, lay.undo, _("Undo"), len(route) > 1)
            self._button(surface, theme, lay.start_over, _("Start over"), len(route) > 1)

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: RouteTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        self._ensure(spec)
        lay = self.layout(rect, theme, spec)
        route = self.route if show_stimulus else None
        self._draw_map(surface, theme, spec, lay, route)
        self._draw_panel(surface, theme, spec, lay, route)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: RouteTrial,
        page: int,
    ) -> None:
        self._adj = neighbours(spec.n_nodes, spec.streets)
        lay = _Layout(rect, theme, spec)
        route = [spec.depot]
        if page >= 1:
            best = list(plan_of(spec)[0].route)
            route = best[: max(2, len(best) // 2)]
        self._draw_map(surface, theme, spec, lay, route)
        self._draw_panel(surface, theme, spec, lay, route)
        self._spec = None

    # -- input ----------------------------------------------------------------------

    def _drive(self, node: int, spec: RouteTrial) -> Response | None:
        here = self.route[-1]
        if node not in {v for v, _w in self._adj[here]}:
            return None
        self.route.append(node)
        if complete_at(spec, self.route) == len(self.route) - 1:
            return Response(
                answer={"route": list(self.route), "undos": self.undos, "via": self._via}
            )
        return None

    def _undo(self) -> None:
        if len(self.route) > 1:
            self.route.pop()
            self.undos += 1

    def _start_over(self) -> None:
        if len(self.route) > 1:
            del self.route[1:]
            self.undos += 1

    def response_from_event(
        self, event: pygame.event.Event, spec: RouteTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        self._ensure(spec)
        if event.type == pygame.KEYDOWN:
            if event.key in LETTER_KEYS and LETTER_KEYS[event.key] < spec.n_nodes:
                self._via = "key"
                return self._drive(LETTER_KEYS[event.key], spec)
            if event.key == pygame.K_BACKSPACE:
                self._undo()
            elif event.key == pygame.K_DELETE:
                self._start_over()
            return None
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self.layout(rect, theme, spec)
            if lay.undo.collidepoint(event.pos):
                self._undo()
                return None
            if lay.start_over.collidepoint(event.pos):
                self._start_over()
                return None
            node = lay.node_at(event.pos)
            if node is not None:
                self._via = "click"
                return self._drive(node, spec)
        return None

    def events_for(
        self, response: Response, spec: RouteTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        lay = self.layout(rect, theme, spec)
        return [
            pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=lay.nodes[int(v)])
            for v in response.answer["route"][1:]
        ]

    def practice_hint(self, spec: RouteTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "missed_time_limit":
            return _("One stop has a time limit: drive there early enough.")
        return _(
            "The shortest route takes {n} min. Try to plan the whole route before you start."
        ).format(n=number(spec.optimum))
