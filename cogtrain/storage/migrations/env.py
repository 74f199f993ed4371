"""Alembic environment: runs on the connection cogtrain hands it (see migrate.py)."""

from __future__ import annotations

from alembic import context

from cogtrain.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from cogtrain.storage.engine import make_engine, resolve_url

        engine = make_engine(resolve_url(config.get_main_option("sqlalchemy.url")))
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("cogtrain migrations run online only: use `cogtrain db upgrade`.")
run_migrations_online()
