"""Schedule puzzle, drawn: the workday along the top, the tasks below it, then the rules.

Mouse: click a task card (it gets a dark outline), then click the hour where it should
start. Click a placed task to pick it up again. Keyboard: 1–6 choose a task, the arrow
keys move it along the day, Backspace takes it off the day. When every task has a place,
"Done" (or Enter) hands in the plan. Overlaps are allowed while planning and shown
plainly: the later task is drawn lower, half over the other one.
"""

from __future__ import annotations

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line, draw_paragraph, wrap
from cogtrain.training.exercise import Outcome, Response
from exercises.schedule_puzzle.rules import TASK_NAMES, Rule, ScheduleTrial, solutions

TASK_COLORS: tuple[th.Color, ...] = (
    (0, 104, 170),
    (232, 163, 23),
    (0, 135, 95),
    (118, 78, 160),
    (86, 160, 210),
    (150, 112, 62),
)
TEXT_ON: tuple[th.Color, ...] = (th.PANEL, th.TEXT, th.PANEL, th.PANEL, th.TEXT, th.PANEL)
FIXED_FILL: th.Color = (222, 226, 233)
DIGIT_KEYS: dict[int, int] = {getattr(pygame, f"K_{d}"): d - 1 for d in range(1, 10)}
DIGIT_KEYS.update({getattr(pygame, f"K_KP{d}"): d - 1 for d in range(1, 10)})
DONE_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER)


def task_name(spec: ScheduleTrial, i: int) -> Msg:
    return _(TASK_NAMES[spec.tasks[i][0]])


def clock(hour: int) -> Msg:
    return _("{hour}:00").format(hour=number(hour))


def rule_text(spec: ScheduleTrial, rule: Rule) -> Msg:
    kind, a, x = rule
    name = task_name(spec, a)
    if kind == "before":
        return _("{a} before {b}").format(a=name, b=task_name(spec, x))
    if kind == "after":
        return _("{a} straight after {b}").format(a=name, b=task_name(spec, x))
    if kind == "by":
        return _("{a} finished by {time}").format(a=name, time=clock(spec.hour_label(x)))
    return _("{a} not before {time}").format(a=name, time=clock(spec.hour_label(x)))


class _Layout:
    def __init__(self, rect: pygame.Rect, theme: th.Theme, spec: ScheduleTrial) -> None:
        n = len(spec.tasks)
        self.labels_y = rect.top + theme.px(14)
        lane_h = theme.px(92)
        self.lane = pygame.Rect(
            rect.left + theme.px(12), rect.top + theme.px(34), rect.width - theme.px(24), lane_h
        )
        self.col_w = self.lane.width / spec.day_hours
        gap = theme.px(14)
        top = self.lane.bottom + theme.px(34)
        # Task cards in two columns on the left, the day's rules on the right.
        cols = 1 if n == 1 else 2
        area_w = int(rect.width * 0.5)
        card_w = (area_w - gap * (cols - 1)) // cols
        card_h = theme.px(72)
        self.cards = [
            pygame.Rect(
                rect.left + (i % cols) * (card_w + gap),
                top + (i // cols) * (card_h + gap),
                card_w,
                card_h,
            )
            for i in range(n)
        ]
        self.done = pygame.Rect(0, 0, theme.px(190), theme.px(64))
        self.done.bottomright = rect.bottomright
        left = rect.left + area_w + theme.px(36)
        self.rules = pygame.Rect(left, top, rect.right - left, self.done.top - top - gap)
        # A click anywhere in the day's band (a little above and below the lane) counts.
        self.lane_target = self.lane.inflate(0, theme.px(36))

    def block(self, start: int, hours: int) -> pygame.Rect:
        x = round(self.lane.left + start * self.col_w)
        right = round(self.lane.left + (start + hours) * self.col_w)
        return pygame.Rect(x + 2, self.lane.top + 2, right - x - 4, self.lane.height - 4)

    def hour_at(self, x: int) -> int:
        return int((x - self.lane.left) // self.col_w)


class SchedulePuzzleView(ExerciseView):
    def __init__(self) -> None:
        self._spec: ScheduleTrial | None = None
        self.starts: list[int | None] = []
        self.selected: int | None = None
        self._via = "click"
        self._key: tuple | None = None
        self._layout: _Layout | None = None

    def begin_trial(self, spec: ScheduleTrial) -> None:
        self._spec = spec
        self.starts = [None] * len(spec.tasks)
        self.selected = None
        self._via = "click"

    def _ensure(self, spec: ScheduleTrial) -> None:
        if self._spec is not spec:
            self.begin_trial(spec)

    def layout(self, rect: pygame.Rect, theme: th.Theme, spec: ScheduleTrial) -> _Layout:
        key = (tuple(rect), theme.height, id(spec))
        if key != self._key or self._layout is None:
            self._layout = _Layout(rect, theme, spec)
            self._key = key
        return self._layout

    # -- drawing --------------------------------------------------------------------

    def _draw_day(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        spec: ScheduleTrial,
        lay: _Layout,
        starts: list[int | None],
        selected: int | None,
    ) -> None:
        lane = lay.lane
        pygame.draw.rect(surface, th.PANEL, lane, border_radius=theme.px(8))
        for h in range(spec.day_hours + 1):
            x = round(lane.left + h * lay.col_w)
            if 0 < h < spec.day_hours:
                pygame.draw.line(surface, th.PANEL_BORDER, (x, lane.top), (x, lane.bottom), 2)
            draw_line(
                surface,
                theme,
                number(spec.hour_label(h)),
                size=th.SIZE_SMALL - 4,
                color=th.MUTED,
                center=(x, lay.labels_y),
            )
        pygame.draw.rect(
            surface, th.PANEL_BORDER, lane, width=theme.px(2), border_radius=theme.px(8)
        )
        taken = 0
        for start, hours, kind in spec.fixed:
            box = lay.block(start, hours)
            pygame.draw.rect(surface, FIXED_FILL, box, border_radius=theme.px(6))
            label = _("Lunch") if kind == "lunch" else _("Meeting")
            self._fit_text(surface, theme, label, box, th.MUTED)
            taken |= ((1 << hours) - 1) << start
        for i, start in enumerate(starts):
            if start is None:
                continue
            hours = spec.tasks[i][1]
            box = lay.block(start, hours)
            m = ((1 << hours) - 1) << start
            if taken & m:  # overlaps something already there: draw it lower, half over it
                box.height = box.height // 2
                box.top = lane.bottom - box.height + theme.px(14)
            taken |= m
            self._draw_task_block(surface, theme, spec, i, box, selected == i)

    def _fit_text(
        self, surface: pygame.Surface, theme: th.Theme, text: Msg, box: pygame.Rect, color: th.Color
    ) -> None:
        for size in (th.SIZE_SMALL, th.SIZE_SMALL - 6):
            img = theme.render(text, size, color=color, bold=True)
            if img.get_width() <= box.width - theme.px(8):
                surface.blit(img, img.get_rect(center=box.center))
                return

    def _draw_task_block(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        spec: ScheduleTrial,
        i: int,
        box: pygame.Rect,
        selected: bool,
    ) -> None:
        color = TASK_COLORS[i % len(TASK_COLORS)]
        pygame.draw.rect(surface, color, box, border_radius=theme.px(6))
        pygame.draw.rect(
            surface, th.TEXT, box, width=max(2, theme.px(2)), border_radius=theme.px(6)
        )
        text_color = TEXT_ON[i % len(TEXT_ON)]
        name = task_name(spec, i)
        img = theme.render(name, th.SIZE_SMALL - 6, color=text_color, bold=True)
        num = theme.render(number(i + 1), th.SIZE_SMALL, color=text_color, bold=True)
        if img.get_width() <= box.width - theme.px(10) and box.height >= theme.px(60):
            surface.blit(num, num.get_rect(midtop=(box.centerx, box.top + theme.px(6))))
            surface.blit(img, img.get_rect(midbottom=(box.centerx, box.bottom - theme.px(8))))
        else:
            surface.blit(num, num.get_rect(center=box.center))
        if selected:
            ring = box.inflate(theme.px(10), theme.px(10))
            pygame.draw.rect(surface, th.FOCUS, ring, width=theme.px(4), border_radius=theme.px(10))

    def _draw_cards(
        self,
        surface: pygame.Surface,
        theme: th.Theme,
        spec: ScheduleTrial,
        lay: _Layout,
        starts: list[int | None],
        selected: int | None,
    ) -> None:
        for i, card in enumerate(lay.cards):
            placed = starts[i] is not None
            pygame.draw.rect(surface, th.PANEL, card, border_radius=theme.px(10))
            pygame.draw.rect(
                surface,
                th.PANEL_BORDER,
                card,
                width=theme.px(2),
                border_radius=theme.px(10),
            )
            chip = pygame.Rect(0, 0, theme.px(44), card.height - theme.px(16))
            chip.midleft = (card.left + theme.px(8), card.centery)
            color = TASK_COLORS[i % len(TASK_COLORS)]
            if placed:
                pygame.draw.rect(surface, color, chip, width=theme.px(4), border_radius=theme.px(6))
                num_color = th.TEXT
            else:
                pygame.draw.rect(surface, color, chip, border_radius=theme.px(6))
                num_color = TEXT_ON[i % len(TEXT_ON)]
            draw_line(
                surface,
                theme,
                number(i + 1),
                size=th.SIZE_SMALL,
                bold=True,
                color=num_color,
                center=chip.center,
            )
            text_left = chip.right + theme.px(12)
            room = card.right - text_left - theme.px(8)
            name = task_name(spec, i)
            for size in (th.SIZE_SMALL, th.SIZE_SMALL - 4, th.SIZE_SMALL - 8):
                img = theme.render(name, size, bold=True)
                if img.get_width() <= room:
                    break
            surface.blit(img, img.get_rect(bottomleft=(text_left, card.centery + theme.px(2))))
            hours = spec.tasks[i][1]
            draw_line(
                surface,
                theme,
                _("{n} h").format(n=number(hours)),
                size=th.SIZE_SMALL - 2,
                color=th.MUTED,
                topleft=(text_left, card.centery + theme.px(4)),
            )
            if selected == i:
                ring = card.inflate(theme.px(10), theme.px(10))
                pygame.draw.rect(
                    surface, th.FOCUS, ring, width=theme.px(4), border_radius=theme.px(14)
                )

    def _draw_rules(
        self, surface: pygame.Surface, theme: th.Theme, spec: ScheduleTrial, lay: _Layout
    ) -> None:
        box = lay.rules
        if not spec.rules:
            draw_line(
                surface,
                theme,
                _("Place every task in free hours."),
                size=th.SIZE_SMALL,
                topleft=(box.left, box.top),
            )
            return
        draw_line(
            surface,
            theme,
            _("Rules for the day"),
            size=th.SIZE_SMALL - 4,
            color=th.MUTED,
            topleft=(box.left, box.top),
        )
        y = box.top + theme.px(32)
        size = th.SIZE_SMALL if len(spec.rules) <= 4 else th.SIZE_SMALL - 2
        for rule in spec.rules:
            dot = pygame.Rect(0, 0, theme.px(10), theme.px(10))
            dot.center = (box.left + theme.px(6), y + theme.px(size) // 2 + theme.px(3))
            pygame.draw.rect(surface, th.ACCENT, dot)
            text_box = pygame.Rect(box.left + theme.px(22), y, box.width - theme.px(22), box.height)
            y = draw_paragraph(
                surface,
                theme,
                rule_text(spec, rule),
                text_box,
                size=size,
                align_center=False,
                line_gap=1.1,
            )
            y += theme.px(6)

    def _draw_done(
        self, surface: pygame.Surface, theme: th.Theme, lay: _Layout, ready: bool
    ) -> None:
        radius = theme.px(14)
        if ready:
            pygame.draw.rect(surface, th.ACCENT, lay.done, border_radius=radius)
            color = th.ACCENT_TEXT
        else:
            pygame.draw.rect(surface, th.PANEL, lay.done, border_radius=radius)
            pygame.draw.rect(
                surface, th.PANEL_BORDER, lay.done, width=theme.px(3), border_radius=radius
            )
            color = th.MUTED
        draw_line(
            surface,
            theme,
            _("Done"),
            size=th.SIZE_BODY,
            bold=True,
            color=color,
            center=lay.done.center,
        )

    def _draw_all(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ScheduleTrial,
        lay: _Layout,
        starts: list[int | None],
        selected: int | None,
        *,
        show_tasks: bool = True,
    ) -> None:
        self._draw_day(surface, theme, spec, lay, starts, selected)
        if show_tasks:
            self._draw_cards(surface, theme, spec, lay, starts, selected)
            self._draw_rules(surface, theme, spec, lay)
            self._draw_done(surface, theme, lay, all(s is not None for s in starts))

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ScheduleTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        self._ensure(spec)
        lay = self.layout(rect, theme, spec)
        if show_stimulus:
            self._draw_all(surface, rect, theme, spec, lay, self.starts, self.selected)
        else:
            self._draw_all(
                surface, rect, theme, spec, lay, [None] * len(spec.tasks), None, show_tasks=False
            )

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: ScheduleTrial,
        page: int,
    ) -> None:
        # The instruction picture is shorter than the task area: draw the layout into a
        # surface just tall enough for what this task needs and scale that down only as
        # far as needed (often not at all), so the text in the picture stays readable.
        h = self._natural_height(theme, spec, rect.width)
        full = pygame.Surface((rect.width, h))
        full.fill(th.BACKGROUND)
        inner = full.get_rect()
        lay = _Layout(inner, theme, spec)
        answer = list(solutions(spec)[0])
        starts: list[int | None] = [None] * len(spec.tasks)
        selected = None
        if page == 1:
            starts[0] = answer[0]
            selected = 1 if len(starts) > 1 else None
        elif page >= 2:
            starts = list(answer)
        self._draw_all(full, inner, theme, spec, lay, starts, selected)
        scale = min(rect.width / full.get_width(), rect.height / full.get_height())
        if scale <= 0:
            return  # no room at all (a window smaller than cogtrain's minimum)
        img = pygame.transform.smoothscale(
            full, (int(full.get_width() * scale), int(full.get_height() * scale))
        )
        surface.blit(img, img.get_rect(center=rect.center))

    @staticmethod
    def _natural_height(theme: th.Theme, spec: ScheduleTrial, width: int) -> int:
        """The height the layout needs at ``width``: day, task cards, rules and Done."""
        tall = pygame.Rect(0, 0, width, 10_000)
        lay = _Layout(tall, theme, spec)
        cards_bottom = max(c.bottom for c in lay.cards)
        size = th.SIZE_SMALL if len(spec.rules) <= 4 else th.SIZE_SMALL - 2
        line_h = round(theme.font(size).get_linesize() * 1.1)
        rules_h = theme.px(32)
        text_w = lay.rules.width - theme.px(22)
        for rule in spec.rules:
            rules_h += len(wrap(theme, rule_text(spec, rule), text_w, size)) * line_h
            rules_h += theme.px(6)
        rules_bottom = lay.rules.top + rules_h
        return max(cards_bottom, rules_bottom + theme.px(14) + lay.done.height) + theme.px(4)

    # -- input ----------------------------------------------------------------------

    def _done(self) -> Response | None:
        if all(s is not None for s in self.starts):
            return Response(answer={"starts": list(self.starts), "via": self._via})
        return None

    def _place(self, i: int, start: int, spec: ScheduleTrial) -> None:
        hours = spec.tasks[i][1]
        self.starts[i] = max(0, min(start, spec.day_hours - hours))

    def response_from_event(
        self, event: pygame.event.Event, spec: ScheduleTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        self._ensure(spec)
        n = len(spec.tasks)
        if event.type == pygame.KEYDOWN:
            self._via = "key"
            if event.key in DIGIT_KEYS and DIGIT_KEYS[event.key] < n:
                i = DIGIT_KEYS[event.key]
                self.selected = None if self.selected == i else i
            elif event.key in (pygame.K_LEFT, pygame.K_RIGHT) and self.selected is not None:
                i = self.selected
                current = self.starts[i]
                step = 1 if event.key == pygame.K_RIGHT else -1
                self._place(i, 0 if current is None else current + step, spec)
            elif event.key in (pygame.K_BACKSPACE, pygame.K_DELETE) and self.selected is not None:
                self.starts[self.selected] = None
            elif event.key in DONE_KEYS:
                return self._done()
            return None
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            self._via = "click"
            lay = self.layout(rect, theme, spec)
            if lay.done.collidepoint(event.pos):
                return self._done()
            for i, card in enumerate(lay.cards):
                if card.collidepoint(event.pos):
                    self.selected = None if self.selected == i else i
                    return None
            if lay.lane_target.collidepoint(event.pos):
                hour = max(0, min(spec.day_hours - 1, lay.hour_at(event.pos[0])))
                if self.selected is not None:
                    self._place(self.selected, hour, spec)
                    self.selected = None
                else:
                    # Pick up the task shown at this hour (the later one if two overlap).
                    for i in reversed(range(n)):
                        s = self.starts[i]
                        if s is not None and s <= hour < s + spec.tasks[i][1]:
                            self.selected = i
                            break
        return None

    def events_for(
        self, response: Response, spec: ScheduleTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        lay = self.layout(rect, theme, spec)

        def click(pos: tuple[int, int]) -> pygame.event.Event:
            return pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos)

        events = []
        for i, start in enumerate(response.answer["starts"]):
            events.append(click(lay.cards[i].center))
            x = round(lay.lane.left + (int(start) + 0.5) * lay.col_w)
            events.append(click((x, lay.lane.centery)))
        events.append(click(lay.done.center))
        return events

    def practice_hint(self, spec: ScheduleTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        if outcome.error_kind == "broken_rule":
            broken = list(outcome.details.get("rules", []))
            if broken:
                return _("Check this rule: {rule}.").format(
                    rule=rule_text(spec, spec.rules[broken[0]])
                )
        if outcome.error_kind == "overlap":
            return _("Two things were in the same hour. Every task needs hours of its own.")
        return None
