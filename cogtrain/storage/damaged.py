"""A damaged database file: found before use, kept aside untouched, the restore named.

A clinic PC's database can be damaged by a disk fault, a half-finished copy, or a file
that was never a database (someone saved something else under its name). cogtrain
never writes to such a file and never tries to repair it in place: a repair can lose
what a specialist could still have rescued. Instead, at start:

This runs in :func:`cogtrain.storage.engine.preflight_sqlite`, so every way of opening
the database (the program, every command, the journal) gets the same treatment.

1. :func:`probe` opens the file *read-only through SQLite* and reads its schema. SQLite
   says "file is not a database" (foreign bytes, a zeroed first page) or "database disk
   image is malformed" (a truncated file, a broken schema). The probe goes through
   SQLite rather than reading the header with ``open()``: on POSIX, closing any file
   handle to a database drops every SQLite lock this process holds on it, which can
   let another process remove the write-ahead log under a live connection.
2. :func:`set_aside` renames the file (and its ``-wal`` / ``-shm`` files, which belong to
   it) to ``<name>.damaged-YYYYMMDD-HHMMSS`` in the same folder: a rename, so the bytes
   are kept exactly, and never over an existing file.
3. The error says where the file was kept, names the newest backup in the backups folder
   that passes its check, and gives the exact ``cogtrain restore`` command.
4. The program stops there. It does not quietly create an empty database and train on
   as if nothing had happened: while a set-aside file is in the folder and no database
   is, every start repeats the same message (:func:`refuse_if_set_aside`). Restoring a
   backup, or moving the damaged file to another folder to really start afresh, ends it.

Damage inside a table, which the schema read does not touch, is found when that part
is read: the error says so (``engine.translate_db_error``) and leaves a note beside the
file (:func:`note_damage_seen`), and the next start checks every page
(``PRAGMA quick_check``) and sets the file aside if the check fails. Checking every page
at every start would cost seconds on a clinic's large database.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cogtrain.storage.engine import ENV_URL, StorageError, default_sqlite_path

ASIDE_MARK = ".damaged-"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
SIDE_FILES = ("-wal", "-shm")
SEEN_MARK = ".damage-seen"
MAX_BACKUPS_CHECKED = 5
"""Newest backups checked (integrity check) when looking for one to name."""

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
DAMAGE_CODES = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})


class DamagedDatabaseError(StorageError):
    """The database file is damaged; nothing was written to it.

    Raised where the damage is found. The command line turns it into
    :class:`DatabaseSetAsideError` by moving the file aside (:func:`set_aside`)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"The database file {path} is damaged ({reason}). Nothing has been written to it.",
            hint="Close cogtrain and start it again: it checks the whole file, keeps it aside "
            "if it is damaged, and tells you how to restore the newest backup.",
        )


class DatabaseSetAsideError(StorageError):
    """The damaged database was moved aside; the message says how to restore a backup."""

    def __init__(self, message: str, *, hint: str, aside: Path, backup: Path | None) -> None:
        super().__init__(message, hint=hint)
        self.aside = aside
        self.backup = backup


@dataclass(frozen=True)
class SetAside:
    """Where a damaged database was kept."""

    original: Path
    aside: Path
    moved: tuple[Path, ...]
    """Every file that was renamed (the database, and its -wal / -shm if there were)."""


def is_damage(exc: BaseException) -> bool:
    """Whether a sqlite3 error means the file itself is damaged."""
    return getattr(exc, "sqlite_errorcode", None) in DAMAGE_CODES or any(
        words in str(exc).lower() for words in ("file is not a database", "disk image is malformed")
    )


def seen_marker(path: Path) -> Path:
    """The note left beside ``path`` when SQLite found damage while the file was in use."""
    return path.with_name(path.name + SEEN_MARK)


def note_damage_seen(path: Path, reason: str) -> None:
    """Remember that SQLite found damage inside ``path`` while it was in use.

    The open file cannot be moved aside then; the next start checks the whole file
    (``PRAGMA quick_check``) and sets it aside if the check fails. Best effort: on a
    full or read-only disk the note is skipped (the error was already shown)."""
    with suppress(OSError):
        seen_marker(path).write_text(f"{datetime.now():%Y-%m-%d %H:%M:%S} {reason}\n", "utf-8")


def deep_check(path: Path) -> str | None:
    """``PRAGMA quick_check`` on ``path``, read-only: what is wrong, or None if it is whole.
    Reads every page, so it runs only after damage was seen (see :func:`note_damage_seen`)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        return _describe(path, exc) if is_damage(exc) else None
    finally:
        conn.close()
    if rows == ["ok"]:
        return None
    return "SQLite's check of every page found: " + "; ".join(rows)[:300]


def probe(path: Path) -> str | None:
    """Why the existing database file at ``path`` is damaged, or None if it reads.

    Read-only: SQLite opens the file with ``mode=ro`` and reads the header and the
    schema. A locked or busy file is *not* damage (None): the normal open reports it."""
    uri = f"file:{path}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=1.0)
    except sqlite3.Error:
        return None  # cannot even open it: the normal open says why (permissions, ...)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return _describe(path, exc)
        return None
    finally:
        conn.close()
    return None


def _describe(path: Path, exc: BaseException) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        size = None
    said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if getattr(exc, "sqlite_errorcode", None) == SQLITE_NOTADB or "not a database" in said:
        what = "it is not a SQLite database, or its first page is damaged"
    else:
        what = "SQLite reports that it is malformed, for example cut short"
    return f"{what}; SQLite: {said}" + (f"; {size} bytes" if size is not None else "")


def aside_paths(path: Path) -> list[Path]:
    """Damaged files set aside from ``path`` (newest last)."""
    if not path.parent.is_dir():
        return []
    prefix = path.name + ASIDE_MARK
    found = [
        p
        for p in path.parent.iterdir()
        if p.name.startswith(prefix) and not p.name.endswith((*SIDE_FILES, SEEN_MARK))
    ]
    return sorted(found, key=lambda p: p.name)


def set_aside(path: Path, *, now: datetime | None = None) -> SetAside:
    """Rename the damaged database at ``path`` (with its -wal and -shm) out of the way.

    Renames only, in the same folder: the bytes stay exactly as they were. Never
    replaces an existing file: a second damaged file in the same second gets ``-2``."""
    stamp = (now or datetime.now()).strftime(STAMP_FORMAT)
    base = path.with_name(f"{path.name}{ASIDE_MARK}{stamp}")
    aside = base
    n = 1
    while any(Path(f"{aside}{s}").exists() for s in ("", *SIDE_FILES, SEEN_MARK)):
        n += 1
        aside = base.with_name(f"{base.name}-{n}")
    moved: list[Path] = []
    for suffix in ("", *SIDE_FILES, SEEN_MARK):
        src = Path(f"{path}{suffix}")
        if not src.exists():
            continue
        dst = Path(f"{aside}{suffix}")
        try:
            _rename_no_replace(src, dst)
        except OSError as exc:
            raise StorageError(
                f"The database file {path} is damaged, and it could not be moved aside to "
                f"{dst} ({exc.strerror}). It has not been changed.",
                hint=f"Ask IT to move {src} out of the folder {path.parent}, then restore a "
                "backup with `cogtrain restore FILE`.",
            ) from exc
        moved.append(dst)
    _fsync_dir(path.parent)
    return SetAside(path, aside, tuple(moved))


def _rename_no_replace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``, failing rather than replacing an existing ``dst``."""
    try:
        os.link(src, dst)  # fails if dst exists
    except FileExistsError:
        raise
    except OSError:
        if dst.exists():  # a file system without hard links: check, then rename
            raise FileExistsError(str(dst)) from None
        os.rename(src, dst)
        return
    os.unlink(src)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on this system (Windows): the rename is done anyway
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backups_folder(path: Path) -> Path:
    """Where the daily and the `cogtrain backup` backups of ``path`` are kept."""
    return path.parent / "backups"


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup in ``folder`` that passes its check (None if there is none)."""
    from cogtrain.storage.backup import check_backup

    if not folder.is_dir():
        return None
    candidates = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix == ".sqlite3"),
        key=lambda p: (p.stat().st_mtime, p.name),
        reverse=True,
    )
    for p in candidates[:MAX_BACKUPS_CHECKED]:
        try:
            check_backup(p)
        except StorageError:
            continue
        return p
    return None


def restore_command(backup: Path, db: Path) -> str:
    """The exact command that restores ``backup`` over the database at ``db``."""
    database = ""
    if db != default_sqlite_path() and not _env_points_at(db):
        database = f" --database {shlex.quote(f'sqlite:///{db}')}"
    return f"cogtrain{database} restore {shlex.quote(str(backup))}"


def _env_points_at(db: Path) -> bool:
    raw = os.environ.get(ENV_URL, "")
    return raw.startswith("sqlite:///") and Path(raw.removeprefix("sqlite:///")) == db


def _what_to_do(db: Path, aside: Path) -> tuple[str, Path | None]:
    backup = newest_good_backup(backups_folder(db))
    if backup is not None:
        made = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        return (
            f"Restore the newest backup, {backup} (made {made}), with this command: "
            f"{restore_command(backup, db)}  Then start cogtrain again. Training done after "
            f"that backup is only in the damaged file; keep {aside} for IT, who may be able "
            "to rescue it.",
            backup,
        )
    return (
        f"There is no usable backup in {backups_folder(db)}. Ask IT for help: keep {aside}, "
        "they may be able to rescue what it holds. To start again with an empty database "
        f"instead, move {aside} to another folder; cogtrain then creates a new one.",
        None,
    )


def set_aside_error(original: DamagedDatabaseError, *, now: datetime | None = None) -> StorageError:
    """Move the damaged file aside and return the error that tells the user what to do."""
    kept = set_aside(original.path, now=now)
    hint, backup = _what_to_do(original.path, kept.aside)
    return DatabaseSetAsideError(
        f"The database file {original.path} is damaged or not a cogtrain database "
        f"({original.reason}). cogtrain has not changed or repaired it: it was moved aside "
        f"and is kept as {kept.aside}. cogtrain does not start an empty database in its "
        "place.",
        hint=hint,
        aside=kept.aside,
        backup=backup,
    )


def set_aside_if_damaged(path: Path, *, now: datetime | None = None) -> None:
    """Before opening the existing file ``path``: if it is damaged, move it aside and
    raise the error that says where it is kept and which backup to restore."""
    reason = probe(path)
    marker = seen_marker(path)
    if reason is None and marker.exists():
        reason = deep_check(path)
        if reason is None:
            marker.unlink(missing_ok=True)  # the whole file reads: it was not the file
    if reason is not None:
        raise set_aside_error(DamagedDatabaseError(path, reason), now=now)


def refuse_if_set_aside(path: Path) -> None:
    """Stop with the same message while a damaged file was set aside and nothing replaced
    it, so a second start does not quietly begin an empty database."""
    if path.exists():
        return
    kept = aside_paths(path)
    if not kept:
        return
    aside = kept[-1]
    hint, backup = _what_to_do(path, aside)
    raise DatabaseSetAsideError(
        f"The database file {path} was found damaged and moved aside; it is kept as "
        f"{aside}. cogtrain does not start an empty database in its place.",
        hint=hint,
        aside=aside,
        backup=backup,
    )
