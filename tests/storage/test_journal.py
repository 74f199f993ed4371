"""The training journal: training goes on while the server is away, and every record
reaches the server exactly once (cogtrain/storage/journal.py).

Most tests use a second SQLite database as the "server" (the logic is the same on any
backend); the network cut with a real PostgreSQL server is in test_journal_postgres.py.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

import exercises
from cogtrain.runtime.training_controller import TrainingController
from cogtrain.storage import journal_codec
from cogtrain.storage.engine import StorageError, resolve_url
from cogtrain.storage.journal import JOURNALED, TrainingJournal
from cogtrain.storage.models import AppliedOp, Block, JournalOp, LevelState, TrainingSession, Trial
from cogtrain.storage.store import ParticipantInfo, Store
from cogtrain.training.block import TrialRecord
from cogtrain.training.checkin import CheckIn
from cogtrain.training.reflection import Reflection
from cogtrain.training.staircase import StaircaseState

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Server:
    """A server store that can be switched off and on (a dropped network)."""

    def __init__(self, url: str) -> None:
        self.url = resolve_url(url)
        self.reachable = True
        self.opened: list[Store] = []

    def open(self, _url: Any) -> Store:
        if not self.reachable:
            raise StorageError("The database server cannot be reached.", hint="Check the network.")
        store = Store.open(self.url)
        self.opened.append(store)
        return store

    def store(self) -> Store:
        return Store.open(self.url)


@pytest.fixture
def server(tmp_path: Path) -> Server:
    return Server(f"sqlite:///{tmp_path / 'server.sqlite3'}")


@pytest.fixture
def participant(server: Server) -> ParticipantInfo:
    s = server.store()
    try:
        return s.add_participant("JMO-101")
    finally:
        s.close()


def open_journal(tmp_path: Path, server: Server, **kwargs: Any) -> TrainingJournal:
    return TrainingJournal.open(
        server.url, tmp_path / "journal.sqlite3", open_server=server.open, **kwargs
    )


def train(
    store: Any, who: ParticipantInfo, *, blocks: int, trials: int, seed: int = 1
) -> list[tuple[uuid.UUID, int]]:
    """A scripted session through the real controller; returns (block, trial) acks."""
    rules = exercises.get("go_stop").rules
    rng = np.random.default_rng(seed)
    ctl = TrainingController(store, who)
    ctl.start_session()
    ctl.save_checkin(CheckIn(rested=2, stressed=1))
    acks: list[tuple[uuid.UUID, int]] = []
    for b in range(blocks):
        ctx = ctl.begin_block(rules, practice=False, plan_index=b, instruction_ms=500.0)
        records = []
        for i in range(trials):
            spec = rules.new_trial(ctx.staircase.level, rng)
            resp = rules.correct_response(spec)
            before = ctx.staircase.value
            ctx.staircase.update(True)
            at = T0 + timedelta(minutes=b, seconds=i)
            rec = TrialRecord(
                i,
                ctx.staircase.level,
                spec.to_json(),
                resp.to_json(),
                True,
                None,
                400.0 + i,
                at,
                at + timedelta(milliseconds=400 + i),
                before,
                ctx.staircase.value,
            )
            ctl.record_trial(ctx, rec)
            records.append(rec)
            acks.append((ctx.block_id, i))
        ctl.record_pause(ctx, 1500.0)
        ctl.finish_block(ctx, status="completed", active_ms=60_000.0, records=records)
        ctl.save_reflection(ctx.block_id, Reflection(("repeat",), None))
    store.add_break(ctl.session_id, 2000.0)
    ctl.end_session("completed")
    return acks


def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """What the server holds, in a form that compares equal row for row."""
    with Session(store.engine) as s:
        return {
            "trials": sorted(
                (t.id, t.block_id, t.idx, t.level, t.rt_ms, t.staircase_after)
                for t in s.scalars(select(Trial))
            ),
            "blocks": sorted(
                (b.id, b.status, b.n_trials, b.active_ms, b.paused_ms, b.end_level)
                for b in s.scalars(select(Block))
            ),
            "sessions": sorted(
                (x.id, x.status, x.break_ms, x.checkin_rested, x.n_interruptions)
                for x in s.scalars(select(TrainingSession))
            ),
            "levels": sorted(
                (x.exercise_id, x.value, x.n_trials) for x in s.scalars(select(LevelState))
            ),
        }


# -- the codec --------------------------------------------------------------------------


def test_every_argument_a_training_write_takes_comes_back_exactly() -> None:
    rec = TrialRecord(
        3,
        2,
        {"$odd": [1, 2.5]},
        {"answer": None},
        False,
        "miss",
        812.345678901,
        T0,
        T0 + timedelta(microseconds=7),
        2.1,
        1.9,
    )
    args = {
        "block_id": uuid.uuid4(),
        "rec": rec,
        "state": StaircaseState(2.5, 1, 9, n_trials=4),
        "checkin": CheckIn(rested=None, stressed=3),
        "reflection": Reflection(("repeat", "pause"), "lager på jobben\tny linje"),
        "now": datetime(2026, 1, 1, 8, 0, 0, 123456, tzinfo=UTC),
        "plan": {"blocks": [{"exercise": "go_stop", "minutes": 7.5}]},
    }
    encoded = journal_codec.encode(args)
    import json

    assert journal_codec.decode(json.loads(json.dumps(encoded))) == args


@pytest.mark.parametrize(
    "value, problem",
    [
        (datetime(2026, 1, 1), "naive"),
        ({1: "x"}, "text keys"),
        (object(), "cannot be journaled"),
        (Path("/tmp"), "cannot be journaled"),
    ],
)
def test_values_the_journal_cannot_keep_are_refused_when_written(value: Any, problem: str) -> None:
    with pytest.raises(journal_codec.JournalCodecError, match=problem):
        journal_codec.encode({"x": value})


def test_a_stored_value_of_an_unknown_type_is_refused() -> None:
    with pytest.raises(journal_codec.JournalCodecError, match="unknown journaled type"):
        journal_codec.decode({"$type": "os.system", "$fields": {}})


# -- sending ------------------------------------------------------------------------------


def test_a_session_reaches_the_server_once_with_the_same_ids(
    tmp_path: Path, server: Server, participant: ParticipantInfo
) -> None:
    journal = open_journal(tmp_path, server)
    try:
        assert journal.prepare_participant(participant.id)
        acks = train(journal, participant, blocks=3, trials=12)
        assert journal.flush(timeout_s=30)
        status = journal.status()
        assert status.online and status.pending == 0 and status.failed == 0
    finally:
        journal.close()
    # The same session trained straight on a store gives the same records.
    reference_url = f"sqlite:///{tmp_path / 'reference.sqlite3'}"
    s = server.store()
    got = contents(s)
    s.close()
    assert len(got["trials"]) == len(acks) == 36
    assert {(b, i) for _id, b, i, *_ in got["trials"]} == set(acks)
    assert [row[1:5] for row in got["blocks"]] == [("completed", 12, 60_500.0, 1500.0)] * 3
    assert got["sessions"][0][1:4] == ("completed", 2000.0, 2)
    ref = Store.open(resolve_url(reference_url))
    try:
        who = ref.add_participant("JMO-101")
        train(ref, who, blocks=3, trials=12)
        expected = contents(ref)
    finally:
        ref.close()
    assert got["levels"] == expected["levels"]
    assert sorted(r[2:] for r in got["trials"]) == sorted(r[2:] for r in expected["trials"])


def test_training_goes_on_while_the_server_is_away_and_catches_up_once(
    tmp_path: Path, server: Server, participant: ParticipantInfo
) -> None:
    journal = open_journal(tmp_path, server, retry_s=0.05)
    try:
        assert journal.prepare_participant(participant.id)
        server.reachable = False
        for s in server.opened:  # the connection it had is gone too
            s.close()
        server.opened.clear()
        journal._server = None  # the sender finds out on its next attempt  # noqa: SLF001
        acks = train(journal, participant, blocks=2, trials=10)
        assert not journal.flush(timeout_s=0.3)
        status = journal.status()
        assert not status.online and status.pending > 20
        assert "cannot be reached" in (status.last_error or "")
        # The training screens read their own writes while the server is away.
        assert journal.active_ms_of(participant.id) == pytest.approx(2 * 60_500.0)
        server.reachable = True
        assert journal.flush(timeout_s=30)
        assert journal.status().online
    finally:
        journal.close()
    s = server.store()
    got = contents(s)
    s.close()
    assert sorted((b, i) for _id, b, i, *_ in got["trials"]) == sorted(acks)
    assert len({t[0] for t in got["trials"]}) == 20


def test_an_operation_sent_twice_is_applied_once(
    tmp_path: Path, server: Server, participant: ParticipantInfo
) -> None:
    """The reply to a commit can be lost: the server has the change, the journal does
    not know. Sending everything again must change nothing (breaks and pauses add up,
    so a second application would show)."""
    journal = open_journal(tmp_path, server, start=False)
    try:
        assert journal.prepare_participant(participant.id)
        train(journal, participant, blocks=2, trials=5)
        assert journal.send_now()
        s = server.store()
        once = contents(s)
        s.close()
        with Session(journal.local.engine) as s, s.begin():
            s.execute(update(JournalOp).values(sent_at=None))  # as if no reply came back
        assert journal.send_now()
        again = journal.status()
        s = server.store()
        twice = contents(s)
        with Session(s.engine) as q:
            n_applied = len(list(q.scalars(select(AppliedOp))))
        s.close()
    finally:
        journal.close()
    assert twice == once
    assert (again.pending, again.failed) == (0, 0)  # recognised as sent, not refused
    assert once["sessions"][0][2] == 2000.0 and once["blocks"][0][4] == 1500.0
    assert n_applied == journal_rows(tmp_path)


def journal_rows(tmp_path: Path) -> int:
    store = Store.open(resolve_url(f"sqlite:///{tmp_path / 'journal.sqlite3'}"))
    try:
        with Session(store.engine) as s:
            return len(list(s.scalars(select(JournalOp))))
    finally:
        store.close()


def test_a_write_that_fails_leaves_no_journal_row(
    tmp_path: Path, server: Server, participant: ParticipantInfo
) -> None:
    journal = open_journal(tmp_path, server, start=False)
    try:
        assert journal.prepare_participant(participant.id)
        with pytest.raises(StorageError):
            journal.start_session(uuid.uuid4())  # no such participant: foreign key
        assert journal.status().pending == 0
    finally:
        journal.close()


def test_a_refused_operation_is_kept_and_reported_not_retried_forever(
    tmp_path: Path, server: Server, participant: ParticipantInfo
) -> None:
    journal = open_journal(tmp_path, server, start=False)
    try:
        assert journal.prepare_participant(participant.id)
        stranger = journal.local.add_participant("LOCAL-9")  # the server has never seen it
        journal.start_session(stranger.id)  # fine here, refused there (foreign key)
        train(journal, participant, blocks=1, trials=3)
        journal.send_now()
        status = journal.status()
    finally:
        journal.close()
    assert (status.failed, status.pending) == (1, 0)
    s = server.store()
    got = contents(s)
    s.close()
    assert len(got["trials"]) == 3  # the refusal did not hold back the rest


def test_only_training_writes_are_journaled() -> None:
    assert "add_participant" not in JOURNALED and "log_trial" in JOURNALED
    journal = TrainingJournal.__new__(TrainingJournal)
    with pytest.raises(AttributeError, match="staff changes go to the server"):
        journal.add_participant  # noqa: B018


def test_write_hooks_belong_to_their_thread(store: Store) -> None:
    """The sender's "applied" marker must never land in a staff write made on the UI
    thread at the same moment."""
    seen: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def sender() -> None:
        with store.write_hook(lambda _ex: seen.append("sender")):
            inside.set()
            release.wait(5)

    t = threading.Thread(target=sender)
    t.start()
    inside.wait(5)
    store.add_participant("JMO-102")
    release.set()
    t.join()
    assert seen == []


def test_prepare_copies_what_training_reads_but_no_staff_data(
    tmp_path: Path, server: Server, participant: ParticipantInfo
) -> None:
    s = server.store()
    train(s, participant, blocks=2, trials=4)
    server_levels = contents(s)["levels"]
    s.close()
    journal = open_journal(tmp_path, server, start=False)
    try:
        assert journal.prepare_participant(participant.id)
        assert [p.code for p in journal.participants()] == ["JMO-101"]
        assert journal.active_ms_of(participant.id) == pytest.approx(2 * 60_500.0)
        state = journal.load_level_state(participant.id, "go_stop")
        assert state is not None and (state.value, state.n_trials) == server_levels[0][1:]
        with Session(journal.local.engine) as q:
            assert list(q.scalars(select(Trial))) == []  # trials stay on the server
    finally:
        journal.close()
