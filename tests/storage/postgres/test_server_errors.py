"""Starting without the server, and the server saying no: a clear message naming the URL
without its password and what to check, within seconds, and nothing changed.

The first tests need no PostgreSQL server at all (they aim at a closed port or a port
that never answers); the last ones use the test server with a wrong password or a
database that does not exist.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import make_url

import cogtrain.storage.engine as eng
from cogtrain.storage.engine import DatabaseUnreachableError, StorageError, resolve_url
from cogtrain.storage.store import Store

SECRET = "s3cret-Passord"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts the TCP connection but never says a word, like a
    server that hangs or a firewall that swallows the reply."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield s.getsockname()[1]


def assert_names_url_without_password(err: StorageError, port: int) -> None:
    text = f"{err.message}\n{err.hint}"
    assert SECRET not in text
    assert f"clinic:***@127.0.0.1:{port}/cogtrain" in err.message
    for what in ("server is running", "host name and port", "network", "password"):
        assert what in err.hint, what
    assert "Nothing has been changed" in err.hint


def test_a_closed_port_says_the_server_cannot_be_reached_at_once() -> None:
    port = closed_port()
    url = resolve_url(f"postgresql+psycopg://clinic:{SECRET}@127.0.0.1:{port}/cogtrain")
    started = time.monotonic()
    with pytest.raises(DatabaseUnreachableError) as err:
        Store.open(url)
    assert time.monotonic() - started < 3.0
    assert "cannot be reached" in err.value.message
    assert_names_url_without_password(err.value, port)
    assert SECRET not in str(err.value) and SECRET not in repr(err.value.__cause__)


def test_a_server_that_never_answers_times_out(
    silent_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connect timeout is set: libpq's smallest, 2 s, here (5 s in the program)."""
    monkeypatch.setattr(eng, "CONNECT_TIMEOUT_S", 2)
    url = resolve_url(f"postgresql+psycopg://clinic:{SECRET}@127.0.0.1:{silent_port}/cogtrain")
    started = time.monotonic()
    with pytest.raises(DatabaseUnreachableError) as err:
        Store.open(url)
    elapsed = time.monotonic() - started
    assert 1.5 <= elapsed < 6.0, elapsed
    assert_names_url_without_password(err.value, silent_port)


def test_the_program_asks_for_a_five_second_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}
    real = eng.create_engine

    def spy(url: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(url, **kwargs)

    monkeypatch.setattr(eng, "create_engine", spy)
    eng.make_engine(make_url("postgresql+psycopg://clinic@127.0.0.1/cogtrain")).dispose()
    assert seen["connect_args"] == {"connect_timeout": 5}
    assert seen["pool_pre_ping"] is True


def test_a_connect_timeout_in_the_url_is_kept(silent_port: int) -> None:
    url = resolve_url(
        f"postgresql+psycopg://clinic:{SECRET}@127.0.0.1:{silent_port}/cogtrain?connect_timeout=2"
    )
    started = time.monotonic()
    with pytest.raises(DatabaseUnreachableError):
        Store.open(url)
    assert time.monotonic() - started < 5.0


def _with(base: str, **parts: Any) -> str:
    return make_url(base).set(**parts).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_a_wrong_password_is_named_as_such(postgres_server: Any) -> None:
    url = resolve_url(_with(postgres_server.base_url, password=SECRET))
    with pytest.raises(StorageError) as err:
        Store.open(url)
    assert not isinstance(err.value, DatabaseUnreachableError)
    assert "refused the user name or password" in err.value.message
    assert SECRET not in str(err.value) and "***" in err.value.message


@pytest.mark.postgres
def test_a_missing_database_is_named_as_such(postgres_server: Any) -> None:
    url = resolve_url(_with(postgres_server.base_url, database="no_such_clinic"))
    with pytest.raises(StorageError) as err:
        Store.open(url)
    assert "has no such database" in err.value.message and "no_such_clinic" in err.value.message
    assert "password" not in err.value.message.lower() or "***" in err.value.message
