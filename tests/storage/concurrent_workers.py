"""What each OS process does in tests/storage/test_concurrency.py.

A module of its own (not the test module) so that a ``spawn``-ed process imports only
this and cogtrain, as a second training PC or a consultant's laptop would: its own
interpreter, its own Store, its own connections. Each worker puts one result on the
queue, ``("ok", value)`` or ``("error", traceback text)``, and never raises, so the test
sees what went wrong in the other process.
"""

from __future__ import annotations

import time
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from cogtrain.storage.engine import resolve_url
from cogtrain.storage.staff_records import AuditEntry, GoalFields, StaffRecords, StaleRecordError
from cogtrain.storage.store import Store
from cogtrain.training.block import TrialRecord
from cogtrain.training.staircase import Staircase

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
EXERCISE = "symbol_coding"


def trial(i: int) -> TrialRecord:
    return TrialRecord(
        index=i,
        level=1,
        spec={"item": i, "key": ["circle", "square"]},
        response={"answer": {"digit": i % 9}, "timed_out": False},
        correct=i % 4 != 0,
        error_kind=None if i % 4 else "wrong_digit",
        rt_ms=500.0 + i / 8,
        onset_at=T0 + timedelta(seconds=2 * i),
        response_at=T0 + timedelta(seconds=2 * i + 0.5),
        staircase_before=1.0,
        staircase_after=1.0,
    )


def goal_fields(text: str) -> GoalFields:
    return GoalFields(text, "Ved kassa", ("memory",), (EXERCISE,), None)


class _Tagged:
    """The shared queue, with each result tagged by the worker's place in the test."""

    def __init__(self, i: int, queue: Any) -> None:
        self.i = i
        self.queue = queue

    def put(self, item: tuple[str, Any]) -> None:
        self.queue.put((self.i, *item))


def run_tagged(fn: Callable[..., None], i: int, args: tuple[Any, ...], queue: Any) -> None:
    """The process entry point: ``fn(*args, queue)`` reporting as worker ``i``."""
    fn(*args, _Tagged(i, queue))


def _run(queue: Any, fn: Callable[[], Any]) -> None:
    try:
        queue.put(("ok", fn()))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        queue.put(("error", traceback.format_exc()))


def log_trials(url: str, participant_id: str, n_trials: int, barrier: Any, queue: Any) -> None:
    """A training PC: one session, one scored block, ``n_trials`` trials, block ended."""

    def work() -> str:
        store = Store.open(resolve_url(url))
        try:
            pid = uuid.UUID(participant_id)
            sc = Staircase.start(1, 12)
            sid = store.start_session(pid, now=T0)
            bid = store.start_block(
                sid,
                exercise_id=EXERCISE,
                is_practice=False,
                seed=7,
                start=sc.state(),
                start_level=1,
                now=T0,
            )
            barrier.wait(timeout=60)
            for i in range(n_trials):
                store.log_trial(bid, trial(i))
            store.end_block(
                bid,
                status="completed",
                active_ms=1000.0 * n_trials,
                participant_id=pid,
                end_state=sc.state(),
                end_level=1,
            )
            store.end_session(sid, reason="finished")
            return str(bid)
        finally:
            store.close()

    _run(queue, work)


def edit_goals(url: str, goal_ids: list[str], n_edits: int, barrier: Any, queue: Any) -> None:
    """A consultant editing goals while the PCs train: each edit reads the goal's
    version and saves against it, as the goal form does."""

    def work() -> int:
        store = Store.open(resolve_url(url))
        try:
            staff = StaffRecords(store)
            audit = AuditEntry(None, "kari", "goal_edit")
            barrier.wait(timeout=60)
            for n in range(n_edits):
                gid = uuid.UUID(goal_ids[n % len(goal_ids)])
                version = staff.goal(gid).version
                staff.update_goal(
                    gid,
                    goal_fields(f"edit {n}"),
                    expected_version=version,
                    audit=audit,
                    now=T0 + timedelta(minutes=n),
                )
            return n_edits
        finally:
            store.close()

    _run(queue, work)


def save_goal(
    url: str,
    goal_id: str,
    text: str,
    barrier: Any,
    hold_s: float,
    saved: Any,
    wait_for: Any,
    queue: Any,
) -> None:
    """A staff member saving the goal they opened at version 1.

    With ``hold_s`` the save stops for that long after its UPDATE, inside the open
    transaction (the row is locked), and sets ``saved``; a worker given that event as
    ``wait_for`` saves while the first one still holds the row. Returns ("saved",
    seconds) or ("stale", seconds)."""

    def work() -> tuple[str, float]:
        store = Store.open(resolve_url(url))
        try:
            staff = StaffRecords(store)
            if hold_s:
                real = StaffRecords._audit

                def slow_audit(self, s, entry, now):  # type: ignore[no-untyped-def]
                    saved.set()
                    time.sleep(hold_s)
                    real(self, s, entry, now)

                StaffRecords._audit = slow_audit  # type: ignore[method-assign]
            barrier.wait(timeout=60)
            if wait_for is not None:
                wait_for.wait(timeout=60)
            started = time.monotonic()
            try:
                staff.update_goal(
                    uuid.UUID(goal_id),
                    goal_fields(text),
                    expected_version=1,
                    audit=AuditEntry(None, text, "goal_edit"),
                    now=T0,
                )
            except StaleRecordError as exc:
                assert "changed by someone else" in exc.message and "Reload" in exc.hint
                return "stale", time.monotonic() - started
            return "saved", time.monotonic() - started
        finally:
            store.close()

    _run(queue, work)


def open_store(url: str, barrier: Any, queue: Any) -> None:
    """A PC starting cogtrain (and so migrating the database) at the same moment as another."""

    def work() -> bool:
        barrier.wait(timeout=60)
        store = Store.open(resolve_url(url))
        store.close()
        return True

    _run(queue, work)
