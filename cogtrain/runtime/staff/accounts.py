"""Staff accounts and the audit log: the admin's screens.

An admin makes the accounts of the clinic's work consultants, neuropsychologists and
other admins, unlocks an account after too many wrong passwords, switches off the
account of someone who has left (their name stays on what they wrote), and sets a new
password when someone has forgotten theirs. The audit log shows who did what and when,
newest first: every login, every record opened and every change.

The desk checks the role for every list and every action; anyone else who reaches these
screens sees the desk's refusal instead of the accounts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pygame
from babel import dates as babel_dates
from pygame_gui.elements import UIButton

from cogtrain.i18n import N_, Msg, _, babel_locale, data, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.dates import date_time
from cogtrain.runtime.staff.gui import StaffScene, dropdown_value, fit, message_top, notify
from cogtrain.runtime.text import draw_paragraph
from cogtrain.staff.forms import (
    DISPLAY_NAME_MAX,
    USERNAME_MAX,
    FieldError,
    FormErrors,
    StaffUserDraft,
)
from cogtrain.staff.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from cogtrain.staff.roles import Role, role_label
from cogtrain.storage.staff_records import AuditRow, DuplicateError, StaffUserRow

AUDIT_PAGE = 50
PICKED_BG: th.Color = (226, 234, 243)
FLAG: th.Color = (181, 137, 0)  # amber, as on the overview: worth a look, never an alarm

# The audit log's action strings (as the desk writes them) in words; a denied action is
# logged under its permission's name, so those are here too.
ACTION_LABELS: dict[str, str] = {
    "login": N_("Logged in"),
    "logout": N_("Logged out"),
    "participant_login": N_("Participant started with PIN"),
    "participant_list": N_("Listed participants"),
    "participant_view": N_("Opened a participant"),
    "progress_view": N_("Viewed progress"),
    "clinic_overview_view": N_("Viewed the clinic overview"),
    "participant_create": N_("New participant"),
    "participant_edit": N_("Changed a participant"),
    "participant_set_pin": N_("Set a PIN"),
    "participant_deactivate": N_("Deactivated a participant"),
    "participant_reactivate": N_("Reactivated a participant"),
    "participant_assign": N_("Assigned a work consultant"),
    "participant_assign_consultant": N_("Assigned a work consultant"),
    "participant_start_training": N_("Started training"),
    "goal_create": N_("New goal"),
    "goal_edit": N_("Changed a goal"),
    "goal_archive": N_("Archived a goal"),
    "goal_restore": N_("Restored a goal"),
    "goal_rate": N_("Rated a goal"),
    "note_add": N_("Wrote a note"),
    "assessment_enter": N_("Entered an assessment"),
    "assessment_view": N_("Viewed an assessment"),
    "export_data": N_("Exported data"),
    "report_print": N_("Printed a report"),
    "audit_view": N_("Viewed the audit log"),
    "audit_log_view": N_("Viewed the audit log"),
    "assessment_correct": N_("Corrected an assessment"),
    "user_manage": N_("Managed staff accounts"),
    "user_create_first_admin": N_("Made the first admin account"),
    "user_create": N_("New staff account"),
    "user_unlock": N_("Unlocked an account"),
    "user_deactivate": N_("Switched off an account"),
    "user_reactivate": N_("Switched on an account"),
    "user_reset_password": N_("Set a new password"),
}
OUTCOME_LABELS: dict[str, str] = {
    "ok": N_("done"),
    "failed": N_("failed"),
    "denied": N_("refused"),
    "stopped": N_("stopped"),
}
WHY_LABELS: dict[str, str] = {
    "wrong_password": N_("wrong password"),
    "wrong_pin": N_("wrong PIN"),
    "locked": N_("locked"),
    "unknown_user": N_("unknown user name"),
    "inactive": N_("switched off"),
}


def action_label(action: str) -> Msg:
    """A short label for an audit action; an action without one is shown as it is."""
    name = ACTION_LABELS.get(action)
    return _(name) if name else data(action)


def outcome_label(row: AuditRow) -> Msg:
    name = OUTCOME_LABELS.get(row.outcome)
    out = _(name) if name else data(row.outcome)
    why = (row.detail or {}).get("why")
    if isinstance(why, str) and why:
        reason = _(WHY_LABELS[why]) if why in WHY_LABELS else data(why)
        out = _("{outcome} ({reason})").format(outcome=out, reason=reason)
    if (row.detail or {}).get("offline") is True:
        # A participant log-in on a training PC, checked against its copy; the row
        # reached this log when the server was back (cogtrain/storage/journal.py).
        out = _("{outcome}, offline").format(outcome=out)
    return out


def audit_time(moment: datetime, tz) -> Msg:  # type: ignore[no-untyped-def]
    """The moment in local time as dd.mm.yyyy HH:MM, the way the log is read aloud."""
    return Msg(
        babel_dates.format_datetime(moment, "dd.MM.yyyy HH:mm", tzinfo=tz, locale=babel_locale())
    )


@dataclass(frozen=True)
class _Table:
    """Column positions for a table drawn across ``area`` with the given weights."""

    xs: tuple[int, ...]
    right: int

    @classmethod
    def across(cls, area: pygame.Rect, weights: tuple[int, ...]) -> _Table:
        total = sum(weights)
        xs = [area.left]
        for w in weights[:-1]:
            xs.append(xs[-1] + area.width * w // total)
        return cls(tuple(xs), area.right)

    def width(self, j: int) -> int:
        end = self.xs[j + 1] if j + 1 < len(self.xs) else self.right
        return end - self.xs[j]


def draw_table(
    scene: StaffScene,
    surface: pygame.Surface,
    table: _Table,
    top: int,
    headers: tuple[Msg, ...],
    rows: list[tuple[Msg, ...]],
    *,
    row_h: int,
    size: int,
    picked: int | None = None,
    muted_rows: frozenset[int] = frozenset(),
    flagged: frozenset[tuple[int, int]] = frozenset(),
    bold_first: bool = True,
) -> list[tuple[int, pygame.Rect]]:
    """Headers, a line, then ``rows``; returns each drawn row's index and rectangle.

    ``flagged`` cells (row, column) are drawn bold in amber.
    """
    theme = scene.theme
    assert theme is not None
    pad = scene.px(8)
    for x, head, j in zip(table.xs, headers, range(len(headers)), strict=True):
        text = fit(theme, head, table.width(j) - 2 * pad, th.SIZE_STAFF_SMALL, bold=True)
        scene.label(surface, text, (x + pad, top), bold=True, size=th.SIZE_STAFF_SMALL)
    y = top + scene.px(32)
    pygame.draw.line(surface, th.PANEL_BORDER, (table.xs[0], y), (table.right, y), 2)
    y += scene.px(4)
    rects: list[tuple[int, pygame.Rect]] = []
    for i, cells in enumerate(rows):
        rect = pygame.Rect(table.xs[0], y, table.right - table.xs[0], row_h)
        rects.append((i, rect))
        if i == picked:
            pygame.draw.rect(surface, PICKED_BG, rect, border_radius=scene.px(6))
            pygame.draw.rect(surface, th.ACCENT, rect, width=scene.px(2), border_radius=scene.px(6))
        color = th.MUTED if i in muted_rows else th.TEXT
        for j, (x, cell) in enumerate(zip(table.xs, cells, strict=True)):
            flag = (i, j) in flagged
            bold = (j == 0 and bold_first) or flag
            text = fit(theme, cell, table.width(j) - 2 * pad, size, bold=bold)
            surf = theme.render(text, size, color=FLAG if flag else color, bold=bold)
            surface.blit(surf, (x + pad, rect.centery - surf.get_height() // 2))
        y += row_h
    return rects


def _button_row(
    scene: StaffScene,
    area: pygame.Rect,
    specs: list[tuple[str, Msg, Callable[[], None], bool]],
) -> dict[str, UIButton]:
    """One row of equal buttons along the bottom of ``area``; Back (first) set apart."""
    h = scene.row_h()
    gap = scene.px(12)
    extra = scene.px(16)
    width = min(scene.px(270), (area.width - gap * (len(specs) - 1) - extra) // len(specs))
    x = area.left
    out: dict[str, UIButton] = {}
    for k, (key, label, command, primary) in enumerate(specs):
        out[key] = scene.button(
            pygame.Rect(x, area.bottom - h, width, h), label, command, primary=primary
        )
        x += width + gap + (extra if k == 0 else 0)
    return out


def _enable(button: UIButton, on: bool) -> None:
    if on and not button.is_enabled:
        button.enable()
    elif not on and button.is_enabled:
        button.disable()


# -- the accounts list --------------------------------------------------------------------


class AccountsScene(StaffScene):
    """Every staff account, with unlock, switch off/on and a new password."""

    HEADERS = (
        N_("User name"),
        N_("Name"),
        N_("Role"),
        N_("Active"),
        N_("Locked until"),
        N_("Last login"),
    )

    def __init__(self, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.title = _("Staff accounts")
        self.users: list[StaffUserRow] | None = None
        self.picked = 0
        self.first = 0
        self.row_rects: list[tuple[int, pygame.Rect]] = []
        self.resetting: StaffUserRow | None = None
        self._buttons: dict[str, UIButton] = {}
        self.password = self.password_again = None
        self._load()

    # -- data ------------------------------------------------------------------------

    def _load(self, keep: uuid.UUID | None = None) -> None:
        session = self.nav.session
        assert session is not None
        self.users = self.attempt(session.users)
        if self.users and keep is not None:
            self.picked = next((i for i, u in enumerate(self.users) if u.id == keep), 0)
        self.picked = min(self.picked, max(0, len(self.users or []) - 1))

    @property
    def picked_user(self) -> StaffUserRow | None:
        return self.users[self.picked] if self.users else None

    def _locked(self, u: StaffUserRow) -> bool:
        return u.locked_until is not None and u.locked_until > self.nav.desk.now()

    # -- widgets ---------------------------------------------------------------------

    def _list_bottom(self, area: pygame.Rect) -> int:
        bottom = area.bottom - self.row_h() - self.px(18)
        if self.resetting is not None:
            # The form sits above the room the message panel needs (two lines).
            bottom = area.bottom - self.row_h() - self.px(150) - self._panel_h()
        return bottom

    def _panel_h(self) -> int:
        return self.px(12) * 2 + self.px(34) + self.px(28) + self.row_h() + self.px(32)

    def build(self, area: pygame.Rect) -> None:
        self.password = self.password_again = None
        if self.resetting is not None:
            self._build_reset(area)
            return
        self._buttons = _button_row(
            self,
            area,
            [
                ("back", _("Back"), self.nav.home, False),
                ("new", _("New account"), self.nav.user_form, True),
                ("unlock", _("Unlock"), self.unlock, False),
                ("active", _("Switch off"), self.toggle_active, False),
                ("reset", _("New password"), self.start_reset, False),
                ("audit", _("Audit log"), self.nav.audit_log, False),
            ],
        )
        self._sync_buttons()

    def _build_reset(self, area: pygame.Rect) -> None:
        h = self.row_h()
        panel = self._panel_rect(area)
        pad = self.px(16)
        y = panel.top + self.px(12) + self.px(34) + self.px(28)
        w = min(self.px(420), (panel.width - 3 * pad) // 2)
        self.password = self.entry(
            pygame.Rect(panel.left + pad, y, w, h), hidden=True, max_chars=MAX_PASSWORD_LENGTH
        )
        self.password_again = self.entry(
            pygame.Rect(panel.left + 2 * pad + w, y, w, h),
            hidden=True,
            max_chars=MAX_PASSWORD_LENGTH,
        )
        self._reset_label_xs = (panel.left + pad, panel.left + 2 * pad + w)
        self._buttons = _button_row(
            self,
            area,
            [
                ("cancel", _("Cancel"), self.cancel_reset, False),
                ("save", _("Save the password"), self.save_reset, True),
            ],
        )
        self.password.focus()
        if self.ui is not None:
            self.ui.set_focus_set(self.password)

    def _panel_rect(self, area: pygame.Rect) -> pygame.Rect:
        top = self._list_bottom(area) + self.px(12)
        return pygame.Rect(area.left, top, area.width, self._panel_h())

    def _sync_buttons(self) -> None:
        if self.resetting is not None or not self._buttons:
            return
        u = self.picked_user
        listed = self.users is not None
        for key, button in self._buttons.items():
            if key == "back" or bool(button.visible) == listed:
                continue
            if listed:
                button.show()
            else:
                button.hide()  # refused: only the way back
        _enable(self._buttons["new"], listed)
        _enable(self._buttons["audit"], listed)
        _enable(
            self._buttons["unlock"], u is not None and (self._locked(u) or u.failed_attempts > 0)
        )
        _enable(self._buttons["active"], u is not None)
        _enable(self._buttons["reset"], u is not None and u.active)
        label = _("Switch on") if u is not None and not u.active else _("Switch off")
        if self._buttons["active"].text != str(label):
            self._buttons["active"].set_text(str(label))

    def _rebuild(self) -> None:
        """Build the widgets again on the next frame (the reset form opens or closes)."""
        for entry in self.entries:
            entry.set_text("")
        self.entries = []
        self._built_for = None

    # -- actions ---------------------------------------------------------------------

    def unlock(self) -> None:
        session = self.nav.session
        u = self.picked_user
        assert session is not None
        if u is None:
            return
        if self.attempt(lambda: session.unlock_user(u.id)) is None:
            return
        self._load(keep=u.id)
        self.notice = _("{name} can log in again.").format(name=data(u.display_name))
        self._sync_buttons()

    def toggle_active(self) -> None:
        session = self.nav.session
        u = self.picked_user
        assert session is not None
        if u is None:
            return
        if self.attempt(lambda: session.set_user_active(u.id, not u.active)) is None:
            return
        self._load(keep=u.id)
        self.notice = (
            _("{name}'s account is switched off. What they wrote is kept.")
            if u.active
            else _("{name}'s account is switched on again.")
        ).format(name=data(u.display_name))
        self._sync_buttons()

    def start_reset(self) -> None:
        u = self.picked_user
        if u is None or not u.active:
            return
        self.resetting = u
        self.messages, self.notice = [], None
        self._rebuild()

    def cancel_reset(self) -> None:
        self.resetting = None
        self.messages = []
        self._rebuild()

    def save_reset(self) -> None:
        session = self.nav.session
        u = self.resetting
        assert session is not None
        if u is None or self.password is None or self.password_again is None:
            return
        pw, again = self.password.get_text(), self.password_again.get_text()
        if self.attempt(lambda: session.reset_password(u.id, pw, again)) is None:
            self.password.set_text("")
            self.password_again.set_text("")
            return
        self.resetting = None
        self._rebuild()
        self._load(keep=u.id)
        self.notice = _(
            "{name} has a new password. Give it to them in person, and ask them to "
            "remember it well."
        ).format(name=data(u.display_name))

    def submit(self) -> None:
        if self.resetting is not None:
            self.save_reset()

    def handle(self, ev) -> None:  # type: ignore[no-untyped-def]
        e = ev.event
        users = self.users or []
        if e.type == pygame.KEYDOWN and users and self.resetting is None:
            if e.key == pygame.K_DOWN:
                self.picked = min(len(users) - 1, self.picked + 1)
            elif e.key == pygame.K_UP:
                self.picked = max(0, self.picked - 1)
            self._sync_buttons()
        idle = self.resetting is None
        if e.type == pygame.MOUSEBUTTONUP and getattr(e, "button", 1) == 1 and idle:
            for i, rect in self.row_rects:
                if rect.collidepoint(e.pos):
                    self.picked = i
                    self._sync_buttons()
        if e.type == pygame.MOUSEWHEEL and users and self.resetting is None:
            self.picked = max(0, min(len(users) - 1, self.picked - e.y))
            self._sync_buttons()
        super().handle(ev)

    # -- drawing ---------------------------------------------------------------------

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        theme = self.theme
        assert theme is not None
        self.row_rects = []
        if self.users is None:
            return
        bottom = self._list_bottom(area)
        panel = message_top(self, surface)
        if panel is not None and self.resetting is None:
            bottom = min(bottom, panel - self.px(10))
        row_h = self.px(40)
        fits = max(1, (bottom - area.top - self.px(36)) // row_h)
        users = self.users
        if self.picked < self.first:
            self.first = self.picked
        elif self.picked >= self.first + fits:
            self.first = self.picked - fits + 1
        shown = users[self.first : self.first + fits]
        rows = [self._cells(u) for u in shown]
        table = _Table.across(area, (160, 200, 190, 100, 125, 193))
        muted = frozenset(k for k, u in enumerate(shown) if not u.active)
        picked = self.picked - self.first if self.resetting is None else None
        rects = draw_table(
            self,
            surface,
            table,
            area.top,
            tuple(_(h) for h in self.HEADERS),
            rows,
            row_h=row_h,
            size=th.SIZE_STAFF_BODY,
            picked=picked,
            muted_rows=muted,
        )
        self.row_rects = [(self.first + k, rect) for k, rect in rects]
        if len(users) > fits:
            self.label(
                surface,
                _("{first}–{last} of {n}. Scroll or use the arrow keys.").format(
                    first=number(self.first + 1),
                    last=number(self.first + len(shown)),
                    n=number(len(users)),
                ),
                (area.left, bottom - self.px(24)),
                muted=True,
                size=th.SIZE_STAFF_SMALL,
            )
        if self.resetting is not None:
            self._draw_reset(surface, area)

    def _cells(self, u: StaffUserRow) -> tuple[Msg, ...]:
        tz = self.nav.desk.tz
        return (
            data(u.username),
            data(u.display_name),
            role_label(u.role) if u.role in {r.value for r in Role} else data(u.role),
            _("yes") if u.active else _("switched off"),
            self._lock_cell(u),
            date_time(u.last_login_at, tz) if u.last_login_at else _("never"),
        )

    def _lock_cell(self, u: StaffUserRow) -> Msg:
        if not self._locked(u) or u.locked_until is None:
            return data("–")
        tz = self.nav.desk.tz
        until = u.locked_until.astimezone(tz)
        if until.date() == self.nav.desk.now().astimezone(tz).date():
            return data(f"{until:%H:%M}")  # a lock lasts minutes: the time says it
        return date_time(u.locked_until, tz)

    def _draw_reset(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        u = self.resetting
        assert u is not None
        panel = self._panel_rect(area)
        radius = self.px(10)
        pygame.draw.rect(surface, th.PANEL, panel, border_radius=radius)
        pygame.draw.rect(surface, th.ACCENT, panel, width=self.px(2), border_radius=radius)
        pad = self.px(16)
        self.label(
            surface,
            _("New password for {name} ({username})").format(
                name=data(u.display_name), username=data(u.username)
            ),
            (panel.left + pad, panel.top + self.px(12)),
            bold=True,
        )
        y = panel.top + self.px(12) + self.px(34)
        x1, x2 = self._reset_label_xs
        self.label(surface, _("New password"), (x1, y), bold=True, size=th.SIZE_STAFF_SMALL)
        self.label(
            surface, _("The new password again"), (x2, y), bold=True, size=th.SIZE_STAFF_SMALL
        )
        assert self.password is not None and self.theme is not None
        hint = _("At least {n} characters. A few words in a row are easy to remember.").format(
            n=number(MIN_PASSWORD_LENGTH)
        )
        self.label(
            surface,
            fit(self.theme, hint, panel.width - 2 * pad, th.SIZE_STAFF_SMALL),
            (x1, self.password.rect.bottom + self.px(6)),
            muted=True,
            size=th.SIZE_STAFF_SMALL,
        )


# -- a new account ------------------------------------------------------------------------


class UserFormScene(StaffScene):
    """A new staff account: user name, name, role, and a first password typed twice."""

    ROLES = (Role.CONSULTANT, Role.NEUROPSYCHOLOGIST, Role.ADMIN)

    def __init__(self, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.title = _("New staff account")
        self._labels: list[tuple[Msg, tuple[int, int]]] = []

    def build(self, area: pygame.Rect) -> None:
        h = self.row_h()
        lab = self.px(30)
        step = h + self.px(52)
        col_w = min(self.px(440), (area.width - self.px(60)) // 2)
        x0 = area.left
        x1 = area.left + col_w + self.px(60)
        y = area.top + self.px(40)
        self._labels = [(_("User name (for logging in, a-z)"), (x0, y - lab))]
        self.username = self.entry(pygame.Rect(x0, y, col_w, h), max_chars=USERNAME_MAX)
        self._labels.append((_("Name other staff will see"), (x0, y + step - lab)))
        self.display_name = self.entry(
            pygame.Rect(x0, y + step, col_w, h), max_chars=DISPLAY_NAME_MAX
        )
        self._labels.append((_("Role"), (x0, y + 2 * step - lab)))
        self.role = self.dropdown(
            pygame.Rect(x0, y + 2 * step, col_w, h),
            [(role_label(r), r.value) for r in self.ROLES],
            Role.CONSULTANT.value,
        )
        self._labels.append((_("First password"), (x1, y - lab)))
        self.password = self.entry(
            pygame.Rect(x1, y, col_w, h), hidden=True, max_chars=MAX_PASSWORD_LENGTH
        )
        self._labels.append((_("The password again"), (x1, y + step - lab)))
        self.password_again = self.entry(
            pygame.Rect(x1, y + step, col_w, h), hidden=True, max_chars=MAX_PASSWORD_LENGTH
        )
        self._hint = pygame.Rect(x1, y + 2 * step - lab, col_w, 2 * h)
        bw = self.px(220)
        by = area.bottom - h
        self.button(pygame.Rect(area.left, by, bw, h), _("Cancel"), self.nav.accounts)
        self.button(
            pygame.Rect(area.left + bw + self.px(16), by, bw + self.px(40), h),
            _("Make the account"),
            self.submit,
            primary=True,
        )
        self.username.focus()
        if self.ui is not None:
            self.ui.set_focus_set(self.username)

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        assert self.theme is not None
        for text, pos in self._labels:
            self.label(surface, text, pos, bold=True, size=th.SIZE_STAFF_SMALL)
        draw_paragraph(
            surface,
            self.theme,
            _(
                "At least {n} characters. Give the first password to the person in person; "
                "they can keep using it, or ask an admin for a new one."
            ).format(n=number(MIN_PASSWORD_LENGTH)),
            self._hint,
            size=th.SIZE_STAFF_SMALL,
            color=th.MUTED,
            align_center=False,
            line_gap=1.2,
        )

    def submit(self) -> None:
        session = self.nav.session
        assert session is not None
        draft = StaffUserDraft(
            self.username.get_text(),
            self.display_name.get_text(),
            dropdown_value(self.role),
            self.password.get_text(),
            self.password_again.get_text(),
        )
        name = draft.username.strip().lower()

        def add():  # type: ignore[no-untyped-def]
            try:
                return session.add_user(draft)
            except DuplicateError as exc:
                message = _("The username {name} is already taken. Choose another one.")
                raise FormErrors((FieldError("username", message.format(name=name)),)) from exc

        made = self.attempt(add)
        self.password.set_text("")
        self.password_again.set_text("")
        if made is None:
            return
        self.nav.accounts()
        notify(
            self.nav,
            _("The account {username} is made for {name}.").format(
                username=data(made.username), name=data(made.display_name)
            ),
        )


# -- the audit log ------------------------------------------------------------------------


class AuditLogScene(StaffScene):
    """Who did what, when, newest first, 50 entries a page."""

    HEADERS = (
        N_("Time"),
        N_("Who"),
        N_("What"),
        N_("Outcome"),
        N_("Participant"),
        N_("PC"),
    )

    def __init__(self, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.title = _("Audit log")
        self.page = 0
        self.first = 0
        self.rows: list[AuditRow] | None = None
        self.has_older = False
        self.until: datetime | None = None
        self._buttons: dict[str, UIButton] = {}
        self._load()

    def _load(self) -> None:
        session = self.nav.session
        assert session is not None
        offset = self.page * AUDIT_PAGE
        rows = self.attempt(
            lambda: session.audit_log(limit=AUDIT_PAGE + 1, offset=offset, until=self.until)
        )
        self.first = 0
        if rows is None:
            self.rows, self.has_older = None, False
            return
        if self.until is None and rows:
            self.until = rows[0].at  # later pages: the log as it was when opened
        self.rows = rows[:AUDIT_PAGE]
        self.has_older = len(rows) > AUDIT_PAGE

    def build(self, area: pygame.Rect) -> None:
        self._buttons = _button_row(
            self,
            area,
            [
                ("back", _("Back"), self.back, False),
                ("newer", _("Newer"), self.newer, False),
                ("older", _("Older"), self.older, False),
            ],
        )
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        if self._buttons:
            if self.rows is None:
                self._buttons["newer"].hide()
                self._buttons["older"].hide()
            _enable(self._buttons["newer"], self.rows is not None and self.page > 0)
            _enable(self._buttons["older"], self.has_older)

    def back(self) -> None:
        if self.nav.is_admin:
            self.nav.accounts()
        else:
            self.nav.home()

    def older(self) -> None:
        if not self.has_older:
            return
        self.page += 1
        self._load()
        self._sync_buttons()

    def newer(self) -> None:
        if self.page == 0:
            return
        self.page -= 1
        self._load()
        self._sync_buttons()

    def _fits(self, area: pygame.Rect) -> int:
        bottom = area.bottom - self.row_h() - self.px(48)
        return max(1, (bottom - area.top - self.px(36)) // self._row_h())

    def _row_h(self) -> int:
        return self.px(30)

    def handle(self, ev) -> None:  # type: ignore[no-untyped-def]
        e = ev.event
        n = len(self.rows or [])
        page = 10
        if e.type == pygame.KEYDOWN:
            if e.key == pygame.K_DOWN:
                self.first += 1
            elif e.key == pygame.K_UP:
                self.first -= 1
            elif e.key == pygame.K_PAGEDOWN:
                self.first += page
            elif e.key == pygame.K_PAGEUP:
                self.first -= page
        if e.type == pygame.MOUSEWHEEL:
            self.first -= 3 * e.y
        self.first = max(0, min(self.first, max(0, n - 1)))
        super().handle(ev)

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        if self.rows is None:
            return
        tz = self.nav.desk.tz
        if not self.rows:
            self.label(surface, _("The audit log is empty."), (area.left, area.top), muted=True)
            return
        fits = self._fits(area)
        self.first = max(0, min(self.first, len(self.rows) - fits))
        shown = self.rows[self.first : self.first + fits]
        cells = [
            (
                audit_time(r.at, tz),
                data(r.actor_name),
                action_label(r.action),
                outcome_label(r),
                data(r.participant_code) if r.participant_code else data("–"),
                data(r.device),
            )
            for r in shown
        ]
        table = _Table.across(area, (160, 105, 185, 340, 103, 70))
        draw_table(
            self,
            surface,
            table,
            area.top,
            tuple(_(h) for h in self.HEADERS),
            cells,
            row_h=self._row_h(),
            size=th.SIZE_STAFF_SMALL,
            flagged=frozenset((k, 3) for k, r in enumerate(shown) if r.outcome != "ok"),
            bold_first=False,
        )
        start = self.page * AUDIT_PAGE
        self.label(
            surface,
            _(
                "Entries {first}–{last} of page {page}. Scroll or use Page Up / Page Down; "
                "“Older” goes further back."
            ).format(
                first=number(start + self.first + 1),
                last=number(start + self.first + len(shown)),
                page=number(self.page + 1),
            ),
            (area.left, area.bottom - self.row_h() - self.px(34)),
            muted=True,
            size=th.SIZE_STAFF_SMALL,
        )
