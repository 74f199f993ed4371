"""Backups of the SQLite database: online, consistent, checked, rotated; and restore.

A backup uses SQLite's online backup API, so it is consistent even while the program
trains (it copies a snapshot, WAL included). Every backup is checked with
``PRAGMA integrity_check`` before it counts, written to a temporary name and moved into
place only when complete. A restore checks the backup the same way *before* anything is
replaced, and keeps the current database aside rather than deleting it.

A clinic on PostgreSQL backs up with its own tools (``pg_dump``); these functions are for
the embedded SQLite database only and say so.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from cogtrain.storage import migrate
from cogtrain.storage.engine import SQLITE_HEADER, StorageError, describe, sqlite_path

DAILY_PATTERN = re.compile(r"^cogtrain-(\d{4}-\d{2}-\d{2})\.sqlite3$")
DEFAULT_KEEP = 14


@dataclass(frozen=True)
class BackupCheck:
    path: Path
    revision: str | None
    participants: int
    trials: int


def _require_sqlite(url: URL) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise StorageError(
            f"Backups from cogtrain are for a SQLite file; {describe(url)} is not one.",
            hint="For PostgreSQL, use the server's own backup (pg_dump), run by IT.",
        )
    if not path.exists():
        raise StorageError(
            f"There is no database at {path} to back up.",
            hint="Start cogtrain once to create it, or check the path.",
        )
    return path


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_backup(path: Path) -> BackupCheck:
    """Check that ``path`` is a whole, readable cogtrain database; raise if not."""
    if not path.is_file():
        raise StorageError(f"The backup file {path} does not exist.", hint="Check the file name.")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise StorageError(
                f"{path} is not a SQLite database.",
                hint="Choose a backup made by `cogtrain backup`.",
            )
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise StorageError(
                f"The backup {path} is damaged ({result}).", hint="Choose an older backup."
            )
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        if not {"alembic_version", "participant", "trial"} <= tables:
            raise StorageError(
                f"{path} is a SQLite file but not a cogtrain database.",
                hint="Choose a backup made by `cogtrain backup`.",
            )
        revision = conn.execute("select version_num from alembic_version").fetchone()
        participants = conn.execute("select count(*) from participant").fetchone()[0]
        trials = conn.execute("select count(*) from trial").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"The backup {path} cannot be read ({exc}).", hint="Choose another backup."
        ) from exc
    finally:
        conn.close()
    rev = revision[0] if revision else None
    known = _known_revisions()
    if rev not in known:
        raise StorageError(
            f"The backup {path} comes from a newer cogtrain (schema {rev}).",
            hint="Restore it with the cogtrain version that made it, or update cogtrain.",
        )
    return BackupCheck(path, rev, participants, trials)


def _known_revisions() -> set[str | None]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    return {r.revision for r in script.walk_revisions()}


def backup(url: URL, dest: Path) -> BackupCheck:
    """Make a consistent, checked copy of the database at ``url`` in the file ``dest``."""
    src_path = _require_sqlite(url)
    if dest.exists() and dest.is_dir():
        dest = dest / f"cogtrain-{datetime.now(UTC):%Y-%m-%dT%H%M%S}.sqlite3"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=10)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        dst.commit()
    except sqlite3.Error as exc:
        dst.close()
        tmp.unlink(missing_ok=True)
        raise StorageError(
            f"The backup to {dest} failed ({exc}).",
            hint="Check free space and permissions at the destination.",
        ) from exc
    finally:
        src.close()
    dst.close()
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    check = check_backup(tmp)
    os.replace(tmp, dest)
    _fsync_dir(dest.parent)
    return BackupCheck(dest, check.revision, check.participants, check.trials)


def daily_backup(url: URL, folder: Path, *, today: date, keep: int = DEFAULT_KEEP) -> Path | None:
    """Make today's backup if there is none yet; keep the newest ``keep`` daily backups.

    Returns the new backup's path, or None when today's already existed.
    """
    if keep < 1:
        raise ValueError("keep at least one backup")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"cogtrain-{today.isoformat()}.sqlite3"
    made = None
    if not target.exists():
        made = backup(url, target).path
    dailies = sorted(p for p in folder.iterdir() if DAILY_PATTERN.match(p.name))
    for old in dailies[:-keep]:
        old.unlink()
    return made


def restore(url: URL, backup_file: Path, *, now: datetime | None = None) -> Path:
    """Replace the database at ``url`` with ``backup_file``, after checking the backup.

    The current database (with its WAL) is moved aside, never deleted; its new name is
    returned so staff can go back to it. Refuses while cogtrain is using the database.
    """
    check_backup(backup_file)
    path = sqlite_path(url)
    if path is None:
        raise StorageError(
            "Restore works on a SQLite database only.",
            hint="For PostgreSQL, use the server's own restore, run by IT.",
        )
    stamp = f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%S}"
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    if path.exists():
        probe = sqlite3.connect(path, timeout=0.5)
        try:
            probe.execute("BEGIN EXCLUSIVE")
            probe.rollback()
        except sqlite3.OperationalError as exc:
            raise StorageError(
                f"The database {path} is in use.", hint="Close cogtrain on this PC and try again."
            ) from exc
        finally:
            probe.close()
        for suffix in ("", "-wal", "-shm"):
            p = Path(f"{path}{suffix}")
            if p.exists():
                os.replace(p, Path(f"{aside}{suffix}"))
    tmp = path.with_name(path.name + ".restoring")
    shutil.copyfile(backup_file, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    return aside
