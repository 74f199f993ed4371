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
    from cogtrain.storage import damaged

    [aside] = damaged.aside_paths(db)
    assert aside.read_bytes() == before and not db.exists()
    # Started again: the same message, and no empty database in the damaged one's place.
    assert main(["--database", f"sqlite:///{db}", "db", "upgrade"]) == 2
    assert str(aside) in capsys.readouterr().err and not db.exists()


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


def test_plan_set_and_show_with_overrides(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from cogtrain.storage.engine import resolve_url
    from cogtrain.storage.store import Store

    s = Store.open(resolve_url(db_url))
    s.add_participant("P-0427")
    s.close()
    good = tmp_path / "p0427.toml"
    good.write_text('session_minutes = 45\nexclude = ["reaction"]\n', encoding="utf-8")
    base = ["--database", db_url, "plan"]
    assert main([*base, "set", "--participant", "P-0427", "--profile", "attention-focus",
                 "--overrides", str(good)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "P-0427: attention-focus" in out and "sessions of 45 min" in out
    assert "excluded: reaction" in out

    # Bad overrides, an unknown profile, an unknown code: refused, nothing changed.
    bad = tmp_path / "bad.toml"
    bad.write_text("session_minutes = 7\n", encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text("session_minutes = \n", encoding="utf-8")
    for args, says in [
        (["--profile", "jmo-standard", "--overrides", str(bad)], "15 to 90"),
        (["--profile", "jmo-standard", "--overrides", str(broken)], "not valid TOML"),
        (
            ["--profile", "jmo-standard", "--overrides", str(tmp_path / "none.toml")],
            "cannot be read",
        ),
        (["--profile", "nope"], "no profile 'nope'"),
    ]:
        assert main([*base, "set", "--participant", "P-0427", *args]) == 2
        assert says in capsys.readouterr().err
    assert main([*base, "set", "--participant", "P-9", "--profile", "jmo-standard"]) == 2
    assert "No participant has the code 'P-9'" in capsys.readouterr().err
    assert main([*base, "show", "--participant", "P-0427"]) == 0
    out = capsys.readouterr().out
    assert "P-0427: attention-focus" in out and "sessions of 45 min" in out


def test_user_add_list_and_unlock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from argon2 import PasswordHasher

    from cogtrain.staff import passwords
    from cogtrain.storage.engine import resolve_url
    from cogtrain.storage.store import Store

    old = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
        base = ["--lang", "en", "--database", db, "user"]
        monkeypatch.setattr("sys.stdin", io.StringIO("korrekt hest batteri\n"))
        assert (
            main(
                [
                    *base,
                    "add",
                    "--username",
                    "Anne",
                    "--name",
                    "Anne Admin",
                    "--role",
                    "admin",
                    "--password-stdin",
                ]
            )
            == 0
        )
        assert "Created the admin account anne" in capsys.readouterr().out
        # Too short a password: a specific message, nothing stored.
        monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
        assert (
            main(
                [
                    *base,
                    "add",
                    "--username",
                    "kari",
                    "--name",
                    "Kari",
                    "--role",
                    "consultant",
                    "--password-stdin",
                ]
            )
            == 2
        )
        err = capsys.readouterr().err
        assert "password" in err and "at least 10" in err and "Nothing was saved" in err
        # The same user name twice is refused.
        monkeypatch.setattr("sys.stdin", io.StringIO("korrekt hest batteri\n"))
        assert (
            main(
                [
                    *base,
                    "add",
                    "--username",
                    "anne",
                    "--name",
                    "Anne 2",
                    "--role",
                    "admin",
                    "--password-stdin",
                ]
            )
            == 2
        )
        assert main([*base, "list"]) == 0
        out = capsys.readouterr().out
        assert "anne" in out and "Anne Admin" in out and "kari" not in out
        assert "argon2" not in out and "batteri" not in out
        store = Store.open(resolve_url(db))
        try:
            row = store.staff.user_by_username("anne")
            assert row is not None
            from datetime import UTC, datetime, timedelta

            from cogtrain.storage.staff_records import AuditEntry

            store.staff.record_login(
                row.id,
                failed_attempts=0,
                locked_until=datetime.now(UTC) + timedelta(minutes=15),
                success=False,
                audit=AuditEntry(row.id, "anne", "login", "failed"),
                now=datetime.now(UTC),
            )
        finally:
            store.close()
        assert main([*base, "list"]) == 0
        assert "locked until" in capsys.readouterr().out
        assert main([*base, "unlock", "--username", "anne"]) == 0
        assert main([*base, "list"]) == 0
        assert "locked until" not in capsys.readouterr().out
        assert main([*base, "unlock", "--username", "nobody"]) == 2
        assert "no staff account called 'nobody'" in capsys.readouterr().err
    finally:
        passwords.use_hasher(old)


def test_report_command_logs_in_checks_the_role_and_writes_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from cogtrain.staff.desk import StaffDesk
    from cogtrain.staff.forms import ParticipantDraft, StaffUserDraft
    from cogtrain.storage.engine import resolve_url
    from cogtrain.storage.store import Store
    from tests.support.staff import cheap_password_hashes

    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    pw = "korrekt hest batteri"
    with cheap_password_hashes():
        store = Store.open(resolve_url(db))
        desk = StaffDesk.with_exercises(store)
        desk.create_first_admin(StaffUserDraft("anne", "Anne", "admin", pw, pw))
        desk.login("anne", pw).add_user(StaffUserDraft("kari", "Kari", "consultant", pw, pw))
        desk.login("kari", pw).create_participant(
            ParticipantDraft("JMO-014", "jmo-standard", "02.11.2026", "nb")
        )
        store.close()
        base = ["--lang", "en", "--database", db, "report", "JMO-014", "--password-stdin"]
        out = tmp_path / "r.pdf"
        monkeypatch.setattr("sys.stdin", io.StringIO(pw + "\n"))
        assert main([*base, "--user", "anne", "--out", str(out)]) == 2  # admins read no records
        assert "do not open participant records" in capsys.readouterr().err
        assert not out.exists()
        monkeypatch.setattr("sys.stdin", io.StringIO("wrong password\n"))
        assert main([*base, "--user", "kari", "--out", str(out)]) == 2
        assert "not right" in capsys.readouterr().err and not out.exists()
        monkeypatch.setattr("sys.stdin", io.StringIO(pw + "\n"))
        assert main([*base, "--user", "kari", "--out", str(out)]) == 0
        assert out.read_bytes().startswith(b"%PDF")
        assert not list(tmp_path.glob("*.part"))
        monkeypatch.setattr("sys.stdin", io.StringIO(pw + "\n"))
        assert main([*base, "--user", "kari", "--out", str(out)]) == 2  # never overwritten
        assert "already exists" in capsys.readouterr().err
        store = Store.open(resolve_url(db))
        actions = [(r.actor_name, r.action, r.outcome) for r in store.staff.audit_log(limit=20)]
        store.close()
        assert ("kari", "report_print", "ok") in actions
        assert ("anne", "report_print", "denied") in actions


def test_export_command_only_for_who_may_export_and_audited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    from datetime import UTC, datetime

    from cogtrain.staff.desk import StaffDesk
    from cogtrain.staff.forms import ParticipantDraft, StaffUserDraft
    from cogtrain.storage.engine import resolve_url
    from cogtrain.storage.store import Store
    from cogtrain.training.staircase import StaircaseState
    from tests.support.staff import cheap_password_hashes

    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    pw = "korrekt hest batteri"
    with cheap_password_hashes():
        store = Store.open(resolve_url(db))
        desk = StaffDesk.with_exercises(store)
        desk.create_first_admin(StaffUserDraft("anne", "Anne", "admin", pw, pw))
        admin = desk.login("anne", pw)
        admin.add_user(StaffUserDraft("kari", "Kari", "consultant", pw, pw))
        admin.add_user(StaffUserDraft("nils", "Nils", "neuropsychologist", pw, pw))
        p = desk.login("kari", pw).create_participant(
            ParticipantDraft("JMO-014", "jmo-standard", "02.11.2026", "nb")
        )
        t = datetime(2026, 11, 30, 9, tzinfo=UTC)
        sid = store.start_session(p.id, now=t)
        state = StaircaseState(value=2.0, min_level=1, max_level=12)
        bid = store.start_block(
            sid,
            exercise_id="symbol_coding",
            is_practice=False,
            seed=1,
            start=state,
            start_level=2,
            now=t,
        )
        store.end_block(
            bid,
            status="completed",
            active_ms=60_000.0,
            participant_id=p.id,
            end_state=state,
            end_level=2,
            now=t,
        )
        store.close()
        base = ["--lang", "en", "--database", db, "export", "--password-stdin"]
        out = tmp_path / "dataset"
        monkeypatch.setattr("sys.stdin", io.StringIO(pw + "\n"))
        assert main([*base, "--user", "kari", "--out", str(out)]) == 2
        assert "neuropsychologist" in capsys.readouterr().err and not out.exists()
        monkeypatch.setattr("sys.stdin", io.StringIO(pw + "\n"))
        assert main([*base, "--user", "nils", "--out", str(out)]) == 0
        assert "Exported 1 participants" in capsys.readouterr().out
        assert (out / "dataset_description.json").is_file()
        store = Store.open(resolve_url(db))
        rows = store.staff.audit_log(limit=50)
        store.close()
        exports = [
            (r.actor_name, r.outcome, r.participant_code) for r in rows if r.action == "export_data"
        ]
        assert ("kari", "denied", None) in exports
        assert ("nils", "ok", "JMO-014") in exports  # the participant's trail shows it
        assert ("nils", "ok", None) in exports


def test_the_window_cannot_be_made_smaller_than_the_screens_need_nor_than_the_desktop() -> None:
    import pygame

    from cogtrain.cli import _keep_window_at_least

    pygame.display.init()
    try:
        pygame.display.set_mode((1024, 768), pygame.RESIZABLE)
        desktop = pygame.display.get_desktop_sizes()[0]
        _keep_window_at_least((800, 600))
        with pytest.warns(DeprecationWarning):  # see _keep_window_at_least
            window = pygame.Window.from_display_module()
        assert window.minimum_size == (min(800, desktop[0]), min(600, desktop[1]))
        _keep_window_at_least((desktop[0] + 500, desktop[1] + 500))
        assert window.minimum_size == desktop
    finally:
        pygame.display.quit()


# -- cogtrain db use ---------------------------------------------------------------------


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cfg = tmp_path / "cfg" / "config.toml"
    monkeypatch.setenv("COGTRAIN_CONFIG", str(cfg))
    monkeypatch.delenv("COGTRAIN_DATABASE_URL", raising=False)
    return cfg


def test_db_use_checks_the_database_then_saves_it_for_the_owner_only(
    tmp_path: Path, settings_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('language = "en"\n', encoding="utf-8")
    db = tmp_path / "clinic.sqlite3"
    assert main(["--database", f"sqlite:///{db}", "db", "upgrade"]) == 0
    capsys.readouterr()

    assert main(["db", "use", f"sqlite:///{db}"]) == 0
    out = capsys.readouterr().out
    assert f"cogtrain now uses sqlite:///{db}." in out and "Database: up to date." in out
    assert settings_file.stat().st_mode & 0o777 == 0o600
    text = settings_file.read_text(encoding="utf-8")
    assert f'database_url = "sqlite:///{db}"' in text and 'language = "en"' in text
    assert main(["db", "where"]) == 0
    assert capsys.readouterr().out.strip() == f"sqlite:///{db}"

    fresh = tmp_path / "new.sqlite3"
    assert main(["db", "use", f"sqlite:///{fresh}"]) == 0
    assert "a new file, made when cogtrain first starts" in capsys.readouterr().out
    assert not fresh.exists()  # made by the program, not by saving the setting


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql+psycopg://clinic:s3cret@127.0.0.1:9/cogtrain", "cannot be reached"),
        ("mysql://clinic:s3cret@db.local/cogtrain", "SQLite"),
        ("sqlite:////no/such/folder/x.sqlite3", "does not exist"),
        ("not a url", "not valid"),
        ("  ", "empty"),
    ],
)
def test_db_use_refuses_what_cannot_work_and_saves_nothing(
    settings_file: Path, capsys: pytest.CaptureFixture[str], url: str, problem: str
) -> None:
    assert main(["db", "use", url]) == 2
    err = capsys.readouterr().err
    assert problem in err and "s3cret" not in err
    assert not settings_file.exists()


def test_db_use_no_check_saves_a_server_not_there_yet_and_says_what_wins(
    settings_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COGTRAIN_DATABASE_URL", "sqlite:////tmp/other.sqlite3")
    url = "postgresql+psycopg://clinic:s3cret@127.0.0.1:9/cogtrain"
    assert main(["db", "use", "--no-check", url]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out and "not checked" in out
    assert "COGTRAIN_DATABASE_URL is set in this shell" in out
    assert settings_file.stat().st_mode & 0o777 == 0o600
    assert url in settings_file.read_text(encoding="utf-8")


def test_a_backup_to_a_path_that_is_not_utf8_is_made_and_its_path_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by test_cli_properties: the backup was written, then printing its path
    (a lone surrogate from a non-UTF-8 file name) raised on the strict standard output."""
    db = tmp_path / "clinic.sqlite3"
    assert main(["--database", f"sqlite:///{db}", "db", "upgrade"]) == 0
    capsys.readouterr()
    out = tmp_path / "\udcff-backup.sqlite3"
    assert main(["--database", f"sqlite:///{db}", "backup", "--out", str(out)]) == 0
    assert out.exists()
    printed = capsys.readouterr().out
    assert "\\udcff-backup.sqlite3" in printed and "integrity check ok" in printed
