"""A whole planned session through the real loop: check-in → blocks → breaks → end.

The plan is the real jmo-standard profile shrunk to three one-minute blocks (a break
offered after each but the last), so the test runs in seconds on the manual clock.
"""

from __future__ import annotations

import pygame
import pytest

from cogtrain.i18n import _
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.flow import ProgramFlow
from cogtrain.storage.store import Store
from cogtrain.training.block import BlockConfig
from cogtrain.training.resume import plan_from_json
from tests.support.session_player import SessionPlayer, short_plan


@pytest.fixture
def app() -> App:
    pygame.init()
    pygame.display.set_mode((1024, 768))
    yield App(ManualClock())
    pygame.quit()


def play(app: App, store: Store, player: SessionPlayer, plan=None, seed: int = 3) -> ProgramFlow:  # noqa: ANN001
    plan = plan or short_plan()
    flow = ProgramFlow(
        app,
        store,
        plan_for=lambda p: plan,
        seed=seed,
        block_config=BlockConfig(practice_trials=2),
    )
    flow.show_start()
    app.running = True
    app.run(driver=player, max_frames=60_000)
    return flow


def test_a_short_planned_session_runs_every_block_with_breaks(app: App, store: Store) -> None:
    store.ensure_demo_participant()
    player = SessionPlayer(note="Når jeg plukker ordre på lageret")
    play(app, store, player)

    assert player.finished_lines is not None, player.seen[-12:]
    [p] = store.participants()
    [session] = store.sessions_of(p.id)
    assert session.status == "completed"
    assert store.checkin_of(session.id).rested == 3
    blocks = store.blocks_of_session(session.id)
    scored = [b for b in blocks if not b.is_practice]
    # The three planned blocks, in plan order, each trained to its minute.
    assert [b.plan_index for b in scored] == [0, 1, 2]
    assert all(b.status == "completed" for b in scored)
    for b in scored:
        assert 60_000 <= b.active_ms < 60_000 + 30_000, b
    ids = [b.exercise_id for b in scored]
    assert all(a != b for a, b in zip(ids, ids[1:], strict=False)), ids
    assert ids[0] == "symbol_coding"  # the profile's warm-up opens the session
    # A practice round before the first block of each exercise, not counted as scored.
    practice = [b for b in blocks if b.is_practice]
    assert sorted(b.exercise_id for b in practice) == sorted(set(ids))
    # Breaks were taken twice (after blocks 1 and 2, not after the last) and logged,
    # and they are not training time.
    assert player.seen.count("BreakScene") == 2
    assert session.break_ms == pytest.approx(2 * 120 * 1000 / 60, abs=50)
    # Reading the instructions counted, once, with the block that followed them.
    assert all(b.instruction_ms > 0 for b in blocks if b.is_practice)
    assert all(b.instruction_ms == 0 for b in scored)
    total_active = sum(b.active_ms for b in blocks)
    assert store.active_ms_of(p.id) == pytest.approx(total_active)
    # The goodbye screen: time today, toward 40 hours, and what went well.
    lines = player.finished_lines
    assert lines[1].endswith("av 40 timer.")
    assert any(line.startswith("Bra i dag:") for line in lines), lines
    assert any("Si det høyt" in line for line in lines), lines
    assert lines[-1] == "Om jobben skrev du: «Når jeg plukker ordre på lageret»"


def test_the_session_plan_is_stored_with_the_session(app: App, store: Store) -> None:
    store.ensure_demo_participant()
    play(app, store, SessionPlayer())
    [p] = store.participants()
    [session] = store.sessions_of(p.id)
    found_plan = store.resumable_session(p.id, since=session.started_at)
    assert found_plan is None  # it finished: nothing to continue
    facts = store.training_facts(p.id, week_start=session.started_at)
    assert facts.sessions_done == 1
    assert len(facts.recent_sessions) == 1 and len(facts.recent_sessions[0]) == 3


def test_a_hard_day_gives_shorter_blocks(app: App, store: Store) -> None:
    """Tired at check-in: the plan's hard-day block length cuts the same minutes finer."""
    import dataclasses

    from cogtrain.training.plans import HardDayRules

    plan = dataclasses.replace(
        short_plan(),
        block_minutes=2,
        hard_day=HardDayRules(block_minutes=1, offer_break_every_minutes=1),
    )
    store.ensure_demo_participant()
    [p] = store.participants()
    sizes = {}
    for checkin in ((3, 1), (1, 3)):
        player = SessionPlayer(checkin=checkin)
        play(app, store, player, plan=plan)
        assert player.finished_lines is not None
        session = store.sessions_of(p.id)[-1]
        c = store.checkin_of(session.id)
        assert (c.rested, c.stressed) == checkin
        found = store.session_plan_of(session.id)
        sizes[checkin] = [b.target_minutes for b in plan_from_json(found).blocks]
    assert sizes[(3, 1)] == [1, 2]
    assert sizes[(1, 3)] == [1, 1, 1]


def test_home_screen_shows_hours_and_next_session(app: App, store: Store) -> None:
    store.ensure_demo_participant()
    plan = short_plan()
    flow = ProgramFlow(app, store, plan_for=lambda p: plan, seed=1)
    [p] = store.participants()
    flow.pick(p)
    app.step([])
    top = app.top
    assert str(top.title) == _("Hello!")
    lines = [str(x) for x in top.paragraphs]
    assert lines[0] == "Du har trent 0,0 av 40 timer."
    assert lines[-1].startswith("Neste planlagte økt etter i dag:")


def test_plan_of_applies_overrides_and_never_blocks_training(app: App, store: Store) -> None:
    p = store.add_participant("P-7", plan_profile="short-sessions")
    flow = ProgramFlow(app, store)
    assert flow.plan_of(p).session_minutes == 30
    store.set_participant_plan(
        p.id, "short-sessions", {"session_minutes": 45, "exclude": ["reaction"]}
    )
    [p] = [x for x in store.participants() if x.code == "P-7"]
    plan = flow.plan_of(p)
    assert (plan.profile_id, plan.session_minutes) == ("short-sessions", 45)
    assert not plan.allows("reaction")
    # A damaged override or a profile that no longer exists: the participant still trains.
    store.set_participant_plan(p.id, "short-sessions", {"session_minutes": "lots"})
    [p] = [x for x in store.participants() if x.code == "P-7"]
    assert flow.plan_of(p).session_minutes == 30
    store.set_participant_plan(p.id, "retired-profile", None)
    [p] = [x for x in store.participants() if x.code == "P-7"]
    assert flow.plan_of(p).profile_id == "jmo-standard"
