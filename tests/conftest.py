"""Shared fixtures: headless SDL, a language, and a fresh database per test (SQLite, and
PostgreSQL too for the storage, export and staff-desk tests)."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from cogtrain import i18n  # noqa: E402
from cogtrain.storage.engine import resolve_url  # noqa: E402
from cogtrain.storage.store import Store  # noqa: E402
from tests.storage.postgres.server import TestServer, configured_url, skip_reason  # noqa: E402


@pytest.fixture(autouse=True)
def _norwegian() -> Iterator[None]:
    i18n.set_language("nb")
    yield
    i18n.set_language("nb")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data or config folders."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.delenv("COGTRAIN_DATABASE_URL", raising=False)
    monkeypatch.delenv("COGTRAIN_LANG", raising=False)


# -- the database backends ------------------------------------------------------------
#
# The storage, export and staff-desk tests run twice: on SQLite (a file per test, as
# always) and on PostgreSQL (an empty schema per test on the server named by
# COGTRAIN_TEST_POSTGRES_URL; see tests/storage/postgres/server.py). Every other test
# gets SQLite only. The PostgreSQL leg is marked `postgres`, so `-m "not postgres"`
# leaves it out; a test that only makes sense on a SQLite file is marked `sqlite_only`,
# one about the PostgreSQL server `postgres_only` (its store is then on PostgreSQL).

BOTH_BACKENDS = ("tests/storage/", "tests/export/", "tests/staff/test_desk.py")
SQLITE_FILE_MODULES = ("test_backup", "test_power_cut", "fault")
"""Modules in those folders about the SQLite file itself (backups, power cuts, faults)."""
ONE_BACKEND_TESTS = {"test_the_bids_validator_finds_no_errors"}
"""Tests whose PostgreSQL leg would repeat the SQLite one byte for byte (the export is
proved identical on both by tests/export/test_export_backends.py)."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: runs against the PostgreSQL test server (the postgres leg)"
    )
    config.addinivalue_line(
        "markers", "sqlite_only: about the SQLite file itself; not run on PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "postgres_only: about the PostgreSQL server; its store fixture is on it"
    )


def _runs_on_both(metafunc: pytest.Metafunc) -> bool:
    where = Path(str(metafunc.definition.path)).resolve()
    rel = where.relative_to(Path(__file__).resolve().parent.parent).as_posix()
    if not rel.startswith(BOTH_BACKENDS) or any(m in where.stem for m in SQLITE_FILE_MODULES):
        return False
    if metafunc.definition.originalname in ONE_BACKEND_TESTS:
        return False
    return metafunc.definition.get_closest_marker("sqlite_only") is None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    postgres = pytest.param("postgres", marks=pytest.mark.postgres)
    if metafunc.definition.get_closest_marker("postgres_only") is not None:
        metafunc.parametrize("backend", [postgres], indirect=True)
    elif _runs_on_both(metafunc):
        metafunc.parametrize("backend", ["sqlite", postgres], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres``: which database this leg of the test runs on."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TestServer]:
    """The configured PostgreSQL test server: skipped (with the reason) when none is
    configured, failed when one is configured but does not answer."""
    base = configured_url()
    if base is None:
        pytest.skip(skip_reason())
    server = TestServer(base)
    server.check()
    yield server
    server.close()


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'cogtrain.sqlite3'}"
        return
    server: TestServer = request.getfixturevalue("postgres_server")
    with server.fresh_schema() as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(resolve_url(db_url))
    yield s
    s.close()


@pytest.fixture
def cheap_hashes() -> Iterator[None]:
    """Cheap argon2id parameters for the test (see tests/support/staff.py)."""
    from tests.support.staff import cheap_password_hashes

    with cheap_password_hashes():
        yield


@pytest.fixture
def desk_now():  # type: ignore[no-untyped-def]
    from tests.support.staff import DeskClock

    return DeskClock()


@pytest.fixture
def desk(store: Store, desk_now):  # type: ignore[no-untyped-def]
    """A staff desk on the test database, with every exercise and profile, on desk_now."""
    from cogtrain.staff.desk import StaffDesk

    return StaffDesk.with_exercises(store, now=desk_now)
