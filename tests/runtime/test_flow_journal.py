"""The program on a PC that trains against the clinic's shared server, driven headless.

The "server" here is a second SQLite file behind an opener that can refuse (as an
unreachable PostgreSQL server does); the real network cut on PostgreSQL is in
tests/storage/test_journal_postgres.py. What is checked is the program around the
journal: log in with code and PIN while the server is away, a whole planned session,
the staff button's calm notice, the staff screens' strip, and everything on the server
once it answers again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame
import pytest

from cogtrain import i18n
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.flow import ProgramFlow
from cogtrain.runtime.scenes.start import StartScene
from cogtrain.runtime.staff.overview import OverviewScene
from cogtrain.staff.desk import StaffDesk
from cogtrain.staff.forms import ParticipantDraft, StaffUserDraft
from cogtrain.storage.engine import DatabaseUnreachableError, resolve_url
from cogtrain.storage.program_stores import ProgramStores, open_program_stores
from cogtrain.storage.store import Store
from cogtrain.training.block import BlockConfig
from tests.support.session_player import SessionPlayer, short_plan

pytestmark = pytest.mark.usefixtures("cheap_hashes")
PW = "korrekt hest batteri"


class Server:
    """A server whose network can be switched off (opening it is refused)."""

    def __init__(self, path: Path) -> None:
        self.url = resolve_url(f"sqlite:///{path}")
        self.reachable = True

    def open(self, _url: Any) -> Store:
        if not self.reachable:
            raise DatabaseUnreachableError(
                "The database server db.clinic:5432 cannot be reached.",
                hint="Check the network.",
            )
        return Store.open(self.url)


@pytest.fixture
def app() -> Any:
    pygame.init()
    pygame.display.set_mode((1024, 768))
    i18n.set_language("en")
    yield App(ManualClock())
    pygame.quit()


@pytest.fixture
def server(tmp_path: Path) -> Server:
    srv = Server(tmp_path / "server.sqlite3")
    s = srv.open(None)
    desk = StaffDesk.with_exercises(s)
    desk.create_first_admin(StaffUserDraft("admin", "Anne Admin", "admin", PW, PW))
    desk.login("admin", PW).add_user(StaffUserDraft("kari", "Kari Konsulent", "consultant", PW, PW))
    desk.login("kari", PW).create_participant(
        ParticipantDraft("JMO-014", "jmo-standard", "02.11.2026", "en", pin="2580")
    )
    s.close()
    return srv


def stores(server: Server, tmp_path: Path) -> ProgramStores:
    # A PostgreSQL-looking URL makes open_program_stores take the journal path; the
    # opener stands in for the network and serves the SQLite "server".
    url = resolve_url("postgresql+psycopg://cogtrain@db.clinic:5432/cogtrain")
    opened = open_program_stores(
        url, journal_path=tmp_path / "journal.sqlite3", open_store=server.open
    )
    assert opened.journal is not None
    opened.journal.retry_s = 0.05
    return opened


def flow_for(app: App, st: ProgramStores) -> ProgramFlow:
    return ProgramFlow(
        app,
        st.training,
        server=st.server,
        connect_server=st.connect_server,
        plan_for=lambda p: short_plan(),
        seed=3,
        block_config=BlockConfig(practice_trials=2),
    )


def frames(app: App, n: int = 3) -> None:
    for _i in range(n):
        app.step(app._collect_immediate())
        app.clock.advance_ms(1000 / app.fps)  # type: ignore[attr-defined]


def type_text(app: App, text: str) -> None:
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    pygame.event.post(
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="", scancode=0)
    )
    frames(app, 2)


def log_in(app: App, flow: ProgramFlow, code: str, pin: str) -> None:
    flow.show_participant_login()
    frames(app)
    type_text(app, code)
    type_text(app, pin)


def test_a_pc_that_never_trained_refuses_to_start_without_the_server(
    server: Server, tmp_path: Path
) -> None:
    server.reachable = False
    with pytest.raises(DatabaseUnreachableError) as err:
        stores(server, tmp_path)
    assert "db.clinic:5432" in err.value.message
    assert "has not trained against this server before" in (err.value.hint or "")


def test_training_goes_on_without_the_server_and_reaches_it_when_it_is_back(
    app: App, server: Server, tmp_path: Path
) -> None:
    # First day: the server answers. Kari starts JMO-014 once, so this PC knows them.
    first = stores(server, tmp_path)
    [p] = [x for x in first.connect_server().participants() if x.code == "JMO-014"]
    assert first.journal is not None and first.journal.prepare_participant(p.id)
    first.close()

    # Next day the server is away at start: the program starts on the journal.
    server.reachable = False
    st = stores(server, tmp_path)
    assert st.server is None
    flow = flow_for(app, st)
    flow.show_start()
    frames(app)
    assert isinstance(app.top, StartScene)

    # Staff press their button: a calm notice, and the start screen stays.
    flow.show_staff()
    frames(app)
    assert isinstance(app.top, StartScene)
    assert app.top.notice is not None and "cannot be reached" in str(app.top.notice)

    app.theme._text_cache.clear()  # from here on, only what the participant sees

    # The participant logs in with code and PIN, checked against this PC's copy...
    log_in(app, flow, "jmo-014", "1111")
    assert flow.participant is None  # a wrong PIN is still wrong offline
    log_in(app, flow, "jmo-014", "2580")
    assert flow.participant is not None and flow.participant.code == "JMO-014"
    # ... and trains a whole planned session, nothing said about the server.
    player = SessionPlayer()
    app.running = True
    app.run(driver=player, max_frames=60_000)
    assert player.finished_lines is not None, player.seen[-12:]
    seen_text = " ".join(k[0] for k in app.theme._text_cache)
    assert "server" not in seen_text.lower()

    journal = st.journal
    assert journal is not None
    waiting = journal.status()
    assert not waiting.online and waiting.pending > 0

    # The server answers again: everything arrives, and the staff side connects.
    server.reachable = True
    assert journal.flush(timeout_s=20)
    srv = st.connect_server()
    [session] = srv.sessions_of(p.id)
    assert session.status == "completed"
    local_blocks = journal.local.blocks_of_session(session.id)
    server_blocks = srv.blocks_of_session(session.id)
    assert [(b.id, b.n_trials, b.active_ms) for b in server_blocks] == [
        (b.id, b.n_trials, b.active_ms) for b in local_blocks
    ]
    assert sum(b.n_trials for b in server_blocks) > 0
    assert srv.active_ms_of(p.id) == pytest.approx(journal.local.active_ms_of(p.id))
    # The two log-ins made while it was away are in the server's audit log, once each
    # and marked offline; its PIN counters are its own (not the PC's copy's).
    logins = [r for r in srv.staff.audit_log() if r.action == "participant_login"]
    assert [(r.outcome, r.participant_code, r.detail) for r in logins] == [
        ("ok", "JMO-014", {"offline": True}),
        ("failed", "JMO-014", {"why": "wrong_pin", "offline": True}),
    ]
    assert srv.staff.pin_state(p.id)[1:] == (0, None)

    # Staff now get in, and every staff screen's foot says all is there.
    flow.show_staff()
    frames(app)
    nav = flow_nav(app)
    nav.logged_in(nav.desk.login("kari", PW))
    frames(app)
    assert isinstance(app.top, OverviewScene)
    notice = nav.sync_notice()
    assert notice is not None and notice.kind == "ok"
    st.close()


def flow_nav(app: App) -> Any:
    return app.top.nav  # type: ignore[union-attr]


@pytest.mark.parametrize("outcome", ["answers", "fails"])
def test_a_slow_server_shows_one_moment_and_never_freezes_the_window(
    app: App, server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, outcome: str
) -> None:
    """Picking a participant fetches their newest records from the server; a slow or
    vanishing server (a connect timeout is 5 s) must not hold the loop: the window keeps
    drawing a calm "one moment" screen, and training starts once the fetch is over,
    whether it worked or not."""
    import threading
    import time

    from cogtrain.runtime.scenes.waiting import WaitingScene

    st = stores(server, tmp_path)
    assert st.journal is not None
    [p] = [x for x in st.connect_server().participants() if x.code == "JMO-014"]
    release = threading.Event()
    real = st.journal.prepare_participant

    def slow(participant_id):  # type: ignore[no-untyped-def]
        assert release.wait(10)
        if outcome == "fails":
            raise RuntimeError("the network went away mid-answer")
        return real(participant_id)

    monkeypatch.setattr(st.journal, "prepare_participant", slow)
    flow = flow_for(app, st)
    flow.show_start()
    frames(app)
    flow.pick(p)
    drawn = app.frames
    frames(app, 30)  # half a second of frames while the server thinks
    assert isinstance(app.top, WaitingScene) and app.frames == drawn + 30
    assert flow.participant is None
    release.set()
    deadline = time.monotonic() + 20  # the fetch runs on its own thread, in real time
    while isinstance(app.top, WaitingScene) and time.monotonic() < deadline:
        frames(app, 1)
        time.sleep(0.005)
    assert not isinstance(app.top, WaitingScene)
    assert flow.participant is not None and flow.participant.code == "JMO-014"
    assert type(app.top).__name__ == "MessageScene"  # the greeting that opens a session
    st.close()
