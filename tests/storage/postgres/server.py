"""The PostgreSQL server the tests run against, and a fresh schema for each test.

``COGTRAIN_TEST_POSTGRES_URL`` names the server (``tools/postgres_for_tests.sh start``
prints one). When it is not set, the PostgreSQL legs are skipped and the reason says so
(``COGTRAIN_TEST_POSTGRES_SKIP_REASON`` carries CI's reason when the server could not be
started there). When it is set but the server does not answer, the PostgreSQL legs
FAIL: a configured server that is down is a broken test set-up, never a silent skip.

Each test gets its own empty schema in the test database, named in the URL it is handed
(``?options=-csearch_path=<schema>``), so the program, the migrations and any
subprocess that is given the URL all see only that schema. The schema is dropped after
the test. A schema is much cheaper than a database per test and just as isolated.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

ENV_URL = "COGTRAIN_TEST_POSTGRES_URL"
ENV_SKIP_REASON = "COGTRAIN_TEST_POSTGRES_SKIP_REASON"


def configured_url() -> str | None:
    return os.environ.get(ENV_URL) or None


def skip_reason() -> str:
    return os.environ.get(ENV_SKIP_REASON) or (
        f"PostgreSQL leg not run: {ENV_URL} is not set (start a test server with "
        f"`tools/postgres_for_tests.sh start` and export {ENV_URL} to the URL it prints)"
    )


def url_in_schema(base_url: str, schema: str) -> str:
    """``base_url`` with the connection's search_path set to ``schema`` only."""
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


class TestServer:
    """The configured server: an admin engine that makes and drops test schemas."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.engine: Engine = create_engine(
            base_url, poolclass=NullPool, connect_args={"connect_timeout": 5}
        )

    def check(self) -> None:
        """Fail (never skip) when the configured server does not answer."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", exc)).strip()
        shown = make_url(self.base_url).render_as_string(hide_password=True)
        pytest.fail(
            f"{ENV_URL} is set ({shown}) but that PostgreSQL server cannot be used: "
            f"{reason}. Start it with `tools/postgres_for_tests.sh start`, or unset the "
            "variable.",
            pytrace=False,
        )

    @contextmanager
    def fresh_schema(self) -> Iterator[str]:
        """An empty schema for one test, dropped afterwards; yields its URL."""
        schema = f"t_{uuid.uuid4().hex[:16]}"
        with self.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield url_in_schema(self.base_url, schema)
        finally:
            with self.engine.begin() as conn:
                # A connection a test forgot to close would block the drop for ever.
                conn.execute(text("SET LOCAL lock_timeout = '20s'"))
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    def close(self) -> None:
        self.engine.dispose()
