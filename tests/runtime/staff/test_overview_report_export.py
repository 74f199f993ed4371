"""The clinic overview saves a participant's report and the research export as files.

Both run on a worker thread while the screen keeps drawing; the tests drive the real
screen frame by frame and wait (in real time, bounded) for the worker. A gate around the
export's progress callback holds the export mid-way, so what the screen shows then, and
what Cancel, the idle logout and closing the window do, can be looked at exactly.
"""

from __future__ import annotations

import errno
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pygame
import pytest

import exercises
from cogtrain.export import bids as bids_mod
from cogtrain.i18n import _
from cogtrain.paths import staff_documents_dir
from cogtrain.runtime.staff.background import TaskState
from cogtrain.runtime.staff.overview import OverviewScene
from cogtrain.staff.desk import StaffDesk, StaffSession
from cogtrain.staff.forms import StaffUserDraft
from cogtrain.training.block import TrialRecord
from cogtrain.training.staircase import StaircaseState
from tests.runtime.staff.conftest import ADMIN_PW, KARI_PW, Clinic, Driver

NILS_PW = "nevro-psyk-2026"
SESSIONS = 3
TRIALS_PER_SESSION = 15
T0 = datetime(2026, 11, 9, 8, 30, tzinfo=UTC)


def _overview(drive: Driver, user: str, pw: str) -> OverviewScene:
    drive.login(user, pw)
    drive.nav.home()
    drive.frames(2)
    scene = drive.scene
    assert isinstance(scene, OverviewScene)
    return scene


def until(drive: Driver, done: Callable[[], bool], *, timeout_s: float = 20.0) -> None:
    """Run frames until ``done()`` (the worker runs in real time beside the frames)."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "the background task did not get there in time"
        drive.frames(1)
        time.sleep(0.002)


def idle(scene: OverviewScene) -> bool:
    return scene.job is None


def everything_in(folder: Path) -> list[Path]:
    """Every file and folder below ``folder``, hidden temporary ones included."""
    return sorted(folder.rglob("*")) if folder.exists() else []


def train(desk: StaffDesk, participant_id) -> None:  # type: ignore[no-untyped-def]
    """Three sessions of one exercise with a few trials each, straight into the store."""
    store = desk.store
    rules = exercises.get("symbol_coding").rules
    rng = np.random.default_rng(7)
    for n in range(SESSIONS):
        at = T0 + timedelta(days=3 * n)
        sid = store.start_session(participant_id, now=at)
        state = StaircaseState(value=1.0, min_level=1, max_level=12)
        bid = store.start_block(
            sid,
            exercise_id="symbol_coding",
            is_practice=False,
            seed=n + 1,
            start=state,
            start_level=1,
            now=at,
        )
        for i in range(TRIALS_PER_SESSION):
            spec = rules.new_trial(1, rng)
            resp = rules.correct_response(spec)
            onset = at + timedelta(seconds=3 * i)
            store.log_trial(
                bid,
                TrialRecord(
                    index=i,
                    level=1,
                    spec=spec.to_json(),
                    response=resp.to_json(),
                    correct=True,
                    error_kind=None,
                    rt_ms=700.0,
                    onset_at=onset,
                    response_at=onset + timedelta(milliseconds=700),
                    staircase_before=1.0,
                    staircase_after=1.0,
                ),
            )
        store.end_block(
            bid,
            status="completed",
            active_ms=60_000.0,
            participant_id=participant_id,
            end_state=state,
            end_level=1,
            now=at + timedelta(minutes=1),
        )
        store.end_session(sid, reason="finished", now=at + timedelta(minutes=2))


class Gate:
    """Holds the export inside its progress callback once some trials are written."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))
        if done > 0 and not self.reached.is_set():
            self.reached.set()
            assert self.release.wait(20), "the test never let the export go on"

    def release_later(self, delay_s: float = 0.3) -> None:
        """For a test whose UI thread itself waits for the export (logout, quit)."""
        threading.Timer(delay_s, self.release.set).start()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    real = StaffSession.export

    def gated(self, out, *, progress=None, **kw):  # type: ignore[no-untyped-def]
        def report(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)  # the screen's: records, or raises once cancelled
            g(done, total)

        return real(self, out, progress=report, **kw)

    monkeypatch.setattr(StaffSession, "export", gated)
    yield g
    g.release.set()  # never leave a worker waiting after a failed assertion


@pytest.fixture
def nils(desk: StaffDesk, clinic: Clinic) -> None:
    admin = desk.login("anne", ADMIN_PW)
    admin.add_user(StaffUserDraft("nils", "Nils Nevro", "neuropsychologist", NILS_PW, NILS_PW))
    train(desk, clinic.participant_id)


def _export_rows(desk: StaffDesk):  # type: ignore[no-untyped-def]
    """The audit rows for the export as a whole (not the one per participant)."""
    return [
        r
        for r in desk.records.audit_log(limit=50)
        if r.action == "export_data" and r.participant_code is None
    ]


def test_a_consultant_saves_the_progress_report_never_over_an_old_one(
    drive: Driver, clinic: Clinic, desk: StaffDesk
) -> None:
    scene = _overview(drive, "kari", KARI_PW)
    assert _("Export for research") not in scene.buttons  # consultants do not export
    drive.click(drive.button(_("Progress report")))
    until(drive, lambda: idle(scene))
    files = sorted(staff_documents_dir().glob("*.pdf"))
    assert len(files) == 1 and files[0].read_bytes().startswith(b"%PDF")
    first = files[0].read_bytes()
    assert str(files[0]) in drive.shown()
    drive.click(drive.button(_("Progress report")))
    until(drive, lambda: idle(scene))
    again = sorted(staff_documents_dir().glob("*.pdf"))
    assert len(again) == 2 and files[0] in again
    assert files[0].read_bytes() == first  # the first is kept as it was
    assert not list(staff_documents_dir().glob("*.part"))
    actions = [r.action for r in desk.records.audit_log(limit=10)]
    assert actions.count("report_print") == 2


def test_the_report_is_made_in_the_background_with_the_buttons_waiting(
    drive: Driver, clinic: Clinic, desk: StaffDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = _overview(drive, "kari", KARI_PW)
    go_on = threading.Event()
    real = StaffSession.report

    def slow(self, *a, **kw):  # type: ignore[no-untyped-def]
        assert go_on.wait(20)
        return real(self, *a, **kw)

    monkeypatch.setattr(StaffSession, "report", slow)
    drive.click(drive.button(_("Progress report")))
    assert scene.job is not None and scene.job.kind == "report"
    drive.frames(3)  # the screen keeps drawing while the report is made
    assert not drive.button(_("Open")).is_enabled
    assert not drive.button(_("Progress report")).is_enabled
    assert _("Cancel") not in scene.buttons  # a half-second report is not worth stopping
    drive.key(pygame.K_RETURN)  # Enter opens nobody meanwhile
    assert drive.scene is scene
    go_on.set()
    until(drive, lambda: idle(scene))
    assert drive.button(_("Open")).is_enabled
    assert len(list(staff_documents_dir().glob("*.pdf"))) == 1


def test_the_export_runs_in_the_background_shows_progress_and_saves_one_zip(
    drive: Driver, nils: None, desk: StaffDesk, gate: Gate
) -> None:
    scene = _overview(drive, "nils", NILS_PW)
    drive.click(drive.button(_("Export for research")))
    job = scene.job
    assert job is not None and job.kind == "export"
    until(drive, gate.reached.is_set)
    until(drive, lambda: scene.job is not None and scene.job.status.done > 0)
    status = scene.job.status
    assert status.state is TaskState.RUNNING
    assert status.total == SESSIONS * TRIALS_PER_SESSION
    assert 0 < status.done < status.total
    # Mid-export the screen draws the panel with the count, and only Cancel is live.
    drive.frames(2)
    assert drive.button(_("Cancel")).is_enabled
    for label in (_("Export for research"), _("Open"), _("Log out")):
        assert not drive.button(label).is_enabled, label
    assert scene.job_panel(scene.content_area(drive.app.surface)).collidepoint(
        drive.button(_("Cancel")).rect.center
    )
    # The UI thread still reads the database while the export holds its snapshot.
    assert drive.nav.session is not None
    assert [e.row.participant_code for e in drive.nav.session.clinic_overview()] == ["JMO-014"]
    assert not list(staff_documents_dir().glob("*.zip"))  # nothing looks whole yet
    gate.release.set()
    until(drive, lambda: idle(scene))
    assert gate.calls[-1] == (status.total, status.total)
    (zip_path,) = staff_documents_dir().glob("cogtrain-export-*.zip")
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
    assert any(n.endswith("dataset_description.json") for n in names)
    assert sum(n.endswith("_beh.tsv") for n in names) == SESSIONS
    assert everything_in(staff_documents_dir()) == [zip_path]  # no temporary left over
    shown = drive.shown()
    assert str(zip_path) in shown and "45" in shown
    assert "de-identified" in shown or "avidentifisert" in shown
    (row,) = _export_rows(desk)
    assert row.actor_name == "nils" and row.outcome == "ok"
    assert drive.button(_("Export for research")).is_enabled
    assert _("Cancel") not in scene.buttons


def test_cancel_leaves_no_file_and_no_partial_folder(
    drive: Driver, nils: None, desk: StaffDesk, gate: Gate
) -> None:
    scene = _overview(drive, "nils", NILS_PW)
    drive.click(drive.button(_("Export for research")))
    until(drive, gate.reached.is_set)
    # The export has written files into its hidden temporary folder by now.
    assert any(".partial-" in p.name for p in everything_in(staff_documents_dir()))
    drive.click(drive.button(_("Cancel")))
    assert scene.job is not None and scene.job.status.cancel_requested
    assert not drive.button(_("Cancel")).is_enabled  # pressed once is enough
    gate.release.set()
    until(drive, lambda: idle(scene))
    assert everything_in(staff_documents_dir()) == []
    assert str(_("The export was stopped. Nothing was saved.")) in drive.shown()
    assert not scene.messages
    (row,) = _export_rows(desk)
    assert row.outcome == "stopped" and "Stopped" in row.detail["why"]


def test_an_export_error_shows_its_reason_and_leaves_nothing(
    drive: Driver, nils: None, desk: StaffDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bids_mod, "_zip_folder", full_disk)
    scene = _overview(drive, "nils", NILS_PW)
    drive.click(drive.button(_("Export for research")))
    until(drive, lambda: idle(scene))
    shown = drive.shown()
    assert str(_("The export was not saved.")) in shown
    assert "No space left on device" in shown and "free space" in shown
    assert scene.notice is None
    assert everything_in(staff_documents_dir()) == []
    (row,) = _export_rows(desk)
    assert row.outcome == "failed"
    drive.frames(2)  # the error panel draws, and the buttons work again
    assert drive.button(_("Export for research")).is_enabled


def test_the_idle_logout_stops_the_export_cleanly_first(
    drive: Driver, nils: None, desk: StaffDesk, desk_now, gate: Gate
) -> None:
    scene = _overview(drive, "nils", NILS_PW)
    drive.click(drive.button(_("Export for research")))
    until(drive, gate.reached.is_set)
    desk_now.advance(minutes=11)
    gate.release_later()
    # One frame's update: it waits for the export to unwind, then logs out (the test's
    # nav records the exit instead of opening the start screen, so no frame is drawn).
    scene.update(drive.app.clock.now_ns())
    assert drive.nav.session is None
    assert drive.exits and drive.exits[-1] is not None  # "logged out after 10 minutes"
    assert scene.job is None
    assert everything_in(staff_documents_dir()) == []
    assert not [t for t in threading.enumerate() if t.name == "cogtrain-export"]
    (row,) = _export_rows(desk)
    assert row.outcome == "stopped"
    logout = next(r for r in desk.records.audit_log(limit=50) if r.action == "logout")
    assert logout.detail == {"reason": "idle"}


def test_closing_the_window_mid_export_stops_it_and_leaves_nothing(
    drive: Driver, nils: None, desk: StaffDesk, gate: Gate
) -> None:
    scene = _overview(drive, "nils", NILS_PW)
    drive.click(drive.button(_("Export for research")))
    until(drive, gate.reached.is_set)
    gate.release_later()
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    drive.frames(1)
    assert not drive.app.running
    assert scene.job is None
    assert not [t for t in threading.enumerate() if t.name == "cogtrain-export"]
    assert everything_in(staff_documents_dir()) == []
