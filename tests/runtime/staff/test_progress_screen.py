"""The participant's progress screen, headless: real database, real desk, real frames.

The history is written through the Store as training writes it (sessions, blocks with
their active time and end level, check-ins, answers after blocks), so every number the
screen shows is the one the storage and report layers compute from it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pygame
import pytest
from pygame_gui.elements import UIButton

from cogtrain import i18n
from cogtrain.i18n import _, number
from cogtrain.reports import charts
from cogtrain.runtime import theme as th
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.staff.gui import exercise_label
from cogtrain.runtime.staff.nav import StaffNav
from cogtrain.runtime.staff.overview import OverviewScene
from cogtrain.runtime.staff.progress import SEPARATOR, ParticipantScene
from cogtrain.staff.desk import StaffDesk, StaffSession
from cogtrain.staff.forms import GoalDraft, ParticipantDraft, StaffUserDraft
from cogtrain.staff.roles import Action
from cogtrain.storage.staff_records import AuditEntry
from cogtrain.storage.store import Store
from cogtrain.training.checkin import CheckIn
from cogtrain.training.reflection import Reflection
from cogtrain.training.staircase import StaircaseState
from tests.runtime.staff.conftest import ADMIN_PW, FRAME_MS, KARI_PW, Clinic, Driver

OTHER_PW = "pakkseddel-2026"
DOMAINS = {"attention", "memory", "problem_solving", "processing_speed"}


# -- writing a history through the Store ---------------------------------------------------


def train(
    store: Store,
    participant_id: uuid.UUID,
    day: date,
    blocks: list[tuple[str, float, int]],
    *,
    checkin: CheckIn | None = None,
    answers: dict[int, str] | None = None,
) -> uuid.UUID:
    """One session on ``day`` (10:30 in Oslo): blocks of (exercise, active minutes, level)."""
    t = datetime.combine(day, time(9, 30), tzinfo=UTC)
    sid = store.start_session(participant_id, now=t)
    if checkin is not None:
        store.save_checkin(sid, checkin)
    for i, (exercise_id, minutes, level) in enumerate(blocks):
        state = StaircaseState(value=float(level), min_level=1, max_level=12)
        bid = store.start_block(
            sid,
            exercise_id=exercise_id,
            is_practice=False,
            seed=i + 1,
            start=state,
            start_level=level,
            now=t,
        )
        store.end_block(
            bid,
            status="completed",
            active_ms=minutes * 60_000,
            participant_id=participant_id,
            end_state=state,
            end_level=level,
            now=t + timedelta(minutes=minutes),
        )
        if answers and i in answers:
            store.save_reflection(bid, Reflection(("group",), answers[i]))
        t += timedelta(minutes=minutes + 1)
    store.end_session(sid, reason="finished", now=t)
    return sid


def simple_history(store: Store, participant_id: uuid.UUID) -> None:
    """Plan Mon + Thu from Mon 2 Nov 2026, 60 min; today Wed 2 Dec 2026 (desk clock).

    Seven full sessions and a half one on Mon 30 Nov: 7.5 h done. Planned up to today:
    9 sessions, so 9 h expected. Recent pace: 6.5 h in the 28 days from 5 Nov, so the
    remaining 32.5 h take 140 days: Wed 21 Apr 2027.
    """
    days = [date(2026, 11, d) for d in (2, 5, 9, 12, 19, 23, 26)]
    for i, day in enumerate(days):
        train(
            store,
            participant_id,
            day,
            [("symbol_coding", 30, 2 + i), ("order_list", 30, 1 + i // 2)],
        )
    train(store, participant_id, date(2026, 11, 30), [("shelf_search", 30, 3)])


def rich_history(desk: StaffDesk, store: Store, kari: StaffSession) -> uuid.UUID:
    """JMO-021 from Mon 5 Oct 2026: eight weeks of training, 4 domains, a hard week, a week
    off, the last two planned sessions missed, two rated goals, notes and answers."""
    rec = kari.create_participant(ParticipantDraft("JMO-021", "jmo-standard", "05.10.2026", "nb"))
    pid = rec.id
    plan = [date(2026, 10, 5) + timedelta(weeks=w, days=d) for w in range(9) for d in (0, 3)]
    skipped = {date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 26), date(2026, 11, 30)}
    hard = {date(2026, 10, 26), date(2026, 10, 29)}
    answers = [
        "Når jeg plukker ordre på lageret, kan jeg dele lista i grupper.",
        "Før morgenmøtet: skrive ned tre ting jeg skal huske.",
        "Pakke etter sone, ikke etter rekkefølgen på lista.",
    ]
    n = 0
    for day in plan:
        if day in skipped or day >= date(2026, 12, 2):
            continue
        k = n
        blocks = [
            ("symbol_coding", 12, 2 + k // 2),
            ("shelf_search", 12, 1 + k // 3),
            ("order_list", 12, 2 + (k * 2) // 5),
            ("tower_planner", 12, 1 + k // 4),
            ("go_stop", 6 if day == date(2026, 11, 23) else 12, 3 + k // 3),
        ]
        if day in hard:
            checkin = CheckIn(rested=1, stressed=3)
        else:
            checkin = CheckIn(rested=2 + (k % 2), stressed=1 + (k % 3 == 0))
        ans = {2: answers[(k // 3) % 3]} if k % 3 == 0 else None
        train(store, pid, day, blocks, checkin=checkin, answers=ans)
        n += 1
    g1 = kari.add_goal(
        pid,
        GoalDraft(
            text="Holde oversikt over plukklista uten å miste tråden",
            workplace_situation="Lageret, morgenskiftet.",
            domains=("attention", "memory"),
            exercise_ids=("order_list",),
            target_date="01.03.2027",
        ),
    )
    g2 = kari.add_goal(
        pid, GoalDraft("Komme presis til vaktstart", "Møter kl. 07.30", ("problem_solving",))
    )
    audit = AuditEntry(kari.user.id, kari.user.username, "goal_rate")
    for day, v1, v2 in (
        (date(2026, 10, 8), -2, -1),
        (date(2026, 10, 29), -1, -1),
        (date(2026, 11, 19), 0, 1),
    ):
        for goal, value in ((g1, v1), (g2, v2)):
            store.staff.add_rating(
                goal.id,
                rated_on=day,
                value=value,
                comment=None,
                audit=audit,
                now=datetime.combine(day, time(12), tzinfo=UTC),
            )
    notes = (
        (date(2026, 10, 29), "Tung uke: lite søvn. Vi avtalte kortere økter denne uka.", None),
        (
            date(2026, 11, 12),
            "Brukte grupperingsstrategien da hun plukket ordre i dag. Skiftlederen merket at "
            "hun kom seg gjennom hele lista uten å spørre, og hun sier selv at det var "
            "lettere å holde tråden når nye ordre kom inn underveis.",
            g1.id,
        ),
        (date(2026, 11, 25), "Ringte: syk denne uka, kommer tilbake mandag.", None),
    )
    for day, text, goal_id in notes:
        store.staff.add_note(
            pid,
            text=text,
            goal_id=goal_id,
            exercise_id=None,
            audit=AuditEntry(kari.user.id, kari.user.username, "note_add"),
            now=datetime.combine(day, time(13), tzinfo=UTC),
        )
    return pid


# -- helpers ------------------------------------------------------------------------------


def audit(desk: StaffDesk, action: str) -> list[tuple[str, str, str | None]]:
    rows = desk.records.audit_log(limit=10_000)
    return [
        (r.actor_name, r.outcome, r.participant_code) for r in reversed(rows) if r.action == action
    ]


def visible_buttons(drive: Driver) -> set[str]:
    return {
        e.text
        for e in drive.scene.ui.get_root_container().elements
        if isinstance(e, UIButton) and e.visible
    }


def rendered_texts(drive: Driver, monkeypatch: pytest.MonkeyPatch, frames: int = 1) -> set[str]:
    seen: set[str] = set()
    original = th.Theme.render

    def spy(self, text, *args, **kw):  # type: ignore[no-untyped-def]
        seen.add(str(text))
        return original(self, text, *args, **kw)

    with monkeypatch.context() as m:
        m.setattr(th.Theme, "render", spy)
        drive.frames(frames)
    return seen


def words(text: str) -> list[str]:
    return text.replace(SEPARATOR.strip(), " ").split()


def add_user(desk: StaffDesk, username: str, name: str, role: str) -> None:
    admin = desk.login("anne", ADMIN_PW)
    admin.add_user(StaffUserDraft(username, name, role, OTHER_PW, OTHER_PW))
    admin.logout()


def counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    real: Callable = getattr(charts, name)  # type: ignore[type-arg]

    def wrapper(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(charts, name, wrapper)
    return calls


@pytest.fixture
def kari(drive: Driver, clinic: Clinic) -> Driver:
    drive.login("kari", KARI_PW)
    return drive


# -- tests --------------------------------------------------------------------------------


def test_opening_the_screen_is_one_audited_view_not_one_per_frame(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    views, progress = len(audit(desk, "participant_view")), len(audit(desk, "progress_view"))
    kari.nav.participant(clinic.participant_id)
    kari.frames(30)
    assert isinstance(kari.scene, ParticipantScene)
    assert "JMO-014" in kari.scene.title and "JMO standard" in kari.scene.title
    assert audit(desk, "participant_view")[views:] == [("kari", "ok", "JMO-014")]
    assert audit(desk, "progress_view")[progress:] == [("kari", "ok", "JMO-014")]


def test_hours_are_shown_in_numbers_and_words(
    kari: Driver, store: Store, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple_history(store, clinic.participant_id)
    kari.nav.participant(clinic.participant_id)
    kari.frames(3)
    scene = kari.scene
    assert isinstance(scene, ParticipantScene) and scene.progress is not None
    hours = scene.progress.hours
    assert hours.done_hours == pytest.approx(7.5)
    assert hours.expected_hours == pytest.approx(9.0)
    assert hours.projected_finish == date(2027, 4, 21)
    parts = [
        _("{done} of {target} hours").format(done="7,5", target="40"),
        _("expected by now {hours}").format(hours="9"),
        _("at the recent pace done around {date}").format(date="21.\u00a0april\u00a02027"),
    ]
    assert scene.hours_line() == SEPARATOR.join(parts)
    texts = rendered_texts(kari, monkeypatch)
    drawn = "\n".join(texts)
    # Wrapped to the card (between the parts first), every word drawn, nothing cut.
    assert scene.hours_lines and set(map(str, scene.hours_lines)) <= texts
    assert words(" ".join(scene.hours_lines)) == words(" ".join(parts))
    assert not any(line.endswith("…") for line in scene.hours_lines)
    assert _("{done} / {target}").format(done="7,5", target="40") in drawn
    # Attendance: next session is tomorrow, Thursday; nothing is flagged (one missed).
    assert _("Next session: {day}").format(day="torsdag 3. desember") in drawn
    assert scene.progress.missed_in_a_row == 0  # Mon 16 Nov was missed, but not since
    assert not any("planned sessions were missed" in t for t in drawn.split("\n"))


def test_the_toggle_switches_level_curves_between_domains_and_exercises(
    kari: Driver, store: Store, clinic: Clinic
) -> None:
    simple_history(store, clinic.participant_id)
    kari.nav.participant(clinic.participant_id)
    kari.frames(3)
    scene = kari.scene
    assert isinstance(scene, ParticipantScene)
    assert set(scene.curves()) == {"processing_speed", "memory", "attention"} <= DOMAINS
    kari.click(kari.button(str(_("Per exercise"))))
    assert scene.level_mode == "exercise"
    assert set(scene.curves()) == {"symbol_coding", "order_list", "shelf_search"}
    assert scene.toggle is not None and scene.toggle.text == str(_("Per domain"))
    kari.click(kari.button(str(_("Per domain"))))
    assert set(scene.curves()) == {"processing_speed", "memory", "attention"}


def test_chart_tabs_show_one_chart_at_a_time(kari: Driver, clinic: Clinic) -> None:
    kari.nav.participant(clinic.participant_id)
    kari.frames(3)
    scene = kari.scene
    assert isinstance(scene, ParticipantScene) and scene.toggle is not None
    assert scene.chart == "levels" and scene.tabs["levels"].is_selected
    kari.click(kari.button(str(_("Goal ratings"))))
    assert scene.chart == "ratings" and scene.tabs["ratings"].is_selected
    assert not scene.tabs["levels"].is_selected
    assert not scene.toggle.visible  # per exercise / per domain is about levels only
    kari.click(kari.button(str(_("Check-in"))))
    assert scene.chart == "checkin"
    kari.key(pygame.K_RIGHT)
    assert scene.chart == "levels" and scene.toggle.visible


def test_charts_are_drawn_once_and_reused_across_frames(
    kari: Driver, store: Store, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple_history(store, clinic.participant_id)
    level = counting(monkeypatch, "level_chart")
    ratings = counting(monkeypatch, "ratings_chart")
    checkin = counting(monkeypatch, "checkin_chart")
    kari.nav.participant(clinic.participant_id)
    kari.frames(30)
    assert (len(level), len(ratings), len(checkin)) == (1, 0, 0)
    kari.click(kari.button(str(_("Goal ratings"))))
    kari.frames(20)
    kari.click(kari.button(str(_("Check-in"))))
    kari.frames(20)
    kari.click(kari.button(str(_("Levels"))))
    kari.frames(20)
    assert (len(level), len(ratings), len(checkin)) == (1, 1, 1)
    kari.click(kari.button(str(_("Per exercise"))))
    kari.click(kari.button(str(_("Per domain"))))
    kari.frames(20)
    assert len(level) == 2  # the per-exercise chart once; the per-domain one was kept
    # Another window size draws the chart again, once.
    scene = kari.scene
    assert isinstance(scene, ParticipantScene)
    before = set(scene.chart_cache)
    other = pygame.Surface((1280, 800))
    for _i in range(5):
        scene.draw(other)
    assert len(level) == 3
    assert len({k[1] for k in scene.chart_cache}) == 1 and set(scene.chart_cache) != before


def test_a_consultant_sees_every_button_and_starts_the_training(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    started: list[object] = []
    kari.nav.on_start_training = started.append
    kari.nav.participant(clinic.participant_id)
    kari.frames(3)
    labels = {"Back", "Goals and ratings", "Add note", "Change details", "Start training"}
    assert {str(_(x)) for x in labels} <= visible_buttons(kari)
    kari.click(kari.button(str(_("Start training"))))
    assert [getattr(i, "code", None) for i in started] == ["JMO-014"]
    assert kari.nav.session is None  # the PC is handed over: the consultant is logged out
    assert audit(desk, "participant_start_training")[-1] == ("kari", "ok", "JMO-014")


@pytest.mark.parametrize(
    ("label", "screen"),
    [("Goals and ratings", "GoalsScene"), ("Add note", "NoteFormScene")],
)
def test_the_buttons_lead_on(kari: Driver, clinic: Clinic, label: str, screen: str) -> None:
    kari.nav.participant(clinic.participant_id)
    kari.frames(3)
    kari.click(kari.button(str(_(label))))
    assert type(kari.app.top).__name__ == screen


def test_a_neuropsychologist_sees_only_the_buttons_the_role_allows(
    drive: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    add_user(desk, "nils", "Nils Berg", "neuropsychologist")
    session = drive.login("nils", OTHER_PW)
    drive.nav.participant(clinic.participant_id)
    drive.frames(3)
    scene = drive.scene
    assert isinstance(scene, ParticipantScene) and scene.progress is not None
    rec = desk.records.participant_record(clinic.participant_id)
    shown = visible_buttons(drive)
    for label, action in (
        ("Start training", Action.PARTICIPANT_START_TRAINING),
        ("Change details", Action.PARTICIPANT_EDIT),
        ("Add note", Action.NOTE_ADD),
        ("Goals and ratings", Action.PARTICIPANT_VIEW),
    ):
        assert (str(_(label)) in shown) is session.can(action, rec), label
    assert str(_("Start training")) not in shown and str(_("Change details")) not in shown
    assert audit(desk, "progress_view")[-1] == ("nils", "ok", "JMO-014")


@pytest.mark.parametrize("who", ["ola", "anne"])
def test_someone_who_may_not_see_the_record_gets_the_refusal_and_no_data(
    drive: Driver,
    desk: StaffDesk,
    clinic: Clinic,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    who: str,
) -> None:
    simple_history(store, clinic.participant_id)
    if who == "ola":
        add_user(desk, "ola", "Ola Hansen", "consultant")
    drive.login(who, OTHER_PW if who == "ola" else ADMIN_PW)
    level = counting(monkeypatch, "level_chart")
    drive.nav.participant(clinic.participant_id)
    texts = rendered_texts(drive, monkeypatch, frames=3)
    scene = drive.scene
    assert isinstance(scene, ParticipantScene)
    assert scene.record is None and scene.progress is None
    assert scene.messages  # the role table's reason, in the message panel
    assert visible_buttons(drive) == {str(_("Back")), str(_("Log out"))}
    joined = "\n".join(texts)
    assert "JMO-014" not in joined and number(7.5, decimals=1) not in joined
    assert set(words(scene.messages[0])) <= set(words(joined))
    assert level == []
    assert audit(desk, "participant_view")[-1] == (who, "denied", "JMO-014")
    assert all(actor != who for actor, _o, _c in audit(desk, "progress_view"))
    drive.click(drive.button(str(_("Back"))))
    assert isinstance(drive.app.top, OverviewScene)


# -- pictures to look at ------------------------------------------------------------------


@pytest.fixture
def shots_dir(tmp_path: Path) -> Path:
    """/tmp/staff_shots with COGTRAIN_STAFF_SHOTS=1, else a throw-away folder."""
    if os.environ.get("COGTRAIN_STAFF_SHOTS"):
        out = Path("/tmp/staff_shots")
        out.mkdir(parents=True, exist_ok=True)
        return out
    return tmp_path


@pytest.fixture
def display() -> Iterator[None]:
    pygame.init()
    yield
    pygame.quit()


@pytest.mark.parametrize(("size", "lang"), [((1024, 768), "nb"), ((1920, 1080), "en")])
def test_render_the_screen_with_a_rich_history(
    desk: StaffDesk,
    store: Store,
    clinic: Clinic,
    shots_dir: Path,
    display: None,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
    lang: str,
) -> None:
    kari_session = desk.login("kari", KARI_PW)
    pid = rich_history(desk, store, kari_session)
    i18n.set_language(lang)
    pygame.display.set_mode(size)
    app = App(ManualClock())
    nav = StaffNav(app, desk, on_start_training=lambda info: None, on_exit=lambda note: None)
    nav.session = desk.login("kari", KARI_PW)
    nav.participant(pid)
    scene = app.top
    assert isinstance(scene, ParticipantScene) and scene.progress is not None
    p = scene.progress
    assert set(p.levels_by_domain) == DOMAINS
    assert p.two_missed_in_a_row and p.next_session == date(2026, 12, 3)
    assert any(w.hard_week for w in p.checkins)
    assert len(p.goals) == 2 and all(len(g.ratings) == 3 for g in p.goals)
    assert any(n.source == "participant" for n in p.notes) and len(p.notes) == 5
    seen: set[str] = set()
    original = th.Theme.render

    def spy(self, text, *args, **kw):  # type: ignore[no-untyped-def]
        seen.add(str(text))
        return original(self, text, *args, **kw)

    def step(n: int = 2) -> None:
        for _i in range(n):
            app.step(app._collect_immediate())
            app.clock.advance_ms(FRAME_MS)  # type: ignore[attr-defined]

    with monkeypatch.context() as m:
        m.setattr(th.Theme, "render", spy)
        step(3)
    w, h = size
    pygame.image.save(app.surface, shots_dir / f"progress_levels_{lang}_{w}x{h}.png")
    joined = "\n".join(seen)
    assert i18n.weekday_date(date(2026, 12, 3)) in joined
    after = _("participant, after {exercise}").format(exercise=exercise_label("order_list"))
    assert any(after[:12] in t for t in seen)
    assert any(t.endswith("…") for t in seen)  # the long note is cut, not run over
    for name, go in (
        ("levels_per_exercise", scene.toggle_levels),
        ("ratings", lambda: scene.show_chart("ratings")),
        ("checkin", lambda: scene.show_chart("checkin")),
    ):
        go()
        step(2)
        pygame.image.save(app.surface, shots_dir / f"progress_{name}_{lang}_{w}x{h}.png")
    # A participant with nothing trained yet, and the refusal, for a look as well.
    nav.participant(clinic.participant_id)
    step(3)
    pygame.image.save(app.surface, shots_dir / f"progress_empty_{lang}_{w}x{h}.png")
    add_user(desk, "ola", "Ola Hansen", "consultant")
    nav.session = desk.login("ola", OTHER_PW)
    nav.participant(pid)
    step(3)
    pygame.image.save(app.surface, shots_dir / f"progress_refused_{lang}_{w}x{h}.png")
