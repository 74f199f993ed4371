"""A full disk, a read-only file or folder, a database locked by another program, and a
damaged file: each gets a clear message naming the file and what to do, keeps what was
stored, and a second start says the same thing again instead of failing worse.

The full disk and the read-only file are real where the test runs as root (CI does): a
small tmpfs mounted for the test, filled up, or remounted read-only. Elsewhere the
read-only case uses file permissions, and the full disk SQLite's own page limit
(``max_page_count``, which fails with the same SQLITE_FULL a full disk gives).
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cogtrain.cli import main
from cogtrain.storage import damaged
from cogtrain.storage import engine as engine_mod
from cogtrain.storage.backup import backup
from cogtrain.storage.engine import (
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyDatabaseError,
    StorageError,
    resolve_url,
)
from cogtrain.storage.store import Store
from cogtrain.training.block import TrialRecord
from cogtrain.training.staircase import Staircase

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def record(i: int, *, payload: int = 40) -> TrialRecord:
    return TrialRecord(
        index=i,
        level=2,
        spec={"level": 2, "target": i % 5, "padding": "x" * payload},
        response={"answer": {"digit": 1 + i % 5}, "timed_out": False},
        correct=i % 4 != 3,
        error_kind=None,
        rt_ms=700.0 + i,
        onset_at=T0 + timedelta(seconds=3 * i),
        response_at=T0 + timedelta(seconds=3 * i + 0.7),
        staircase_before=2.0,
        staircase_after=2.0,
    )


def start_block(store: Store, code: str = "P-1") -> Any:
    p = store.add_participant(code)
    sid = store.start_session(p.id, now=T0)
    start = Staircase.start(1, 10).state()
    return store.start_block(
        sid, exercise_id="symbol_coding", is_practice=False, seed=1, start=start, start_level=1
    )


def trial_count(db: Path) -> int:
    with _ro(db) as c:
        return int(c.execute("select count(*) from trial").fetchone()[0])


def integrity(db: Path) -> str:
    with _ro(db) as c:
        return str(c.execute("PRAGMA integrity_check").fetchone()[0])


def codes_in(db: Path) -> list[str]:
    with _ro(db) as c:
        return [r[0] for r in c.execute("select code from participant order by code")]


@contextmanager
def _ro(db: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def start_twice(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Start the program twice with ``argv``: both times exit 2 with the same clear
    message and no traceback (no crash loop). Returns the message."""
    said = []
    for _attempt in range(2):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("cogtrain: ") and "What to do:" in err
        assert "Traceback" not in err
        said.append(err)
    # The same message (a set-aside file is named by its stamp either time).
    assert said[0].splitlines()[0][:60] == said[1].splitlines()[0][:60]
    return said[1]


# -- a small disk of our own (root only) ----------------------------------------------


@contextmanager
def small_disk(where: Path, size_kib: int) -> Iterator[Path]:
    """A tmpfs of ``size_kib`` mounted at ``where`` for the test; skipped if not root."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    where.mkdir(parents=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0755", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill_up(disk: Path) -> Path:
    """Write a file until the disk is full; returns it (delete it to free the space)."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for chunk in (65536, 4096, 512, 1):
            while True:
                try:
                    if os.write(fd, b"\0" * chunk) < chunk:
                        break
                except OSError:
                    break
    finally:
        os.close(fd)
    return filler


# -- disk full ------------------------------------------------------------------------


def test_disk_full_from_sqlite_says_so_and_keeps_every_saved_trial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cogtrain.sqlite3"
    url = resolve_url(f"sqlite:///{db}")
    store = Store.open(url)
    block_id = start_block(store)
    store.log_trial(block_id, record(0))
    store.close()
    pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]

    real_hook = engine_mod._on_sqlite_connect

    def almost_full(dbapi_conn: Any, rec: Any) -> None:  # SQLite may add 3 pages, no more
        real_hook(dbapi_conn, rec)
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 3}")

    monkeypatch.setattr(engine_mod, "_on_sqlite_connect", almost_full)
    store = Store.open(url)
    saved = 1
    with pytest.raises(DiskFullError) as err:
        for i in range(1, 10_000):
            store.log_trial(block_id, record(i, payload=2000))
            saved += 1
    store.close()
    assert str(db) in err.value.message and "full" in err.value.message
    assert "Free some space" in err.value.hint and "kept" in err.value.hint
    assert saved > 1  # trials were saved before the disk "filled up"
    assert trial_count(db) == saved and integrity(db) == "ok"


def test_a_full_disk_keeps_what_was_saved_and_never_crash_loops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_disk(tmp_path / "disk", 2048) as disk:
        db = disk / "cogtrain.sqlite3"
        url = f"sqlite:///{db}"
        store = Store.open(resolve_url(url))
        block_id = start_block(store)
        for i in range(5):
            store.log_trial(block_id, record(i))
        saved = 5
        filler = fill_up(disk)
        with pytest.raises(DiskFullError) as err:
            for i in range(5, 5000):
                store.log_trial(block_id, record(i, payload=500))
                saved += 1
        store.close()
        assert str(db) in err.value.message
        assert trial_count(db) == saved and integrity(db) == "ok"

        fill_up(disk)  # whatever SQLite gave back on closing: the disk stays full
        said = start_twice(["--database", url, "--exit-after-frames", "1", "run"], capsys)
        assert "is full" in said and str(db) in said and "Free some space" in said
        assert trial_count(db) == saved  # nothing lost, nothing half-written

        filler.unlink()  # the user frees space: the next start recovers and runs
        assert main(["--database", url, "--exit-after-frames", "1", "run"]) == 0
        capsys.readouterr()
        assert trial_count(db) == saved and integrity(db) == "ok"
        with _ro(db) as c:
            assert c.execute("select status from training_session").fetchone()[0] == ("interrupted")


def test_a_failed_backup_on_a_full_disk_leaves_no_partial_file(tmp_path: Path) -> None:
    db = tmp_path / "cogtrain.sqlite3"
    store = Store.open(resolve_url(f"sqlite:///{db}"))
    block_id = start_block(store)
    for i in range(200):
        store.log_trial(block_id, record(i, payload=2000))
    store.close()
    with small_disk(tmp_path / "disk", 256) as disk:
        with pytest.raises(StorageError) as err:
            backup(resolve_url(f"sqlite:///{db}"), disk / "copy.sqlite3")
        assert "copy.sqlite3" in err.value.message and "full" in err.value.message
        assert list(disk.iterdir()) == []  # no .partial taking the last space
    assert integrity(db) == "ok" and trial_count(db) == 200


def test_a_restore_onto_a_full_disk_changes_nothing(tmp_path: Path) -> None:
    from cogtrain.storage.backup import restore

    big = tmp_path / "big.sqlite3"
    store = Store.open(resolve_url(f"sqlite:///{big}"))
    block_id = start_block(store)
    for i in range(300):
        store.log_trial(block_id, record(i, payload=2000))
    store.close()
    saved = backup(resolve_url(f"sqlite:///{big}"), tmp_path / "saved.sqlite3").path
    with small_disk(tmp_path / "disk", 1024) as disk:
        db = disk / "cogtrain.sqlite3"
        store = Store.open(resolve_url(f"sqlite:///{db}"))
        store.add_participant("P-9")
        store.close()
        before = db.read_bytes()
        filler = fill_up(disk)
        with pytest.raises(StorageError) as err:
            restore(resolve_url(f"sqlite:///{db}"), saved)
        assert "Nothing has been changed" in err.value.message
        assert "free some space" in err.value.hint.lower()
        assert db.read_bytes() == before
        assert not [p for p in disk.iterdir() if p.name.endswith(".restoring")]
        assert not [p for p in disk.iterdir() if "before-restore" in p.name]
        filler.unlink()
        assert codes_in(db) == ["P-9"]


# -- read-only ------------------------------------------------------------------------


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` and its files read-only: a read-only remount of a tmpfs as root
    (permissions do not stop root), file permissions otherwise."""
    if os.geteuid() == 0:
        done = subprocess.run(
            ["mount", "-o", "remount,ro", str(folder)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {done.stderr.strip()}")
        try:
            yield
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(folder)], capture_output=True)
        return
    files = list(folder.iterdir())
    for f in files:
        f.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(0o755)
        for f in files:
            f.chmod(0o644)


@contextmanager
def data_folder(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() == 0:
        with small_disk(tmp_path / "ro", 4096) as disk:
            yield disk
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        yield folder


def test_a_read_only_database_names_the_path_and_the_fix_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with data_folder(tmp_path) as folder:
        db = folder / "cogtrain.sqlite3"
        url = f"sqlite:///{db}"
        store = Store.open(resolve_url(url))
        store.add_participant("P-1")
        store.close()
        before = db.read_bytes()
        with read_only(folder):
            said = start_twice(["--database", url, "--exit-after-frames", "1", "run"], capsys)
            assert str(db) in said and "read-only" in said and "write access" in said
            assert db.read_bytes() == before
            assert sorted(p.name for p in folder.iterdir()) == ["cogtrain.sqlite3"]
        assert main(["--database", url, "db", "upgrade"]) == 0  # writable again: it works
        assert codes_in(db) == ["P-1"]


def test_a_database_that_refuses_writes_while_open_says_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cogtrain.sqlite3"
    url = resolve_url(f"sqlite:///{db}")
    Store.open(url).close()
    real_hook = engine_mod._on_sqlite_connect

    def refuse_writes(dbapi_conn: Any, rec: Any) -> None:  # SQLITE_READONLY from SQLite
        real_hook(dbapi_conn, rec)
        dbapi_conn.execute("PRAGMA query_only = ON")

    monkeypatch.setattr(engine_mod, "_on_sqlite_connect", refuse_writes)
    store = Store.open(url)
    try:
        with pytest.raises(ReadOnlyDatabaseError) as err:
            store.add_participant("P-1")
    finally:
        store.close()
    assert str(db) in err.value.message and "write access" in err.value.hint
    assert codes_in(db) == []


# -- locked by another program --------------------------------------------------------

HOLDER = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA locking_mode = EXCLUSIVE")
c.execute("BEGIN EXCLUSIVE")
c.execute("select count(*) from participant").fetchone()  # takes the lock now
print("LOCKED", flush=True)
sys.stdin.read()
c.execute("ROLLBACK")
"""


def test_a_database_locked_by_another_program_says_so_and_does_not_crash_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(engine_mod, "BUSY_TIMEOUT_MS", 300)  # wait 0.3 s, not 5 s
    db = tmp_path / "cogtrain.sqlite3"
    url = f"sqlite:///{db}"
    store = Store.open(resolve_url(url))
    store.add_participant("P-1")
    store.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
        said = start_twice(["--database", url, "--exit-after-frames", "1", "run"], capsys)
        assert "locked by another program" in said and str(db) in said
        assert "Close other cogtrain windows" in said
        assert not damaged.aside_paths(db)  # a locked file is not mistaken for a damaged one
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    assert main(["--database", url, "db", "upgrade"]) == 0
    assert codes_in(db) == ["P-1"]


def test_a_write_blocked_past_the_busy_timeout_is_a_locked_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_mod, "BUSY_TIMEOUT_MS", 200)
    db = tmp_path / "cogtrain.sqlite3"
    store = Store.open(resolve_url(f"sqlite:///{db}"))
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        with pytest.raises(DatabaseLockedError) as err:
            store.add_participant("P-1")
        assert str(db) in err.value.message and "more than 0.2 seconds" in err.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.add_participant("P-1")  # the lock is gone: the store works on
    store.close()
    assert codes_in(db) == ["P-1"]


# -- damaged --------------------------------------------------------------------------


def _garbage(_good: bytes) -> bytes:
    return bytes((i * 37 + 11) % 256 for i in range(8192))


def _text_file(_good: bytes) -> bytes:
    return b"code;hours\nJMO-014;12.5\n" * 200


def _truncated_header(good: bytes) -> bytes:
    return good[:50]


def _cut_short(good: bytes) -> bytes:
    return good[: len(good) // 2]


def _zeroed_first_page(good: bytes) -> bytes:
    return b"\0" * 4096 + good[4096:]


DAMAGES = [_garbage, _text_file, _truncated_header, _cut_short, _zeroed_first_page]


def make_clinic_db(folder: Path) -> tuple[Path, Path]:
    """A database with P-1 in the newest backup and P-2 trained after it."""
    db = folder / "cogtrain.sqlite3"
    url = resolve_url(f"sqlite:///{db}")
    store = Store.open(url)
    block_id = start_block(store, "P-1")
    for i in range(300):
        store.log_trial(block_id, record(i, payload=200))
    older = backup(url, folder / "backups" / "cogtrain-2026-11-30.sqlite3").path
    os.utime(older, (1_700_000_000, 1_700_000_000))
    newest = backup(url, folder / "backups" / "cogtrain-2026-12-01.sqlite3").path
    store.add_participant("P-2")
    store.close()
    return db, newest


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__.strip("_"))
def test_a_damaged_database_is_kept_aside_untouched_and_the_restore_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Any
) -> None:
    db, newest = make_clinic_db(tmp_path / "data")
    url = f"sqlite:///{db}"
    bad = damage(db.read_bytes())
    db.write_bytes(bad)

    assert main(["--database", url, "db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [aside] = damaged.aside_paths(db)
    assert aside.read_bytes() == bad  # kept byte for byte, not repaired
    assert aside.name.startswith("cogtrain.sqlite3.damaged-")
    assert re.fullmatch(r"cogtrain\.sqlite3\.damaged-\d{8}-\d{6}", aside.name)
    assert not db.exists()  # and no empty database in its place
    assert str(aside) in err and str(newest) in err

    # Starting again (the program itself this time): the same message, nothing new.
    said = start_twice(["--database", url, "--exit-after-frames", "1", "run"], capsys)
    assert str(aside) in said and str(newest) in said
    assert not db.exists() and damaged.aside_paths(db) == [aside]
    assert aside.read_bytes() == bad

    # The exact command the message gives restores the newest backup; then it starts.
    command = re.search(r"with this command: (cogtrain .*? restore \S+)", said)
    assert command is not None, said
    argv = shlex.split(command.group(1))
    assert argv[0] == "cogtrain"
    assert main(argv[1:]) == 0
    capsys.readouterr()
    assert main(["--database", url, "db", "upgrade"]) == 0
    assert codes_in(db) == ["P-1"] and trial_count(db) == 300
    assert aside.read_bytes() == bad  # still kept for IT


def test_without_a_backup_the_message_says_how_to_start_afresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cogtrain.sqlite3"
    url = f"sqlite:///{db}"
    db.write_bytes(b"\x00garbage" * 100)
    said = start_twice(["--database", url, "db", "upgrade"], capsys)
    [aside] = damaged.aside_paths(db)
    assert "no usable backup" in said and f"move {aside} to another folder" in said
    elsewhere = tmp_path / "kept-for-IT"
    elsewhere.mkdir()
    aside.rename(elsewhere / aside.name)  # the user's deliberate choice
    assert main(["--database", url, "db", "upgrade"]) == 0
    assert codes_in(db) == []


def test_a_damaged_backup_is_not_named_the_good_one_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, newest = make_clinic_db(tmp_path / "data")
    broken = newest.with_name("cogtrain-2026-12-02.sqlite3")
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # newest by date, damaged
    db.write_bytes(b"not a database" * 100)
    assert main(["--database", f"sqlite:///{db}", "db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert str(newest) in err and str(broken) not in err


def test_damage_inside_a_table_is_reported_then_set_aside_at_the_next_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, newest = make_clinic_db(tmp_path / "data")
    url = f"sqlite:///{db}"
    with sqlite3.connect(db) as c:
        page_size = c.execute("PRAGMA page_size").fetchone()[0]
        root = c.execute("select rootpage from sqlite_master where name = 'trial'").fetchone()[0]
    raw = bytearray(db.read_bytes())
    raw[(root - 1) * page_size : root * page_size] = b"\xa5" * page_size  # the trial table
    db.write_bytes(bytes(raw))

    store = Store.open(resolve_url(url))  # header and schema read: it opens
    try:
        [p1, _p2] = store.participants()
        [session] = store.sessions_of(p1.id)
        [block] = store.blocks_of_session(session.id)
        with pytest.raises(damaged.DamagedDatabaseError) as err:
            store.trials_of_block(block.id)
    finally:
        store.close()
    assert str(db) in err.value.message and "start it again" in err.value.hint

    assert main(["--database", url, "db", "upgrade"]) == 2  # the next start checks it all
    said = capsys.readouterr().err
    [aside] = damaged.aside_paths(db)
    assert aside.read_bytes() == bytes(raw) and str(newest) in said
    assert not damaged.seen_marker(db).exists()


def test_a_false_alarm_note_is_cleared_when_the_whole_file_reads(tmp_path: Path) -> None:
    db = tmp_path / "cogtrain.sqlite3"
    url = resolve_url(f"sqlite:///{db}")
    Store.open(url).close()
    damaged.note_damage_seen(db, "SQLite: database disk image is malformed")
    Store.open(url).close()  # checked every page, found it whole: opens
    assert not damaged.seen_marker(db).exists() and not damaged.aside_paths(db)


def test_set_aside_never_replaces_an_earlier_damaged_file(tmp_path: Path) -> None:
    db = tmp_path / "cogtrain.sqlite3"
    now = datetime(2026, 12, 3, 9, 30, 0)
    db.write_bytes(b"first")
    first = damaged.set_aside(db, now=now)
    db.write_bytes(b"second")
    second = damaged.set_aside(db, now=now)
    assert first.aside != second.aside
    assert first.aside.read_bytes() == b"first" and second.aside.read_bytes() == b"second"
