"""Shared fixtures: headless SDL, a language, and a fresh SQLite database per test."""

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


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cogtrain.sqlite3'}"


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
