"""Engine set-up: which database, with which durability settings, and clear errors.

SQLite (one PC) runs in WAL mode with ``synchronous=FULL`` and foreign keys on: each
commit is on disk before it returns, so a crash or power cut loses at most the trial on
screen. The settings are read back after they are set and the program refuses to run
if they did not take, rather than quietly training on a weaker database.

PostgreSQL (a clinic's shared server, ``postgresql+psycopg://...``) gets the same
promise: every session asks for ``synchronous_commit = on`` and UTC, and the program
refuses a server running with ``fsync`` off. Connecting gives up after
:data:`CONNECT_TIMEOUT_S`, so a PC whose server is gone says so within seconds instead
of hanging; an unreachable server is a :class:`DatabaseUnreachableError`, naming the URL
without its password and what to check.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import (
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)

from cogtrain.errors import CogtrainError
from cogtrain.paths import user_data_dir

ENV_URL = "COGTRAIN_DATABASE_URL"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000

REQUIRED_PRAGMAS: dict[str, Any] = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}

CONNECT_TIMEOUT_S = 5
"""How long to wait for a database server to answer before saying it cannot be reached."""

REQUIRED_PG_SETTINGS: dict[str, str] = {"fsync": "on", "synchronous_commit": "on"}
"""PostgreSQL settings that make a commit durable when it returns (read back at start)."""

_UNREACHABLE_HINT = (
    "Check that the database server is running, that the host name and port are right, "
    "that this PC is on the clinic network, and that the user name and password are "
    "right. Nothing has been changed."
)


class StorageError(CogtrainError):
    """The database cannot be used as it is; the message says why and what to do."""


class DatabaseUnreachableError(StorageError):
    """The database server did not answer (not running, wrong host or port, no network).

    A separate class because this is the one storage error that may pass by itself:
    callers that can wait (a local journal, a retry) catch this one and nothing else."""


class DiskFullError(StorageError):
    """The disk holding the database is full; what was saved before is kept."""


class ReadOnlyDatabaseError(StorageError):
    """The database file or its folder cannot be written."""


class DatabaseLockedError(StorageError):
    """Another program kept the database locked past the busy timeout."""


def default_sqlite_path() -> Path:
    return user_data_dir() / "cogtrain.sqlite3"


def resolve_url(explicit: str | None = None, environ: dict[str, str] | None = None) -> URL:
    """The database URL: explicit argument, then ``COGTRAIN_DATABASE_URL``, then the default."""
    env = os.environ if environ is None else environ
    raw = explicit or env.get(ENV_URL)
    if not raw:
        return make_url(f"sqlite:///{default_sqlite_path()}")
    try:
        return make_url(raw)
    except Exception as exc:  # sqlalchemy raises ArgumentError; keep the password out
        raise StorageError(
            "The database URL is not valid.",
            hint=f"Check {ENV_URL}; it should look like sqlite:///path/to/file.sqlite3 "
            "or postgresql+psycopg://user@host/dbname.",
        ) from exc


def describe(url: URL) -> str:
    """The URL as safe to print: never the password, and never a character a terminal
    cannot print (a broken file name from the shell is shown with backslash escapes)."""

    def printable(value: str | None) -> str | None:
        return None if value is None else value.encode("utf-8", "backslashreplace").decode()

    safe = url.set(
        database=printable(url.database), host=printable(url.host), username=printable(url.username)
    )
    return safe.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite":
        return None
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def preflight_sqlite(path: Path, *, create: bool = True) -> None:
    """Check a SQLite file before SQLAlchemy touches it, so errors are specific.

    Never creates, truncates or rewrites an existing file that fails a check. A damaged
    file is renamed aside (bytes kept) and the error names the backup to restore; while
    it is aside and nothing replaced it, no new database is created in its place.
    """
    folder = path.parent
    if path.exists():
        if path.is_dir():
            raise StorageError(
                f"The database path {path} is a folder, not a file.",
                hint=f"Point {ENV_URL} at a file, or move the folder away.",
            )
        if not os.access(path, os.R_OK):
            raise StorageError(
                f"The database file {path} cannot be read (permission denied).",
                hint="Ask IT to give your user read and write access to this file.",
            )
        # A damaged file is moved aside untouched and the newest backup named; read
        # through SQLite, never with open() (see cogtrain.storage.damaged for why).
        from cogtrain.storage import damaged

        damaged.set_aside_if_damaged(path)
        if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
            raise StorageError(
                f"The database file {path} is read-only, so training cannot be saved.",
                hint="Ask IT to give your user write access to the file and its folder "
                f"({folder}). Nothing has been changed.",
            )
    else:
        from cogtrain.storage import damaged

        damaged.refuse_if_set_aside(path)  # never an empty database in a damaged one's place
        if not create:
            raise StorageError(
                f"There is no database at {path}.",
                hint="Check the path, or start cogtrain once to create it.",
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"The data folder {folder} cannot be created ({exc.strerror}).",
                hint=f"Check the disk and permissions, or set {ENV_URL} to another place.",
            ) from exc
        if not os.access(folder, os.W_OK):
            raise StorageError(
                f"The data folder {folder} is read-only.",
                hint=f"Ask IT for write access, or set {ENV_URL} to a writable place.",
            )


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
    finally:
        cur.close()


_DDL_WORDS = ("CREATE", "ALTER", "DROP")


def _begin_before_sqlite_ddl(
    conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    """Make schema changes part of the transaction they are written in.

    Python's sqlite3 driver opens a transaction only before INSERT/UPDATE/DELETE, so a
    CREATE TABLE inside ``engine.begin()`` would commit on its own: a program killed
    half-way through its first start's migration left a database with some tables and
    no schema version, which no later start could open. Starting the transaction here,
    before the first DDL statement of a transaction, makes a migration all or nothing.
    """
    if not statement.lstrip()[:6].upper().startswith(_DDL_WORDS):
        return
    if not conn.in_transaction():
        return  # autocommit on purpose (none in cogtrain): leave it so
    dbapi_conn = conn.connection.dbapi_connection
    if dbapi_conn is not None and not dbapi_conn.in_transaction:
        dbapi_conn.execute("BEGIN IMMEDIATE")


def read_sqlite_pragmas(dbapi_conn: Any) -> dict[str, Any]:
    cur = dbapi_conn.cursor()
    try:
        out: dict[str, Any] = {}
        for name in REQUIRED_PRAGMAS:
            cur.execute(f"PRAGMA {name}")
            value = cur.fetchone()[0]
            out[name] = value.lower() if isinstance(value, str) else value
        return out
    finally:
        cur.close()


def _on_postgres_connect(dbapi_conn: Any, _record: Any) -> None:
    """Every PostgreSQL session: commits durable on return, times in UTC."""
    with dbapi_conn.cursor() as cur:
        cur.execute("SET synchronous_commit TO on")
        cur.execute("SET TIME ZONE 'UTC'")
    dbapi_conn.commit()


def read_postgres_settings(dbapi_conn: Any) -> dict[str, str]:
    with dbapi_conn.cursor() as cur:
        out: dict[str, str] = {}
        for name in REQUIRED_PG_SETTINGS:
            cur.execute("SELECT current_setting(%s)", (name,))
            out[name] = str(cur.fetchone()[0]).lower()
    dbapi_conn.rollback()
    return out


def check_durability(engine: Engine) -> None:
    """Fail loudly if WAL / synchronous=FULL / foreign keys (SQLite), or fsync and
    synchronous commits (PostgreSQL), are not in force."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            pg = read_postgres_settings(conn.connection.dbapi_connection)
        wrong_pg = {k: v for k, v in pg.items() if v != REQUIRED_PG_SETTINGS[k]}
        if wrong_pg:
            raise StorageError(
                f"The database server {describe(engine.url)} does not write commits safely "
                f"to disk: {wrong_pg} (needed {REQUIRED_PG_SETTINGS}).",
                hint="Ask the server's administrator to turn fsync on; cogtrain will not "
                "train on a server that can lose finished trials in a power cut.",
            )
        return
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        got = read_sqlite_pragmas(conn.connection.dbapi_connection)
    wrong = {k: v for k, v in got.items() if v != REQUIRED_PRAGMAS[k]}
    if wrong:
        raise StorageError(
            f"The database did not accept its safety settings: {wrong} "
            f"(needed {REQUIRED_PRAGMAS}).",
            hint="The disk or folder may not support SQLite's write-ahead log (for example "
            "a network share). Keep the database on a local disk.",
        )


def make_engine(url: URL) -> Engine:
    """Create the engine for ``url`` with cogtrain's durability settings."""
    kwargs: dict[str, Any] = {}
    backend = url.get_backend_name()
    if backend == "sqlite":
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    elif backend == "postgresql":
        if "connect_timeout" not in url.query:
            kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
        # A pooled connection the server dropped (restart, network cut) is noticed and
        # replaced when it is taken from the pool, instead of failing the next write.
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (ImportError, NoSuchModuleError) as exc:  # mysql:// without its driver, nonsense://
        raise StorageError(
            f"cogtrain cannot use the database {describe(url)}: it works with SQLite "
            f"(sqlite:///FILE) and PostgreSQL (postgresql+psycopg://...), not {backend!r}.",
            hint="Check the database URL (COGTRAIN_DATABASE_URL, --database or the "
            "settings file). Nothing has been changed.",
        ) from exc
    if backend == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "before_cursor_execute", _begin_before_sqlite_ddl)
    elif backend == "postgresql":
        event.listen(engine, "connect", _on_postgres_connect)
    return engine


# SQLSTATE classes (PostgreSQL): 08 connection exception, 57P01-03 server shutting down
# or starting, 28 bad user name or password, 3D no such database, 40 serialisation
# failure or deadlock (the transaction may simply be tried again).
_PG_UNREACHABLE = ("08", "57P01", "57P02", "57P03")


def _sqlstate(exc: SQLAlchemyError) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def _reason(exc: SQLAlchemyError, url: URL) -> str:
    """The driver's own first line (for IT), with the password blanked just in case."""
    first = str(getattr(exc, "orig", exc)).strip().splitlines()
    text = first[0] if first else exc.__class__.__name__
    if url.password:
        text = text.replace(str(url.password), "***")
    return text[:300]


def _translate_server_error(exc: SQLAlchemyError, url: URL) -> StorageError | None:
    """PostgreSQL errors worth their own message (None: the general rules apply)."""
    where = describe(url)
    state = _sqlstate(exc) or ""
    if isinstance(exc, IntegrityError):
        return None
    # Errors while connecting carry no SQLSTATE in psycopg, only the server's text.
    said = str(getattr(exc, "orig", exc)).lower()
    if (
        state.startswith("28")
        or any(words in said for words in ("authentication failed", "no password supplied"))
        or ('role "' in said and "does not exist" in said)
    ):
        return StorageError(
            f"The database server {where} refused the user name or password ({_reason(exc, url)}).",
            hint="Check the user name and password in the database URL (or ask IT for "
            "them). Nothing has been changed.",
        )
    if state == "3D000" or ('database "' in said and "does not exist" in said):
        return StorageError(
            f"The database server {where} has no such database ({_reason(exc, url)}).",
            hint="Check the database name at the end of the URL, or ask IT to create it. "
            "Nothing has been changed.",
        )
    if state.startswith("40"):
        return StorageError(
            f"The database {where} was busy with another PC's change at the same moment.",
            hint="Try again. Nothing has been changed.",
        )
    connection_lost = bool(getattr(exc, "connection_invalidated", False))
    if (
        connection_lost
        or state.startswith(_PG_UNREACHABLE)
        or (isinstance(exc, OperationalError) and not state)
    ):
        return DatabaseUnreachableError(
            f"The database server {where} cannot be reached ({_reason(exc, url)}).",
            hint=_UNREACHABLE_HINT,
        )
    return None


# SQLite's primary result codes (sqlite3 errors carry them as ``sqlite_errorcode``; the
# extended codes keep the primary one in their low byte).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


def _sqlite_code(exc: SQLAlchemyError) -> int | None:
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _translate_sqlite_error(exc: SQLAlchemyError, url: URL) -> StorageError | None:
    """SQLite errors with their own message: what happened, to which file, what to do.

    Decided by SQLite's result code where the driver gives one, by its words otherwise."""
    text = str(getattr(exc, "orig", exc)).lower()
    code = _sqlite_code(exc)
    path = sqlite_path(url)
    where = str(path) if path is not None else describe(url)
    if code == SQLITE_FULL or "disk is full" in text:
        return DiskFullError(
            f"The disk that holds the database {where} is full, so the last change could "
            "not be saved.",
            hint="Free some space on that disk (empty the recycle bin, move large files "
            "elsewhere, or ask IT), then start cogtrain again. Everything saved before is "
            "kept; only the answer on screen when the disk filled up has to be done again.",
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        waited = f" for more than {BUSY_TIMEOUT_MS / 1000:g} seconds" if path is not None else ""
        return DatabaseLockedError(
            f"The database {where} is locked by another program, which has kept it locked{waited}.",
            hint="Close other cogtrain windows on this PC and any program that has the file "
            "open (a backup or sync tool, a database viewer), then try again. Nothing has "
            "been changed.",
        )
    if code in (SQLITE_READONLY, SQLITE_PERM) or "readonly" in text or "read-only" in text:
        folder = f" and its folder {path.parent}" if path is not None else ""
        return ReadOnlyDatabaseError(
            f"The database {where} is read-only, so training cannot be saved.",
            hint=f"Ask IT to give your user write access to the file{folder} (or to move it "
            "off a write-protected disk or share). Nothing has been changed.",
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or any(
        words in text for words in ("not a database", "malformed", "corrupt")
    ):
        if path is not None:
            from cogtrain.storage import damaged

            first = str(getattr(exc, "orig", exc)).strip().splitlines()
            reason = f"SQLite: {first[0] if first else text}"
            damaged.note_damage_seen(path, reason)  # the next start checks every page
            return damaged.DamagedDatabaseError(path, reason)
        return StorageError(
            f"The database {where} is damaged. It has not been changed.",
            hint="Restore it from a backup, or ask IT for help.",
        )
    if code == SQLITE_IOERR or "disk i/o error" in text:
        return StorageError(
            f"The disk that holds the database {where} could not be read or written "
            f"({_reason(exc, url)}).",
            hint="Check that the disk (or USB drive, or network share) is not full and is "
            "still connected and working, then start cogtrain again. What was saved before "
            "is kept.",
        )
    if code == SQLITE_CANTOPEN or (isinstance(exc, OperationalError) and "unable to open" in text):
        return StorageError(
            f"The database {where} cannot be opened.",
            hint="Check that the folder exists and that you may write to it.",
        )
    return None


def translate_db_error(exc: SQLAlchemyError, url: URL) -> StorageError:
    """Turn a driver error into a message a clinic can act on."""
    if url.get_backend_name() != "sqlite":
        server = _translate_server_error(exc, url)
        if server is not None:
            return server
    specific = _translate_sqlite_error(exc, url)
    if specific is not None:
        return specific
    return StorageError(
        f"The database {describe(url)} reported an error: {exc.__class__.__name__}.",
        hint="Try again; if it keeps happening, ask IT for help.",
    )
