"""Render every staff screen to PNG, in a throw-away database with a small clinic in it.

``cogtrain screenshot`` calls :func:`render_staff` after the participant screens, so
each staff screen is looked at in both languages and at both window sizes
(tools/screenshots.sh). The clinic: an admin, two work consultants, a neuropsychologist,
and participants with several weeks of training, goals, ratings, notes and check-ins.
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pygame
from argon2 import PasswordHasher

import exercises
from cogtrain import i18n
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.flow import ProgramFlow
from cogtrain.staff import passwords
from cogtrain.staff.desk import StaffDesk
from cogtrain.staff.forms import (
    GoalDraft,
    NoteDraft,
    ParticipantDraft,
    RatingDraft,
    StaffUserDraft,
)
from cogtrain.storage.engine import resolve_url
from cogtrain.storage.store import Store
from cogtrain.training.checkin import CheckIn
from cogtrain.training.reflection import Reflection
from cogtrain.training.staircase import StaircaseState

TODAY = date(2026, 12, 2)
PASSWORD = "korrekt hest batteri"
SCORED = ("symbol_coding", "order_list", "shelf_search", "go_stop")


def _now() -> datetime:
    return datetime.combine(TODAY, time(10, 0), tzinfo=UTC)


def write_history(store: Store, participant_id, start: date, weeks: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Two sessions a week with rising levels, a missed week, check-ins, answers."""
    rng = np.random.default_rng(seed)
    known = {e.exercise_id for e in exercises.EXERCISES}
    ids = [x for x in SCORED if x in known] or [e.exercise_id for e in exercises.EXERCISES[:4]]
    level = dict.fromkeys(ids, 1.0)
    day = start
    n = 0
    while day < TODAY - timedelta(days=1) and n < weeks * 2:
        for weekday in (0, 3):  # Monday, Thursday
            d = day + timedelta(days=weekday)
            if d >= TODAY or (n in (7, 8)):  # a hard fortnight: two sessions missed
                n += 1
                continue
            t = datetime.combine(d, time(9, 30), tzinfo=UTC)
            sid = store.start_session(participant_id, now=t)
            stressed = 3 if n in (5, 6) else int(rng.integers(1, 3))
            store.save_checkin(sid, CheckIn(rested=int(rng.integers(1, 4)), stressed=stressed))
            for i, ex in enumerate(ids):
                bt = t + timedelta(minutes=12 * i)
                level[ex] = min(12.0, level[ex] + float(rng.uniform(0.0, 0.8)))
                state = StaircaseState(value=level[ex], min_level=1, max_level=12)
                bid = store.start_block(
                    sid,
                    exercise_id=ex,
                    is_practice=False,
                    seed=int(rng.integers(1, 2**31)),
                    start=state,
                    start_level=int(level[ex]),
                    now=bt,
                )
                store.end_block(
                    bid,
                    status="completed",
                    active_ms=10 * 60_000.0,
                    participant_id=participant_id,
                    end_state=state,
                    end_level=int(level[ex]),
                    now=bt + timedelta(minutes=10),
                )
                if i == 1 and n % 3 == 0:
                    store.save_reflection(
                        bid, Reflection(("group",), "Når jeg plukker ordre på lageret")
                    )
            store.end_session(sid, reason="finished", now=t + timedelta(minutes=50))
            n += 1
        day += timedelta(days=7)


def _clinic(store: Store) -> StaffDesk:

    clock = {"t": _now()}

    def now() -> datetime:
        clock["t"] += timedelta(seconds=1)
        return clock["t"]

    desk = StaffDesk.with_exercises(store, now=now)
    desk.create_first_admin(StaffUserDraft("admin", "Anne Admin", "admin", PASSWORD, PASSWORD))
    admin = desk.login("admin", PASSWORD)
    for user, name, role in (
        ("kari", "Kari Nordmann", "consultant"),
        ("ola", "Ola Hansen", "consultant"),
        ("nils", "Nils Berg", "neuropsychologist"),
    ):
        admin.add_user(StaffUserDraft(user, name, role, PASSWORD, PASSWORD))
    kari = desk.login("kari", PASSWORD)
    codes = ("JMO-014", "JMO-015", "JMO-021", "JMO-022", "JMO-030")
    for i, code in enumerate(codes):
        start = TODAY - timedelta(weeks=10 - i * 2)
        start -= timedelta(days=start.weekday())
        rec = kari.create_participant(
            ParticipantDraft(code, "jmo-standard", f"{start:%d.%m.%Y}", "nb", pin="2580")
        )
        write_history(store, rec.id, start, weeks=10 - i * 2 if i != 2 else 3, seed=i)
    p = desk.records.participant_by_code("JMO-014")
    assert p is not None
    g1 = kari.add_goal(
        p.id,
        GoalDraft(
            "Holde oversikt over ordrene på lageret",
            "Plukker ordre tre dager i uka; mister tråden når det kommer nye ordre underveis.",
            ("memory", "attention"),
            ("order_list",),
            "01.03.2027",
        ),
    )
    g2 = kari.add_goal(
        p.id,
        GoalDraft("Komme presis til vaktstart", "Møter kl. 07.30", ("problem_solving",)),
    )
    for weeks_ago, v1, v2 in ((8, "-2", "-1"), (5, "-1", "-1"), (2, "0", "1")):
        day = TODAY - timedelta(weeks=weeks_ago)
        for goal, value in ((g1, v1), (g2, v2)):
            store.staff.add_rating(
                goal.id,
                rated_on=day,
                value=int(value),
                comment=None,
                audit=kari._entry("goal_rate"),
                now=datetime.combine(day, time(12), tzinfo=UTC),
            )
    kari.rate_goal(RatingDraft(str(g1.id), "1", "Bruker lista hver dag"))
    kari.add_note(
        p.id,
        NoteDraft("Brukte grupperingsstrategien da hun plukket ordre i dag.", str(g1.id)),
    )
    kari.add_note(p.id, NoteDraft("Tung uke: lite søvn. Kortere økter denne uka."))
    return desk


BASELINE_SCORES: tuple[tuple[str, str, str, str], ...] = (
    # instrument, measure, raw, T
    ("tmt_a", "time", "41,5", "38"),
    ("bacs_symbol_coding", "correct", "44", "36"),
    ("category_fluency", "animals", "19", "44"),
    ("cpt_ip", "d_prime", "1,9", "37"),
    ("wms3_spatial_span", "total", "15", "46"),
    ("letter_number_span", "correct", "13", "47"),
    ("hvlt_r", "total_recall", "26", "52"),
    ("hvlt_r", "delayed_recall", "9", ""),
    ("bvmt_r", "total_recall", "27", "58"),
    ("nab_mazes", "total", "16", "49"),
    ("msceit_managing_emotions", "branch_score", "96", "47"),
)
POST_T = {"tmt_a": "45", "bacs_symbol_coding": "41", "cpt_ip": "44", "wms3_spatial_span": "49"}


def enter_batteries(session, participant_id) -> None:  # type: ignore[no-untyped-def]
    """A baseline battery ten weeks ago and a post battery this week, as a neuropsychologist."""
    from cogtrain.assessment.scores import ScoreDraft

    for timepoint, day in (("baseline", TODAY - timedelta(weeks=10)), ("post", TODAY)):
        drafts = []
        for instrument, measure, raw, t in BASELINE_SCORES:
            if timepoint == "post":
                t = POST_T.get(instrument, t)
            drafts.append(
                ScoreDraft("matrics", instrument, measure, timepoint, f"{day:%d.%m.%Y}", raw, t)
            )
        session.enter_scores(participant_id, drafts)


def _assessment(nav, participant_id, tab: str) -> None:  # type: ignore[no-untyped-def]
    from cogtrain.assessment.scores import Timepoint

    nav.assessments(participant_id)
    scene = nav.app.top
    scene.show_profile(Timepoint.BASELINE)
    scene.show(tab)


class _HeldExport:
    """Stands in for the neuropsychologist's export, held 40 % of the way, so the
    screenshot shows the export running (the screenshot clinic has too few trials for a
    real export to be caught half-way). Cancelled afterwards, as the Cancel button does."""

    TOTAL = 1_048_576
    DONE = 419_430

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()

    def __call__(self, out: Path, *, progress=None, **_kw):  # type: ignore[no-untyped-def]
        assert progress is not None
        progress(0, self.TOTAL)
        progress(self.DONE, self.TOTAL)
        self.reached.set()
        self.release.wait(30)
        progress(self.DONE, self.TOTAL)  # raises Cancelled: the screenshot cancels it
        raise AssertionError("the held export was not cancelled")


def _export_running(nav, shot, tmp: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshot the overview mid-export, then cancel the (held) export."""
    from cogtrain.runtime.staff.overview import OverviewScene

    scene, session = nav.app.top, nav.session
    if not isinstance(scene, OverviewScene) or session is None:
        return
    held = _HeldExport()
    old_docs = os.environ.get("XDG_DOCUMENTS_DIR")
    os.environ["XDG_DOCUMENTS_DIR"] = tmp  # never the real documents folder
    session.export = held  # this one session's export only
    try:
        scene.export_all()
        held.reached.wait(10)
        shot("18b_overview_export_running", frames=3)
    finally:
        scene.cancel_job()
        held.release.set()
        scene.stop_job()
        del session.export
        if old_docs is None:
            os.environ.pop("XDG_DOCUMENTS_DIR", None)
        else:
            os.environ["XDG_DOCUMENTS_DIR"] = old_docs
        scene.notice = None


def _shared_server(app: App, desk: StaffDesk, flow: ProgramFlow, shot) -> None:  # type: ignore[no-untyped-def]
    """The staff screens' foot on a PC that trains against the clinic's server: away
    for a while with records waiting, then all sent."""
    from cogtrain.runtime.staff.nav import StaffNav
    from cogtrain.storage.journal import JournalStatus

    server = "postgresql+psycopg://cogtrain@db.klinikk.local:5432/cogtrain"
    away = JournalStatus(
        server, False, 340, 0, datetime.now(UTC) - timedelta(minutes=25), "connection refused"
    )
    states = [away]
    nav = StaffNav(
        app,
        desk,
        on_start_training=flow.pick,
        on_exit=flow.show_start,
        sync_status=lambda: states[0],
    )
    nav.logged_in(desk.login("kari", PASSWORD))
    shot("12b_overview_server_away")
    states[0] = JournalStatus(server, True, 0, 0, None, None)
    nav._sync_cache = None
    p = desk.records.participant_by_code("JMO-014")
    assert p is not None
    nav.participant(p.id)
    shot("12c_progress_server_ok", frames=3)
    nav.logout()


def render_staff(out_dir: Path, size: tuple[int, int]) -> list[Path]:
    """Save a PNG of every staff screen; returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lang = i18n.current_language()
    saved: list[Path] = []
    old_hasher = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    pygame.init()
    try:
        pygame.display.set_mode(size)
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(resolve_url(f"sqlite:///{tmp}/staff.sqlite3"))
            store.ensure_demo_participant()
            app = App(ManualClock())
            flow = ProgramFlow(app, store)

            def shot(name: str, frames: int = 2) -> None:
                for _f in range(frames):
                    app.step(app._collect_immediate())
                    app.clock.advance_ms(1000 / app.fps)  # type: ignore[attr-defined]
                path = out_dir / f"staff_{name}_{lang}_{size[0]}x{size[1]}.png"
                pygame.image.save(app.surface, path)
                saved.append(path)

            flow.show_start()
            shot("00_start_before_set_up")
            flow.show_staff()
            shot("01_first_admin")
            flow._desk = _clinic(store)
            desk = flow.desk
            flow.show_start()
            shot("02_start")
            flow.show_participant_login()
            shot("03_participant_code_pin")
            from cogtrain.runtime.staff.nav import StaffNav

            nav = StaffNav(app, desk, on_start_training=flow.pick, on_exit=flow.show_start)
            nav.start()
            shot("04_login")
            nav.logged_in(desk.login("kari", PASSWORD))
            shot("05_overview_consultant")
            p = desk.records.participant_by_code("JMO-014")
            assert p is not None
            nav.participant_form(None)
            shot("06_participant_new")
            nav.participant_form(p.id)
            shot("07_participant_edit")
            for name, go in (
                ("08_progress", lambda: nav.participant(p.id)),
                ("09_goals", lambda: nav.goals(p.id)),
                ("10_goal_edit", lambda: nav.goal_form(p.id, desk.records.goals_of(p.id)[0])),
                ("11_rating", lambda: nav.rating_form(desk.records.goals_of(p.id)[0])),
                ("12_note", lambda: nav.note_form(p.id)),
            ):
                try:
                    go()
                except ImportError:
                    continue  # a screen still being written
                shot(name, frames=3)
            nav.logout()
            _shared_server(app, desk, flow, shot)
            _offline_logins(desk, p.id)
            nav.logged_in(desk.login("admin", PASSWORD))
            shot("13_overview_admin")
            nav.participant_form(p.id)
            shot("14_participant_admin")
            for name, go in (
                ("15_accounts", nav.accounts),
                ("16_new_account", nav.user_form),
                ("17_audit_log", nav.audit_log),
            ):
                try:
                    go()
                except ImportError:
                    continue
                shot(name)
            nav.logout()
            nav.logged_in(desk.login("nils", PASSWORD))
            shot("18_overview_neuropsychologist")
            _export_running(nav, shot, tmp)
            nils = nav.session
            assert nils is not None
            enter_batteries(nils, p.id)
            for name, go in (
                ("19_assess_score_form", lambda: nav.score_form(p.id)),
                ("20_assess_profile", lambda: _assessment(nav, p.id, "profile")),
                ("21_assess_before_after", lambda: _assessment(nav, p.id, "change")),
                ("22_assess_scores", lambda: _assessment(nav, p.id, "scores")),
            ):
                try:
                    go()
                except ImportError:
                    continue
                shot(name, frames=3)
            store.close()
    finally:
        passwords.use_hasher(old_hasher)
        pygame.quit()
    return saved


def _offline_logins(desk: StaffDesk, participant_id: uuid.UUID) -> None:
    """Two participant log-ins made on a training PC while the server was away, as the
    journal hands them to the server's audit log (for the audit screen's picture)."""
    from cogtrain.staff.desk import PARTICIPANT_ACTOR
    from cogtrain.storage.staff_records import AuditEntry

    now = desk.now()
    for outcome, detail in (("failed", {"why": "wrong_pin"}), ("ok", {})):
        entry = AuditEntry(
            None,
            PARTICIPANT_ACTOR,
            "participant_login",
            outcome,
            participant_id,
            {**detail, "offline": True},
        )
        desk.records.audit(entry, now=now)
