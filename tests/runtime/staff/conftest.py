"""Staff screens headless: a real database, a real desk, a real App on a dummy display.

The fixtures build a small clinic (an admin, a work consultant, a participant of the
consultant's with one goal) and a :class:`Driver` that plays the staff member: it types
into entries and clicks buttons by posting the same SDL events a mouse and a keyboard
would, then lets the app run a few frames so pygame_gui reacts as it does on screen.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pygame
import pytest

from cogtrain.i18n import Msg
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.staff.gui import StaffScene
from cogtrain.runtime.staff.nav import StaffNav
from cogtrain.staff.desk import StaffDesk, StaffSession
from cogtrain.staff.forms import GoalDraft, ParticipantDraft, StaffUserDraft

ADMIN_PW = "korrekt hest batteri"
KARI_PW = "lagerhylle-2026"
FRAME_MS = 1000 / 60


@pytest.fixture(autouse=True)
def _cheap(cheap_hashes: None) -> None:
    """Every staff-screen test hashes with cheap argon2id parameters."""


@dataclass
class Clinic:
    admin_id: uuid.UUID
    kari_id: uuid.UUID
    participant_id: uuid.UUID
    goal_id: uuid.UUID


@pytest.fixture
def clinic(desk: StaffDesk) -> Clinic:
    desk.create_first_admin(StaffUserDraft("anne", "Anne Admin", "admin", ADMIN_PW, ADMIN_PW))
    admin = desk.login("anne", ADMIN_PW)
    kari = admin.add_user(StaffUserDraft("kari", "Kari Konsulent", "consultant", KARI_PW, KARI_PW))
    admin.logout()
    consultant = desk.login("kari", KARI_PW)
    p = consultant.create_participant(
        ParticipantDraft("JMO-014", "jmo-standard", "02.11.2026", "nb")
    )
    goal = consultant.add_goal(
        p.id,
        GoalDraft(
            text="Holde oversikt over plukklista uten å miste tråden",
            workplace_situation="Lageret, morgenskiftet: ordre kommer inn mens jeg plukker.",
            domains=("attention", "memory"),
            exercise_ids=("order_list", "shelf_search"),
            target_date="01.03.2027",
        ),
    )
    consultant.logout()
    return Clinic(admin.user.id, kari.id, p.id, goal.id)


@pytest.fixture
def app() -> Iterator[App]:
    pygame.init()
    pygame.display.set_mode((1024, 768))
    yield App(ManualClock())
    pygame.quit()


@dataclass
class Driver:
    """Plays the staff member at the PC."""

    app: App
    nav: StaffNav
    exits: list[Msg | None] = field(default_factory=list)

    def login(self, username: str, password: str) -> StaffSession:
        session = self.nav.desk.login(username, password)
        self.nav.session = session
        return session

    @property
    def scene(self) -> StaffScene:
        top = self.app.top
        assert isinstance(top, StaffScene), top
        return top

    def frames(self, n: int = 3) -> None:
        for _i in range(n):
            self.app.step(self.app._collect_immediate())
            self.app.clock.advance_ms(FRAME_MS)  # type: ignore[attr-defined]

    def click_at(self, pos: tuple[int, int], *, clicks: int = 1) -> None:
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
        )
        self.frames(1)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        self.frames(1)
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, clicks=clicks)
        )
        self.frames(3)

    def button(self, label: str):  # type: ignore[no-untyped-def]
        """The visible button of the current screen with ``label``."""
        from pygame_gui.elements import UIButton

        found = [
            e
            for e in self.scene.ui.get_root_container().elements
            if isinstance(e, UIButton) and e.text == label and e.visible
        ]
        assert len(found) == 1, (label, found)
        return found[0]

    def click(self, element) -> None:  # type: ignore[no-untyped-def]
        """Click a pygame_gui element (a button, an entry, a list item) in its middle."""
        assert element.visible, element
        self.click_at(element.rect.center)

    def type_into(self, entry, text: str) -> None:  # type: ignore[no-untyped-def]
        """Click into ``entry`` and type ``text`` (as SDL text input events)."""
        self.click(entry)
        assert entry.is_focused
        for chunk in text:
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=chunk))
        self.frames(2)

    def key(self, k: int, *, mod: int = 0) -> None:
        pygame.event.post(
            pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)
        )
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode="", scancode=0))
        self.frames(2)

    def shown(self) -> str:
        """The messages and the notice the screen shows now, as one string."""
        scene = self.scene
        return "\n".join([*map(str, scene.messages), str(scene.notice or "")])


@pytest.fixture
def drive(app: App, desk: StaffDesk) -> Driver:
    exits: list[Msg | None] = []
    nav = StaffNav(
        app,
        desk,
        on_start_training=lambda info: None,
        on_exit=exits.append,
    )
    return Driver(app, nav, exits)
