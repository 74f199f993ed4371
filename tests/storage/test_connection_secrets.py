"""Connection settings never show a password, and a settings file holding one must be
private to its owner; `cogtrain db upgrade` runs the same migrations on both backends."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from cogtrain.cli import main
from cogtrain.config import ConfigError, load_settings, url_has_password
from cogtrain.storage import migrate
from cogtrain.storage.engine import resolve_url

SECRET = "s3cret-Passord"
PG_URL = f"postgresql+psycopg://clinic:{SECRET}@127.0.0.1:1/cogtrain"

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")


def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, mode: int) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'database_url = "{url}"\n', encoding="utf-8")
    cfg.chmod(mode)
    monkeypatch.setenv("COGTRAIN_CONFIG", str(cfg))
    return cfg


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_readable_settings_file_with_a_password_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    cfg = settings_file(tmp_path, monkeypatch, PG_URL, mode)
    before = cfg.read_bytes()
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(cfg) in err.value.message and f"{mode:04o}" in err.value.message
    assert f"chmod 600 {cfg}" in err.value.hint
    assert SECRET not in str(err.value)
    assert cfg.read_bytes() == before and cfg.stat().st_mode & 0o777 == mode


@posix_only
def test_a_private_settings_file_or_one_without_a_password_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file(tmp_path, monkeypatch, PG_URL, 0o600)
    assert load_settings().database_url == PG_URL
    no_password = "postgresql+psycopg://clinic@db.klinikk.local/cogtrain"
    settings_file(tmp_path, monkeypatch, no_password, 0o644)
    assert load_settings().database_url == no_password


def test_passwords_are_found_in_the_user_part_and_the_query() -> None:
    assert url_has_password(PG_URL)
    assert url_has_password("postgresql+psycopg://clinic@h/db?password=x")
    assert not url_has_password("postgresql+psycopg://clinic@h/db")
    assert not url_has_password("sqlite:////srv/cogtrain.sqlite3")


def test_db_where_never_prints_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COGTRAIN_DATABASE_URL", PG_URL)
    assert main(["db", "where"]) == 0
    out = capsys.readouterr()
    assert "clinic:***@127.0.0.1:1/cogtrain" in out.out
    assert SECRET not in out.out + out.err


def test_db_upgrade_without_the_server_says_what_to_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COGTRAIN_DATABASE_URL", PG_URL)
    assert main(["db", "upgrade"]) != 0
    out = capsys.readouterr()
    assert "cannot be reached" in out.err and "clinic:***@127.0.0.1:1" in out.err
    assert "server is running" in out.err
    assert SECRET not in out.out + out.err


def test_db_upgrade_migrates_an_empty_database(
    db_url: str, backend: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The migrations 0001-head, from the same scripts, through the command IT would run."""
    monkeypatch.setenv("COGTRAIN_DATABASE_URL", db_url)
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "is up to date" in out
    if backend == "postgres":
        assert "***" in out and "cogtrain_test:cogtrain_test@" not in out
    engine = create_engine(resolve_url(db_url), poolclass=NullPool)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"participant", "trial", "goal", "audit_event", "assessment_score"} <= tables
    finally:
        engine.dispose()


def test_saving_the_url_makes_an_owner_only_file_and_keeps_other_settings(
    tmp_path: Path,
) -> None:
    from cogtrain.config import read_config_file, save_setting

    path = tmp_path / "cfg" / "config.toml"
    path.parent.mkdir()
    path.write_text('language = "en"\nfullscreen = true\n', encoding="utf-8")
    path.chmod(0o644)
    url = 'postgresql+psycopg://trener:p"w\\ø@db.klinikk:5432/cogtrain'
    assert save_setting("database_url", url, path) == path
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_config_file(path) == {"language": "en", "fullscreen": True, "database_url": url}
    assert not [p for p in path.parent.iterdir() if p.name != "config.toml"]  # no temp file


def test_an_unreadable_settings_file_is_not_replaced(tmp_path: Path) -> None:
    from cogtrain.config import ConfigError, save_setting

    path = tmp_path / "config.toml"
    path.write_bytes(b"language = \xff\n")
    with pytest.raises(ConfigError, match="was not changed"):
        save_setting("database_url", "sqlite:///x.sqlite3", path)
    assert path.read_bytes() == b"language = \xff\n"
