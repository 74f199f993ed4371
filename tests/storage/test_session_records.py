"""Session records for planned training: stored plans, resumable sessions, breaks, facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cogtrain.storage.store import Store
from cogtrain.training.staircase import Staircase

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
PLAN = {"format": 1, "hard_day": False, "break_minutes": 3, "blocks": []}


def block(store: Store, session_id, exercise_id: str, *, minutes: float, at, idx=None):  # noqa: ANN001
    start = Staircase.start(1, 12).state()
    b = store.start_block(
        session_id,
        exercise_id=exercise_id,
        is_practice=False,
        seed=1,
        start=start,
        start_level=1,
        plan_index=idx,
        now=at,
    )
    participant = store.session(session_id).participant_id
    store.end_block(
        b,
        status="completed",
        active_ms=minutes * 60_000,
        participant_id=participant,
        end_state=start,
        end_level=1,
        now=at + timedelta(minutes=minutes),
    )
    return b


@pytest.mark.parametrize(
    ("how", "offered"),
    [("interrupted", True), ("window_closed", True), ("finished", False), ("active", False)],
)
def test_only_a_session_cut_short_today_is_offered(store: Store, how: str, offered: bool) -> None:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id, now=T0, plan=PLAN)
    if how == "interrupted":
        store.recover_interrupted(now=T0 + timedelta(minutes=5))
    elif how in ("window_closed", "finished"):
        store.end_session(sid, reason=how, now=T0 + timedelta(minutes=5))
    found = store.resumable_session(p.id, since=T0 - timedelta(hours=1))
    assert (found is not None) is offered
    # Yesterday's cut is never offered; nor is one without a stored plan.
    assert store.resumable_session(p.id, since=T0 + timedelta(minutes=1)) is None


def test_a_session_without_a_plan_is_not_offered(store: Store) -> None:
    p = store.add_participant("P-2")
    store.start_session(p.id, now=T0)
    store.recover_interrupted(now=T0)
    assert store.resumable_session(p.id, since=T0 - timedelta(hours=1)) is None


def test_reopening_counts_the_interruption_and_keeps_blocks(store: Store) -> None:
    p = store.add_participant("P-3")
    sid = store.start_session(p.id, now=T0, plan=PLAN)
    block(store, sid, "symbol_coding", minutes=5, at=T0, idx=0)
    store.recover_interrupted(now=T0 + timedelta(minutes=6))
    found = store.resumable_session(p.id, since=T0 - timedelta(hours=1))
    assert found is not None and found.session_id == sid
    assert [(b.plan_index, b.status) for b in found.blocks] == [(0, "completed")]
    store.reopen_session(sid)
    row = store.session(sid)
    assert (row.status, row.end_reason, row.ended_at, row.n_interruptions) == (
        "active",
        None,
        None,
        1,
    )


def test_breaks_add_up_and_are_never_training_time(store: Store) -> None:
    p = store.add_participant("P-4")
    sid = store.start_session(p.id, now=T0, plan=PLAN)
    block(store, sid, "symbol_coding", minutes=5, at=T0)
    store.add_break(sid, 120_000.0)
    store.add_break(sid, 30_500.5)
    store.add_break(sid, -10.0)  # a clock glitch never subtracts
    assert store.session(sid).break_ms == pytest.approx(150_500.5)
    assert store.active_ms_of(p.id) == pytest.approx(5 * 60_000)


def test_training_facts_per_exercise_week_and_recent_order(store: Store) -> None:
    p = store.add_participant("P-5")
    last_week = T0 - timedelta(days=7)
    s1 = store.start_session(p.id, now=last_week)
    block(store, s1, "symbol_coding", minutes=5, at=last_week)
    block(store, s1, "order_list", minutes=10, at=last_week + timedelta(minutes=6))
    s2 = store.start_session(p.id, now=T0)
    block(store, s2, "go_stop", minutes=10, at=T0)
    block(store, s2, "symbol_coding", minutes=4, at=T0 + timedelta(minutes=11))
    store.start_session(p.id, now=T0 + timedelta(hours=2))  # opened, nothing trained
    facts = store.training_facts(p.id, week_start=T0 - timedelta(days=1))
    assert facts.week_ms == {"go_stop": 600_000.0, "symbol_coding": 240_000.0}
    assert facts.total_ms == {
        "symbol_coding": 540_000.0,
        "order_list": 600_000.0,
        "go_stop": 600_000.0,
    }
    assert facts.recent_sessions == (("symbol_coding", "order_list"), ("go_stop", "symbol_coding"))
    assert facts.sessions_done == 2
    assert set(facts.levels) == {"symbol_coding", "order_list", "go_stop"}
    days = store.session_days(p.id)
    assert [ms for _t, ms in days] == [900_000.0, 840_000.0, 0.0]
