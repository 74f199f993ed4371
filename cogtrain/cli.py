"""Command line: ``cogtrain`` starts the program; subcommands do staff and admin tasks.

Every failure prints what was wrong and what to do, and exits non-zero (2) without
changing anything already stored.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cogtrain import __version__
from cogtrain.config import load_settings
from cogtrain.errors import CogtrainError

log = logging.getLogger("cogtrain")

EXIT_USER_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cogtrain", description="Cognitive training (JMO).")
    p.add_argument("--version", action="version", version=f"cogtrain {__version__}")
    p.add_argument("--lang", help="language: nb (default) or en")
    p.add_argument(
        "--database",
        help="SQLAlchemy database URL (default: SQLite in the "
        "user data folder; or set COGTRAIN_DATABASE_URL)",
    )
    p.add_argument("--fullscreen", action="store_true", default=None, help="use the whole screen")
    # For smoke tests and the cold-start benchmark: quit after drawing N frames.
    p.add_argument("--exit-after-frames", type=int, default=None, help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="start the training program (the default)")

    shot = sub.add_parser("screenshot", help="render every screen to PNG files")
    shot.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    shot.add_argument("--size", default="1024x768", help="window size, e.g. 1920x1080")
    shot.add_argument("--exercise", default="symbol_coding", help="exercise id")

    db = sub.add_parser("db", help="database tasks")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="bring the database schema up to date")
    db_sub.add_parser("where", help="print which database is used (never the password)")
    use = db_sub.add_parser(
        "use", help="save which database to use in the settings file (readable by you only)"
    )
    use.add_argument("url", help="sqlite:///FILE or postgresql+psycopg://user@host/dbname")
    use.add_argument(
        "--no-check", action="store_true", help="save it without connecting to it first"
    )

    bk = sub.add_parser("backup", help="make a checked copy of the database now")
    bk.add_argument(
        "--out",
        type=Path,
        default=None,
        help="file or folder (default: the backups folder beside the database)",
    )
    rs = sub.add_parser("restore", help="replace the database with a backup (checked first)")
    rs.add_argument("file", type=Path, help="the backup file")

    levels = sub.add_parser("levels", help="participants' saved levels")
    lv_sub = levels.add_subparsers(dest="levels_command", required=True)
    reset = lv_sub.add_parser("reset", help="start an exercise again from level 1")
    reset.add_argument("--participant", required=True, help="participant code")
    reset.add_argument("--exercise", required=True, help="exercise id, e.g. symbol_coding")
    user = sub.add_parser("user", help="staff accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    uadd = user_sub.add_parser("add", help="create a staff account (asks for the password)")
    uadd.add_argument("--username", required=True, help="log-in name, e.g. kari.n")
    uadd.add_argument("--name", required=True, help="the name other staff see")
    uadd.add_argument("--role", required=True, choices=["consultant", "neuropsychologist", "admin"])
    uadd.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    user_sub.add_parser("list", help="list the staff accounts (never passwords)")
    unlock = user_sub.add_parser("unlock", help="unlock an account after too many wrong passwords")
    unlock.add_argument("--username", required=True)

    rep = sub.add_parser("report", help="a participant's printable progress report")
    rep.add_argument("code", help="participant code")
    rep.add_argument("--user", required=True, help="your staff user name (asks the password)")
    rep.add_argument("--out", type=Path, required=True, help="file to write: .pdf or .html")
    rep.add_argument("--notes", action="store_true", help="include the notes (free text)")
    rep.add_argument("--password-stdin", action="store_true", help=argparse.SUPPRESS)

    ex = sub.add_parser("export", help="write a de-identified BIDS dataset for research")
    ex.add_argument("--user", required=True, help="your staff user name (asks the password)")
    ex.add_argument("--out", type=Path, required=True, help="new folder, or a file ending .zip")
    ex.add_argument(
        "--participant",
        action="append",
        dest="participants",
        metavar="CODE",
        help="only this participant (repeatable; default: everyone)",
    )
    ex.add_argument("--include-free-text", action="store_true", help="notes, comments, goal texts")
    ex.add_argument("--include-dates", action="store_true", help="dates, not day counts")
    ex.add_argument("--key-file", type=Path, default=None, help="write the label -> code key here")
    ex.add_argument("--password-stdin", action="store_true", help=argparse.SUPPRESS)

    plan = sub.add_parser("plan", help="a participant's training plan")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)
    show = plan_sub.add_parser("show", help="print the plan a participant trains")
    show.add_argument("--participant", required=True, help="participant code")
    pset = plan_sub.add_parser("set", help="give a participant a profile (and overrides)")
    pset.add_argument("--participant", required=True, help="participant code")
    pset.add_argument("--profile", required=True, help="profile id, e.g. jmo-standard")
    pset.add_argument(
        "--overrides",
        type=Path,
        default=None,
        help="TOML file with this participant's changes (session_minutes, "
        "sessions_per_week, training_days, exclude, warm_up)",
    )
    return p


def _participant_by_code(store, code: str):  # type: ignore[no-untyped-def]
    match = [p for p in store.participants(active_only=False) if p.code == code]
    if not match:
        raise CogtrainError(
            f"No participant has the code {code!r}.",
            hint="Check the code (it is case-sensitive).",
        )
    return match[0]


def _plan_command(database: str | None, args) -> int:  # type: ignore[no-untyped-def]
    """Show or set a participant's plan. Everything is checked before anything is stored."""
    import exercises
    from cogtrain.training.plans import (
        apply_overrides,
        parse_overrides,
        read_overrides_file,
        with_overrides,
    )

    known = [e.exercise_id for e in exercises.EXERCISES]
    profiles = _load_profiles()
    store = _open_store(database)
    try:
        p = _participant_by_code(store, args.participant)
        if args.plan_command == "set":
            plan = profiles.get(args.profile)
            raw = None
            if args.overrides is not None:
                source = str(args.overrides)
                raw = read_overrides_file(args.overrides)
                overrides = parse_overrides(raw, source=source, known_exercise_ids=known)
                apply_overrides(plan, overrides, known_exercise_ids=known)  # fits together?
            store.set_participant_plan(p.id, plan.profile_id, raw)
            p = _participant_by_code(store, args.participant)
        plan = with_overrides(
            profiles.get(p.plan_profile),
            p.plan_overrides,
            source=f"overrides of {p.code}",
            known_exercise_ids=known,
        )
        days = ", ".join(
            ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d - 1] for d in plan.training_days
        )
        print(f"{p.code}: {plan.profile_id} ({plan.name('en')})")
        print(f"  {plan.total_hours:g} hours, {plan.sessions_per_week} sessions a week ({days})")
        print(f"  sessions of {plan.session_minutes} min, blocks of {plan.block_minutes} min")
        if plan.exclude:
            print(f"  excluded: {', '.join(plan.exclude)}")
        if p.plan_overrides:
            print(f"  overrides: {', '.join(sorted(p.plan_overrides))}")
        return 0
    finally:
        store.close()


def _staff_desk(store):  # type: ignore[no-untyped-def]
    from cogtrain.staff.desk import StaffDesk

    return StaffDesk.with_exercises(store, profiles=_load_profiles())


def _staff_login(desk, username: str, password_stdin: bool):  # type: ignore[no-untyped-def]
    """Log a staff member in on the command line: the same checks, lockout and audit."""
    import getpass

    password = (
        sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("Password: ")
    )
    return desk.login(username, password)


def _export_command(settings, args) -> int:  # type: ignore[no-untyped-def]
    """The de-identified export, by a staff member who may export (the role table)."""

    def bar(done: int, total: int) -> None:
        if sys.stderr.isatty() and total:
            n = 30 * done // total
            print(f"\r[{'#' * n}{'.' * (30 - n)}] {done}/{total} trials", end="", file=sys.stderr)

    store = _open_store(settings.database_url)
    try:
        session = _staff_login(_staff_desk(store), args.user, args.password_stdin)
        r = session.export(
            args.out,
            participant_codes=args.participants,
            include_free_text=args.include_free_text,
            include_dates=args.include_dates,
            key_file=args.key_file,
            progress=bar,
        )
        session.logout(reason="command_line")
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(f"Exported {r.n_participants} participants, {r.n_trials} trials to {r.path}.")
        return 0
    finally:
        store.close()


def _report_command(settings, args) -> int:  # type: ignore[no-untyped-def]
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".html"):
        raise CogtrainError(
            f"The report file {args.out} must end in .pdf or .html.",
            hint="For example --out JMO-014.pdf",
        )
    if args.out.exists():
        raise CogtrainError(
            f"{args.out} already exists; it was left as it is.",
            hint="Choose another file name, or move the old report first.",
        )
    store = _open_store(settings.database_url)
    try:
        desk = _staff_desk(store)
        session = _staff_login(desk, args.user, args.password_stdin)
        from cogtrain.staff.forms import unstorable_char

        code = args.code.strip().upper()
        rec = None if unstorable_char(code) else desk.records.participant_by_code(code)
        if rec is None:
            raise CogtrainError(
                f"No participant has the code {args.code!r}.",
                hint="Check the code on the participant list.",
            )
        body = session.report(rec.id, pdf=suffix == ".pdf", include_notes=args.notes)
        session.logout(reason="command_line")
        tmp = args.out.with_name(args.out.name + ".part")
        tmp.write_bytes(body)
        tmp.replace(args.out)  # never a half-written report under the real name
        print(f"Wrote the progress report of {rec.code} to {args.out}.")
        return 0
    finally:
        store.close()


def _user_command(database: str | None, args) -> int:  # type: ignore[no-untyped-def]
    """Staff accounts from the command line (first set-up, or a locked-out admin)."""
    import getpass

    from cogtrain.staff.forms import FormErrors, StaffUserDraft
    from cogtrain.staff.roles import role_label

    store = _open_store(database)
    try:
        desk = _staff_desk(store)
        if args.user_command == "list":
            for u in desk.records.users():
                state = "active" if u.active else "switched off"
                if u.locked_until is not None:
                    state += f", locked until {u.locked_until:%Y-%m-%d %H:%M} UTC"
                print(f"{u.username:<24} {u.display_name:<32} {role_label(u.role)} ({state})")
            return 0
        if args.user_command == "unlock":
            desk.unlock_from_command_line(args.username)
            print(f"Unlocked {args.username}.")
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
            again = password
        else:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("The password again: ")
        try:
            made = desk.add_user_from_command_line(
                StaffUserDraft(args.username, args.name, args.role, password, again)
            )
        except FormErrors as exc:
            for err in exc.errors:
                print(f"cogtrain: {err.field}: {err.message}", file=sys.stderr)
            print("  Nothing was saved.", file=sys.stderr)
            return EXIT_USER_ERROR
        print(f"Created the {args.role} account {made.username} ({made.display_name}).")
        return 0
    finally:
        store.close()


def _open_store(database: str | None):  # type: ignore[no-untyped-def]
    """Open the database. A file whose header and schema read but which SQLite finds
    damaged while migrating is set aside here, like one found damaged before opening
    (see cogtrain.storage.damaged): never used, never repaired in place."""
    from cogtrain.storage import damaged
    from cogtrain.storage.engine import resolve_url
    from cogtrain.storage.store import Store

    try:
        return Store.open(resolve_url(database))
    except damaged.DamagedDatabaseError as exc:
        raise damaged.set_aside_error(exc) from exc


def _open_program_stores(database: str | None):  # type: ignore[no-untyped-def]
    """The stores this run trains and works on (a shared server adds the PC's journal)."""
    from cogtrain.storage.engine import resolve_url
    from cogtrain.storage.program_stores import open_program_stores

    return open_program_stores(resolve_url(database))


def _run_program(settings, exit_after_frames: int | None = None) -> int:  # type: ignore[no-untyped-def]
    stores = _open_program_stores(settings.database_url)
    try:
        report = stores.training.recover_interrupted()
        if report.interrupted_sessions:
            log.warning(
                "marked %d interrupted session(s) from an earlier run",
                len(report.interrupted_sessions),
            )
        if stores.server is not None:
            stores.server.ensure_demo_participant()
        _daily_backup(stores.url)

        import pygame

        from cogtrain.i18n import _
        from cogtrain.runtime import theme as th
        from cogtrain.runtime.app import App
        from cogtrain.runtime.clock import MonotonicClock
        from cogtrain.runtime.flow import ProgramFlow

        pygame.display.init()  # no mixer: cogtrain makes no sound yet
        pygame.font.init()
        try:
            flags = pygame.FULLSCREEN if settings.fullscreen else pygame.RESIZABLE
            size = (0, 0) if settings.fullscreen else th.DEFAULT_WINDOW
            pygame.display.set_mode(size, flags)
            _keep_window_at_least(th.MIN_WINDOW)
            pygame.display.set_caption(str(_("cogtrain – cognitive training")))
            pygame.key.set_repeat()  # no auto-repeat: one press is one answer
            app = App(MonotonicClock())
            ProgramFlow(
                app,
                stores.training,
                server=stores.server,
                connect_server=stores.connect_server,
                profiles=_load_profiles(),
            ).show_start()
            app.run(max_frames=exit_after_frames)
            if exit_after_frames is not None:
                print(f"frames drawn: {app.frames}", flush=True)
        finally:
            pygame.quit()
    finally:
        stores.close()
    return 0


def _load_profiles():  # type: ignore[no-untyped-def]
    """The training-plan profiles; a bad file is reported here and skipped, never fatal."""
    import exercises
    from cogtrain.training.plans import load_profiles

    profiles = load_profiles(known_exercise_ids=[e.exercise_id for e in exercises.EXERCISES])
    for err in profiles.errors:
        print(f"cogtrain: skipped a training-plan profile: {err.message}", file=sys.stderr)
    return profiles


def _backups_folder(url) -> Path:  # type: ignore[no-untyped-def]
    from cogtrain.storage.engine import sqlite_path

    db = sqlite_path(url)
    assert db is not None
    return db.parent / "backups"


def _db_use(raw_url: str, *, check: bool) -> int:
    """``cogtrain db use URL``: check the URL (and, unless told not to, that the
    database answers), then save it as ``database_url`` in the settings file.

    Nothing is saved when the check fails, so a mistyped host never leaves the program
    unable to start; ``--no-check`` is for setting up a PC before the server exists."""
    from sqlalchemy.exc import SQLAlchemyError

    from cogtrain.config import ENV_CONFIG, config_path, save_setting
    from cogtrain.storage import migrate
    from cogtrain.storage.engine import (
        ENV_URL,
        StorageError,
        describe,
        make_engine,
        resolve_url,
        sqlite_path,
        translate_db_error,
    )

    if not raw_url.strip():
        raise StorageError(
            "The database URL is empty.",
            hint="For example: cogtrain db use postgresql+psycopg://cogtrain@db.clinic/cogtrain",
        )
    url = resolve_url(raw_url)
    engine = make_engine(url)  # an unknown kind of database stops here, with what works
    schema = "not checked (--no-check)"
    try:
        local = sqlite_path(url)
        if check and local is not None and not local.exists():
            if not local.parent.is_dir():
                raise StorageError(
                    f"The folder {local.parent} does not exist, so the database {local} "
                    "cannot be made there.",
                    hint="Make the folder first, or give another path. Nothing was saved.",
                )
            schema = "a new file, made when cogtrain first starts"
        elif check:
            try:  # reading the schema's revision is the connection check
                current = migrate.current_revision(engine)
            except SQLAlchemyError as exc:  # its hint says that nothing was changed
                raise translate_db_error(exc, url) from exc
            if current is None:
                schema = "empty: cogtrain makes its tables when it first starts"
            elif current == migrate.head_revision():
                schema = "up to date"
            else:
                schema = "older than this cogtrain: run `cogtrain db upgrade`"
    finally:
        engine.dispose()
    path = save_setting("database_url", raw_url)
    print(f"cogtrain now uses {describe(url)}.")
    print(f"  Saved in {path} (readable by you only). Database: {schema}.")
    if os.environ.get(ENV_URL):
        print(
            f"  Note: {ENV_URL} is set in this shell and is used instead of the settings "
            "file until it is unset.",
        )
    if os.environ.get(ENV_CONFIG):
        print(f"  ({ENV_CONFIG} chooses the settings file: {config_path()}.)")
    return 0


def _keep_window_at_least(size: tuple[int, int]) -> None:
    """Stop the window being dragged smaller than the screens were laid out for
    (``size``), or than the desktop where that is smaller (a 1024x600 netbook)."""
    import warnings

    import pygame

    desktop_w, desktop_h = pygame.display.get_desktop_sizes()[0]
    with warnings.catch_warnings():
        # pygame-ce 2.5 warns that drawing through a Window made this way will go; the
        # display module still draws here, and the Window only carries the minimum.
        warnings.simplefilter("ignore", DeprecationWarning)
        window = pygame.Window.from_display_module()
    window.minimum_size = (min(size[0], desktop_w), min(size[1], desktop_h))


def _daily_backup(url) -> None:  # type: ignore[no-untyped-def]
    """Today's automatic backup (SQLite only). A failure is logged, never fatal."""
    import datetime as dt

    from cogtrain.storage.backup import daily_backup
    from cogtrain.storage.engine import sqlite_path

    if sqlite_path(url) is None:
        return
    try:
        made = daily_backup(url, _backups_folder(url), today=dt.date.today())
        if made is not None:
            log.info("daily backup written: %s", made)
    except (CogtrainError, OSError) as exc:
        log.warning("daily backup failed: %s", exc)


def _levels_reset(database: str | None, code: str, exercise_id: str) -> int:
    import exercises

    exercises.get(exercise_id)
    store = _open_store(database)
    try:
        match = [p for p in store.participants(active_only=False) if p.code == code]
        if not match:
            raise CogtrainError(
                f"No participant has the code {code!r}.",
                hint="Check the code (it is case-sensitive).",
            )
        removed = store.reset_level_state(match[0].id, exercise_id)
        print(
            f"{code}: {exercise_id} starts from level 1 next time."
            if removed
            else f"{code} has no saved level for {exercise_id}; nothing to reset."
        )
        return 0
    finally:
        store.close()


def _print_broken_characters_escaped() -> None:
    """Let standard output show a path that is not UTF-8 (``\\udcff``) as an escape.

    Python writes standard error that way already, but standard output is strict: a
    backup, export or report written to such a path (which works) would end in a
    traceback when its path is printed. One setting here serves every message."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    _print_broken_characters_escaped()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    try:
        from cogtrain import i18n

        settings = load_settings(
            lang=args.lang, database_url=args.database, fullscreen=args.fullscreen
        )
        i18n.set_language(settings.language)
        cmd = args.command or "run"
        if cmd == "run":
            return _run_program(settings, args.exit_after_frames)
        if cmd == "screenshot":
            from cogtrain.runtime.screenshots import parse_size, render_all, render_session

            os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
            os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
            size = parse_size(args.size)
            for path in render_all(args.out, size, args.exercise):
                print(path)
            for path in render_session(args.out, size):
                print(path)
            from cogtrain.runtime.staff.screenshots import render_staff

            for path in render_staff(args.out, size):
                print(path)
            return 0
        if cmd == "db":
            from cogtrain.storage.engine import describe, resolve_url

            if args.db_command == "use":
                return _db_use(args.url, check=not args.no_check)
            url = resolve_url(settings.database_url)
            if args.db_command == "where":
                print(describe(url))
                return 0
            store = _open_store(settings.database_url)
            store.close()
            print(f"Database {describe(url)} is up to date.")
            return 0
        if cmd == "backup":
            from cogtrain.storage.backup import backup
            from cogtrain.storage.engine import resolve_url

            url = resolve_url(settings.database_url)
            dest = args.out
            if dest is None:
                dest = _backups_folder(url)
                dest.mkdir(parents=True, exist_ok=True)
            result = backup(url, dest)
            print(
                f"Backup written to {result.path} ({result.participants} participants, "
                f"{result.trials} trials; integrity check ok)."
            )
            return 0
        if cmd == "restore":
            from cogtrain.storage.backup import restore
            from cogtrain.storage.engine import resolve_url

            aside = restore(resolve_url(settings.database_url), args.file)
            kept = f" The previous database was kept as {aside}." if aside is not None else ""
            print(f"Restored from {args.file}.{kept}")
            return 0
        if cmd == "plan":
            return _plan_command(settings.database_url, args)
        if cmd == "user":
            return _user_command(settings.database_url, args)
        if cmd == "report":
            return _report_command(settings, args)
        if cmd == "export":
            return _export_command(settings, args)
        if cmd == "levels":
            return _levels_reset(settings.database_url, args.participant, args.exercise)
    except CogtrainError as exc:
        print(f"cogtrain: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  What to do: {exc.hint}", file=sys.stderr)
        return EXIT_USER_ERROR
    except EOFError:  # getpass with no terminal (a script), or input closed with Ctrl-D
        print("cogtrain: there is no terminal to ask for the password.", file=sys.stderr)
        print("  What to do: give it on standard input with --password-stdin.", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("\ncogtrain: stopped (Ctrl+C). Nothing more was changed.", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyError as exc:  # unknown exercise id
        print(f"cogtrain: {exc.args[0]}", file=sys.stderr)
        return EXIT_USER_ERROR
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
