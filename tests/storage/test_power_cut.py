"""Power cuts: the durability settings are really in force, and a cut at any moment of a
commit leaves a whole database with every trial that had been committed.

(a) The settings: the connections the store actually writes on (the kept-open trial
connection, and the pooled ones of every other write) run with ``journal_mode=wal``,
``synchronous=FULL`` (2) and ``foreign_keys=ON``, checked against fixed values so that
weakening the connect hook *and* the required values together still fails here; and
the start refuses a database on which any of them does not take.

(b) A power-cut double of our own. While the real store logs trials (each its own
durable commit), the test copies the bytes of the database file and its write-ahead log
after every commit returns: that is what a disk that honours fsync holds at that moment.
From two successive copies it builds what the disk may hold if the power goes *during*
the next commit:

- the WAL torn: only a prefix of the bytes that commit wrote reached the disk (a torn
  tail), or an arbitrary subset of its 512-byte sectors did (a disk that reorders
  writes between two syncs), the database file as before;
- the checkpoint torn: when that commit also copied pages from the WAL into the
  database file (a checkpoint, forced often here with a small ``wal_autocheckpoint``),
  the WAL as synced and only some sectors of the database file's new pages written;
- the shared-memory index (``-shm``) is always lost: it lives in memory.

Each such disk is opened as a fresh database, as the next start would. It must pass
``PRAGMA integrity_check``, hold every trial committed before the cut, and at most the
one being committed; a few are also opened through the real start (``Store.open`` and
the recovery), which must count exactly the stored trials.

What it does not model: a disk whose cache ignores fsync (then nothing is durable, and
no software can help), tears inside a 512-byte sector, media errors and bit rot (the
integrity check and the damaged-file handling cover those), lost file-system metadata
(a new -wal file's directory entry or a size change not yet on disk; SQLite syncs the
directory where needed, this double takes it as done), and other processes' page cache.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cogtrain.storage import engine as engine_mod
from cogtrain.storage.engine import StorageError, resolve_url
from cogtrain.storage.store import Store
from cogtrain.training.block import TrialRecord
from cogtrain.training.staircase import Staircase

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECTOR = 512
DURABLE = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
"""Written out here, not read from the engine: weakening both still fails this test."""


def record(i: int) -> TrialRecord:
    return TrialRecord(
        index=i,
        level=3,
        spec={"level": 3, "target": i % 5, "pad": "p" * (150 + 37 * (i % 11))},
        response={"answer": {"digit": 1 + i % 5}, "timed_out": False},
        correct=i % 5 != 4,
        error_kind=None,
        rt_ms=650.0 + i,
        onset_at=T0 + timedelta(seconds=2 * i),
        response_at=T0 + timedelta(seconds=2 * i + 0.65),
        staircase_before=3.0,
        staircase_after=3.0,
    )


def start_block(store: Store) -> uuid.UUID:
    p = store.add_participant("P-1")
    sid = store.start_session(p.id, now=T0)
    return store.start_block(
        sid,
        exercise_id="symbol_coding",
        is_practice=False,
        seed=1,
        start=Staircase.start(1, 10).state(),
        start_level=3,
        now=T0,
    )


def pragmas(dbapi_conn: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in (*DURABLE, "busy_timeout"):
        value = dbapi_conn.execute(f"PRAGMA {name}").fetchone()[0]
        out[name] = value.lower() if isinstance(value, str) else value
    return out


# -- (a) the settings in force ----------------------------------------------------------


def test_every_connection_that_writes_is_durable(tmp_path: Path) -> None:
    store = Store.open(resolve_url(f"sqlite:///{tmp_path / 'cogtrain.sqlite3'}"))
    seen: list[tuple[str, int, dict[str, Any]]] = []  # (kind, connection, pragmas)

    def on_write(executor: Any) -> None:  # inside each write transaction, before commit
        if hasattr(executor, "get_bind"):  # an ORM session: ordinary writes
            kind, dbapi = "session", executor.connection().connection.dbapi_connection
        else:  # the trial connection
            kind, dbapi = "trial", executor.connection.dbapi_connection
        seen.append((kind, id(dbapi), pragmas(dbapi)))

    try:
        with store.write_hook(on_write):
            block_id = start_block(store)
            for i in range(3):
                store.log_trial(block_id, record(i))
            with pytest.raises(StorageError):
                store.log_trial(block_id, record(2))  # a duplicate: the connection is dropped
            store.log_trial(block_id, record(3))  # ... and checked out again
            store.add_pause(block_id, 1000.0)
            store.recover_interrupted()
    finally:
        store.close()
    kinds = {kind for kind, _c, _p in seen}
    assert kinds == {"session", "trial"}
    # Four trials committed, the one after the failed insert (a fresh check-out) included.
    assert sum(1 for kind, _c, _p in seen if kind == "trial") == 4
    for kind, _conn, got in seen:
        assert {k: got[k] for k in DURABLE} == DURABLE, kind
        assert got["busy_timeout"] == engine_mod.BUSY_TIMEOUT_MS > 0


def test_the_required_values_are_the_durable_ones() -> None:
    assert engine_mod.REQUIRED_PRAGMAS == DURABLE


@pytest.mark.parametrize(
    "weaken",
    [
        "PRAGMA synchronous = NORMAL",
        "PRAGMA synchronous = OFF",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA journal_mode = MEMORY",
        "PRAGMA foreign_keys = OFF",
    ],
)
def test_a_start_on_weakened_settings_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, weaken: str
) -> None:
    db = tmp_path / "cogtrain.sqlite3"
    url = resolve_url(f"sqlite:///{db}")
    store = Store.open(url)
    start_block(store)
    store.close()
    real_hook = engine_mod._on_sqlite_connect

    def weakened(dbapi_conn: Any, rec: Any) -> None:
        real_hook(dbapi_conn, rec)
        dbapi_conn.execute(weaken)

    monkeypatch.setattr(engine_mod, "_on_sqlite_connect", weakened)
    with pytest.raises(StorageError) as err:
        Store.open(url)
    name = weaken.split()[1]
    assert name in err.value.message and "local disk" in err.value.hint


# -- (b) the power-cut double ------------------------------------------------------------


@dataclass(frozen=True)
class Disk:
    """The bytes of the database file and its WAL as they are on the disk."""

    db: bytes
    wal: bytes


def read_disk(db: Path) -> Disk:
    wal = Path(f"{db}-wal")
    return Disk(db.read_bytes(), wal.read_bytes() if wal.exists() else b"")


def torn_prefix(old: bytes, new: bytes, cut: int) -> bytes:
    """``new`` reached the disk up to byte ``cut``; after it the disk still holds ``old``."""
    return new[:cut] + old[cut:]


def torn_sectors(old: bytes, new: bytes, rng: random.Random) -> bytes:
    """Each changed sector of ``new`` reached the disk or not; beyond ``old``'s end an
    unwritten sector reads as zeros."""
    out = bytearray(new)
    for start in range(0, len(new), SECTOR):
        end = min(start + SECTOR, len(new))
        if new[start:end] != old[start:end] and rng.random() < 0.5:
            kept = old[start:end]
            out[start:end] = kept + b"\0" * (end - start - len(kept))
    return bytes(out)


@contextmanager
def opened(disk: Disk, folder: Path) -> Iterator[sqlite3.Connection]:
    """The disk as the next start finds it: database and WAL, no -shm."""
    folder.mkdir(parents=True)
    db = folder / "cogtrain.sqlite3"
    db.write_bytes(disk.db)
    if disk.wal:
        Path(f"{db}-wal").write_bytes(disk.wal)
    conn = sqlite3.connect(db)
    try:
        yield conn
    finally:
        conn.close()


def check_disk(disk: Disk, folder: Path, committed: list[str], in_flight: str | None) -> None:
    with opened(disk, folder) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", folder.name
        ids = [r[0] for r in conn.execute("select id from trial")]
    assert len(ids) == len(set(ids)), folder.name
    missing = set(committed) - set(ids)
    assert not missing, f"{folder.name}: committed trials lost: {len(missing)}"
    extra = set(ids) - set(committed)
    assert extra <= ({in_flight} if in_flight else set()), f"{folder.name}: {extra}"


def test_a_power_cut_at_any_moment_of_a_commit_loses_no_committed_trial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_hook = engine_mod._on_sqlite_connect

    def small_checkpoints(dbapi_conn: Any, rec: Any) -> None:  # checkpoints every few trials
        real_hook(dbapi_conn, rec)
        dbapi_conn.execute("PRAGMA wal_autocheckpoint = 12")

    monkeypatch.setattr(engine_mod, "_on_sqlite_connect", small_checkpoints)
    db = tmp_path / "live" / "cogtrain.sqlite3"
    url = resolve_url(f"sqlite:///{db}")
    store = Store.open(url)
    rng = random.Random(20261203)
    n_trials = 60
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(n_trials)]
    try:
        block_id = start_block(store)
        disks = [read_disk(db)]  # disks[k]: k trials committed
        for i in range(n_trials):
            store.log_trial(block_id, record(i), trial_id=ids[i])
            disks.append(read_disk(db))  # the commit returned: this is on the disk
    finally:
        store.close()
    hex_ids = [u.hex for u in ids]

    checkpoints = restarts = 0
    cuts = tmp_path / "cuts"
    for k in range(n_trials):
        before, after = disks[k], disks[k + 1]
        committed, in_flight = hex_ids[:k], hex_ids[k]
        check_disk(after, cuts / f"{k}-done", hex_ids[: k + 1], None)
        # Cut while the commit's WAL frames were being written: the database file as
        # before, the WAL torn.
        for n in range(2):
            cut = rng.randrange(0, len(after.wal) + 1)
            wal = torn_prefix(before.wal, after.wal, cut)
            check_disk(Disk(before.db, wal), cuts / f"{k}-prefix-{n}", committed, in_flight)
        wal = torn_sectors(before.wal, after.wal, rng)
        check_disk(Disk(before.db, wal), cuts / f"{k}-sectors", committed, in_flight)
        restarts += after.wal[:32] != before.wal[:32] and bool(before.wal)
        if after.db != before.db:
            # The commit also checkpointed: the WAL is synced, the database file torn.
            checkpoints += 1
            for n in range(2):
                torn_db = torn_sectors(before.db, after.db, rng)
                check_disk(
                    Disk(torn_db, after.wal), cuts / f"{k}-checkpoint-{n}", hex_ids[: k + 1], None
                )
    # The double really exercised checkpoints and WAL restarts, not only appends.
    assert checkpoints >= 3 and restarts >= 3, (checkpoints, restarts)


def test_after_a_cut_the_real_start_recovers_exactly_the_stored_trials(tmp_path: Path) -> None:
    db = tmp_path / "live" / "cogtrain.sqlite3"
    store = Store.open(resolve_url(f"sqlite:///{db}"))
    try:
        block_id = start_block(store)
        for i in range(12):
            store.log_trial(block_id, record(i))
        before = read_disk(db)
        store.log_trial(block_id, record(12))
        after = read_disk(db)
    finally:
        store.close()
    rng = random.Random(7)
    for n, cut in enumerate([0, 32, len(before.wal), rng.randrange(len(after.wal)), None]):
        wal = after.wal if cut is None else torn_prefix(before.wal, after.wal, cut)
        folder = tmp_path / f"start-{n}"
        with opened(Disk(before.db, wal), folder):
            pass  # written out as the disk holds it
        restarted = Store.open(resolve_url(f"sqlite:///{folder / 'cogtrain.sqlite3'}"))
        try:
            report = restarted.recover_interrupted()
            [p] = restarted.participants()
            [session] = restarted.sessions_of(p.id)
            [block] = restarted.blocks_of_session(session.id)
            stored = restarted.trials_of_block(block.id)
        finally:
            restarted.close()
        assert report.interrupted_blocks == [block.id]
        assert len(stored) in (12, 13) and block.n_trials == len(stored)
        assert [t.index for t in stored] == list(range(len(stored)))
        if cut is None:
            assert len(stored) == 13


def test_a_cut_during_the_first_migration_leaves_no_half_made_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's sqlite3 commits each CREATE TABLE on its own unless a transaction was
    begun; a program killed mid-way through its first start then left tables without a
    schema version, and no later start could open the file. Stopped at the third table
    here (as a kill would), nothing of the migration may remain."""
    from sqlalchemy import event

    real_make_engine = engine_mod.make_engine
    made = {"tables": 0}

    class Cut(Exception):
        pass

    def cut_at_third_table(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("CREATE TABLE"):
            made["tables"] += 1
            if made["tables"] == 3:
                raise Cut

    def make_engine(url: Any) -> Any:
        eng = real_make_engine(url)
        event.listen(eng, "before_cursor_execute", cut_at_third_table)
        return eng

    import cogtrain.storage.store as store_mod

    monkeypatch.setattr(store_mod, "make_engine", make_engine)
    db = tmp_path / "cogtrain.sqlite3"
    with pytest.raises(Cut):
        Store.open(resolve_url(f"sqlite:///{db}"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("select name from sqlite_master").fetchall() == []
    monkeypatch.setattr(store_mod, "make_engine", real_make_engine)
    store = Store.open(resolve_url(f"sqlite:///{db}"))  # the next start migrates in full
    try:
        assert start_block(store) is not None
    finally:
        store.close()
