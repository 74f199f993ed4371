"""The assessment: the domain profile in plain words, before and after, the scores, and entry.

At the first meeting the work consultant (or the neuropsychologist) and the participant
look at the profile together: per domain the T score, where it lies (the band, in staff
words) and one sentence addressed to the participant, and which training domains could
help. Once results after training exist, "Before and after" shows per domain the change
in a plain word. "Scores" lists what was entered, by whom.

The neuropsychologist enters a whole battery at once (:class:`ScoreFormScene`): one row
per measure, only the filled-in rows are sent, and the desk checks every row before it
stores any, so a typo never leaves half a battery behind. Rows with a problem are marked
in calm amber; the messages name the test and the measure.

Opening the assessment is one audited view (``assessment_view``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextEntryLine

from cogtrain.assessment.batteries import BatterySet, Instrument, Measure, amount, show_number
from cogtrain.assessment.feedback import DomainChange, DomainProfile
from cogtrain.assessment.scores import ScoreDraft, Timepoint, timepoint_label
from cogtrain.errors import CogtrainError
from cogtrain.i18n import N_, Msg, _, current_language, data, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.accounts import _Table, draw_table
from cogtrain.runtime.staff.dates import form_date, short_date
from cogtrain.runtime.staff.gui import (
    ERROR_BG,
    ERROR_BORDER,
    StaffScene,
    dropdown_value,
    fit,
    message_top,
    notify,
)
from cogtrain.runtime.text import wrap
from cogtrain.staff.forms import FormErrors
from cogtrain.staff.roles import Action
from cogtrain.storage.staff_records import ParticipantRecord, ScoreRow
from cogtrain.training.exercise import domain_label

FLAG: th.Color = (138, 99, 0)  # dark amber text: look here, not alarm
TABS: tuple[str, ...] = ("profile", "change", "scores")
DASH = "\u2013"


# -- words for data -----------------------------------------------------------------------


def t_text(t: float | None) -> Msg:
    """A T score: whole numbers without decimals, else one decimal (42,5)."""
    if t is None:
        return data(DASH)
    if abs(t - round(t)) < 0.05:
        return number(round(t))
    return number(t, decimals=1)


def signed_change(change: float | None) -> Msg:
    """A change in T points with its sign and a real minus: +4, −3, 0."""
    if change is None:
        return data(DASH)
    text = t_text(abs(change))
    if round(change, 1) > 0:
        return data("+" + text)
    if round(change, 1) < 0:
        return data("\u2212" + text)
    return text


def domain_name(batteries: BatterySet, domain_id: str) -> Msg:
    try:
        return data(batteries.domain(domain_id).name(current_language()))
    except CogtrainError:
        return data(domain_id)


def measure_name(measure: Measure) -> Msg:
    """A measure's name for a screen; the prime (d′) is shown as an apostrophe, which
    the staff font has."""
    return data(measure.name(current_language()).replace("\u2032", "'"))


def standard_text(kind: str | None, value: float | None) -> Msg:
    if value is None:
        return data(DASH)
    return _("{kind} {value}").format(kind=data(kind or ""), value=show_number(value))


def score_cells(row: ScoreRow, batteries: BatterySet) -> tuple[Msg, ...]:
    """One entered score as table cells: date, timepoint, test, measure, raw, standard, who."""
    f = row.fields
    lang = current_language()
    test, measure, raw = data(f.instrument_id), data(f.measure_id), data(DASH)
    try:
        instrument = batteries.instrument(f.instrument_id)
        test = data(instrument.short(lang))
        m = instrument.measure(f.measure_id)
        measure = measure_name(m)
        if f.raw_value is not None:
            raw = amount(m.unit or "none", f.raw_value)
    except CogtrainError:
        if f.raw_value is not None:
            raw = show_number(f.raw_value)
    return (
        short_date(f.assessed_on),
        timepoint_label(f.timepoint),
        test,
        measure,
        raw,
        standard_text(f.standard_kind, f.standard_value),
        data(row.entered_by_name) if row.entered_by_name else data(DASH),
    )


def _tab_button(scene: StaffScene, x: int, y: int, label: Msg, command: Callable[[], None]):  # type: ignore[no-untyped-def]
    assert scene.theme is not None
    w = max(scene.px(120), scene.theme.font(th.SIZE_STAFF_BODY).size(label)[0] + scene.px(34))
    return scene.button(pygame.Rect(x, y, w, scene.row_h()), label, command)


# -- the assessment view ------------------------------------------------------------------


class AssessmentScene(StaffScene):
    """The participant's assessment: profile, before and after, and the entered scores."""

    SCORE_HEADERS = (
        N_("Date"),
        N_("Timepoint"),
        N_("Test"),
        N_("Measure"),
        N_("Raw score"),
        N_("T or z"),
        N_("Entered by"),
    )

    def __init__(self, nav, participant_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.participant_id = participant_id
        self.title = _("Assessment")
        self.record: ParticipantRecord | None = None
        self.rows: list[ScoreRow] | None = None
        self.profiles: dict[Timepoint, DomainProfile] = {}
        self.changes: tuple[DomainChange, ...] = ()
        self.later: Timepoint | None = None
        self.tab = TABS[0]
        self.timepoint: Timepoint | None = None
        self.can_enter = False
        self.first = 0
        self.tabs: dict[str, UIButton] = {}
        self.menu: UIDropDownMenu | None = None
        self._menu_label_x = 0
        self._bottom_buttons_right = 0
        self._load()

    # -- data ------------------------------------------------------------------------

    def _load(self) -> None:
        session = self.nav.session
        assert session is not None
        pid = self.participant_id
        rec = self.attempt(lambda: session.records.participant_record(pid))
        if rec is None:
            return
        self.title = _("Assessment for {code}").format(code=data(rec.code))
        feedback = self.attempt(lambda: session.feedback(pid))
        if feedback is None:
            return  # refused: the message says why, and only Back is offered
        self.record, self.rows = rec, list(feedback.rows)
        self.profiles = feedback.profiles
        self.later = feedback.later
        self.changes = feedback.changes
        if self.profiles and self.timepoint not in self.profiles:
            self.timepoint = list(self.profiles)[-1]  # the latest results first
        self.can_enter = session.can(Action.ASSESSMENT_ENTER, rec)

    @property
    def profile(self) -> DomainProfile | None:
        return self.profiles.get(self.timepoint) if self.timepoint else None

    # -- widgets ---------------------------------------------------------------------

    def build(self, area: pygame.Rect) -> None:
        h = self.row_h()
        gap = self.px(12)
        by = area.bottom - h
        back = self.button(pygame.Rect(area.left, by, self.px(170), h), _("Back"), self.back)
        self._bottom_buttons_right = back.rect.right
        self.tabs = {}
        self.menu = None
        if self.rows is None:
            return
        if self.can_enter:
            label = _("Enter scores")
            w = max(self.px(200), self.theme.font(th.SIZE_STAFF_BODY).size(label)[0] + self.px(40))  # type: ignore[union-attr]
            enter = self.button(
                pygame.Rect(back.rect.right + gap + self.px(16), by, w, h),
                label,
                self.enter_scores,
                primary=True,
            )
            self._bottom_buttons_right = enter.rect.right
        x = area.left
        for key, label in zip(
            TABS, (_("Profile"), _("Before and after"), _("Scores")), strict=True
        ):
            b = _tab_button(self, x, area.top, label, self._shower(key))
            self.tabs[key] = b
            x = b.rect.right + self.px(8)
        if self.profiles:
            options = [(timepoint_label(tp), tp.value) for tp in self.profiles]
            assert self.theme is not None
            widest = max(self.theme.font(th.SIZE_STAFF_BODY).size(o[0])[0] for o in options)
            w = min(self.px(300), widest + self.px(70))
            selected = self.timepoint.value if self.timepoint else None
            self.menu = self.dropdown(
                pygame.Rect(area.right - w, area.top, w, h), options, selected
            )
            self._menu_label_x = area.right - w - self.px(12)
        self._sync_tabs()

    def _shower(self, key: str) -> Callable[[], None]:
        return lambda: self.show(key)

    def _sync_tabs(self) -> None:
        for key, button in self.tabs.items():
            if key == self.tab and not button.is_selected:
                button.select()
            elif key != self.tab and button.is_selected:
                button.unselect()
        if self.menu is not None:
            if self.tab == "profile" and not self.menu.visible:
                self.menu.show()
            elif self.tab != "profile" and self.menu.visible:
                self.menu.hide()

    # -- actions ---------------------------------------------------------------------

    def show(self, key: str) -> None:
        if key in TABS:
            self.tab = key
            self.first = 0
            self._sync_tabs()

    def show_profile(self, timepoint: Timepoint) -> None:
        """The profile at ``timepoint`` (one that has scores)."""
        if timepoint in self.profiles:
            self.timepoint = timepoint
            self.tab = "profile"
            self.rebuild()

    def back(self) -> None:
        self.nav.participant(self.participant_id)

    def enter_scores(self) -> None:
        if self.can_enter:
            self.nav.score_form(self.participant_id)

    def on_ui_event(self, event: pygame.event.Event) -> None:
        if (
            event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED
            and self.menu is not None
            and event.ui_element is self.menu
        ):
            self.timepoint = Timepoint(dropdown_value(self.menu))

    def handle(self, ev) -> None:  # type: ignore[no-untyped-def]
        e = ev.event
        if self.tab == "scores":
            if e.type == pygame.KEYDOWN:
                step = {
                    pygame.K_DOWN: 1,
                    pygame.K_UP: -1,
                    pygame.K_PAGEDOWN: 10,
                    pygame.K_PAGEUP: -10,
                }.get(e.key, 0)
                self.first += step
            if e.type == pygame.MOUSEWHEEL:
                self.first -= 3 * e.y
            self.first = max(0, min(self.first, max(0, len(self.rows or []) - 1)))
        super().handle(ev)

    # -- messages --------------------------------------------------------------------

    def message_panel(self, surface: pygame.Surface) -> tuple[pygame.Rect, Msg] | None:
        """A one-line notice ("5 scores saved") sits beside the buttons, off the profile."""
        panel = super().message_panel(surface)
        if panel is None or self.messages or self.theme is None or self.rows is None:
            return panel
        text = panel[1]
        area = self.content_area(surface)
        left = self._bottom_buttons_right + self.px(24)
        pad = self.px(14)
        if self.theme.font(th.SIZE_STAFF_BODY).size(text)[0] + 2 * pad > area.right - left:
            return panel
        h = self.row_h()
        width = self.theme.font(th.SIZE_STAFF_BODY).size(text)[0] + 2 * pad
        top = area.bottom - h - (pad - self.px(10))
        return pygame.Rect(left, top, width, h + 2 * (pad - self.px(10))), text

    # -- drawing ---------------------------------------------------------------------

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        if self.rows is None:
            return
        body = pygame.Rect(area.left, area.top + self.row_h() + self.px(16), area.width, 0)
        bottom = area.bottom - self.row_h() - self.px(14)
        top_msg = message_top(self, surface)
        if top_msg is not None and self.messages:
            bottom = min(bottom, top_msg - self.px(8))
        body.height = bottom - body.top
        if self.tab == "profile":
            self._draw_profile(surface, body)
        elif self.tab == "change":
            self._draw_change(surface, body)
        else:
            self._draw_scores(surface, body)

    def _draw_profile(self, surface: pygame.Surface, box: pygame.Rect) -> None:
        theme = self.theme
        assert theme is not None
        profile = self.profile
        if profile is None:
            self._calm(
                surface,
                box,
                [
                    _("No assessment results are entered yet."),
                    _("When the neuropsychologist has entered them, the profile is shown here."),
                ],
            )
            return
        if self.menu is not None:
            label = theme.render(_("Timepoint"), th.SIZE_STAFF_SMALL, color=th.MUTED)
            surface.blit(
                label,
                (
                    self._menu_label_x - label.get_width(),
                    self.menu.rect.centery - label.get_height() // 2,
                ),
            )
        batteries = self.nav.desk.batteries
        small = th.SIZE_STAFF_SMALL
        body_h = theme.font(th.SIZE_STAFF_BODY, bold=True).get_linesize()
        small_h = theme.font(small).get_linesize()
        y = box.top
        if profile.overall_t is not None and profile.overall_band is not None:
            line = _("Overall composite: T {t}, {band}").format(
                t=t_text(profile.overall_t), band=profile.overall_band.label
            )
            self.label(surface, fit(theme, line, box.width, small), (box.left, y), size=small)
            y += small_h + self.px(10)
        name_w = min(self.px(440), int(box.width * 0.42))
        t_w = self.px(80)
        band_x = box.left + name_w + t_w
        n = len(profile.domains)
        # Each domain: its name, T and band; under it the sentence to the participant.
        row_h = body_h + small_h + self.px(10)
        foot_h = 4 * small_h + self.px(20)
        row_h = max(body_h + small_h, min(row_h, (box.bottom - y - foot_h) // max(1, n)))
        for result in profile.domains:
            name = domain_name(batteries, result.domain_id)
            self.label(
                surface,
                fit(theme, name, name_w - self.px(12), th.SIZE_STAFF_BODY, bold=True),
                (box.left, y),
                bold=True,
            )
            if result.t is not None and result.band is not None:
                self.label(surface, _("T {t}").format(t=t_text(result.t)), (box.left + name_w, y))
                self.label(
                    surface,
                    fit(theme, result.band.label, box.right - band_x, th.SIZE_STAFF_BODY),
                    (band_x, y),
                    muted=True,
                )
                sentence = result.sentence or Msg("")
                self.label(
                    surface,
                    fit(theme, sentence, box.width - self.px(20), small),
                    (box.left + self.px(20), y + body_h),
                    size=small,
                )
            else:
                self.label(
                    surface,
                    _("Not assessed at this timepoint"),
                    (box.left + self.px(20), y + body_h),
                    muted=True,
                    size=small,
                )
            y += row_h
        y += self.px(8)
        pygame.draw.line(surface, th.PANEL_BORDER, (box.left, y), (box.right, y), 1)
        y += self.px(8)
        if profile.training:
            helps = _("What could help: training {domains}.").format(
                domains=data(", ".join(domain_label(d.value) for d in profile.training))
            )
        else:
            helps = _("No domain is below the typical range at this timepoint.")
        y = self._lines(surface, helps, box.left, y, box.width, bold=True)
        note = _(
            "The bands describe where a score lies compared with the norm group. "
            "They are descriptive, not a diagnosis."
        )
        if profile.ignored:
            note = _("{note} Scores of tests no battery file knows are left out: {ids}.").format(
                note=note, ids=data(", ".join(profile.ignored))
            )
        self._lines(surface, note, box.left, y, box.width, muted=True)

    def _lines(
        self,
        surface: pygame.Surface,
        text: Msg,
        x: int,
        y: int,
        width: int,
        *,
        bold: bool = False,
        muted: bool = False,
    ) -> int:
        assert self.theme is not None
        small = th.SIZE_STAFF_SMALL
        line_h = self.theme.font(small, bold=bold).get_linesize()
        for line in wrap(self.theme, text, width, small, bold=bold)[:3]:
            self.label(surface, line, (x, y), size=small, bold=bold, muted=muted)
            y += line_h
        return y

    def _calm(self, surface: pygame.Surface, box: pygame.Rect, lines: list[Msg]) -> None:
        y = box.top + self.px(12)
        for k, line in enumerate(lines):
            y = self._lines_body(surface, line, box.left, y, box.width, muted=k > 0)
            y += self.px(6)

    def _lines_body(
        self, surface: pygame.Surface, text: Msg, x: int, y: int, width: int, *, muted: bool
    ) -> int:
        assert self.theme is not None
        line_h = self.theme.font(th.SIZE_STAFF_BODY).get_linesize()
        for line in wrap(self.theme, text, width, th.SIZE_STAFF_BODY):
            self.label(surface, line, (x, y), muted=muted)
            y += line_h
        return y

    def _draw_change(self, surface: pygame.Surface, box: pygame.Rect) -> None:
        if not self.changes or self.later is None:
            if Timepoint.BASELINE not in self.profiles:
                lines = [
                    _("There are no results from before the training yet."),
                    _("Before and after is shown when both are entered."),
                ]
            else:
                lines = [
                    _("The results after training are not entered yet."),
                    _("When they are, this shows the change in each domain, in plain words."),
                ]
            self._calm(surface, box, lines)
            return
        batteries = self.nav.desk.batteries
        cells = [
            (
                domain_name(batteries, c.domain_id),
                t_text(c.baseline_t),
                t_text(c.post_t),
                signed_change(c.change),
                c.word.label if c.word is not None else data(DASH),
            )
            for c in self.changes
        ]
        table_box = pygame.Rect(box.left, box.top, min(box.width, self.px(1200)), box.height)
        table = _Table.across(table_box, (340, 120, 120, 140, 240))
        # Short headings ("Before (T)") so the columns keep their room for the values.
        later = _("After") if self.later is Timepoint.POST else timepoint_label(self.later)
        heads = (
            _("Domain"),
            _("{timepoint} (T)").format(timepoint=_("Before")),
            _("{timepoint} (T)").format(timepoint=later),
            _("Change in T"),
            _("In words"),
        )
        row_h = self.px(36)
        draw_table(
            self,
            surface,
            table,
            box.top,
            heads,
            cells,
            row_h=row_h,
            size=th.SIZE_STAFF_BODY,
        )
        y = box.top + self.px(36) + row_h * len(cells) + self.px(16)
        self._lines(
            surface,
            _(
                "A change of less than 2 T points is about the same; from 5 points it is clear. "
                "A small change can come from practice with the tests or from a different day."
            ),
            box.left,
            y,
            table_box.width,
            muted=True,
        )

    def _draw_scores(self, surface: pygame.Surface, box: pygame.Rect) -> None:
        rows = self.rows or []
        if not rows:
            self._calm(surface, box, [_("No assessment results are entered yet.")])
            return
        row_h = self.px(30)
        hint_h = self.px(30)
        fits = max(1, (box.height - self.px(36) - hint_h) // row_h)
        self.first = max(0, min(self.first, len(rows) - fits))
        shown = rows[self.first : self.first + fits]
        batteries = self.nav.desk.batteries
        table = _Table.across(box, (118, 140, 170, 205, 152, 75, 130))
        draw_table(
            self,
            surface,
            table,
            box.top,
            tuple(_(h) for h in self.SCORE_HEADERS),
            [score_cells(r, batteries) for r in shown],
            row_h=row_h,
            size=th.SIZE_STAFF_SMALL,
            bold_first=False,
        )
        if len(rows) > fits:
            text = _("Scores {first}–{last} of {n}. Scroll or use Page Up / Page Down.").format(
                first=number(self.first + 1),
                last=number(self.first + len(shown)),
                n=number(len(rows)),
            )
            self.label(
                surface,
                text,
                (box.left, box.bottom - hint_h + self.px(6)),
                muted=True,
                size=th.SIZE_STAFF_SMALL,
            )


# -- the score form -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Size:
    """A window size where a surface is asked only for its size."""

    width: int
    height: int

    def get_width(self) -> int:
        return self.width

    def get_height(self) -> int:
        return self.height


@dataclass(frozen=True)
class FormRow:
    """One measure on the form, and its entries (``None`` where it takes no such value)."""

    instrument: Instrument
    measure: Measure
    raw: UITextEntryLine | None
    standard: UITextEntryLine | None


def form_measures(batteries: BatterySet) -> list[tuple[Instrument, Measure]]:
    """Every measure that takes a raw and/or a standard value, in battery-file order."""
    return [
        (i, m)
        for i in batteries.instruments
        for m in i.measures
        if m.takes_raw or m.standard is not None
    ]


def raw_hint(measure: Measure) -> Msg:
    """The allowed range of a raw value with its unit: "0 to 36 words"."""
    assert measure.minimum is not None and measure.maximum is not None
    return _("{low} to {high}").format(
        low=show_number(measure.minimum), high=amount(measure.unit or "none", measure.maximum)
    )


def standard_hint(measure: Measure) -> Msg:
    low, high = measure.standard_range or (0.0, 0.0)
    return _("{kind}, {low} to {high}").format(
        kind=data(measure.standard or ""), low=show_number(low), high=show_number(high)
    )


class ScoreFormScene(StaffScene):
    """Enter a whole battery at one timepoint: one row per measure, saved all at once."""

    def __init__(self, nav, participant_id: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.participant_id = participant_id
        session = nav.session
        assert session is not None
        self.title = _("Enter scores")
        rec = self.attempt(lambda: session.records.participant_record(participant_id))
        if rec is not None:
            self.title = _("Enter scores for {code}").format(code=data(rec.code))
        self.allowed = rec is not None and session.can(Action.ASSESSMENT_ENTER, rec)
        if rec is not None and not self.allowed:
            # Say why now, not after the typing.
            self.attempt(lambda: session.enter_scores(participant_id, []))
        self.measures = form_measures(nav.desk.batteries) if self.allowed else []
        self.timepoint = Timepoint.BASELINE.value
        self.rows: list[FormRow] = []
        self.first = 0
        self.fits = 1
        self.problem_rows: set[int] = set()
        self.menu: UIDropDownMenu | None = None
        self.date: UITextEntryLine | None = None
        self._cols: dict[str, int] = {}
        self._rows_top = 0
        self._row_step = 0
        self._placed: tuple[int, int] | None = None
        self._default_timepoint()

    def _default_timepoint(self) -> None:
        """The first timepoint without scores (usually the one being entered now)."""
        if not self.allowed:
            return
        session = self.nav.session
        assert session is not None
        try:
            done = {r.fields.timepoint for r in session.records.scores_of(self.participant_id)}
        except CogtrainError:
            return
        self.timepoint = next((tp.value for tp in Timepoint if tp.value not in done), "follow_up")

    # -- widgets ---------------------------------------------------------------------

    def build(self, area: pygame.Rect) -> None:
        assert self.theme is not None
        h = self.row_h()
        by = area.bottom - h
        bw = self.px(200)
        self.button(pygame.Rect(area.left, by, bw, h), _("Cancel"), self.cancel)
        self.rows = []
        self._placed = None
        if not self.allowed:
            return
        self.button(
            pygame.Rect(area.left + bw + self.px(16), by, bw, h),
            _("Save"),
            self.save,
            primary=True,
        )
        y = area.top + self.px(30)
        options = [(timepoint_label(tp), tp.value) for tp in Timepoint]
        self.menu = self.dropdown(
            pygame.Rect(area.left, y, self.px(280), h), options, self.timepoint
        )
        date_x = area.left + self.px(310)
        self.date = self.entry(
            pygame.Rect(date_x, y, self.px(180), h), form_date(self.nav.desk.today()), max_chars=10
        )
        self._top_labels = [
            (_("Timepoint"), (area.left, y - self.px(28))),
            (_("Date of the assessment (dd.mm.yyyy)"), (date_x, y - self.px(28))),
        ]
        # Columns: the test, raw entry, its range, standard entry, its range.
        width = min(area.width, self.px(1150))
        label_w = int(width * 0.34)
        raw_w = self.px(110)
        hint_w = int(width * 0.22)
        std_w = self.px(100)
        x = area.left
        self._cols = {
            "label": x,
            "raw": x + label_w,
            "raw_hint": x + label_w + raw_w + self.px(10),
            "std": x + label_w + raw_w + hint_w + self.px(20),
            "std_hint": x + label_w + raw_w + hint_w + std_w + self.px(30),
            "right": x + width,
        }
        self._label_w = label_w - self.px(12)
        self._hint_w = hint_w
        self._head_y = y + h + self.px(14)
        self._rows_top = self._head_y + self.px(32)
        self._row_step = h + self.px(8)
        self._rows_bottom = by - self.px(16)
        for instrument, measure in self.measures:
            raw = std = None
            if measure.takes_raw:
                raw = self.entry(pygame.Rect(self._cols["raw"], 0, raw_w, h), max_chars=12)
            if measure.standard is not None:
                std = self.entry(pygame.Rect(self._cols["std"], 0, std_w, h), max_chars=8)
            self.rows.append(FormRow(instrument, measure, raw, std))
        self._place_rows(area.bottom - h - self.px(16))

    def _place_rows(self, bottom: int) -> None:
        """Show the rows that fit between the headings and ``bottom``; hide the others."""
        self.fits = max(1, (bottom - self._rows_top) // self._row_step)
        self.first = max(0, min(self.first, len(self.rows) - self.fits))
        if self._placed == (self.first, self.fits):
            return
        self._placed = (self.first, self.fits)
        for k, row in enumerate(self.rows):
            on = self.first <= k < self.first + self.fits
            y = self._rows_top + (k - self.first) * self._row_step
            for e in (row.raw, row.standard):
                if e is None:
                    continue
                if on:
                    e.set_relative_position((e.relative_rect.x, y))
                    if not e.visible:
                        e.show()
                elif e.visible:
                    e.hide()

    def scroll(self, step: int) -> None:
        self.first = max(0, min(self.first + step, len(self.rows) - self.fits))

    def show_row(self, k: int) -> None:
        """Scroll so that form row ``k`` is on screen."""
        if k < self.first:
            self.first = k
        elif k >= self.first + self.fits:
            self.first = k - self.fits + 1

    def _row_of(self, entry: object) -> int | None:
        for k, row in enumerate(self.rows):
            if entry is row.raw or entry is row.standard:
                return k
        return None

    def _tab(self, *, backwards: bool) -> None:
        super()._tab(backwards=backwards)
        focused = next((e for e in self.entries if e.is_focused), None)
        k = self._row_of(focused)
        if k is not None:
            self.show_row(k)
            self._refresh_rows()

    def _refresh_rows(self) -> None:
        if self.rows and self._built_for is not None:
            self._place_rows(self._bottom_for_rows())

    def _bottom_for_rows(self) -> int:
        bottom = self._rows_bottom
        if self.messages and self._built_for is not None:
            top = message_top(self, _Size(*self._built_for))  # type: ignore[arg-type]
            if top is not None:
                bottom = min(bottom, top - self.px(8))
        return bottom

    def handle(self, ev) -> None:  # type: ignore[no-untyped-def]
        e = ev.event
        step = 0
        if e.type == pygame.KEYDOWN and e.key in (pygame.K_PAGEDOWN, pygame.K_PAGEUP):
            step = (1 if e.key == pygame.K_PAGEDOWN else -1) * max(1, self.fits - 1)
        elif e.type == pygame.MOUSEWHEEL:
            step = -2 * e.y
        if step:
            self.scroll(step)
            self._refresh_rows()
        super().handle(ev)

    def on_ui_event(self, event: pygame.event.Event) -> None:
        if (
            event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED
            and self.menu is not None
            and event.ui_element is self.menu
        ):
            self.timepoint = dropdown_value(self.menu)

    def submit(self) -> None:
        """Enter in an entry goes on to the next one (saving is the button's job)."""
        self._tab(backwards=False)

    # -- drawing ---------------------------------------------------------------------

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        theme = self.theme
        assert theme is not None
        if not self.allowed:
            return
        self._place_rows(self._bottom_for_rows())
        small = th.SIZE_STAFF_SMALL
        for text, pos in self._top_labels:
            self.label(surface, text, pos, bold=True, size=small)
        c = self._cols
        heads = (
            (_("Test and measure"), c["label"]),
            (_("Raw score"), c["raw"]),
            (_("Allowed"), c["raw_hint"]),
            (_("T or z"), c["std"]),
            (_("Allowed"), c["std_hint"]),
        )
        for text, x in heads:
            self.label(surface, text, (x, self._head_y), bold=True, size=small)
        line_y = self._head_y + self.px(28)
        pygame.draw.line(surface, th.PANEL_BORDER, (c["label"], line_y), (c["right"], line_y), 2)
        lang = current_language()
        small_h = theme.font(small).get_linesize()
        h = self.row_h()
        for k in range(self.first, min(len(self.rows), self.first + self.fits)):
            row = self.rows[k]
            y = self._rows_top + (k - self.first) * self._row_step
            problem = k in self.problem_rows
            band = pygame.Rect(
                c["label"] - self.px(8),
                y - self.px(3),
                c["right"] - c["label"] + self.px(16),
                h + self.px(6),
            )
            if problem:
                pygame.draw.rect(surface, ERROR_BG, band, border_radius=self.px(8))
                pygame.draw.rect(
                    surface, ERROR_BORDER, band, width=max(1, self.px(2)), border_radius=self.px(8)
                )
            elif k % 2 == 1:
                pygame.draw.rect(surface, (239, 238, 233), band, border_radius=self.px(8))
            top = y + h // 2 - small_h
            name = fit(theme, data(row.instrument.short(lang)), self._label_w, small, bold=True)
            measure = fit(theme, measure_name(row.measure), self._label_w, small)
            color = FLAG if problem else th.TEXT
            surface.blit(theme.render(name, small, color=color, bold=True), (c["label"], top))
            surface.blit(
                theme.render(measure, small, color=FLAG if problem else th.MUTED),
                (c["label"], top + small_h),
            )
            mid = y + h // 2
            if row.raw is not None:
                hint = fit(theme, raw_hint(row.measure), self._hint_w, small)
                surf = theme.render(hint, small, color=th.MUTED)
                surface.blit(surf, (c["raw_hint"], mid - surf.get_height() // 2))
            if row.standard is not None:
                hint = fit(theme, standard_hint(row.measure), c["right"] - c["std_hint"], small)
                surf = theme.render(hint, small, color=th.MUTED)
                surface.blit(surf, (c["std_hint"], mid - surf.get_height() // 2))
        shown_last = min(len(self.rows), self.first + self.fits)
        if len(self.rows) > self.fits:
            text = _("Rows {first}–{last} of {n}. Scroll or use Page Up / Page Down.").format(
                first=number(self.first + 1), last=number(shown_last), n=number(len(self.rows))
            )
            x = area.left + 2 * self.px(200) + self.px(40)
            text = fit(theme, text, area.right - x, small)
            surf = theme.render(text, small, color=th.MUTED)
            surface.blit(surf, (x, area.bottom - h // 2 - surf.get_height() // 2))

    # -- actions ---------------------------------------------------------------------

    def drafts(self) -> tuple[list[ScoreDraft], list[int]]:
        """A draft for every row with something typed in, and each draft's form row."""
        day = self.date.get_text() if self.date is not None else ""
        out: list[ScoreDraft] = []
        sent: list[int] = []
        for k, row in enumerate(self.rows):
            raw = row.raw.get_text().strip() if row.raw is not None else ""
            std = row.standard.get_text().strip() if row.standard is not None else ""
            if not raw and not std:
                continue
            out.append(
                ScoreDraft(
                    battery_id=row.instrument.battery_id,
                    instrument_id=row.instrument.instrument_id,
                    measure_id=row.measure.measure_id,
                    timepoint=self.timepoint,
                    assessed_on=day,
                    raw=raw,
                    standard=std,
                )
            )
            sent.append(k)
        return out, sent

    def save(self) -> None:
        session = self.nav.session
        assert session is not None
        drafts, sent = self.drafts()
        self.problem_rows = set()
        if not drafts:
            self.messages = [_("Nothing to save yet: type at least one score.")]
            self.notice = None
            self._refresh_rows()
            return
        rows: set[int] = set()

        def run() -> int:
            try:
                return session.enter_scores(self.participant_id, drafts)
            except FormErrors as exc:
                # Fields are named "row:field", the row counting the drafts sent.
                for e in exc.errors:
                    head, sep, _field = str(e.field).partition(":")
                    if sep and head.isdigit() and int(head) < len(sent):
                        rows.add(sent[int(head)])
                raise

        saved = self.attempt(run)
        if saved is None:
            self.problem_rows = rows
            if rows:
                # One message per problem (a wrong date is the same on every row).
                unique = [Msg(m.replace("\u2032", "'")) for m in dict.fromkeys(self.messages)]
                self.messages = [
                    _("Nothing is saved yet. Correct the marked rows, then save."),
                    *unique,
                ]
                self.show_row(min(rows))
            self._refresh_rows()
            return
        self.nav.assessments(self.participant_id)
        notify(self.nav, _("{n} scores saved.").format(n=number(int(saved))))

    def cancel(self) -> None:
        self.nav.assessments(self.participant_id)
