"""A participant's personal goals: the list, the goal form, the rating, and notes.

The goals are what the training is for: each one says, in the participant's own words
where possible, what they want to manage at work, in which workplace situation, which
domains and exercises train for it, and by when. At review meetings the work consultant
and the participant rate together how far they got (the goal attainment scale,
:mod:`cogtrain.staff.goal_scale`: -2..+2, 0 = as agreed), and a note links something
noticed at work to the training.

Everything goes through the staff desk, which checks the role and writes the audit log.
Two staff members may have the same goal open: a save against an older version is
refused by the storage layer, and the form says so and offers to reload it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UISelectionList

import exercises
from cogtrain.errors import CogtrainError
from cogtrain.i18n import Msg, _, data, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.dates import form_date, short_date
from cogtrain.runtime.staff.gui import (
    StaffScene,
    dropdown_value,
    exercise_label,
    fit,
    message_top,
    notify,
)
from cogtrain.runtime.text import draw_paragraph, wrap
from cogtrain.staff.forms import GOAL_TEXT_MAX, GoalDraft, NoteDraft, RatingDraft
from cogtrain.staff.goal_scale import GAS_LEVELS, GasLevel, gas_level
from cogtrain.staff.roles import Action
from cogtrain.storage.staff_records import GoalRow, ParticipantRecord, RatingRow, StaleRecordError
from cogtrain.training.exercise import Domain, domain_label

T = TypeVar("T")

NO_CHOICE = "-"
PICKED_BG: th.Color = (226, 234, 243)
ARCHIVED_BG: th.Color = (239, 238, 233)


# -- words for data -----------------------------------------------------------------------


def signed(value: int) -> Msg:
    """A rating as written on the scale, with a real minus sign: −2, −1, 0, +1, +2."""
    return data(gas_level(value).signed.replace("-", "\u2212"))


def joined(items: list[Msg]) -> Msg:
    return Msg(", ".join(items))


def first_line(text: str | None) -> str:
    return " ".join((text or "").split())


# -- the stale-edit message ---------------------------------------------------------------


class StaleGoal(CogtrainError):
    """A stale save, with the message and hint in the user's language."""


def stale_guard(fn: Callable[[], T], on_stale: Callable[[], None]) -> Callable[[], T]:
    """``fn``, with a stale-version refusal turned into a translated message."""

    def run() -> T:
        try:
            return fn()
        except StaleRecordError as exc:
            on_stale()
            raise StaleGoal(
                str(_("This goal was changed by someone else after you opened it.")),
                hint=str(
                    _(
                        "Nothing was saved. Reload to see the new version, then make your "
                        "change again."
                    )
                ),
            ) from exc

    return run


# -- the goals list -----------------------------------------------------------------------


class GoalsScene(StaffScene):
    """The participant's goals as cards: current ones first, archived ones apart below."""

    def __init__(self, nav, participant_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.participant_id = participant_id
        self.title = _("Goals")
        self.record: ParticipantRecord | None = None
        self.goals: list[GoalRow] = []
        self.ratings: dict[uuid.UUID, list[RatingRow]] = {}
        self.picked = 0
        self.first = 0
        self.card_rects: list[tuple[int, pygame.Rect]] = []
        self.can_edit = self.can_rate = self.can_note = False
        self._buttons: dict[str, UIButton] = {}
        self._load()

    # -- data ------------------------------------------------------------------------

    def _load(self, keep: uuid.UUID | None = None) -> None:
        session = self.nav.session
        assert session is not None
        pid = self.participant_id
        rec = self.attempt(lambda: session.open_participant(pid))
        if rec is None:
            self.record, self.goals, self.ratings = None, [], {}
            return
        self.record = rec
        self.title = _("Goals for {code}").format(code=data(rec.code))
        goals = self.attempt(lambda: session.goals(pid)) or []
        ratings = self.attempt(lambda: session.ratings(pid)) or []
        current = [g for g in goals if not g.archived]
        archived = sorted((g for g in goals if g.archived), key=lambda g: g.archived_at)
        self.goals = current + archived
        self.ratings = {}
        for r in ratings:
            self.ratings.setdefault(r.goal_id, []).append(r)
        self.can_edit = session.can(Action.GOAL_EDIT, rec)
        self.can_rate = session.can(Action.GOAL_RATE, rec)
        self.can_note = session.can(Action.NOTE_ADD, rec)
        if keep is not None:
            self.picked = next((i for i, g in enumerate(self.goals) if g.id == keep), 0)
        self.picked = min(self.picked, max(0, len(self.goals) - 1))

    @property
    def picked_goal(self) -> GoalRow | None:
        return self.goals[self.picked] if self.goals else None

    # -- widgets ---------------------------------------------------------------------

    def build(self, area: pygame.Rect) -> None:
        h = self.row_h()
        gap = self.px(12)
        y = area.bottom - h
        specs: list[tuple[str, Msg, Callable[[], None], bool]] = [
            ("back", _("Back"), self.back, False),
            ("new", _("New goal"), self.new_goal, True),
            ("edit", _("Change"), self.edit_goal, False),
            ("rate", _("Rate"), self.rate_goal, False),
            ("archive", _("Archive"), self.toggle_archive, False),
            ("note", _("Add note"), self.add_note, False),
        ]
        spare = area.width - gap * (len(specs) - 1) - self.px(16)
        width = min(self.px(200), spare // len(specs))
        x = area.left
        self._buttons = {}
        for key, label, command, primary in specs:
            self._buttons[key] = self.button(
                pygame.Rect(x, y, width, h), label, command, primary=primary
            )
            x += width + gap
            if key == "back":
                x += self.px(16)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        if not self._buttons:
            return
        goal = self.picked_goal
        have = self.record is not None
        wanted = {
            "back": True,
            "new": have and self.can_edit,
            "edit": goal is not None and self.can_edit,
            "rate": goal is not None and not goal.archived and self.can_rate,
            "archive": goal is not None and self.can_edit,
            "note": have and self.can_note,
        }
        for key, on in wanted.items():
            button = self._buttons[key]
            if not have and key != "back" and button.visible:
                button.hide()  # refused: only the way back
            if on and not button.is_enabled:
                button.enable()
            elif not on and button.is_enabled:
                button.disable()
        label = _("Restore") if goal is not None and goal.archived else _("Archive")
        if self._buttons["archive"].text != str(label):
            self._buttons["archive"].set_text(str(label))

    # -- actions ---------------------------------------------------------------------

    def back(self) -> None:
        self.nav.participant(self.participant_id)

    def new_goal(self) -> None:
        self.nav.goal_form(self.participant_id, None)

    def edit_goal(self) -> None:
        goal = self.picked_goal
        if goal is not None and self.can_edit:
            self.nav.goal_form(self.participant_id, goal)

    def rate_goal(self) -> None:
        goal = self.picked_goal
        if goal is not None and not goal.archived and self.can_rate:
            self.nav.rating_form(goal)

    def add_note(self) -> None:
        self.nav.note_form(self.participant_id)

    def toggle_archive(self) -> None:
        session = self.nav.session
        goal = self.picked_goal
        assert session is not None
        if goal is None:
            return
        archive = not goal.archived
        stale = {"hit": False}
        saved = self.attempt(
            stale_guard(
                lambda: session.archive_goal(goal.id, version=goal.version, archived=archive),
                lambda: stale.update(hit=True),
            )
        )
        if saved is None and not stale["hit"]:
            return
        self._load(keep=goal.id)
        if saved is None:
            # The list now shows what the other person saved; say why nothing changed.
            self.messages = [
                _("This goal was changed by someone else after you opened it."),
                _("Nothing was saved. The list now shows the new version: look, then try again."),
            ]
        else:
            self.notice = (
                _("The goal is archived: it is kept under “Archived goals”.")
                if archive
                else _("The goal is back among the current goals.")
            )
        self._sync_buttons()

    def submit(self) -> None:
        self.edit_goal()

    def handle(self, ev) -> None:  # type: ignore[no-untyped-def]
        e = ev.event
        if e.type == pygame.KEYDOWN and self.goals:
            if e.key == pygame.K_DOWN:
                self.picked = min(len(self.goals) - 1, self.picked + 1)
                self._sync_buttons()
            elif e.key == pygame.K_UP:
                self.picked = max(0, self.picked - 1)
                self._sync_buttons()
            elif e.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.edit_goal()
                return
        if e.type == pygame.MOUSEBUTTONUP and getattr(e, "button", 1) == 1:
            for i, rect in self.card_rects:
                if rect.collidepoint(e.pos):
                    if i == self.picked and getattr(e, "clicks", 1) >= 2:
                        self.edit_goal()
                        return
                    self.picked = i
                    self._sync_buttons()
        if e.type == pygame.MOUSEWHEEL and self.goals:
            self.picked = max(0, min(len(self.goals) - 1, self.picked - e.y))
            self._sync_buttons()
        super().handle(ev)

    # -- drawing ---------------------------------------------------------------------

    def _card_h(self) -> int:
        assert self.theme is not None
        body = self.theme.font(th.SIZE_STAFF_BODY, bold=True).get_linesize()
        small = self.theme.font(th.SIZE_STAFF_SMALL).get_linesize()
        return body + 2 * small + self.px(26)

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        assert self.theme is not None
        self.card_rects = []
        if self.record is None:
            return
        bottom = area.bottom - self.row_h() - self.px(18)
        panel = message_top(self, surface)
        if panel is not None:
            bottom = min(bottom, panel - self.px(10))
        if not self.goals:
            self.label(
                surface,
                _("No goals yet. Use “New goal” to write the first goal with the participant.")
                if self.can_edit
                else _("No goals yet."),
                (area.left, area.top + self.px(12)),
                muted=True,
            )
            return
        n_current = sum(1 for g in self.goals if not g.archived)
        # The list as rows: a heading before each group, then one card per goal.
        items: list[tuple[Msg | None, int]] = []
        if n_current:
            items.append((_("Current goals ({n})").format(n=number(n_current)), -1))
        for i, goal in enumerate(self.goals):
            if goal.archived and i == n_current:
                items.append(
                    (_("Archived goals ({n})").format(n=number(len(self.goals) - n_current)), -1)
                )
            items.append((None, i))
        card_h = self._card_h()
        head_h = self.px(34)
        gap = self.px(10)
        heights = [head_h if head is not None else card_h + gap for head, _i in items]
        avail = bottom - area.top
        if sum(heights) - gap > avail:
            avail -= self.px(28)  # room for the "more goals" line
        at = next(k for k, (head, i) in enumerate(items) if head is None and i == self.picked)
        start = at - 1 if at > 0 and items[at - 1][0] is not None else at  # with its heading
        self.first = min(self.first, start)
        while self.first < start and sum(heights[self.first : at + 1]) - gap > avail:
            self.first += 1
        y = area.top
        end = self.first
        while end < len(items) and y + heights[end] - gap <= area.top + avail:
            head, i = items[end]
            if head is not None:
                self.label(surface, head, (area.left, y + self.px(4)), bold=True)
            else:
                rect = pygame.Rect(area.left, y, area.width, card_h)
                self.card_rects.append((i, rect))
                self._draw_card(surface, rect, self.goals[i], picked=i == self.picked)
            y += heights[end]
            end += 1
        if self.first > 0 or end < len(items):
            shown = [i for i, _rect in self.card_rects]
            self.label(
                surface,
                _("Goals {first}–{last} of {n}: scroll or use the arrow keys for more.").format(
                    first=number(min(shown) + 1 if shown else 0),
                    last=number(max(shown) + 1 if shown else 0),
                    n=number(len(self.goals)),
                ),
                (area.left, bottom - self.px(26)),
                muted=True,
                size=th.SIZE_STAFF_SMALL,
            )

    def _draw_card(
        self, surface: pygame.Surface, rect: pygame.Rect, goal: GoalRow, *, picked: bool
    ) -> None:
        theme = self.theme
        assert theme is not None
        bg = PICKED_BG if picked else (ARCHIVED_BG if goal.archived else th.PANEL)
        radius = self.px(8)
        pygame.draw.rect(surface, bg, rect, border_radius=radius)
        pygame.draw.rect(
            surface,
            th.ACCENT if picked else th.PANEL_BORDER,
            rect,
            width=max(1, self.px(2)),
            border_radius=radius,
        )
        pad = self.px(14)
        left_w = int(rect.width * 0.54) - pad
        right_x = rect.left + int(rect.width * 0.56)
        right_w = rect.right - pad - right_x
        text_color = th.MUTED if goal.archived else th.TEXT
        body_h = theme.font(th.SIZE_STAFF_BODY, bold=True).get_linesize()
        small_h = theme.font(th.SIZE_STAFF_SMALL).get_linesize()
        y = rect.top + self.px(10)
        small = th.SIZE_STAFF_SMALL

        def line(
            text: Msg,
            x: int,
            yy: int,
            w: int,
            *,
            size: int = small,
            bold: bool = False,
            color: th.Color = th.TEXT,
        ) -> None:
            shown = fit(theme, text, w, size, bold=bold)
            surface.blit(theme.render(shown, size, color=color, bold=bold), (x, yy))

        x = rect.left + pad
        line(
            data(first_line(goal.text)),
            x,
            y,
            left_w,
            size=th.SIZE_STAFF_BODY,
            bold=True,
            color=text_color,
        )
        situation = first_line(goal.workplace_situation)
        line(
            _("At work: {situation}").format(situation=data(situation))
            if situation
            else _("No workplace situation written yet."),
            x,
            y + body_h + self.px(4),
            left_w,
            color=th.MUTED,
        )
        domains = [domain_label(d) for d in goal.domains]
        exercise_names = [exercise_label(e) for e in goal.exercise_ids]
        if domains or exercise_names:
            trained = _("Trains: {domains}").format(domains=joined(domains + exercise_names))
        else:
            trained = _("No domains or exercises chosen.")
        line(trained, x, y + body_h + small_h + self.px(6), left_w, color=text_color)

        # Right column: when, and how far we got.
        if goal.archived and goal.archived_at is not None:
            when = _("Archived {date}").format(
                date=short_date(goal.archived_at.astimezone(self.nav.desk.tz).date())
            )
        elif goal.target_date is not None:
            when = _("Target date {date}").format(date=short_date(goal.target_date))
        else:
            when = _("No target date")
        line(when, right_x, y + self.px(3), right_w, color=text_color)
        ratings = self.ratings.get(goal.id, [])
        if ratings:
            last = ratings[-1]
            latest = _("Latest rating: {value} {label}").format(
                value=signed(last.value), label=gas_level(last.value).label_text()
            )
            earlier = ratings[:-1]
            if earlier:
                values = ", ".join(signed(r.value) for r in earlier[-6:])
                history = _("Rated {date}. Earlier: {values}").format(
                    date=short_date(last.rated_on),
                    values=data(("…, " if len(earlier) > 6 else "") + values),
                )
            else:
                history = _("Rated {date}, the first rating.").format(
                    date=short_date(last.rated_on)
                )
        else:
            latest = _("Not rated yet")
            history = Msg("")
        line(latest, right_x, y + body_h + self.px(4), right_w, color=text_color, bold=True)
        if history:
            line(history, right_x, y + body_h + small_h + self.px(6), right_w, color=th.MUTED)


# -- the goal form ------------------------------------------------------------------------


class GoalFormScene(StaffScene):
    """Write a new goal or change one: text, workplace situation, domains, exercises, date."""

    def __init__(self, nav, participant_id: uuid.UUID, goal: GoalRow | None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.participant_id = participant_id
        self.goal = goal
        self.stale = False
        session = nav.session
        assert session is not None
        rec = self.attempt(lambda: session.records.participant_record(participant_id))
        code = data(rec.code) if rec is not None else data("")
        self.title = (
            _("New goal for {code}").format(code=code)
            if goal is None
            else _("Change a goal for {code}").format(code=code)
        )
        self.domains_chosen: set[str] = set(goal.domains) if goal else set()
        self.exercises_chosen: set[str] = set(goal.exercise_ids) if goal else set()
        self._labels: list[tuple[Msg, tuple[int, int], bool]] = []
        self.reload_button: UIButton | None = None

    def _options(self) -> tuple[list[tuple[Msg, str]], list[tuple[Msg, str]]]:
        domains = [(domain_label(d.value), d.value) for d in Domain]
        ex = [
            (
                _("{exercise} ({domain})").format(
                    exercise=_(e.title), domain=domain_label(str(e.domain))
                ),
                e.exercise_id,
            )
            for e in exercises.EXERCISES
        ]
        return domains, ex

    def build(self, area: pygame.Rect) -> None:
        h = self.row_h()
        lab = self.px(30)
        step = self.px(50)
        form_bottom = area.bottom - h - self.px(150)  # room for a few messages
        left_w = int(area.width * 0.55) - self.px(20)
        x0 = area.left
        x1 = area.left + int(area.width * 0.58)
        right_w = area.right - x1
        goal = self.goal
        self._labels = []
        y = area.top + self.px(34)
        self._labels.append((_("The goal, in the participant's own words"), (x0, y - lab), True))
        self.text = self.entry(
            pygame.Rect(x0, y, left_w, h), goal.text if goal else "", max_chars=GOAL_TEXT_MAX
        )
        y += h + step
        box_h = form_bottom - y - step - h
        self._labels.append(
            (_("The workplace situation: where and when it matters"), (x0, y - lab), True)
        )
        self.situation = self.text_box(
            pygame.Rect(x0, y, left_w, box_h), (goal.workplace_situation or "") if goal else ""
        )
        y += box_h + step
        self._labels.append((_("Target date (dd.mm.yyyy, optional)"), (x0, y - lab), True))
        self.target = self.entry(
            pygame.Rect(x0, y, self.px(220), h),
            form_date(goal.target_date) if goal else "",
            max_chars=10,
        )

        domain_opts, ex_opts = self._options()
        item_h = self.px(th.STAFF_ROW - 6)
        y = area.top + self.px(34)
        self._labels.append((_("Domains"), (x1, y - lab), True))
        self.domain_list = self._multi(
            pygame.Rect(x1, y, right_w, item_h * len(domain_opts) + self.px(8)),
            domain_opts,
            self.domains_chosen,
        )
        y += item_h * len(domain_opts) + self.px(8) + step
        self._labels.append(
            (_("Exercises that train for it (click to choose)"), (x1, y - lab), True)
        )
        self.exercise_list = self._multi(
            pygame.Rect(x1, y, right_w, form_bottom - y), ex_opts, self.exercises_chosen
        )

        bw = self.px(220)
        by = area.bottom - h
        self.button(pygame.Rect(area.left, by, bw, h), _("Cancel"), self.cancel)
        self.button(
            pygame.Rect(area.left + bw + self.px(16), by, bw, h),
            _("Save"),
            self.submit,
            primary=True,
        )
        self.reload_button = self.button(
            pygame.Rect(area.left + 2 * (bw + self.px(16)), by, bw + self.px(60), h),
            _("Reload the goal"),
            self.reload,
        )
        if not self.stale:
            self.reload_button.hide()
        if goal is None:
            self.text.focus()
            if self.ui is not None:
                self.ui.set_focus_set(self.text)

    def _multi(
        self, rect: pygame.Rect, options: list[tuple[Msg, str]], chosen: set[str]
    ) -> UISelectionList:
        items = [(str(label), value) for label, value in options]
        picked = [item for item in items if item[1] in chosen]
        return UISelectionList(
            rect,
            items,
            self.ui,
            allow_multi_select=True,
            allow_double_clicks=False,
            default_selection=picked or None,
        )

    def on_ui_event(self, event: pygame.event.Event) -> None:
        if event.type in (
            pygame_gui.UI_SELECTION_LIST_NEW_SELECTION,
            pygame_gui.UI_SELECTION_LIST_DROPPED_SELECTION,
        ):
            self._read_lists()

    def _read_lists(self) -> None:
        self.domains_chosen = {
            v for _t, v in self.domain_list.get_multi_selection(include_object_id=True)
        }
        self.exercises_chosen = {
            v for _t, v in self.exercise_list.get_multi_selection(include_object_id=True)
        }

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        assert self.theme is not None
        for text, pos, bold in self._labels:
            self.label(surface, text, pos, bold=bold, size=th.SIZE_STAFF_SMALL)
        # How many are chosen: a chosen exercise may be scrolled out of sight.
        for chosen, widget in (
            (self.domains_chosen, self.domain_list),
            (self.exercises_chosen, self.exercise_list),
        ):
            count = self.theme.render(
                _("{n} chosen").format(n=number(len(chosen))), th.SIZE_STAFF_SMALL, color=th.MUTED
            )
            surface.blit(
                count, (widget.rect.right - count.get_width(), widget.rect.top - self.px(30))
            )

    def draft(self) -> GoalDraft:
        self._read_lists()
        # Choices already saved keep their order; new ones follow in the list's order.
        kept_d = self.goal.domains if self.goal else ()
        kept_e = self.goal.exercise_ids if self.goal else ()
        domain_order = list(dict.fromkeys([*kept_d, *(d.value for d in Domain)]))
        ex_order = list(dict.fromkeys([*kept_e, *(e.exercise_id for e in exercises.EXERCISES)]))
        return GoalDraft(
            text=self.text.get_text(),
            workplace_situation=self.situation.get_text(),
            domains=tuple(d for d in domain_order if d in self.domains_chosen),
            exercise_ids=tuple(e for e in ex_order if e in self.exercises_chosen),
            target_date=self.target.get_text(),
        )

    def cancel(self) -> None:
        self.nav.goals(self.participant_id)

    def _mark_stale(self) -> None:
        self.stale = True
        if self.reload_button is not None:
            self.reload_button.show()

    def submit(self) -> None:
        session = self.nav.session
        assert session is not None
        draft = self.draft()
        goal = self.goal
        if goal is None:
            saved = self.attempt(lambda: session.add_goal(self.participant_id, draft))
        else:
            saved = self.attempt(
                stale_guard(
                    lambda: session.edit_goal(goal.id, draft, version=goal.version),
                    self._mark_stale,
                )
            )
        if saved is None:
            return
        self.nav.goals(self.participant_id)
        notify(self.nav, _("The goal is saved."))

    def reload(self) -> None:
        session = self.nav.session
        goal = self.goal
        assert session is not None and goal is not None
        fresh = self.attempt(lambda: session.records.goal(goal.id))
        if fresh is None:
            return
        self.nav.goal_form(self.participant_id, fresh)
        notify(
            self.nav,
            _("This is the goal as it is saved now. Make your change again, then save."),
        )


# -- the rating form ----------------------------------------------------------------------


class RatingFormScene(StaffScene):
    """Rate a goal together with the participant: the five levels, each with its meaning."""

    def __init__(self, nav, goal: GoalRow) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.goal = goal
        self.title = _("Goal attainment")
        self.value: int | None = None
        self.level_buttons: dict[int, UIButton] = {}
        self.level_rows: list[tuple[GasLevel, pygame.Rect]] = []
        session = nav.session
        assert session is not None
        ratings = self.attempt(lambda: session.ratings(goal.participant_id)) or []
        self.previous = [r for r in ratings if r.goal_id == goal.id]

    def build(self, area: pygame.Rect) -> None:
        assert self.theme is not None
        h = self.row_h()
        self._goal_lines = wrap(
            self.theme, data(first_line(self.goal.text)), area.width, th.SIZE_STAFF_BODY, bold=True
        )[:2]
        line_h = self.theme.font(th.SIZE_STAFF_BODY, bold=True).get_linesize()
        y = area.top + len(self._goal_lines) * line_h + self.px(50)
        self._levels_top = y
        row = self.px(54)
        gap = self.px(8)
        bw = min(self.px(400), int(area.width * 0.4))
        self.level_buttons = {}
        self.level_rows = []
        for level in reversed(GAS_LEVELS):  # +2 at the top, as the scale is drawn
            rect = pygame.Rect(area.left, y, bw, row)
            text = _("{value}  {label}").format(value=signed(level.value), label=level.label_text())
            self.level_buttons[level.value] = self.button(rect, text, self._chooser(level.value))
            left = area.left + bw + self.px(20)
            self.level_rows.append((level, pygame.Rect(left, y, area.right - left, row)))
            y += row + gap
        y += self.px(36)
        self._comment_label_y = y - self.px(30)
        self.comment = self.text_box(
            pygame.Rect(area.left, y, min(area.width, self.px(900)), self.px(78))
        )
        by = area.bottom - h
        bw2 = self.px(220)
        self.button(pygame.Rect(area.left, by, bw2, h), _("Cancel"), self.cancel)
        self.button(
            pygame.Rect(area.left + bw2 + self.px(16), by, bw2, h),
            _("Save the rating"),
            self.submit,
            primary=True,
        )
        self._show_choice()

    def _chooser(self, value: int) -> Callable[[], None]:
        # A command without parameters: pygame_gui hands a parameter the click's data.
        return lambda: self.choose(value)

    def choose(self, value: int) -> None:
        self.value = value
        self._show_choice()

    def _show_choice(self) -> None:
        for value, button in self.level_buttons.items():
            if value == self.value:
                button.select()
            else:
                button.unselect()

    def handle(self, ev) -> None:  # type: ignore[no-untyped-def]
        e = ev.event
        typing = any(entry.is_focused for entry in self.entries)
        if e.type == pygame.KEYDOWN and not typing and e.key in (pygame.K_UP, pygame.K_DOWN):
            step = 1 if e.key == pygame.K_UP else -1
            current = 0 if self.value is None else self.value + step
            self.choose(max(-2, min(2, current)))
        super().handle(ev)

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        theme = self.theme
        assert theme is not None
        line_h = theme.font(th.SIZE_STAFF_BODY, bold=True).get_linesize()
        y = area.top
        for text in self._goal_lines:
            self.label(surface, text, (area.left, y), bold=True)
            y += line_h
        if self.previous:
            last = self.previous[-1]
            before = _("Last rating: {value} on {date}. Today is {today}.").format(
                value=signed(last.value),
                date=short_date(last.rated_on),
                today=short_date(self.nav.desk.today()),
            )
        else:
            before = _("This is the first rating of this goal. Today is {today}.").format(
                today=short_date(self.nav.desk.today())
            )
        self.label(
            surface,
            fit(
                theme,
                _("Where did you get to, against what you agreed? {before}").format(before=before),
                area.width,
                th.SIZE_STAFF_SMALL,
            ),
            (area.left, y + self.px(8)),
            muted=True,
            size=th.SIZE_STAFF_SMALL,
        )
        small_h = theme.font(th.SIZE_STAFF_SMALL).get_linesize()
        for level, rect in self.level_rows:
            chosen = level.value == self.value
            lines = wrap(theme, level.meaning_text(), rect.width, th.SIZE_STAFF_SMALL, bold=chosen)[
                :2
            ]
            top = rect.centery - len(lines) * small_h // 2
            for k, text in enumerate(lines):
                self.label(
                    surface,
                    text,
                    (rect.left, top + k * small_h),
                    size=th.SIZE_STAFF_SMALL,
                    muted=not chosen,
                    bold=chosen,
                )
        self.label(
            surface,
            _("Comment (optional): what shows it, in a few words"),
            (area.left, self._comment_label_y),
            bold=True,
            size=th.SIZE_STAFF_SMALL,
        )

    def cancel(self) -> None:
        self.nav.goals(self.goal.participant_id)

    def submit(self) -> None:
        session = self.nav.session
        assert session is not None
        draft = RatingDraft(
            str(self.goal.id),
            "" if self.value is None else self.value,
            comment=self.comment.get_text(),
        )
        if self.attempt(lambda: session.rate_goal(draft)) is None:
            return
        self.nav.goals(self.goal.participant_id)
        notify(self.nav, _("The rating is saved."))


# -- the note form ------------------------------------------------------------------------


class NoteFormScene(StaffScene):
    """A note, optionally about one goal or one exercise (transfer to work, strategies)."""

    def __init__(
        self,
        nav,  # type: ignore[no-untyped-def]
        participant_id: uuid.UUID,
        *,
        back: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(nav)
        self.participant_id = participant_id
        self._back = back
        session = nav.session
        assert session is not None
        rec = self.attempt(lambda: session.records.participant_record(participant_id))
        code = data(rec.code) if rec is not None else data("")
        self.title = _("New note for {code}").format(code=code)
        goals = self.attempt(lambda: session.goals(participant_id)) or []
        self.goal_options = [g for g in goals if not g.archived]
        self._labels: list[tuple[Msg, tuple[int, int], bool]] = []
        self._hint_rect = pygame.Rect(0, 0, 0, 0)

    def build(self, area: pygame.Rect) -> None:
        h = self.row_h()
        lab = self.px(30)
        step = self.px(50)
        form_bottom = area.bottom - h - self.px(118)
        left_w = int(area.width * 0.55) - self.px(20)
        x1 = area.left + int(area.width * 0.58)
        right_w = area.right - x1
        y = area.top + self.px(34)
        self._labels = [(_("The note"), (area.left, y - lab), True)]
        self.text = self.text_box(pygame.Rect(area.left, y, left_w, form_bottom - y))
        assert self.theme is not None
        goal_opts: list[tuple[Msg, str]] = [(_("No goal"), NO_CHOICE)]
        for g in self.goal_options:
            label = fit(
                self.theme, data(first_line(g.text)), right_w - self.px(70), th.SIZE_STAFF_BODY
            )
            goal_opts.append((label, str(g.id)))
        self._labels.append((_("About a goal (optional)"), (x1, y - lab), True))
        self.goal_menu = self.dropdown(pygame.Rect(x1, y, right_w, h), goal_opts, NO_CHOICE)
        y += h + step
        ex_opts: list[tuple[Msg, str]] = [(_("No exercise"), NO_CHOICE)] + [
            (_(e.title), e.exercise_id) for e in exercises.EXERCISES
        ]
        self._labels.append((_("About an exercise (optional)"), (x1, y - lab), True))
        self.exercise_menu = self.dropdown(pygame.Rect(x1, y, right_w, h), ex_opts, NO_CHOICE)
        y += h + self.px(24)
        self._hint_rect = pygame.Rect(x1, y, right_w, form_bottom - y)
        bw = self.px(220)
        by = area.bottom - h
        self.button(pygame.Rect(area.left, by, bw, h), _("Cancel"), self.cancel)
        self.button(
            pygame.Rect(area.left + bw + self.px(16), by, bw, h),
            _("Save the note"),
            self.submit,
            primary=True,
        )
        self.text.focus()
        if self.ui is not None:
            self.ui.set_focus_set(self.text)

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        assert self.theme is not None
        for text, pos, bold in self._labels:
            self.label(surface, text, pos, bold=bold, size=th.SIZE_STAFF_SMALL)
        draw_paragraph(
            surface,
            self.theme,
            _(
                "A note links the training to work: what the participant noticed at the "
                "workplace, a strategy that helped, or what to try next time. Write about "
                "the work, not about the person's health."
            ),
            self._hint_rect,
            size=th.SIZE_STAFF_SMALL,
            color=th.MUTED,
            align_center=False,
            line_gap=1.25,
        )

    def cancel(self) -> None:
        if self._back is not None:
            self._back()
        else:
            self.nav.goals(self.participant_id)

    def submit(self) -> None:
        session = self.nav.session
        assert session is not None
        goal = dropdown_value(self.goal_menu)
        exercise = dropdown_value(self.exercise_menu)
        draft = NoteDraft(
            text=self.text.get_text(),
            goal_id=None if goal == NO_CHOICE else goal,
            exercise_id=None if exercise == NO_CHOICE else exercise,
        )
        if self.attempt(lambda: session.add_note(self.participant_id, draft)) is None:
            return
        self.cancel()
        notify(self.nav, _("The note is saved."))
