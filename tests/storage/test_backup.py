from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from cogtrain.cli import main
from cogtrain.storage.backup import backup, check_backup, daily_backup, restore
from cogtrain.storage.engine import StorageError, resolve_url
from cogtrain.storage.store import Store


def fill(store: Store, codes: list[str]) -> None:
    for c in codes:
        store.add_participant(c)


def codes_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as c:
        return [r[0] for r in c.execute("select code from participant order by code")]


def test_online_backup_is_consistent_and_checked(store: Store, tmp_path: Path) -> None:
    fill(store, ["P-1", "P-2"])
    result = backup(store.url, tmp_path / "b" / "copy.sqlite3")  # while the store is open
    assert result.participants == 2 and result.revision is not None
    assert codes_in(result.path) == ["P-1", "P-2"]
    assert not list((tmp_path / "b").glob("*.partial"))


def test_daily_backup_once_a_day_with_rotation(store: Store, tmp_path: Path) -> None:
    fill(store, ["P-1"])
    folder = tmp_path / "backups"
    for day in range(1, 6):
        assert daily_backup(store.url, folder, today=date(2026, 11, day), keep=3) is not None
    assert daily_backup(store.url, folder, today=date(2026, 11, 5), keep=3) is None
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "cogtrain-2026-11-03.sqlite3",
        "cogtrain-2026-11-04.sqlite3",
        "cogtrain-2026-11-05.sqlite3",
    ]


def test_restore_checks_first_and_keeps_the_current_database(db_url: str, tmp_path: Path) -> None:
    s = Store.open(resolve_url(db_url))
    fill(s, ["P-1"])
    saved = backup(s.url, tmp_path / "saved.sqlite3").path
    fill(s, ["P-2"])
    s.close()
    aside = restore(resolve_url(db_url), saved)
    db = Path(db_url.removeprefix("sqlite:///"))
    assert codes_in(db) == ["P-1"]
    assert codes_in(aside) == ["P-1", "P-2"]  # nothing lost: the newer one is kept aside


def test_restore_refuses_a_damaged_backup_and_changes_nothing(db_url: str, tmp_path: Path) -> None:
    s = Store.open(resolve_url(db_url))
    fill(s, ["P-1"])
    s.close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    db = Path(db_url.removeprefix("sqlite:///"))
    before = db.read_bytes()
    with pytest.raises(StorageError):
        restore(resolve_url(db_url), bad)
    assert db.read_bytes() == before
    not_cogtrain = tmp_path / "other.sqlite3"
    with sqlite3.connect(not_cogtrain) as c:
        c.execute("create table x (y)")
    with pytest.raises(StorageError, match="not a cogtrain database"):
        check_backup(not_cogtrain)


def test_restore_refuses_while_the_database_is_in_use(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    fill(store, ["P-1"])
    saved = backup(store.url, tmp_path / "saved.sqlite3").path
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError, match="in use"):
            restore(resolve_url(db_url), saved)
    finally:
        holder.rollback()
        holder.close()


def test_cli_backup_and_restore(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = Store.open(resolve_url(db_url))
    fill(s, ["P-1"])
    s.close()
    out = tmp_path / "cli.sqlite3"
    assert main(["--database", db_url, "backup", "--out", str(out)]) == 0
    assert "integrity check ok" in capsys.readouterr().out
    assert main(["--database", db_url, "restore", str(tmp_path / "missing.sqlite3")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["--database", db_url, "restore", str(out)]) == 0
    assert "kept as" in capsys.readouterr().out


def test_postgres_url_is_told_to_use_server_tools() -> None:
    with pytest.raises(StorageError, match="pg_dump"):
        backup(resolve_url("postgresql+psycopg://u@h/db"), Path("/tmp/x"))


def test_restore_over_a_damaged_database_keeps_it_aside(db_url: str, tmp_path: Path) -> None:
    s = Store.open(resolve_url(db_url))
    fill(s, ["P-1"])
    saved = backup(s.url, tmp_path / "saved.sqlite3").path
    s.close()
    db = Path(db_url.removeprefix("sqlite:///"))
    bad = b"\x00not a database any more" * 200
    db.write_bytes(bad)
    aside = restore(resolve_url(db_url), saved)  # the damaged file cannot be "in use"
    assert codes_in(db) == ["P-1"]
    assert aside.read_bytes() == bad  # kept, byte for byte


def test_a_backup_of_a_damaged_database_says_so_and_leaves_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Path(db_url.removeprefix("sqlite:///"))
    db.write_bytes(b"\x00garbage" * 512)
    out = tmp_path / "copies"
    out.mkdir()
    assert main(["--database", db_url, "backup", "--out", str(out / "copy.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert str(db) in err and "damaged" in err and "cogtrain restore" in err
    assert list(out.iterdir()) == []
    assert db.read_bytes() == b"\x00garbage" * 512
