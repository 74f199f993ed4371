"""Kill the program mid-session, start it again, and continue where it stopped.

A child process trains the short planned session and is SIGKILLed part-way into its
second block. The next start marks the session interrupted and offers to continue it;
the second child continues and finishes. Every acknowledged trial is stored once, the
session is one session (interrupted once), the cut-off block is made up only for its
remaining minutes, and the hours count every block once.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cogtrain.storage.engine import resolve_url
from cogtrain.storage.store import Store

CHILD = Path(__file__).resolve().parent / "support" / "autoplay_session.py"
PLAN_ARGS = ("--session-minutes", "5", "--block-minutes", "2")  # warm-up 1, then 2 + 2
BLOCK_MS = 2 * 60_000


def child(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_until(proc: subprocess.Popen[str], stop) -> list[tuple[int, int]]:  # noqa: ANN001
    acks: list[tuple[int, int]] = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            return acks
        if line.startswith("ACK "):
            _, p, t = line.split()
            acks.append((int(p), int(t)))
            if stop(acks):
                return acks
        elif line.strip() == "DONE":
            acks.append((-1, -1))
            return acks
        assert time.monotonic() < deadline, "child too slow"


@pytest.mark.slow
def test_killed_session_continues_where_it_stopped(tmp_path: Path) -> None:
    db = tmp_path / "resume.sqlite3"
    url = f"sqlite:///{db}"

    first = child(url, *PLAN_ARGS)
    try:
        acks = read_until(first, lambda a: a[-1][0] == 1 and a[-1][1] >= 6)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert acks and acks[-1][0] == 1, first.stderr.read() if first.stderr else ""

    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # The manual clock runs ahead of the wall clock; start the next run after it.
    second = child(url, *PLAN_ARGS, "--clock-ahead-s", "3600")
    rest = read_until(second, lambda a: False)
    second.wait(timeout=60)
    assert rest and rest[-1] == (-1, -1), second.stderr.read() if second.stderr else ""

    store = Store.open(resolve_url(url))
    try:
        [p] = store.participants()
        [session] = store.sessions_of(p.id)  # continued, not a second session
        assert session.status == "completed" and session.n_interruptions == 1
        blocks = [b for b in store.blocks_of_session(session.id) if not b.is_practice]
        by_index: dict[int, list] = {}
        for b in blocks:
            by_index.setdefault(b.plan_index, []).append(b)
        assert sorted(by_index) == [0, 1, 2]
        assert [b.status for b in by_index[0]] == ["completed"]
        assert [b.status for b in by_index[1]] == ["interrupted", "completed"]
        assert [b.status for b in by_index[2]] == ["completed"]
        # The cut-off block kept its trials; the make-up only trained what was left.
        cut, made_up = by_index[1]
        stored = [t.index for t in store.trials_of_block(cut.id)]
        assert stored == list(range(len(stored)))
        acked_in_cut = [t for i, t in acks if i == 1]
        assert set(acked_in_cut) <= set(stored)
        assert BLOCK_MS <= cut.active_ms + made_up.active_ms < BLOCK_MS + 10_000
        assert made_up.active_ms < BLOCK_MS - 5_000  # only the part that was left
        # No practice again for an exercise already practised in this session.
        practice = [b for b in store.blocks_of_session(session.id) if b.is_practice]
        assert len(practice) == len({b.exercise_id for b in practice})
        # Hours: every block once.
        total = sum(b.active_ms for b in store.blocks_of_session(session.id))
        assert store.active_ms_of(p.id) == pytest.approx(total)
    finally:
        store.close()
