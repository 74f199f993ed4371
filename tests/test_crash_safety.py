"""Kill the program with SIGKILL mid-block: nothing acknowledged is lost.

A scripted participant runs in a child process and prints ``ACK`` after each trial's
commit. The test kills it at a random moment, then checks that every acknowledged trial
is in the database exactly once, that SQLite's integrity check passes, and that the next
start marks the interrupted session (and carries the level from its last trial).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cogtrain.storage.engine import resolve_url
from cogtrain.storage.store import Store

AUTOPLAY = Path(__file__).resolve().parent / "support" / "autoplay.py"


def run_and_kill(db_url: str, kill_after_acks: int, extra_delay_s: float) -> list[tuple[int, int]]:
    proc = subprocess.Popen(
        [sys.executable, str(AUTOPLAY), db_url, "--trials", "25"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acks: list[tuple[int, int]] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while len(acks) < kill_after_acks:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"autoplay ended early: {proc.stderr.read()}")
            if line.startswith("ACK "):
                _, b, t = line.split()
                acks.append((int(b), int(t)))
            assert time.monotonic() < deadline, "autoplay too slow"
        time.sleep(extra_delay_s)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    return acks


@pytest.mark.slow
def test_sigkill_mid_block_loses_no_acknowledged_trial(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite3"
    url = f"sqlite:///{db}"
    rng = np.random.default_rng(11)
    total_acked = 0
    for round_no in range(3):
        acks = run_and_kill(
            url, kill_after_acks=int(rng.integers(5, 40)), extra_delay_s=float(rng.uniform(0, 0.05))
        )
        total_acked += len(acks)
        with sqlite3.connect(db) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = raw.execute(
                "select b.started_at, t.idx from trial t join block b on b.id = t.block_id "
                "where b.is_practice = 0 and b.session_id = (select id from training_session "
                "order by started_at desc limit 1) order by b.started_at, t.idx"
            ).fetchall()
        # Map (block number within the session, trial index) as the child saw them.
        starts = sorted({r[0] for r in rows})
        stored = [(starts.index(r[0]), r[1]) for r in rows]
        assert len(stored) == len(set(stored)), "a trial was stored twice"
        missing = set(acks) - set(stored)
        assert not missing, f"round {round_no}: acknowledged but not stored: {missing}"

        store = Store.open(resolve_url(url))
        try:
            report = store.recover_interrupted()
            assert len(report.interrupted_sessions) == 1
            [p] = store.participants()
            session = store.sessions_of(p.id)[-1]
            assert session.status == "interrupted"
            blocks = [b for b in store.blocks_of_session(session.id) if not b.is_practice]
            assert blocks[-1].status == "interrupted"
            assert sum(b.n_trials for b in blocks) == len(stored)
            last = store.trials_of_block(blocks[-1].id)
            if last:
                state = store.load_level_state(p.id, "symbol_coding")
                assert state.value == pytest.approx(last[-1].staircase_after)
        finally:
            store.close()
    assert total_acked >= 15
