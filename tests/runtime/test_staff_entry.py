"""The way in, driven headless: start screen, participant code + PIN, first admin, staff
log-in, the clinic overview, the participant form, and logging out after a quiet spell."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pygame
import pytest

from cogtrain import i18n
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.flow import ProgramFlow
from cogtrain.runtime.scenes.start import ParticipantLoginScene, StartScene
from cogtrain.runtime.staff.login import FirstAdminScene, LoginScene
from cogtrain.runtime.staff.overview import OverviewScene
from cogtrain.runtime.staff.participant_form import ParticipantFormScene
from cogtrain.staff.desk import StaffDesk
from cogtrain.staff.forms import ParticipantDraft, StaffUserDraft
from cogtrain.storage.store import Store
from tests.support.staff import DeskClock

PW = "korrekt hest batteri"


pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def app() -> Iterator[App]:
    pygame.init()
    pygame.display.set_mode((1024, 768))
    yield App(ManualClock())
    pygame.quit()


@pytest.fixture
def clock(desk_now: DeskClock) -> DeskClock:
    return desk_now


@pytest.fixture
def flow(app: App, store: Store, desk: StaffDesk) -> ProgramFlow:
    i18n.set_language("en")
    store.ensure_demo_participant()
    f = ProgramFlow(app, store)
    f._desk = desk
    return f


def frames(app: App, n: int = 2) -> None:
    for _i in range(n):
        app.step(app._collect_immediate())
        app.clock.advance_ms(1000 / app.fps)  # type: ignore[attr-defined]


def click(app: App, pos: tuple[int, int]) -> None:
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, pos=pos, button=1, touch=False))
    frames(app, 3)


def type_into(app: App, entry, text: str) -> None:  # type: ignore[no-untyped-def]
    click(app, entry.rect.center)
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    frames(app, 2)


def key(app: App, k: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
    frames(app, 2)


def button(scene, label: str):  # type: ignore[no-untyped-def]
    assert label in scene.buttons, f"no button {label!r} in {sorted(scene.buttons)}"
    return scene.buttons[label]


def drawn(app: App) -> set[str]:
    return {k[0] for k in app.theme._text_cache}


def set_up_clinic(flow: ProgramFlow) -> None:
    desk = flow.desk
    desk.create_first_admin(StaffUserDraft("admin", "Anne Admin", "admin", PW, PW))
    admin = desk.login("admin", PW)
    admin.add_user(StaffUserDraft("kari", "Kari Konsulent", "consultant", PW, PW))
    kari = desk.login("kari", PW)
    kari.create_participant(
        ParticipantDraft("JMO-014", "short-sessions", "02.11.2026", "nb", pin="2580")
    )
    kari.create_participant(ParticipantDraft("JMO-015", "jmo-standard", "02.11.2026", "nb"))


def test_start_screen_offers_the_demo_before_set_up(app: App, flow: ProgramFlow) -> None:
    flow.show_start()
    frames(app)
    assert isinstance(app.top, StartScene)
    assert "Try the demo training" in drawn(app)
    key(app, pygame.K_RETURN)  # the demo is the first button
    assert flow.participant is not None and flow.participant.code == "DEMO-01"


def test_start_screen_never_lists_participants(app: App, flow: ProgramFlow) -> None:
    set_up_clinic(flow)
    flow.show_start()
    frames(app)
    shown = drawn(app)
    assert "Start my training" in shown and "Staff log in" in shown
    assert not {"JMO-014", "JMO-015", "DEMO-01"} & shown


def test_participant_starts_with_code_and_pin(app: App, flow: ProgramFlow, store: Store) -> None:
    set_up_clinic(flow)
    flow.show_participant_login()
    frames(app)
    scene = app.top
    assert isinstance(scene, ParticipantLoginScene)
    for ch in "jmo-014":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    key(app, pygame.K_RETURN)  # to the PIN
    for ch in "1111":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    key(app, pygame.K_RETURN)
    assert isinstance(app.top, ParticipantLoginScene)
    assert scene.message is not None and "not right" in scene.message
    assert scene.pin.text == ""  # the wrong PIN is cleared, the code kept
    assert scene.code.text == "jmo-014"
    for ch in "2580":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    key(app, pygame.K_RETURN)
    assert flow.participant is not None and flow.participant.code == "JMO-014"
    frames(app, 3)
    assert not isinstance(app.top, ParticipantLoginScene)  # on to their home screen
    outcomes = [
        (r.action, r.outcome) for r in store.staff.audit_log(limit=3) if r.action.startswith("p")
    ]
    assert outcomes[:2] == [("participant_login", "ok"), ("participant_login", "failed")]


def test_first_admin_through_the_screen(app: App, flow: ProgramFlow, store: Store) -> None:
    flow.show_staff()
    frames(app)
    scene = app.top
    assert isinstance(scene, FirstAdminScene)
    user, name, pw, again = scene.fields
    type_into(app, user, "anne")
    type_into(app, name, "Anne Ødegård")
    type_into(app, pw, "kort")
    type_into(app, again, "kort")
    click(app, button(scene, "Create the account").rect.center)
    assert app.top is scene
    assert any("at least 10" in m for m in scene.messages)
    assert store.staff.count_users() == 0
    pw.set_text("")
    again.set_text("")
    type_into(app, pw, PW)
    type_into(app, again, PW)
    click(app, button(scene, "Create the account").rect.center)
    assert isinstance(app.top, OverviewScene)
    row = store.staff.user_by_username("anne")
    assert row is not None and row.display_name == "Anne Ødegård" and row.role == "admin"


def test_staff_login_wrong_then_right(app: App, flow: ProgramFlow) -> None:
    set_up_clinic(flow)
    flow.show_staff()
    frames(app)
    scene = app.top
    assert isinstance(scene, LoginScene)
    type_into(app, scene.username, "kari")
    type_into(app, scene.password, "not the password")
    key(app, pygame.K_RETURN)
    assert app.top is scene
    assert any("not right" in m for m in scene.messages)
    assert scene.password.get_text() == ""
    type_into(app, scene.password, PW)
    click(app, button(scene, "Log in").rect.center)
    overview = app.top
    assert isinstance(overview, OverviewScene)
    frames(app)
    codes = [r.cells[0] for r in overview.rows]
    assert sorted(codes) == ["JMO-014", "JMO-015"]


def test_idle_staff_screen_logs_out(
    app: App, flow: ProgramFlow, clock: DeskClock, store: Store
) -> None:
    set_up_clinic(flow)
    flow.show_staff()
    nav_scene = app.top
    assert isinstance(nav_scene, LoginScene)
    nav_scene.nav.logged_in(flow.desk.login("kari", PW))
    frames(app)
    assert isinstance(app.top, OverviewScene)
    clock.t += timedelta(minutes=9)
    frames(app)
    assert isinstance(app.top, OverviewScene)
    clock.t += timedelta(minutes=2)
    frames(app)
    assert isinstance(app.top, StartScene)
    assert app.top.notice is not None and "10 minutes" in app.top.notice
    last = store.staff.audit_log(limit=1)[0]
    assert (last.actor_name, last.action, last.detail) == ("kari", "logout", {"reason": "idle"})


def test_participant_form_refuses_an_identifying_code(
    app: App, flow: ProgramFlow, store: Store
) -> None:
    set_up_clinic(flow)
    flow.show_staff()
    nav = app.top.nav  # type: ignore[union-attr]
    nav.logged_in(flow.desk.login("kari", PW))
    nav.participant_form(None)
    frames(app)
    scene = app.top
    assert isinstance(scene, ParticipantFormScene)
    type_into(app, scene.code, "12037512345")
    click(app, button(scene, "Save").rect.center)
    assert app.top is scene
    assert any("fødselsnummer" in m for m in scene.messages)
    assert len(store.participants()) == 3  # demo + two: nothing stored
    scene.code.set_text("")
    type_into(app, scene.code, "JMO-016")
    type_into(app, scene.pin, "4826")
    click(app, button(scene, "Save").rect.center)
    rec = store.staff.participant_by_code("JMO-016")
    assert rec is not None and rec.has_pin and rec.consultant_name == "Kari Konsulent"


def test_admin_assigns_a_consultant(app: App, flow: ProgramFlow, store: Store) -> None:
    set_up_clinic(flow)
    admin = flow.desk.login("admin", PW)
    admin.add_user(StaffUserDraft("ola", "Ola Konsulent", "consultant", PW, PW))
    flow.show_staff()
    nav = app.top.nav  # type: ignore[union-attr]
    nav.logged_in(admin)
    frames(app)
    overview = app.top
    assert isinstance(overview, OverviewScene)
    assert [r.cells[0] for r in overview.rows] == ["DEMO-01", "JMO-014", "JMO-015"]
    key(app, pygame.K_DOWN)
    key(app, pygame.K_RETURN)
    form = app.top
    assert isinstance(form, ParticipantFormScene)
    assert form.record is not None and form.record.code == "JMO-014"
    assert form.plan is None  # an admin does not edit the training plan
    form.consultant.selected_option = ("Ola Konsulent", "ola")  # what picking it sets
    click(app, button(form, "Save").rect.center)
    assert isinstance(app.top, OverviewScene), form.messages
    assert store.staff.participant_by_code("JMO-014").consultant_name == "Ola Konsulent"  # type: ignore[union-attr]


def test_participant_trains_in_their_own_language(app: App, flow: ProgramFlow) -> None:
    set_up_clinic(flow)
    kari = flow.desk.login("kari", PW)
    rec = flow.desk.records.participant_by_code("JMO-014")
    assert rec is not None
    kari.update_participant(
        rec.id, ParticipantDraft("JMO-014", "short-sessions", "02.11.2026", "nb")
    )
    assert i18n.current_language() == "en"  # the program's language
    flow.pick(flow.desk.participant_login("JMO-014", "2580"))
    assert i18n.current_language() == "nb"
    flow.show_start()
    assert i18n.current_language() == "en"
