"""The clinic overview: every participant this staff member may see, one row each.

For a work consultant (and a neuropsychologist): hours toward the target, the last
session, attendance this month, the next planned session, and a flag on anyone who has
missed two planned sessions in a row — flagged rows come first, so the people to call
are at the top. An admin sees codes, consultants and status only (admins manage
accounts and assignments; they do not read training data).

Rows are picked with a click or the arrow keys; Enter opens the picked participant.

The research export (tens of seconds for a large clinic) and the PDF report run on a
worker thread (:mod:`cogtrain.runtime.staff.background`); the screen shows their
progress in a panel above the buttons and polls the worker once a frame. While one
runs, every button but the export's Cancel is disabled and Enter opens nobody, so the
screen cannot be left by accident; the rows can still be browsed. Leaving anyway (the
idle logout, closing the window) stops the export first and waits for it to clean up:
the 10-minute logout protects the records on screen and is not put off for an export,
which at worst is stopped and leaves nothing behind.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame

from cogtrain.errors import CogtrainError
from cogtrain.i18n import Msg, _, data, number
from cogtrain.paths import staff_documents_dir
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.background import BackgroundTask, Report, TaskState, TaskStatus
from cogtrain.runtime.staff.dates import short_date
from cogtrain.runtime.staff.gui import StaffScene, fit_text, message_top
from cogtrain.staff.passwords import STAFF_IDLE_LOGOUT
from cogtrain.staff.roles import Action, Role, allowed_actions

ROWS_PER_PAGE = 12
FLAG: th.Color = (138, 99, 0)  # dark amber (4.9:1 on the background): "get in touch", never red
TRACK: th.Color = (226, 230, 236)  # the progress bar's empty part, as in the printed report
# How long leaving the screen (idle logout, closing the window) waits for a stopped
# export to remove its temporary files. The export checks for "stop" after every
# session's trials, so this is only reached while it packs the .zip file.
STOP_WAIT_S = 60.0


@dataclass(frozen=True)
class _Row:
    participant_id: uuid.UUID
    cells: tuple[Msg, ...]
    flagged: bool
    active: bool


@dataclass
class _Job:
    """A slow action running on the worker thread, and what the screen says about it."""

    kind: str  # "export" or "report"
    task: BackgroundTask[Any]
    path: Path
    title: Msg
    status: TaskStatus[Any]


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
        self.job: _Job | None = None
        self.cancel_button: Any = None
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
        self.cancel_button = None
        if self.job is not None:
            # Everything that leaves the screen or starts another slow action waits.
            for b in self.buttons.values():
                b.disable()
            if self.job.kind == "export":
                panel = self.job_panel(area)
                bw = self.px(170)
                pad = self.px(16)
                rect = pygame.Rect(panel.right - pad - bw, panel.top + pad, bw, h)
                self.cancel_button = self.button(rect, _("Cancel"), self.cancel_job)
                if self.job.status.cancel_requested:
                    self.cancel_button.disable()

    # -- the slow actions, on the worker thread ----------------------------------------

    @property
    def busy(self) -> bool:
        """An export or a report is being made (the screen's buttons wait for it)."""
        return self.job is not None

    def report_picked(self) -> None:
        """Save the picked participant's progress report (PDF) in the staff documents folder."""
        session = self.nav.session
        pid = self.picked_id
        if session is None or pid is None or self.busy:
            return
        code = next(r.cells[0] for r in self.rows if r.participant_id == pid)
        folder = staff_documents_dir()
        path = _free_name(folder / f"{code}-{self.nav.desk.today():%Y-%m-%d}.pdf")

        def save(report: Report) -> Path:
            body = session.report(pid, pdf=True)
            folder.mkdir(parents=True, exist_ok=True)
            part = path.with_name(path.name + ".part")
            part.write_bytes(body)
            part.replace(path)
            return path

        self._start(
            "report", save, path, _("Making the progress report for {code}…").format(code=code)
        )

    def export_all(self) -> None:
        """The de-identified research export of every participant, as one .zip file."""
        session = self.nav.session
        if session is None or self.busy:
            return
        folder = staff_documents_dir()
        path = _free_name(folder / f"cogtrain-export-{self.nav.desk.today():%Y-%m-%d}.zip")

        def run(report: Report):  # type: ignore[no-untyped-def]
            folder.mkdir(parents=True, exist_ok=True)
            # The export opens its own connection from the engine's pool (a file
            # database's pool allows any thread) and reads one snapshot, so this screen
            # and the training PCs keep reading and writing meanwhile (WAL).
            return session.export(path, progress=report)

        self._start("export", run, path, _("Exporting for research (de-identified)…"))

    def _start(self, kind: str, work, path: Path, title: Msg) -> None:  # type: ignore[no-untyped-def]
        self.messages = []
        self.notice = None
        task: BackgroundTask[Any] = BackgroundTask(work, name=f"cogtrain-{kind}")
        self.job = _Job(kind, task, path, title, TaskStatus(TaskState.RUNNING))
        task.start()
        self.rebuild()

    def cancel_job(self) -> None:
        """Stop the export at its next progress report; it removes what it had written."""
        if self.job is None:
            return
        self.job.task.cancel()
        self.job.status = self.job.task.poll()
        if self.cancel_button is not None:
            self.cancel_button.disable()

    def _poll_job(self) -> None:
        job = self.job
        if job is None:
            return
        job.status = status = job.task.poll()
        if not status.finished:
            return
        job.task.wait()
        self.job = None
        self.rebuild()
        self._show_outcome(job, status)

    def _show_outcome(self, job: _Job, status: TaskStatus[Any]) -> None:
        self.messages = []
        self.notice = None
        if status.state is TaskState.CANCELLED:
            self.notice = _("The export was stopped. Nothing was saved.")
            return
        if status.state is TaskState.FAILED:
            exc = status.error
            if not isinstance(exc, CogtrainError):
                assert exc is not None
                raise exc  # a bug, not a refusal: as loud as it would be without the thread
            lead = (
                _("The export was not saved.")
                if job.kind == "export"
                else _("The progress report was not saved.")
            )
            self.messages = [lead, data(exc.message)] + ([data(exc.hint)] if exc.hint else [])
            return
        if job.kind == "report":
            self.notice = _("The progress report is saved as {path}.").format(path=data(job.path))
            return
        result = status.result
        text = (
            _(
                "The export had already finished when Cancel was pressed, so it is kept: "
                "{n} participants ({trials} trials), de-identified, in {path}."
            )
            if status.cancel_requested
            else _("Exported {n} participants ({trials} trials), de-identified, to {path}.")
        )
        self.notice = text.format(
            n=number(result.n_participants), trials=number(result.n_trials), path=data(job.path)
        )

    def stop_job(self) -> None:
        """Stop a running export (and wait for its clean-up) before the screen goes away."""
        job = self.job
        if job is None:
            return
        job.task.stop(STOP_WAIT_S)
        self._poll_job()

    def update(self, now_ns: int) -> None:
        self._poll_job()
        if (
            self.job is not None
            and self.nav.session is not None
            and self.nav.idle_seconds() > STAFF_IDLE_LOGOUT.total_seconds()
        ):
            # The logout below is not put off for an export: stop it cleanly first.
            self.stop_job()
        super().update(now_ns)

    def on_quit(self, now_ns: int) -> None:
        self.stop_job()

    def open_picked(self) -> None:
        pid = self.picked_id
        if pid is not None:
            self.nav.participant(pid)

    def edit_picked(self) -> None:
        pid = self.picked_id
        if pid is not None:
            self.nav.participant_form(pid)

    def submit(self) -> None:
        if self.busy:
            return  # the screen stays while an export or a report is being made
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
        self._draw_rows(surface, area)
        if self.job is not None:
            self._draw_job(surface, area, self.job)

    def job_panel(self, area: pygame.Rect) -> pygame.Rect:
        """Where the export's (or report's) progress panel goes: above the buttons."""
        pad = self.px(16)
        height = pad + self.row_h() + self.px(12) + self.px(22) + self.px(10) + self.px(28) + pad
        width = min(area.width, self.px(900))
        rect = pygame.Rect(0, 0, width, height)
        rect.midbottom = (area.centerx, area.bottom - self.row_h() - self.px(18))
        return rect

    def _draw_job(self, surface: pygame.Surface, area: pygame.Rect, job: _Job) -> None:
        theme = self.theme
        assert theme is not None
        rect = self.job_panel(area)
        pad = self.px(16)
        radius = self.px(10)
        pygame.draw.rect(surface, th.PANEL, rect, border_radius=radius)
        pygame.draw.rect(surface, th.PANEL_BORDER, rect, width=self.px(2), border_radius=radius)
        status = job.status
        title = job.title
        if status.cancel_requested:
            title = _("Stopping the export and removing what it had written…")
        text_w = rect.width - 2 * pad - (self.px(190) if job.kind == "export" else 0)
        surf = fit_text(theme, title, th.SIZE_STAFF_BODY, text_w, bold=True)
        surface.blit(
            surf, (rect.left + pad, rect.top + pad + (self.row_h() - surf.get_height()) // 2)
        )
        bar = pygame.Rect(
            rect.left + pad,
            rect.top + pad + self.row_h() + self.px(12),
            rect.width - 2 * pad,
            self.px(22),
        )
        pygame.draw.rect(surface, TRACK, bar, border_radius=bar.height // 2)
        if job.kind == "export" and status.total > 0:
            filled = bar.copy()
            filled.width = max(bar.height, round(bar.width * status.fraction))
            pygame.draw.rect(surface, th.ACCENT, filled, border_radius=bar.height // 2)
        pygame.draw.rect(surface, th.PANEL_BORDER, bar, width=1, border_radius=bar.height // 2)
        if job.kind != "export":
            detail = _("This takes a moment.")
        elif status.total <= 0:
            detail = _("Counting the trials…")
        elif status.done >= status.total:
            detail = _("All {total} trials written. Packing the .zip file…").format(
                total=number(status.total)
            )
        else:
            detail = _("{done} of {total} trials written").format(
                done=number(status.done), total=number(status.total)
            )
        self.label(
            surface,
            detail,
            (rect.left + pad, bar.bottom + self.px(10)),
            muted=True,
            size=th.SIZE_STAFF_SMALL,
        )

    def _rows_fitting(self, surface: pygame.Surface, area: pygame.Rect, top: int) -> int:
        """How many rows fit above the progress panel or the message panel (at most a page)."""
        bottom = area.bottom - self.row_h() - self.px(12)
        if self.job is not None:
            bottom = min(bottom, self.job_panel(area).top - self.px(8))
        panel_top = message_top(self, surface)
        if panel_top is not None:
            bottom = min(bottom, panel_top - self.px(8))
        step = self.px(40) + self.px(4)
        n = min(ROWS_PER_PAGE, (bottom - top) // step)
        if len(self.rows) > n:  # room for the "1–9 of 30" line under the rows too
            n = min(n, (bottom - top - self.px(36)) // step)
        return max(1, n)

    def _draw_rows(self, surface: pygame.Surface, area: pygame.Rect) -> None:
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
        page = self._rows_fitting(surface, area, area.top + self.px(34))
        if self.picked < self.first:
            self.first = self.picked
        elif self.picked >= self.first + page:
            self.first = self.picked - page + 1
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
        shown = self.rows[self.first : self.first + page]
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
        if len(self.rows) > page:
            self.label(
                surface,
                _("{first}–{last} of {n}. Scroll or use Page Up / Page Down.").format(
                    first=number(self.first + 1),
                    last=number(min(len(self.rows), self.first + page)),
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
