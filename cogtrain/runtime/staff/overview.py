"""The clinic overview: every participant this staff member may see, one row each.

For a work consultant (and a neuropsychologist): hours toward the target, the last
session, attendance this month, the next planned session, and a flag on anyone who has
missed two planned sessions in a row — flagged rows come first, so the people to call
are at the top. An admin sees codes, consultants and status only (admins manage
accounts and assignments; they do not read training data).

Rows are picked with a click or the arrow keys; Enter opens the picked participant.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pygame

from cogtrain.i18n import Msg, _, data, number
from cogtrain.paths import staff_documents_dir
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.dates import short_date
from cogtrain.runtime.staff.gui import StaffScene, fit_text
from cogtrain.staff.roles import Action, Role, allowed_actions

ROWS_PER_PAGE = 12
FLAG: th.Color = (138, 99, 0)  # dark amber (4.9:1 on the background): "get in touch", never red


@dataclass(frozen=True)
class _Row:
    participant_id: uuid.UUID
    cells: tuple[Msg, ...]
    flagged: bool
    active: bool


class OverviewScene(StaffScene):
    def __init__(self, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.title = _("Participants")
        self.picked = 0
        self.first = 0
        self.with_consultant = True
        self.rows: list[_Row] = []
        self.headers: tuple[Msg, ...] = ()
        self.row_rects: list[tuple[int, pygame.Rect]] = []
        self._load()

    # -- data ------------------------------------------------------------------------

    def _load(self) -> None:
        session = self.nav.session
        assert session is not None
        self.admin = self.nav.is_admin
        if self.admin:
            records = self.attempt(lambda: session.participants(include_inactive=True)) or []
            self.headers = (_("Participant code"), _("Work consultant"), _("Status"))
            self.rows = [
                _Row(
                    r.id,
                    (
                        data(r.code),
                        data(r.consultant_name) if r.consultant_name else _("none yet"),
                        _("active") if r.active else _("deactivated"),
                    ),
                    False,
                    r.active,
                )
                for r in records
            ]
            return
        # A consultant's list holds only their own participants: no consultant column.
        self.with_consultant = session.user.role is not Role.CONSULTANT
        self.headers = (
            _("Participant code"),
            *((_("Work consultant"),) if self.with_consultant else ()),
            _("Hours"),
            _("Last session"),
            _("This month"),
            _("Next session"),
            _("Attendance"),
        )
        overview = self.attempt(session.clinic_overview) or []
        self.rows = []
        for entry in overview:
            rec, o = entry.record, entry.row
            self.rows.append(
                _Row(
                    rec.id,
                    (
                        data(o.participant_code),
                        *(
                            (data(o.consultant) if o.consultant else _("none yet"),)
                            if self.with_consultant
                            else ()
                        ),
                        _("{done} / {target}").format(
                            done=number(o.hours_done, decimals=1),
                            target=number(entry.plan.target_hours),
                        ),
                        short_date(o.last_session_day) if o.last_session_day else _("none yet"),
                        _("{done} / {planned}").format(
                            done=number(o.sessions_this_month),
                            planned=number(o.planned_this_month),
                        ),
                        short_date(o.next_session) if o.next_session else data("–"),
                        _("Missed 2 in a row") if o.missed_two_in_a_row else _("OK"),
                    ),
                    o.missed_two_in_a_row,
                    rec.active,
                )
            )

    @property
    def picked_id(self) -> uuid.UUID | None:
        if not self.rows:
            return None
        return self.rows[min(self.picked, len(self.rows) - 1)].participant_id

    # -- widgets ---------------------------------------------------------------------

    def build(self, area: pygame.Rect) -> None:
        session = self.nav.session
        assert session is not None
        h = self.row_h()
        y = area.bottom - h
        buttons: list[tuple[Msg, object, bool]] = []
        if not self.admin:
            buttons.append((_("Open"), self.open_picked, True))
        if session.can(Action.PARTICIPANT_CREATE):
            buttons.append((_("New participant"), lambda: self.nav.participant_form(None), False))
        allowed = allowed_actions(session.user.role)
        if Action.REPORT_PRINT in allowed and not self.admin:
            buttons.append((_("Progress report"), self.report_picked, False))
        if Action.EXPORT_DATA in allowed:
            buttons.append((_("Export for research"), self.export_all, False))
        if self.admin:
            buttons.append((_("Change"), self.edit_picked, True))
            buttons.append((_("Staff accounts"), self.nav.accounts, False))
            buttons.append((_("Audit log"), self.nav.audit_log, False))
        gap = self.px(14)
        width = min(self.px(250), (area.width - gap * (len(buttons) - 1)) // max(1, len(buttons)))
        x = area.left
        for label, command, primary in buttons:
            self.button(pygame.Rect(x, y, width, h), label, command, primary=primary)  # type: ignore[arg-type]
            x += width + gap

    def report_picked(self) -> None:
        """Save the picked participant's progress report (PDF) in the staff documents folder."""
        session = self.nav.session
        pid = self.picked_id
        if session is None or pid is None:
            return
        code = next(r.cells[0] for r in self.rows if r.participant_id == pid)
        folder = staff_documents_dir()
        path = _free_name(folder / f"{code}-{self.nav.desk.today():%Y-%m-%d}.pdf")

        def save() -> Path:
            body = session.report(pid, pdf=True)
            folder.mkdir(parents=True, exist_ok=True)
            part = path.with_name(path.name + ".part")
            part.write_bytes(body)
            part.replace(path)
            return path

        saved = self.attempt(save)
        if isinstance(saved, Path):
            self.notice = _("The progress report is saved as {path}.").format(path=data(saved))

    def export_all(self) -> None:
        """The de-identified research export of every participant, as one .zip file."""
        session = self.nav.session
        if session is None:
            return
        folder = staff_documents_dir()
        path = _free_name(folder / f"cogtrain-export-{self.nav.desk.today():%Y-%m-%d}.zip")

        def run():  # type: ignore[no-untyped-def]
            folder.mkdir(parents=True, exist_ok=True)
            return session.export(path)

        result = self.attempt(run)
        if result is not None and result is not True:
            self.notice = _(
                "Exported {n} participants ({trials} trials), de-identified, to {path}."
            ).format(
                n=number(result.n_participants), trials=number(result.n_trials), path=data(path)
            )

    def open_picked(self) -> None:
        pid = self.picked_id
        if pid is not None:
            self.nav.participant(pid)

    def edit_picked(self) -> None:
        pid = self.picked_id
        if pid is not None:
            self.nav.participant_form(pid)

    def submit(self) -> None:
        (self.edit_picked if self.admin else self.open_picked)()

    def handle(self, ev) -> None:  # type: ignore[no-untyped-def]
        e = ev.event
        if e.type == pygame.KEYDOWN and self.rows:
            if e.key == pygame.K_DOWN:
                self.picked = min(len(self.rows) - 1, self.picked + 1)
            elif e.key == pygame.K_UP:
                self.picked = max(0, self.picked - 1)
            elif e.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.submit()
                return
            elif e.key == pygame.K_PAGEDOWN:
                self.picked = min(len(self.rows) - 1, self.picked + ROWS_PER_PAGE)
            elif e.key == pygame.K_PAGEUP:
                self.picked = max(0, self.picked - ROWS_PER_PAGE)
        if e.type == pygame.MOUSEBUTTONUP and getattr(e, "button", 1) == 1:
            for i, rect in self.row_rects:
                if rect.collidepoint(e.pos):
                    if i == self.picked and getattr(e, "clicks", 1) >= 2:
                        self.submit()
                    self.picked = i
        if e.type == pygame.MOUSEWHEEL:
            self.first = max(0, min(len(self.rows) - ROWS_PER_PAGE, self.first - e.y))
        super().handle(ev)

    # -- drawing ---------------------------------------------------------------------

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        theme = self.theme
        assert theme is not None
        if not self.rows:
            self.label(
                surface,
                _("No participants yet. Use “New participant” to add the first one.")
                if not self.admin
                else _("No participants yet."),
                (area.left, area.top + self.px(20)),
                muted=True,
            )
            return
        if self.picked < self.first:
            self.first = self.picked
        elif self.picked >= self.first + ROWS_PER_PAGE:
            self.first = self.picked - ROWS_PER_PAGE + 1
        if self.admin:
            weights: tuple[int, ...] = (3, 4, 3)
        elif self.with_consultant:
            weights = (3, 4, 3, 3, 3, 3, 4)
        else:
            weights = (3, 3, 3, 3, 3, 4)
        total = sum(weights)
        xs = [area.left]
        for w in weights[:-1]:
            xs.append(xs[-1] + area.width * w // total)
        row_h = self.px(40)
        y = area.top
        for j, (x, head) in enumerate(zip(xs, self.headers, strict=True)):
            limit = (xs[j + 1] if j + 1 < len(xs) else area.right) - x - self.px(14)
            surf = fit_text(theme, head, th.SIZE_STAFF_SMALL, limit, bold=True)
            surface.blit(surf, (x + self.px(10), y))
        y += self.px(34)
        pygame.draw.line(surface, th.PANEL_BORDER, (area.left, y), (area.right, y), 2)
        self.row_rects = []
        shown = self.rows[self.first : self.first + ROWS_PER_PAGE]
        for i, row in enumerate(shown, start=self.first):
            rect = pygame.Rect(area.left, y + self.px(4), area.width, row_h)
            self.row_rects.append((i, rect))
            if i == self.picked:
                pygame.draw.rect(surface, (226, 234, 243), rect, border_radius=self.px(6))
                pygame.draw.rect(
                    surface, th.ACCENT, rect, width=self.px(2), border_radius=self.px(6)
                )
            for j, (x, cell) in enumerate(zip(xs, row.cells, strict=True)):
                flag_cell = j == len(row.cells) - 1 and row.flagged
                color = FLAG if flag_cell else (th.TEXT if row.active else th.MUTED)
                limit = (xs[j + 1] if j + 1 < len(xs) else area.right) - x - self.px(16)
                surf = fit_text(
                    theme, cell, th.SIZE_STAFF_BODY, limit, color=color, bold=flag_cell or j == 0
                )
                surface.blit(surf, (x + self.px(10), rect.centery - surf.get_height() // 2))
            y += row_h + self.px(4)
        if len(self.rows) > ROWS_PER_PAGE:
            self.label(
                surface,
                _("{first}–{last} of {n}. Scroll or use Page Up / Page Down.").format(
                    first=number(self.first + 1),
                    last=number(min(len(self.rows), self.first + ROWS_PER_PAGE)),
                    n=number(len(self.rows)),
                ),
                (area.left, y + self.px(8)),
                muted=True,
                size=th.SIZE_STAFF_SMALL,
            )


def _free_name(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext``... when it is taken: never overwrite."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate
