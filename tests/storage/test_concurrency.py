"""Several OS processes on one database at once (issue 8): two training PCs logging
trials while a consultant edits goals, and two staff saving the same goal.

Runs on both backends (tests/conftest.py): on PostgreSQL, the shared clinic server; on
SQLite, one file shared through WAL and the busy timeout, as two cogtrain windows on one
PC would. The workers live in tests/storage/concurrent_workers.py and are started with
``spawn``, so each is a fresh interpreter with its own connections.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from cogtrain.storage import migrate
from cogtrain.storage.engine import resolve_url
from cogtrain.storage.models import AuditEvent, Trial
from cogtrain.storage.staff_records import AuditEntry
from cogtrain.storage.store import Store
from tests.storage import concurrent_workers as w

pytestmark = pytest.mark.slow

CTX = multiprocessing.get_context("spawn")
TIMEOUT_S = 120


def run_all(targets: list[tuple[Any, tuple[Any, ...]]]) -> list[Any]:
    """Start one process per (function, args) -- each also gets the shared queue --
    wait for all, and return their results in start order (failing on any error)."""
    queue = CTX.Queue()
    procs = []
    for i, (fn, args) in enumerate(targets):
        p = CTX.Process(target=w.run_tagged, args=(fn, i, args, queue), daemon=True)
        p.start()
        procs.append(p)
    got: dict[int, tuple[str, Any]] = {}
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while len(got) < len(procs):
            try:
                i, status, value = queue.get(timeout=0.2)
                got[i] = (status, value)
                continue
            except queue_module.Empty:
                pass
            crashed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            assert not crashed, f"a worker process died (exit codes {crashed}); see its stderr"
            assert time.monotonic() < deadline, f"workers still running after {TIMEOUT_S} s"
    finally:
        for p in procs:
            p.join(timeout=TIMEOUT_S)
            if p.is_alive():
                p.kill()
    errors = [v for s, v in got.values() if s == "error"]
    assert not errors, "a worker process failed:\n" + "\n".join(errors)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    return [got[i][1] for i in range(len(procs))]


def count(db_url: str, stmt: Any) -> int:
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())
    finally:
        engine.dispose()


def test_two_pcs_train_while_a_consultant_edits_goals(store: Store, db_url: str) -> None:
    n_trials, n_edits = 150, 40
    a = store.add_participant("JMO-A1")
    b = store.add_participant("JMO-B2")
    audit = AuditEntry(None, "kari", "goal_add")
    goals = [
        store.staff.add_goal(p.id, w.goal_fields("first"), audit=audit, now=w.T0).id for p in (a, b)
    ]
    barrier = CTX.Barrier(3)
    block_a, block_b, edits = run_all(
        [
            (w.log_trials, (db_url, str(a.id), n_trials, barrier)),
            (w.log_trials, (db_url, str(b.id), n_trials, barrier)),
            (w.edit_goals, (db_url, [str(g) for g in goals], n_edits, barrier)),
        ]
    )
    assert edits == n_edits
    for pid, bid in ((a.id, block_a), (b.id, block_b)):
        back = store.trials_of_block(uuid.UUID(bid))
        assert [t.index for t in back] == list(range(n_trials))  # each once, none lost
        assert back == [w.trial(i) for i in range(n_trials)]
        [block] = store.blocks_of_session(store.sessions_of(pid)[0].id)
        assert (block.n_trials, block.status) == (n_trials, "completed")
    assert count(db_url, select(func.count()).select_from(Trial)) == 2 * n_trials
    # No lost update: every edit moved its goal's version on by one.
    versions = sorted(store.staff.goal(g).version for g in goals)
    assert versions == [1 + n_edits // 2, 1 + n_edits // 2]
    assert [store.staff.goal(g).text for g in goals] == [
        f"edit {n_edits - 2}",
        f"edit {n_edits - 1}",
    ]
    edit_rows = select(func.count()).where(AuditEvent.action == "goal_edit")
    assert count(db_url, edit_rows) == n_edits


def _one_goal(store: Store) -> uuid.UUID:
    p = store.add_participant("JMO-G1")
    audit = AuditEntry(None, "kari", "goal_add")
    return store.staff.add_goal(p.id, w.goal_fields("first"), audit=audit, now=w.T0).id


def test_two_staff_saving_the_same_goal_at_once_one_is_told_to_reload(
    store: Store, db_url: str
) -> None:
    """The second save is made while the first still holds the row (inside its open
    transaction): it waits for the first to commit, then finds the goal changed."""
    goal = _one_goal(store)
    barrier = CTX.Barrier(2)
    saved = CTX.Event()
    first, second = run_all(
        [
            (w.save_goal, (db_url, str(goal), "kari's text", barrier, 1.5, saved, None)),
            (w.save_goal, (db_url, str(goal), "ola's text", barrier, 0.0, None, saved)),
        ]
    )
    assert first[0] == "saved" and second[0] == "stale"
    assert second[1] >= 0.5  # it really waited on the first save's open transaction
    row = store.staff.goal(goal)
    assert (row.text, row.version) == ("kari's text", 2)
    actors = [r.actor_name for r in store.staff.audit_log() if r.action == "goal_edit"]
    assert actors == ["kari's text"]  # no audit row for the save that was refused


def test_simultaneous_saves_exactly_one_wins(store: Store, db_url: str) -> None:
    for round_no in range(3):
        goal = _one_goal(store) if round_no == 0 else _fresh_goal(store, round_no)
        barrier = CTX.Barrier(2)
        results = run_all(
            [
                (w.save_goal, (db_url, str(goal), f"left {round_no}", barrier, 0.0, None, None)),
                (w.save_goal, (db_url, str(goal), f"right {round_no}", barrier, 0.0, None, None)),
            ]
        )
        outcomes = sorted(r[0] for r in results)
        assert outcomes == ["saved", "stale"]
        winner = "left" if results[0][0] == "saved" else "right"
        row = store.staff.goal(goal)
        assert (row.text, row.version) == (f"{winner} {round_no}", 2)


def _fresh_goal(store: Store, n: int) -> uuid.UUID:
    p = store.add_participant(f"JMO-R{n}")
    audit = AuditEntry(None, "kari", "goal_add")
    return store.staff.add_goal(p.id, w.goal_fields("first"), audit=audit, now=w.T0).id


@pytest.mark.postgres
def test_pcs_starting_at_once_on_a_new_database_migrate_it_once(
    postgres_server: Any,
) -> None:
    """Two PCs opening an empty PostgreSQL database at the same moment: one migrates,
    the other waits on the migration lock and finds nothing left to do."""
    with postgres_server.fresh_schema() as url:
        barrier = CTX.Barrier(3)
        assert run_all([(w.open_store, (url, barrier)) for _ in range(3)]) == [True] * 3
        store = Store.open(resolve_url(url), upgrade=False)
        try:
            assert migrate.current_revision(store.engine) == migrate.head_revision()
        finally:
            store.close()
