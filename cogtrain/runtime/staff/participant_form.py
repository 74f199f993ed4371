"""Create or change a participant: code, work consultant, plan, start date, language, PIN.

Which fields are shown follows the role table: a consultant edits their own
participants' plan, start date, language and PIN; an admin creates participants,
assigns them to a consultant and (de)activates them, but does not open their training
data. The code is chosen once: it is what the exports and the logs are keyed by.
Everything is checked on Save and nothing is stored unless all of it is right.
"""

from __future__ import annotations

import uuid

import pygame

from cogtrain.i18n import Msg, _, current_language, data
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.dates import form_date
from cogtrain.runtime.staff.gui import StaffScene, dropdown_value
from cogtrain.runtime.text import draw_paragraph
from cogtrain.staff.forms import ParticipantDraft
from cogtrain.staff.roles import Action, Role
from cogtrain.storage.staff_records import ParticipantRecord

NO_CONSULTANT = "-"


class ParticipantFormScene(StaffScene):
    def __init__(self, nav, participant_id: uuid.UUID | None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        session = nav.session
        assert session is not None
        self.record: ParticipantRecord | None = None
        if participant_id is not None:
            self.record = session.records.participant_record(participant_id)
        self.creating = self.record is None
        self.title = (
            _("New participant")
            if self.creating
            else _("Participant {code}").format(code=self.record.code)  # type: ignore[union-attr]
        )
        role = session.user.role
        self.can_assign = role is Role.ADMIN
        self.can_edit = self.creating or session.can(Action.PARTICIPANT_EDIT, self.record)
        self.can_deactivate = not self.creating and session.can(
            Action.PARTICIPANT_DEACTIVATE, self.record
        )
        self.consultants = [
            (u.display_name, u.username)
            for u in session.records.users()
            if u.role == Role.CONSULTANT.value and u.active
        ]
        self._labels: list[tuple[Msg, tuple[int, int]]] = []
        self._hint_y = 0

    def _back(self) -> None:
        if self.record is not None and not self.nav.is_admin:
            self.nav.participant(self.record.id)
        else:
            self.nav.home()

    def build(self, area: pygame.Rect) -> None:
        h = self.row_h()
        col_w = min(self.px(560), (area.width - self.px(80)) // 2)
        x = area.left + self.px(10)
        y = area.top + self.px(44)
        step = h + self.px(48)
        self._labels = []
        rec = self.record
        self.code = None
        if self.creating:
            self._labels.append((_("Participant code"), (x, y - self.px(30))))
            self.code = self.entry(pygame.Rect(x, y, col_w, h), max_chars=32)
            y += step
        self.consultant = None
        if self.can_assign:
            self._labels.append((_("Work consultant"), (x, y - self.px(30))))
            options = [(_("No one yet"), NO_CONSULTANT)] + [
                (data(name), username) for name, username in self.consultants
            ]
            current = NO_CONSULTANT
            if rec is not None and rec.consultant_id is not None:
                for u in self.nav.session.records.users():  # type: ignore[union-attr]
                    if u.id == rec.consultant_id:
                        current = u.username
            self.consultant = self.dropdown(pygame.Rect(x, y, col_w, h), options, current)
            y += step
        self.plan = self.start = self.language = self.pin = None
        if self.can_edit:
            profiles = self.nav.desk.profiles
            lang = current_language()
            plan_opts = [(data(p.name(lang)), p.profile_id) for p in profiles.plans]
            self._labels.append((_("Training plan"), (x, y - self.px(30))))
            self.plan = self.dropdown(
                pygame.Rect(x, y, col_w, h),
                plan_opts,
                rec.plan_profile if rec else "jmo-standard",
            )
            y += step
            x2 = area.left + col_w + self.px(60)
            y2 = area.top + self.px(44)
            self._labels.append((_("Start date (dd.mm.yyyy)"), (x2, y2 - self.px(30))))
            start = rec.start_date if rec else self.nav.desk.today()
            self.start = self.entry(pygame.Rect(x2, y2, col_w, h), form_date(start), max_chars=10)
            y2 += step
            self._labels.append((_("Language on screen"), (x2, y2 - self.px(30))))
            self.language = self.dropdown(
                pygame.Rect(x2, y2, col_w, h),
                [(_("Norwegian (bokmål)"), "nb"), (_("English"), "en")],
                (rec.language if rec and rec.language else "nb"),
            )
            y2 += step
            pin_label = (
                _("PIN for starting training (4–8 digits)")
                if self.creating or not rec or not rec.has_pin
                else _("New PIN (leave empty to keep the current one)")
            )
            self._labels.append((pin_label, (x2, y2 - self.px(30))))
            self.pin = self.entry(pygame.Rect(x2, y2, col_w, h), hidden=True, max_chars=8)
            y = max(y, y2 + step)
        self._hint_y = y - self.px(20)
        bw = self.px(230)
        by = area.bottom - h
        self.button(pygame.Rect(area.left, by, bw, h), _("Cancel"), self._back)
        self.button(
            pygame.Rect(area.left + bw + self.px(16), by, bw, h),
            _("Save"),
            self.submit,
            primary=True,
        )
        if self.can_deactivate and rec is not None:
            self.button(
                pygame.Rect(area.right - self.px(300), by, self.px(300), h),
                _("Deactivate") if rec.active else _("Reactivate"),
                self.toggle_active,
            )
        if self.code is not None:
            self.code.focus()
            if self.ui is not None:
                self.ui.set_focus_set(self.code)

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        assert self.theme is not None
        for text, pos in self._labels:
            self.label(surface, text, pos, bold=True, size=th.SIZE_STAFF_SMALL)
        if self.creating:
            hint = _(
                "The code is the only name cogtrain keeps: never a name, a date of birth, "
                "a national identity number or an e-mail address. Use the clinic's own "
                "code form, for example JMO-014."
            )
        elif self.record is not None and not self.record.active:
            hint = _("This participant is deactivated: their training data is kept.")
        else:
            hint = None
        if hint is not None:
            draw_paragraph(
                surface,
                self.theme,
                hint,
                pygame.Rect(area.left + self.px(10), self._hint_y, area.width, self.px(60)),
                size=th.SIZE_STAFF_SMALL,
                color=th.MUTED,
                align_center=False,
                line_gap=1.2,
            )

    def _draft(self) -> ParticipantDraft:
        rec = self.record
        consultant = ""
        if self.consultant is not None:
            value = dropdown_value(self.consultant)
            consultant = "" if value == NO_CONSULTANT else value
        return ParticipantDraft(
            code=self.code.get_text() if self.code is not None else (rec.code if rec else ""),
            plan_profile=dropdown_value(self.plan)
            if self.plan
            else (rec.plan_profile if rec else ""),
            start_date=self.start.get_text()
            if self.start
            else form_date(rec.start_date if rec else None),
            language=dropdown_value(self.language)
            if self.language
            else (rec.language or "nb" if rec else "nb"),
            consultant_username=consultant,
            pin=self.pin.get_text() if self.pin else "",
        )

    def submit(self) -> None:
        session = self.nav.session
        assert session is not None
        draft = self._draft()
        if self.creating:
            saved = self.attempt(lambda: session.create_participant(draft))
            if saved is None:
                return
            self.record = saved
        else:
            rec = self.record
            assert rec is not None
            if (
                self.can_edit
                and self.attempt(lambda: session.update_participant(rec.id, draft)) is None
            ):
                return
            if self.can_assign and self.consultant is not None:
                chosen = draft.consultant_username or None
                if self.attempt(lambda: session.assign_consultant(rec.id, chosen)) is None:
                    return
        if self.pin is not None:
            self.pin.set_text("")
        self._back()

    def toggle_active(self) -> None:
        session = self.nav.session
        rec = self.record
        assert session is not None and rec is not None
        if self.attempt(lambda: session.set_participant_active(rec.id, not rec.active)) is None:
            return
        self.nav.participant_form(rec.id)
