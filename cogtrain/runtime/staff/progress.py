"""One participant's progress: the screen a review meeting is held around.

The work consultant and the participant look at it together twice a week, on a
projector or a shared laptop, so it says what was done, calmly:

* the top band: hours trained toward the target on a bar with the plan's expected pace
  marked, in words as well ("12,5 av 40 timer · ..."), and the attendance of the last
  twelve weeks, one cell per week (sessions done, missed ones in soft amber, weeks
  before the start greyed, this week outlined), the next planned session and a calm
  line when two planned sessions in a row were missed;
* below, one large chart at a time (levels per domain or per exercise, goal ratings,
  check-ins by week) so each is big enough to read from across the room, and the
  latest notes on the right (staff notes and the participant's own answers after
  blocks);
* the way on: back to the list, goals and ratings, a new note, the participant's
  details, and starting their training, each shown only to a role that may use it.

Opening the screen is one audited view (the record and the progress data, once).
Charts are drawn by :mod:`cogtrain.reports.charts` (about 100 ms each), so each one is
drawn once per chart, window size and language and kept as a surface, never per frame.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pygame
from babel import dates as babel_dates
from pygame_gui.elements import UIButton

from cogtrain.i18n import Msg, _, babel_locale, current_language, data, number, weekday_date
from cogtrain.reports import charts
from cogtrain.reports.progress_data import NoteFact, ProgressScreenData, WeekCell
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.dates import LOCAL_TZ, long_date, short_date
from cogtrain.runtime.staff.gui import StaffScene, exercise_label, fit, fit_text, gui_theme
from cogtrain.runtime.text import wrap
from cogtrain.staff.roles import Action
from cogtrain.storage.staff_records import ParticipantRecord

CHART_KINDS: tuple[str, ...] = ("levels", "ratings", "checkin")
LEVEL_MODES: tuple[str, ...] = ("domain", "exercise")

FLAG: th.Color = (138, 99, 0)  # dark amber text (as on the overview): get in touch, not alarm
MISSED: th.Color = (236, 200, 120)  # a soft amber pip for a missed session
MISSED_BORDER: th.Color = (181, 137, 0)
BEFORE_START: th.Color = (228, 227, 222)
TRACK: th.Color = (226, 230, 236)
SEPARATOR = " · "


@dataclass(frozen=True)
class _Layout:
    hours: pygame.Rect
    attendance: pygame.Rect
    tabs: pygame.Rect
    chart_box: pygame.Rect
    notes: pygame.Rect


# -- words for data -----------------------------------------------------------------------


def hours_number(value: float) -> Msg:
    """Hours the local way: whole hours without decimals, else one decimal (12,5)."""
    if abs(value - round(value)) < 0.05:
        return number(round(value))
    return number(value, decimals=1)


def hours_parts(progress: ProgressScreenData) -> list[Msg]:
    """The hours line in pieces: done of target, expected by now, when at this pace."""
    h = progress.hours
    parts = [
        _("{done} of {target} hours").format(
            done=hours_number(h.done_hours), target=hours_number(h.target_hours)
        ),
        _("expected by now {hours}").format(hours=hours_number(h.expected_hours)),
    ]
    if h.completed_on is not None:
        parts.append(_("target reached on {date}").format(date=long_date(h.completed_on)))
    elif h.projected_finish is not None:
        parts.append(
            _("at the recent pace done around {date}").format(date=long_date(h.projected_finish))
        )
    return parts


def note_author(note: NoteFact) -> Msg:
    if note.source == "participant":
        if note.exercise_id:
            return _("participant, after {exercise}").format(
                exercise=exercise_label(note.exercise_id)
            )
        return _("participant")
    return data(note.author) if note.author else _("staff")


def ellipsize(theme: th.Theme, text: str, width: int, size: int, *, bold: bool = False) -> Msg:
    """``text`` (data) cut with "…" so that it is at most ``width`` pixels wide."""
    return fit(theme, data(text), width, size, bold=bold)


def wrap_cut(
    theme: th.Theme, text: str, width: int, size: int, max_lines: int, *, bold: bool = False
) -> list[Msg]:
    """``text`` wrapped to ``width``, at most ``max_lines`` lines, the last cut with "…"."""
    lines = wrap(theme, data(" ".join(text.split())), width, size, bold=bold)
    if len(lines) <= max_lines:
        return [ellipsize(theme, str(line), width, size, bold=bold) for line in lines]
    kept = [ellipsize(theme, str(line), width, size, bold=bold) for line in lines[: max_lines - 1]]
    rest = " ".join(str(line) for line in lines[max_lines - 1 :])
    # The last line gets the rest of the text, cut, so the "…" shows there is more.
    tail = ellipsize(theme, rest + " …", width, size, bold=bold)
    if not str(tail).endswith("…"):
        tail = data(str(tail) + "…")
    return [*kept, tail]


def wrap_parts(theme: th.Theme, parts: list[Msg], width: int, size: int) -> list[Msg]:
    """Join ``parts`` with " · " into lines of ``width``, breaking between parts first."""
    font = theme.font(size)
    lines: list[str] = []
    line = ""
    for part in parts:
        candidate = f"{line}{SEPARATOR}{part}" if line else str(part)
        if font.size(candidate)[0] <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for piece in wrap(theme, part, width, size):
            if line:
                lines.append(line)
            line = str(piece)
    if line:
        lines.append(line)
    return [data(s) for s in lines]


# -- the screen ---------------------------------------------------------------------------


class ParticipantScene(StaffScene):
    """Hours, attendance, level curves, goal ratings, check-ins and notes of one participant."""

    def __init__(self, nav, participant_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.participant_id = participant_id
        self.title = _("Participant")
        self.record: ParticipantRecord | None = None
        self.progress: ProgressScreenData | None = None
        self.chart = CHART_KINDS[0]
        self.level_mode = LEVEL_MODES[0]
        self.can_goals = self.can_note = self.can_edit = self.can_train = False
        self.can_assess = False
        self.layout: _Layout | None = None
        self.tabs: dict[str, UIButton] = {}
        self.toggle: UIButton | None = None
        self.hours_lines: list[Msg] = []
        # (chart kind, (width, height), language) -> the drawn chart.
        self.chart_cache: dict[tuple[str, tuple[int, int], str], pygame.Surface] = {}
        self._load()

    # -- data ------------------------------------------------------------------------

    def _load(self) -> None:
        session = self.nav.session
        assert session is not None
        pid = self.participant_id
        rec = self.attempt(lambda: session.open_participant(pid))
        if rec is None:
            return
        progress = self.attempt(lambda: session.progress(pid))
        if progress is None:
            return
        self.record, self.progress = rec, progress
        plan = session.plan_of(rec)
        plan_name = plan.name(current_language()) if plan is not None else rec.plan_profile
        self.title = _("Participant {code}").format(code=data(rec.code)) + data(
            SEPARATOR + plan_name
        )
        self.can_goals = session.can(Action.PARTICIPANT_VIEW, rec)
        self.can_note = session.can(Action.NOTE_ADD, rec)
        self.can_edit = session.can(Action.PARTICIPANT_EDIT, rec)
        self.can_train = session.can(Action.PARTICIPANT_START_TRAINING, rec)
        self.can_assess = session.can(Action.ASSESSMENT_VIEW, rec)

    def curves(self) -> dict:  # type: ignore[type-arg]
        """The level curves shown now: per domain or per exercise."""
        if self.progress is None:
            return {}
        if self.level_mode == "exercise":
            return self.progress.levels_by_exercise
        return self.progress.levels_by_domain

    def hours_line(self) -> Msg:
        """The hours in words, on one line (the screen wraps it to the card)."""
        if self.progress is None:
            return Msg("")
        return Msg(SEPARATOR.join(hours_parts(self.progress)))

    # -- widgets ---------------------------------------------------------------------

    def build(self, area: pygame.Rect) -> None:
        h = self.row_h()
        gap = self.px(14)
        self.tabs = {}
        self.toggle = None
        specs: list[tuple[Msg, Callable[[], None], bool]] = [(_("Back"), self.nav.home, False)]
        if self.progress is None:
            self.layout = None
            self._button_row(area, specs, h, gap)
            return
        pid = self.participant_id
        if self.can_goals:
            specs.append((_("Goals and ratings"), lambda: self.nav.goals(pid), False))
        if self.can_assess:
            specs.append((_("Assessment"), lambda: self.nav.assessments(pid), False))
        if self.can_note:
            specs.append((_("Add note"), lambda: self.nav.note_form(pid), False))
        if self.can_edit:
            specs.append((_("Change details"), lambda: self.nav.participant_form(pid), False))
        if self.can_train:
            specs.append((_("Start training"), self.start_training, True))
        self._button_row(area, specs, h, gap)
        if self.can_train and self.record is not None and not self.record.active:
            self.buttons[str(_("Start training"))].disable()

        band_h = self.px(186)
        band = pygame.Rect(area.left, area.top, area.width, band_h)
        hours_w = int(area.width * 0.46)
        hours = pygame.Rect(band.left, band.top, hours_w, band_h)
        attendance = pygame.Rect(
            hours.right + gap, band.top, band.right - hours.right - gap, band_h
        )
        lower_top = band.bottom + self.px(12)
        lower_bottom = area.bottom - h - self.px(14)
        notes_w = max(self.px(270), int(area.width * 0.3))
        chart_w = area.width - notes_w - gap
        tabs = pygame.Rect(area.left, lower_top, chart_w, h)
        chart_box = pygame.Rect(
            area.left, tabs.bottom + self.px(8), chart_w, lower_bottom - tabs.bottom - self.px(8)
        )
        notes = pygame.Rect(chart_box.right + gap, lower_top, notes_w, lower_bottom - lower_top)
        self.layout = _Layout(hours, attendance, tabs, chart_box, notes)

        x = tabs.left
        for kind, label in zip(CHART_KINDS, self._tab_labels(), strict=True):
            w = self._button_width(label)
            self.tabs[kind] = self.button(pygame.Rect(x, tabs.top, w, h), label, self._shower(kind))
            x += w + self.px(8)
        labels = [self._toggle_label(m) for m in LEVEL_MODES]
        w = max(self._button_width(lab) for lab in labels)
        if x + self.px(16) + w <= tabs.right:
            rect = pygame.Rect(tabs.right - w, tabs.top, w, h)
            self.toggle = self.button(rect, self._toggle_label(self.level_mode), self.toggle_levels)
            # Both labels find the one button (tests and keyboard users ask by label).
            for lab in labels:
                self.buttons[str(lab)] = self.toggle
        self._sync_tabs()

    def _shower(self, kind: str) -> Callable[[], None]:
        # No default argument: pygame_gui passes the event to a command that takes one.
        return lambda: self.show_chart(kind)

    def _tab_labels(self) -> tuple[Msg, ...]:
        return (_("Levels"), _("Goal ratings"), _("Check-in"))

    def _toggle_label(self, mode: str) -> Msg:
        """The toggle says what a click switches to."""
        return _("Per exercise") if mode == "domain" else _("Per domain")

    def _button_width(self, label: Msg, size: int = th.SIZE_STAFF_BODY) -> int:
        # The small row is measured in bold: its main action is drawn bold.
        bold = size != th.SIZE_STAFF_BODY
        text_w = self.theme.font(size, bold=bold).size(label)[0]  # type: ignore[union-attr]
        return max(self.px(110 if size == th.SIZE_STAFF_BODY else 90), text_w + self.px(34))

    def _button_row(
        self,
        area: pygame.Rect,
        specs: list[tuple[Msg, Callable[[], None], bool]],
        h: int,
        gap: int,
    ) -> None:
        widths = [self._button_width(label) for label, _c, _p in specs]
        spare = area.width - gap * (len(specs) - 1)
        small = sum(widths) > spare
        if small:
            # Too many for the row at this size (a consultant's six in nb at 1024x768):
            # the row's labels a size smaller, never cut.
            self._small_button_theme()
            widths = [self._button_width(label, th.SIZE_STAFF_SMALL) for label, _c, _p in specs]
            if sum(widths) > spare:
                widths = [w * spare // sum(widths) for w in widths]
        y = area.bottom - h
        x = area.left
        for i, ((label, command, primary), w) in enumerate(zip(specs, widths, strict=True)):
            if primary and i == len(specs) - 1:
                x = max(x, area.right - w)  # the main action at the right end
            rect = pygame.Rect(x, y, w, h)
            if small:
                b = UIButton(
                    rect,
                    str(label),
                    self.ui,
                    command=command,
                    object_id="#row_small_primary" if primary else "#row_small",
                )
                self.buttons[str(label)] = b
            else:
                self.button(rect, label, command, primary=primary)
            x += w + gap

    def _small_button_theme(self) -> None:
        """Theme blocks for a bottom row in the small staff size (plain and primary)."""
        assert self.theme is not None and self.ui is not None
        base = gui_theme(self.theme)
        size = str(self.theme.px(th.SIZE_STAFF_SMALL))
        plain = {**base["button"], "font": {**base["button"]["font"], "size": size}}
        primary = {**base["#primary"], "font": {**base["#primary"]["font"], "size": size}}
        self.ui.get_theme().load_theme({"#row_small": plain, "#row_small_primary": primary})

    def _sync_tabs(self) -> None:
        for kind, button in self.tabs.items():
            if kind == self.chart and not button.is_selected:
                button.select()
            elif kind != self.chart and button.is_selected:
                button.unselect()
        if self.toggle is not None:
            label = str(self._toggle_label(self.level_mode))
            if self.toggle.text != label:
                self.toggle.set_text(label)
            if self.chart == "levels" and not self.toggle.visible:
                self.toggle.show()
            elif self.chart != "levels" and self.toggle.visible:
                self.toggle.hide()

    # -- actions ---------------------------------------------------------------------

    def show_chart(self, kind: str) -> None:
        if kind in CHART_KINDS:
            self.chart = kind
            self._sync_tabs()

    def toggle_levels(self) -> None:
        self.level_mode = "exercise" if self.level_mode == "domain" else "domain"
        self.chart = "levels"
        self._sync_tabs()

    def start_training(self) -> None:
        self.attempt(lambda: self.nav.start_training(self.participant_id))

    def handle(self, ev) -> None:  # type: ignore[no-untyped-def]
        e = ev.event
        if self.progress is not None and e.type == pygame.KEYDOWN:
            i = CHART_KINDS.index(self.chart)
            if e.key == pygame.K_RIGHT:
                self.show_chart(CHART_KINDS[(i + 1) % len(CHART_KINDS)])
            elif e.key == pygame.K_LEFT:
                self.show_chart(CHART_KINDS[(i - 1) % len(CHART_KINDS)])
        super().handle(ev)

    # -- the header --------------------------------------------------------------------

    # -- drawing ---------------------------------------------------------------------

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        if self.progress is None or self.layout is None:
            return
        lay = self.layout
        self._draw_hours(surface, lay.hours, self.progress)
        self._draw_attendance(surface, lay.attendance, self.progress)
        self._draw_chart(surface, lay.chart_box)
        self._draw_notes(surface, lay.notes, self.progress)

    def _card(self, surface: pygame.Surface, rect: pygame.Rect) -> pygame.Rect:
        radius = self.px(10)
        pygame.draw.rect(surface, th.PANEL, rect, border_radius=radius)
        pygame.draw.rect(
            surface, th.PANEL_BORDER, rect, width=max(1, self.px(2)), border_radius=radius
        )
        pad = self.px(12)
        return rect.inflate(-2 * pad, -2 * pad)

    def _draw_hours(
        self, surface: pygame.Surface, rect: pygame.Rect, p: ProgressScreenData
    ) -> None:
        theme = self.theme
        assert theme is not None
        inner = self._card(surface, rect)
        h = p.hours
        big = theme.render(
            _("{done} / {target}").format(
                done=hours_number(h.done_hours), target=hours_number(h.target_hours)
            ),
            th.SIZE_STAFF_BODY,
            bold=True,
        )
        surface.blit(big, (inner.right - big.get_width(), inner.top))
        head = fit_text(
            theme,
            _("Hours trained"),
            th.SIZE_STAFF_SMALL,
            inner.width - big.get_width() - self.px(12),
            bold=True,
        )
        surface.blit(head, (inner.left, inner.top + (big.get_height() - head.get_height()) // 2))

        bar = pygame.Rect(inner.left, inner.top + big.get_height() + self.px(12), inner.width, 0)
        bar.height = self.px(22)
        radius = bar.height // 2
        pygame.draw.rect(surface, TRACK, bar, border_radius=radius)
        if h.fraction > 0:
            done = bar.copy()
            done.width = max(bar.height, round(bar.width * min(1.0, h.fraction)))
            pygame.draw.rect(surface, th.ACCENT, done, border_radius=radius)
        pygame.draw.rect(surface, th.PANEL_BORDER, bar, width=1, border_radius=radius)
        if h.target_hours > 0:
            share = min(1.0, max(0.0, h.expected_hours / h.target_hours))
            mx = bar.left + round(bar.width * share)
            mx = min(bar.right - self.px(2), max(bar.left + self.px(2), mx))
            ext = self.px(6)
            pygame.draw.line(
                surface, th.TEXT, (mx, bar.top - ext), (mx, bar.bottom + ext), max(2, self.px(3))
            )
            tri = self.px(6)
            top = bar.top - ext
            pygame.draw.polygon(
                surface, th.TEXT, [(mx - tri, top - tri), (mx + tri, top - tri), (mx, top)]
            )

        y = bar.bottom + self.px(12)
        line_h = round(theme.font(th.SIZE_STAFF_SMALL).get_linesize() * 1.05)
        lines = wrap_parts(theme, hours_parts(p), inner.width, th.SIZE_STAFF_SMALL)
        room = max(1, (inner.bottom - y) // line_h)
        if len(lines) > room:
            lines = lines[: room - 1] + [
                ellipsize(theme, " ".join(lines[room - 1 :]), inner.width, th.SIZE_STAFF_SMALL)
            ]
        self.hours_lines = lines
        for line in lines:
            surface.blit(theme.render(line, th.SIZE_STAFF_SMALL), (inner.left, y))
            y += line_h

    def _draw_attendance(
        self, surface: pygame.Surface, rect: pygame.Rect, p: ProgressScreenData
    ) -> None:
        theme = self.theme
        assert theme is not None
        inner = self._card(surface, rect)
        small = th.SIZE_STAFF_SMALL
        # The heading left, the legend right: the long heading with the whole legend if
        # they fit side by side, else shorter ones ("planned" only matters this week).
        pip = self.px(12)
        legend: list[tuple[th.Color, th.Color, Msg]] = [
            (th.ACCENT, th.ACCENT, _("done")),
            (MISSED, MISSED_BORDER, _("missed")),
            (th.PANEL, th.MUTED, _("planned")),
        ]
        surfs = [theme.render(label, small, color=th.MUTED) for _f, _b, label in legend]
        step = [pip + self.px(6) + s.get_width() + self.px(14) for s in surfs]
        long_head = _("Attendance, last {n} weeks").format(n=number(len(p.attendance)))
        font = theme.font(small, bold=True)
        head_text, n_items = long_head, 0
        for text, items in (
            (long_head, 3),
            (long_head, 2),
            (_("Attendance"), 3),
            (_("Attendance"), 2),
        ):
            if font.size(text)[0] + self.px(2) + sum(step[:items]) <= inner.width:
                head_text, n_items = text, items
                break
        head = fit_text(theme, head_text, small, inner.width - sum(step[:n_items]), bold=True)
        surface.blit(head, inner.topleft)
        x = inner.right - sum(step[:n_items]) + self.px(14)
        for (fill, border, _label), s in list(zip(legend, surfs, strict=True))[:n_items]:
            r = pygame.Rect(x, inner.top + (head.get_height() - pip) // 2, pip, pip)
            pygame.draw.rect(surface, fill, r, border_radius=self.px(3))
            pygame.draw.rect(surface, border, r, width=max(1, self.px(2)), border_radius=self.px(3))
            surface.blit(s, (r.right + self.px(6), inner.top))
            x = r.right + self.px(6) + s.get_width() + self.px(14)

        cells = p.attendance
        n = max(1, len(cells))
        cgap = self.px(5)
        cell_w = (inner.width - cgap * (n - 1)) // n
        cell_h = self.px(30)
        top = inner.top + head.get_height() + self.px(6)
        number_h = theme.font(small).get_linesize()
        for i, cell in enumerate(cells):
            r = pygame.Rect(inner.left + i * (cell_w + cgap), top, cell_w, cell_h)
            self._draw_week(surface, r, cell)
            label = theme.render(
                number(cell.iso_week),
                small,
                color=th.TEXT if cell.is_current else th.MUTED,
                bold=cell.is_current,
            )
            surface.blit(label, (r.centerx - label.get_width() // 2, r.bottom + self.px(2)))

        y = top + cell_h + self.px(2) + number_h + self.px(6)
        line_h = round(theme.font(small).get_linesize() * 1.05)
        if p.next_session is not None:
            nxt = _("Next session: {day}").format(day=weekday_date(p.next_session))
        elif p.hours.completed_on is not None:
            nxt = _("All planned hours are done.")
        else:
            nxt = _("No session planned.")
        surface.blit(fit_text(theme, nxt, small, inner.width), (inner.left, y))
        y += line_h
        if p.two_missed_in_a_row:
            flag = _(
                "The last {n} planned sessions were missed: a good time to get in touch."
            ).format(n=number(p.missed_in_a_row))
            room = max(1, (inner.bottom - y + self.px(4)) // line_h)
            for line in wrap_cut(theme, flag, inner.width, small, room, bold=True):
                s = theme.render(line, small, color=FLAG, bold=True)
                surface.blit(s, (inner.left, y))
                y += line_h

    def _draw_week(self, surface: pygame.Surface, r: pygame.Rect, cell: WeekCell) -> None:
        radius = self.px(5)
        if cell.before_start:
            pygame.draw.rect(surface, BEFORE_START, r, border_radius=radius)
            return
        pygame.draw.rect(surface, th.BACKGROUND, r, border_radius=radius)
        if cell.is_current:
            pygame.draw.rect(surface, th.TEXT, r, width=max(2, self.px(3)), border_radius=radius)
        else:
            pygame.draw.rect(surface, th.PANEL_BORDER, r, width=1, border_radius=radius)
        done, missed = cell.sessions_done, cell.sessions_missed
        total = max(cell.sessions_planned, done + missed)
        if total == 0:
            return
        inner = r.inflate(-self.px(8), -self.px(10))
        # One pip per session, side by side; stacked when there are too many for a row.
        per_row = max(1, min(total, 3))
        rows = (total + per_row - 1) // per_row
        pgap = self.px(3)
        pw = max(2, (inner.width - pgap * (per_row - 1)) // per_row)
        ph = max(2, (inner.height - pgap * (rows - 1)) // rows)
        size = min(pw, ph, self.px(12))
        row_w = per_row * size + (per_row - 1) * pgap
        block_h = rows * size + (rows - 1) * pgap
        x0 = r.centerx - row_w // 2
        y0 = r.centery - block_h // 2
        for k in range(total):
            pr = pygame.Rect(
                x0 + (k % per_row) * (size + pgap), y0 + (k // per_row) * (size + pgap), size, size
            )
            if k < done:
                pygame.draw.rect(surface, th.ACCENT, pr, border_radius=self.px(3))
            elif k < done + missed:
                pygame.draw.rect(surface, MISSED, pr, border_radius=self.px(3))
                pygame.draw.rect(surface, MISSED_BORDER, pr, width=1, border_radius=self.px(3))
            else:  # planned, still to come this week
                pygame.draw.rect(surface, th.PANEL, pr, border_radius=self.px(3))
                pygame.draw.rect(
                    surface, th.MUTED, pr, width=max(1, self.px(2)), border_radius=self.px(3)
                )

    def _draw_chart(self, surface: pygame.Surface, box: pygame.Rect) -> None:
        theme = self.theme
        assert theme is not None
        captions = {
            ("levels", "domain"): _("Level by session, per domain"),
            ("levels", "exercise"): _("Level by session, per exercise"),
            ("ratings", "domain"): _("Goal ratings, from −2 to +2"),
            ("checkin", "domain"): _("Check-in by week"),
        }
        mode = self.level_mode if self.chart == "levels" else "domain"
        cap = fit_text(
            theme, captions[(self.chart, mode)], th.SIZE_STAFF_BODY, box.width, bold=True
        )
        surface.blit(cap, (box.left + self.px(4), box.top))
        area = pygame.Rect(box.left, box.top + cap.get_height() + self.px(6), box.width, 0)
        area.height = box.bottom - area.top
        size = (max(charts.MIN_SIZE_PX[0], area.width), max(charts.MIN_SIZE_PX[1], area.height))
        chart = self.chart_surface(self._chart_kind(), size)
        clip = surface.get_clip()
        surface.set_clip(area)
        surface.blit(chart, area.topleft)
        surface.set_clip(clip)
        pygame.draw.rect(surface, th.PANEL_BORDER, area, width=1, border_radius=self.px(4))

    def _chart_kind(self) -> str:
        return f"levels:{self.level_mode}" if self.chart == "levels" else self.chart

    def chart_surface(self, kind: str, size: tuple[int, int]) -> pygame.Surface:
        """The chart ``kind`` at ``size``: drawn on first use, then kept."""
        key = (kind, size, current_language())
        cached = self.chart_cache.get(key)
        if cached is not None:
            return cached
        assert self.progress is not None
        p = self.progress
        if kind == "levels:exercise":
            curves = p.levels_by_exercise
            labels = {k: str(exercise_label(k)) for k in curves}
            image = charts.level_chart(curves, labels, size, title=False)
        elif kind == "levels:domain":
            image = charts.level_chart(
                p.levels_by_domain, charts.domain_labels(), size, title=False
            )
        elif kind == "ratings":
            image = charts.ratings_chart(p.goals, size, title=False)
        elif kind == "checkin":
            image = charts.checkin_chart(p.checkins, size, title=False)
        else:
            raise ValueError(f"unknown chart {kind!r}")
        surf = pygame.image.frombuffer(image.rgba, (image.width_px, image.height_px), "RGBA")
        surf = surf.convert() if pygame.display.get_surface() is not None else surf.copy()
        # A new window size makes the old drawings useless: keep only this size's.
        for old in [k for k in self.chart_cache if k[1] != size]:
            del self.chart_cache[old]
        self.chart_cache[key] = surf
        return surf

    def _draw_notes(
        self, surface: pygame.Surface, rect: pygame.Rect, p: ProgressScreenData
    ) -> None:
        theme = self.theme
        assert theme is not None
        inner = self._card(surface, rect)
        small = th.SIZE_STAFF_SMALL
        head = fit_text(theme, _("Latest notes"), th.SIZE_STAFF_BODY, inner.width, bold=True)
        surface.blit(head, inner.topleft)
        y = inner.top + head.get_height() + self.px(10)
        notes = p.notes
        if not notes:
            s = fit_text(theme, _("No notes yet."), small, inner.width, color=th.MUTED)
            surface.blit(s, (inner.left, y))
            return
        line_h = round(theme.font(small).get_linesize() * 1.05)
        gap = self.px(10)
        metas = [self._note_meta(n, inner.width) for n in notes]
        texts = [wrap(theme, data(" ".join(n.text.split())), inner.width, small) for n in notes]
        # Every note gets its date line(s) and one line of text (the oldest are left out
        # when even that does not fit); the room left goes to the newest notes first, up
        # to four lines each, so nothing runs off the card.
        avail = inner.bottom - y
        base = [(len(m) + 1) * line_h for m in metas]
        count = len(notes)
        while count > 1 and sum(base[:count]) + (count - 1) * gap > avail:
            count -= 1
        free = avail - sum(base[:count]) - (count - 1) * gap
        shown = [1] * count
        for k in range(count):
            extra = min(len(texts[k]), 4) - 1
            take = max(0, min(extra, free // line_h))
            shown[k] += take
            free -= take * line_h
        for k in range(count):
            if k:
                sep_y = y - gap // 2
                pygame.draw.line(
                    surface, th.PANEL_BORDER, (inner.left, sep_y), (inner.right, sep_y)
                )
            for line in metas[k]:
                surface.blit(theme.render(line, small, color=th.MUTED, bold=True), (inner.left, y))
                y += line_h
            for line in wrap_cut(theme, notes[k].text, inner.width, small, shown[k]):
                surface.blit(theme.render(line, small), (inner.left, y))
                y += line_h
            y += gap

    def _note_meta(self, note: NoteFact, width: int) -> list[Msg]:
        """Date and author on one line: the short date first, then without the year
        when that does not fit, else over two lines."""
        theme = self.theme
        assert theme is not None
        small = th.SIZE_STAFF_SMALL
        day = note.written_at.astimezone(LOCAL_TZ).date()
        font = theme.font(small, bold=True)
        without_year = babel_dates.format_skeleton("MMMd", day, locale=babel_locale())
        for shown in (short_date(day), without_year):
            text = f"{shown}{SEPARATOR}{note_author(note)}"
            if font.size(text)[0] <= width:
                return [data(text)]
        return wrap_cut(
            theme, f"{short_date(day)}{SEPARATOR}{note_author(note)}", width, small, 2, bold=True
        )
