"""Bring a database to the newest schema with Alembic (both SQLite and PostgreSQL).

The same migration scripts run on both. On PostgreSQL several PCs may start at once
against a new or older database, so the upgrade first takes a transaction-level
advisory lock: one PC migrates, the others wait for it and then find nothing to do.
(SQLite needs no such lock: its first write already excludes every other writer.)
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

MIGRATION_LOCK_KEY = 0x636F67747261696E  # "cogtrain": the advisory lock one upgrade holds

_IN_PROCESS = threading.Lock()
"""Alembic keeps the running migration in module globals (``alembic.context``, ``op``),
so two threads of one program must never upgrade at once: on a PC with a shared
server the journal's sender and the staff side open the server at the same moment."""


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run pending migrations in one transaction (nothing half-migrated)."""
    cfg = alembic_config()
    with _IN_PROCESS, engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
