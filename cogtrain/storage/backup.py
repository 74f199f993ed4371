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
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from cogtrain.storage import migrate
from cogtrain.storage.engine import (
    SQLITE_BUSY,
    SQLITE_FULL,
    SQLITE_HEADER,
    SQLITE_LOCKED,
    StorageError,
    describe,
    sqlite_path,
)

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
    """Make a consistent, checked copy of the database at ``url`` in the file ``dest``.

    On any failure the partial copy is removed (a full disk gets no half-written file
    that takes the last space), and the database itself is never changed."""
    src_path = _require_sqlite(url)
    if dest.exists() and dest.is_dir():
        dest = dest / f"cogtrain-{datetime.now(UTC):%Y-%m-%dT%H%M%S}.sqlite3"
    tmp = dest.with_name(dest.name + ".partial")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        _copy_online(src_path, tmp, dest)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        check = check_backup(tmp)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except OSError as exc:
        _discard(tmp)
        raise StorageError(
            f"The backup to {dest} failed ({exc.strerror or exc}). The database was not changed.",
            hint="Check free space and permissions where the backup goes.",
        ) from exc
    except BaseException:
        _discard(tmp)
        raise
    return BackupCheck(dest, check.revision, check.participants, check.trials)


def _copy_online(src_path: Path, tmp: Path, dest: Path) -> None:
    """SQLite's online backup of ``src_path`` into the new file ``tmp``."""
    from cogtrain.storage.damaged import is_damage

    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=10)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        dst.commit()
    except sqlite3.Error as exc:
        if is_damage(exc) and not _is_damage_of(dst):
            raise StorageError(
                f"The database {src_path} is damaged ({exc}), so a backup of it would be "
                "damaged too. Nothing has been changed.",
                hint="Start cogtrain: it keeps the damaged file aside and names the newest "
                "good backup, with the exact `cogtrain restore` command.",
            ) from exc
        if getattr(exc, "sqlite_errorcode", None) == SQLITE_FULL or "full" in str(exc).lower():
            raise StorageError(
                f"The backup to {dest} failed: the disk there is full. The database was not "
                "changed.",
                hint="Free some space on that disk, or back up to another disk with "
                "`cogtrain backup --out FOLDER`.",
            ) from exc
        raise StorageError(
            f"The backup to {dest} failed ({exc}). The database was not changed.",
            hint="Check free space and permissions at the destination.",
        ) from exc
    finally:
        dst.close()
        src.close()


def _is_damage_of(conn: sqlite3.Connection) -> bool:
    """Whether the new copy (not the source) is what cannot be read."""
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError:
        return True
    return False


def _discard(tmp: Path) -> None:
    with suppress(OSError):  # nothing more can be done here; the error says what failed
        tmp.unlink(missing_ok=True)


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


def restore(url: URL, backup_file: Path, *, now: datetime | None = None) -> Path | None:
    """Replace the database at ``url`` with ``backup_file``, after checking the backup.

    The backup is copied next to the database and that copy checked first, so a full
    disk or a bad copy stops the restore before anything is moved. The current database
    (with its WAL) is then moved aside, never deleted, and its new name returned (None
    when there was none, e.g. after a damaged file was set aside). Refuses while
    cogtrain is using the database.
    """
    check_backup(backup_file)
    path = sqlite_path(url)
    if path is None:
        raise StorageError(
            "Restore works on a SQLite database only.",
            hint="For PostgreSQL, use the server's own restore, run by IT.",
        )
    if path.exists():
        _refuse_if_in_use(path)
    tmp = path.with_name(path.name + ".restoring")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup_file, tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        check_backup(tmp)
    except OSError as exc:
        _discard(tmp)
        raise StorageError(
            f"The backup could not be copied to {path.parent} ({exc.strerror or exc}). "
            "Nothing has been changed.",
            hint="Free some space on that disk (or ask IT for write access), then run the "
            "restore again.",
        ) from exc
    except BaseException:
        _discard(tmp)
        raise
    aside = None
    if path.exists():
        aside = _free_name(path.with_name(f"{path.name}.before-restore-{_stamp(now)}"))
        for suffix in ("", "-wal", "-shm"):
            p = Path(f"{path}{suffix}")
            if p.exists():
                os.replace(p, Path(f"{aside}{suffix}"))
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    return aside


def _stamp(now: datetime | None) -> str:
    return f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%S}"


def _free_name(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3`` ...: a name no file (or its -wal) has yet."""
    name, n = base, 1
    while any(Path(f"{name}{s}").exists() for s in ("", "-wal", "-shm")):
        n += 1
        name = base.with_name(f"{base.name}-{n}")
    return name


def _refuse_if_in_use(path: Path) -> None:
    """Refuse while another program has the database open for writing.

    A damaged database cannot be locked like a healthy one; it is not in use by
    cogtrain (which refuses to open it), so the restore goes on and keeps it aside."""
    from cogtrain.storage.damaged import is_damage

    probe = sqlite3.connect(path, timeout=0.5)
    try:
        probe.execute("BEGIN EXCLUSIVE")
        probe.rollback()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in str(exc).lower():
            raise StorageError(
                f"The database {path} is in use.", hint="Close cogtrain on this PC and try again."
            ) from exc
        raise StorageError(
            f"The database {path} could not be checked before the restore ({exc}). "
            "Nothing has been changed.",
            hint="The disk may be full or not working: free some space on it, check that it "
            "is still connected and that you may write to the folder, then run the restore "
            "again.",
        ) from exc
    finally:
        probe.close()
