"""Network loss mid-session against a real PostgreSQL server (issue 8).

The program talks to the server through :class:`~tests.support.tcp_proxy.TcpProxy`,
whose cable the test pulls while the participant trains: the open connections die
mid-query or mid-commit, new ones are refused. Training goes on (every write lands in
the PC's journal), and once the cable is back every trial is on the server exactly
once, with the same ids and values as in the journal.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session

import exercises
from cogtrain.runtime.training_controller import TrainingController
from cogtrain.storage.engine import resolve_url
from cogtrain.storage.journal import TrainingJournal
from cogtrain.storage.models import AppliedOp, Block, TrainingSession, Trial
from cogtrain.storage.store import Store
from cogtrain.training.block import TrialRecord
from cogtrain.training.checkin import CheckIn
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def proxy(db_url: str) -> Any:
    url = make_url(db_url)
    p = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield p
    p.close()


def through(proxy: TcpProxy, db_url: str) -> str:
    return make_url(db_url).set(port=proxy.port).render_as_string(hide_password=False)


def wait_for(condition: Any, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def trial(rules: Any, ctx: Any, rng: np.random.Generator, i: int, at: datetime) -> TrialRecord:
    spec = rules.new_trial(ctx.staircase.level, rng)
    before = ctx.staircase.value
    ok = bool(rng.random() < 0.8)
    ctx.staircase.update(ok)
    return TrialRecord(
        i,
        ctx.staircase.level,
        spec.to_json(),
        rules.correct_response(spec).to_json(),
        ok,
        None,
        350.0 + i % 200,
        at,
        at + timedelta(milliseconds=350 + i % 200),
        before,
        ctx.staircase.value,
    )


def test_the_cable_is_pulled_mid_session_and_every_trial_reaches_the_server_once(
    db_url: str, proxy: TcpProxy, tmp_path: Path, backend: str
) -> None:
    assert backend == "postgres"
    direct = Store.open(resolve_url(db_url))  # the server's own view (not through the proxy)
    who = direct.add_participant("JMO-201")
    journal = TrainingJournal.open(
        resolve_url(through(proxy, db_url)), tmp_path / "journal.sqlite3", retry_s=0.05
    )
    try:
        assert journal.prepare_participant(who.id)
        rules = exercises.get("go_stop").rules
        rng = np.random.default_rng(8)
        ctl = TrainingController(journal, who)
        ctl.start_session()
        ctl.save_checkin(CheckIn(rested=3, stressed=1))
        sent_ids: list[uuid.UUID] = []
        n_blocks, n_trials = 4, 60
        # Cable out at random trials (some while the sender is mid-batch), in for a
        # few trials, out again: eight cuts over the session.
        cuts = sorted(rng.choice(np.arange(5, n_blocks * n_trials - 10), 8, replace=False))
        cut_at = {int(c) for c in cuts}
        k = 0
        offline_seen = False
        for b in range(n_blocks):
            ctx = ctl.begin_block(rules, practice=False, plan_index=b, instruction_ms=800.0)
            records = []
            for i in range(n_trials):
                if k in cut_at:
                    proxy.cut()
                elif not proxy.is_up and rng.random() < 0.25:
                    proxy.restore()
                rec = trial(rules, ctx, rng, i, T0 + timedelta(minutes=5 * b, seconds=i))
                ctl.record_trial(ctx, rec)  # never waits for the network
                records.append(rec)
                k += 1
                if not proxy.is_up and not journal.status().online:
                    offline_seen = True
            ctl.finish_block(ctx, status="completed", active_ms=120_000.0, records=records)
        proxy.cut()
        ctl.end_session("completed")
        assert wait_for(lambda: not journal.status().online, 10), "the journal never noticed"
        away = journal.status()
        assert away.pending > 0 and away.last_error
        assert offline_seen or proxy.cuts >= 8

        # While the cable is out nothing more reaches the server...
        with Session(direct.engine) as s:
            on_server_meanwhile = s.scalar(select(func.count()).select_from(Trial))
        assert on_server_meanwhile < n_blocks * n_trials

        proxy.restore()
        assert journal.flush(timeout_s=60), journal.status()
        back = journal.status()
        assert (back.online, back.pending, back.failed) == (True, 0, 0)

        with Session(journal.local.engine) as s:
            local = sorted(
                (t.id, t.block_id, t.idx, t.correct, t.rt_ms) for t in s.scalars(select(Trial))
            )
            sent_ids = [t[0] for t in local]
        with Session(direct.engine) as s:
            remote = sorted(
                (t.id, t.block_id, t.idx, t.correct, t.rt_ms) for t in s.scalars(select(Trial))
            )
            n_rows = s.scalar(select(func.count()).select_from(Trial))
            dup_markers = s.scalar(
                select(func.count() - func.count(func.distinct(AppliedOp.op_id)))
            )
            blocks = s.scalars(select(Block).order_by(Block.plan_index)).all()
            sess = s.scalars(select(TrainingSession)).one()
        assert len(local) == n_blocks * n_trials
        assert remote == local  # every trial, once, same ids and values
        assert n_rows == len(set(sent_ids))
        assert dup_markers == 0
        assert [b.n_trials for b in blocks] == [n_trials] * n_blocks
        assert all(b.status == "completed" for b in blocks)
        assert sess.status == "completed" and sess.checkin_rested == 3
        assert direct.active_ms_of(who.id) == pytest.approx(n_blocks * (120_000.0 + 800.0))
        assert proxy.connections_made > 1  # it really reconnected after the cuts
    finally:
        journal.close(flush_timeout_s=1)
        direct.close()
