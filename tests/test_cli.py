"""The command line: clear errors with exit code 2, nothing stored changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cogtrain.cli import main


def test_unknown_language_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "sv", "db", "where"]) == 2
    err = capsys.readouterr().err
    assert "Unknown language 'sv'" in err and "nb, en" in err


def test_db_where_hides_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--database", "postgresql+psycopg://clinic:s3cret@db.local/cogtrain", "db", "where"])
        == 0
    )
    out = capsys.readouterr().out
    assert "s3cret" not in out and "clinic:***@db.local" in out


def test_damaged_database_file_is_named_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cogtrain.sqlite3"
    db.write_bytes(b"\x00garbage" * 100)
    before = db.read_bytes()
    assert main(["--database", f"sqlite:///{db}", "db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert str(db) in err and "backup" in err
    assert db.read_bytes() == before


def test_bad_settings_file_names_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('langauge = "en"\n', encoding="utf-8")
    monkeypatch.setenv("COGTRAIN_CONFIG", str(cfg))
    assert main(["db", "where"]) == 2
    err = capsys.readouterr().err
    assert str(cfg) in err and "'langauge'" in err and "language" in err


def test_settings_file_language_and_precedence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cogtrain.config import load_settings

    cfg = tmp_path / "config.toml"
    cfg.write_text('language = "en"\nfullscreen = true\n', encoding="utf-8")
    monkeypatch.setenv("COGTRAIN_CONFIG", str(cfg))
    assert load_settings().language == "en"
    assert load_settings(lang="nb").language == "nb"
    assert load_settings().fullscreen is True


def test_levels_reset_for_unknown_participant(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "--database",
                db_url,
                "levels",
                "reset",
                "--participant",
                "NOPE",
                "--exercise",
                "symbol_coding",
            ]
        )
        == 2
    )
    assert "No participant has the code 'NOPE'" in capsys.readouterr().err


@pytest.mark.slow
def test_program_starts_creates_demo_and_draws(tmp_path: Path) -> None:
    """The real entry point, in a fresh process: first screen drawn, demo participant made."""
    db = tmp_path / "fresh.sqlite3"
    env = {
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "COGTRAIN_DATABASE_URL": f"sqlite:///{db}",
    }
    r = subprocess.run(
        [sys.executable, "-m", "cogtrain", "--exit-after-frames", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "frames drawn: 3" in r.stdout
    import sqlite3

    with sqlite3.connect(db) as raw:
        assert raw.execute("select code from participant").fetchall() == [("DEMO-01",)]
