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
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError

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
    """The URL as safe to print: never the password."""
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite":
        return None
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def preflight_sqlite(path: Path, *, create: bool = True) -> None:
    """Check a SQLite file before SQLAlchemy touches it, so errors are specific.

    Never creates, truncates or rewrites an existing file that fails a check.
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
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise StorageError(
                f"The file {path} is not a cogtrain database (it may be damaged or "
                "another kind of file). It has not been changed.",
                hint="Restore the database from a backup, or move this file away so "
                "cogtrain can start a new one.",
            )
        if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
            raise StorageError(
                f"The database file {path} is read-only, so training cannot be saved.",
                hint="Ask IT to give your user write access to the file and its folder "
                f"({folder}). Nothing has been changed.",
            )
    else:
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
    engine = create_engine(url, **kwargs)
    if backend == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
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


def translate_db_error(exc: SQLAlchemyError, url: URL) -> StorageError:
    """Turn a driver error into a message a clinic can act on."""
    text = str(getattr(exc, "orig", exc)).lower()
    where = describe(url)
    if url.get_backend_name() != "sqlite":
        server = _translate_server_error(exc, url)
        if server is not None:
            return server
    if "locked" in text or "busy" in text:
        return StorageError(
            f"The database {where} is locked by another program.",
            hint="Close other cogtrain windows (or a backup tool using the file) and try "
            "again. Nothing has been changed.",
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(
            f"The database {where} is read-only, so training cannot be saved.",
            hint="Ask IT for write access to the file and its folder. Nothing has been changed.",
        )
    if "disk is full" in text or "database or disk is full" in text:
        return StorageError(
            f"The disk holding {where} is full.",
            hint="Free some space on the disk and start again. What was saved is kept.",
        )
    if (
        "not a database" in text
        or "malformed" in text
        or isinstance(exc, DatabaseError)
        and ("corrupt" in text)
    ):
        return StorageError(
            f"The database {where} is damaged. It has not been changed.",
            hint="Restore it from a backup, or ask IT for help.",
        )
    if isinstance(exc, OperationalError) and "unable to open" in text:
        return StorageError(
            f"The database {where} cannot be opened.",
            hint="Check that the folder exists and that you may write to it.",
        )
    return StorageError(
        f"The database {where} reported an error: {exc.__class__.__name__}.",
        hint="Try again; if it keeps happening, ask IT for help.",
    )
