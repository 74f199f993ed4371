"""The research export: every record an analysis needs, de-identified, in BIDS layout.

One call, :func:`export_dataset`, writes the clinic's training data as a BIDS dataset of
behavioural data (``beh``), plus tidy tables of blocks, levels, goal ratings and
assessments, each with a JSON data dictionary. It is what the neuropsychologists hand to
their statistics software; the official BIDS validator accepts it (see
``tools/bids_validator.sh``).

Layout (``<n>`` = participant, ``<s>`` = session, ``<t>`` = task)::

    dataset_description.json  README  participants.tsv  participants.json
    task-<t>_beh.json                          one data dictionary per task
    sub-<n>/sub-<n>_sessions.tsv (+ .json)     one row per training session
    sub-<n>/ses-<s>/beh/sub-<n>_ses-<s>_task-<t>_beh.tsv   one row per trial
    derivatives/cogtrain/dataset_description.json
    derivatives/cogtrain/{blocks,level_states,goal_ratings,assessments}.tsv (+ .json)
    derivatives/cogtrain/notes.tsv (+ .json)   only with include_free_text

Why the tidy tables are in ``derivatives/``: BIDS's ``phenotype/`` folder takes exactly
one row per participant (the validator rejects a table with repeated participants, and
one missing a subject), while these tables have many rows per participant; and a
session sidecar has to sit beside its ``sessions.tsv`` (a top-level ``sessions.json`` is
"not part of BIDS" to the validator). Participants without any trial are left out of
``participants.tsv`` and ``sub-*`` (BIDS needs data for every subject listed), but keep
their label and rows in the tidy tables.

De-identification, always: participant codes become export labels (``sub-001``... in
code order) and the key is never written into the dataset (only to ``key_file``, outside
it, if asked for); no staff name, user name, consultant or device name is written; dates
become whole days since the participant's first session; free text (notes, comments,
transfer notes, goal texts) is left out. ``include_dates`` and ``include_free_text``
bring dates and free text back for a study whose approval covers them.

Memory stays flat: trials are read from a cursor and written as they come (see
:mod:`cogtrain.storage.export_queries`). The same database gives byte-identical files:
rows in a fixed order, numbers in one fixed format, no export date anywhere, fixed
times in a zip. Nothing appears at ``out`` unless the whole export succeeded: it is
written to a hidden folder beside ``out`` (same file system), synced to disk, and
renamed at the very end; on any error that folder is removed. The caller writes the
audit row; :class:`ExportResult` says who was exported.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
import tempfile
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cogtrain import __version__
from cogtrain.errors import CogtrainError
from cogtrain.export import dictionary as dd
from cogtrain.export.beh_files import (
    BlockRef,
    SessionJob,
    TrialFilesResult,
    WorkerFailure,
    write_in_worker,
    write_sessions,
)
from cogtrain.export.dictionary import Table, TaskInfo
from cogtrain.export.tsv import (
    NA,
    TsvFile,
    compact_json,
    escape,
    fmt,
    fmt_float,
    fsync_dir,
    sync_tree,
    write_json,
    write_text,
)
from cogtrain.storage import export_queries as q
from cogtrain.storage.engine import sqlite_path
from cogtrain.training.exercise import ExerciseInfo
from cogtrain.training.staircase import level_of

if TYPE_CHECKING:
    from cogtrain.storage.store import Store

BIDS_VERSION = "1.9.0"
LOCAL_TZ = ZoneInfo("Europe/Oslo")
"""Where the clinics are: "days since the first session" count local days in Oslo."""
DERIVATIVES = Path("derivatives") / "cogtrain"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry gets this time (the earliest a zip can hold): same data, same bytes."""
COPY_CHUNK = 1 << 20
PARALLEL_MIN_TRIALS = 500_000
"""From this many trials a SQLite export writes its trial files in worker processes, one
session at a time; below it, starting the workers costs more than they save."""
MAX_WORKERS = 4
TICK_ROWS = 2000
"""Rows of a tidy table between two progress reports (besides one per participant)."""
WAIT_TICK_S = 0.25
"""While waiting for worker processes, progress is reported again this often."""


class ExportError(CogtrainError):
    """The export cannot be made as asked; nothing was written at the destination."""


@dataclass(frozen=True)
class ExportResult:
    """What was exported: enough for the caller's audit row and message."""

    path: Path
    n_participants: int
    n_participants_with_trials: int
    n_sessions: int
    n_trials: int
    participant_ids: tuple[uuid.UUID, ...]
    """Database ids of the exported participants, in label order (sub-001 first)."""
    tasks: tuple[str, ...]
    include_free_text: bool
    include_dates: bool
    key_file: Path | None


# -- formatting ----------------------------------------------------------------------------


def _ids(values: Iterable[str] | None) -> str:
    items = [str(v) for v in values or ()]
    return fmt(",".join(items)) if items else NA


def _local_day(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).date()
    return value


def _days(value: datetime | date | None, first: date | None) -> str:
    if value is None or first is None:
        return NA
    return str((_local_day(value) - first).days)


def _iso_date(value: date | None) -> str:
    return value.isoformat() if value is not None else NA


def _iso_utc(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else NA


def _seconds(later: datetime | None, earlier: datetime) -> str:
    if later is None:
        return NA
    return fmt_float((later - earlier).total_seconds())


def _minutes(ms: float | None) -> str:
    return NA if ms is None else fmt_float(ms / 60_000.0)


def label(prefix: str, number: int, count: int, min_width: int) -> str:
    """``sub-001`` / ``ses-01``: zero-padded so that labels sort in order as text."""
    width = max(min_width, len(str(count)))
    return f"{prefix}-{number:0{width}d}"


# -- files ---------------------------------------------------------------------------------


def _files_in_order(root: Path) -> list[Path]:
    return sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.as_posix())


def _zip_folder(
    root: Path, target: Path, arc_root: str, tick: Callable[[], None] | None = None
) -> None:
    """Zip ``root`` under ``arc_root/`` with entries in path order, fixed times and modes,
    streamed file by file (memory stays flat).

    ``tick()`` is called before each file and after each :data:`COPY_CHUNK` of it: packing
    a large export takes minutes, and the progress callback is where a staff member's
    Cancel takes effect (it raises), so it must keep coming while the zip is written."""
    with target.open("wb") as raw:
        with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            for path in _files_in_order(root):
                if tick is not None:
                    tick()
                info = zipfile.ZipInfo(f"{arc_root}/{path.relative_to(root).as_posix()}", ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                info.file_size = path.stat().st_size
                with path.open("rb") as src, zf.open(info, "w") as dst:
                    while chunk := src.read(COPY_CHUNK):
                        dst.write(chunk)
                        if tick is not None:
                            tick()
        raw.flush()
        os.fsync(raw.fileno())


def _exists_error(out: Path) -> ExportError:
    return ExportError(
        f"{out} already exists, so the export was not written.",
        hint="Choose a new name for the export, or move the old one away first. "
        "An export never overwrites anything.",
    )


def _unusable_path_error(exc: OSError, path: Any) -> ExportError:
    """An export or key-file path the file system refuses before anything was written."""
    if exc.errno == errno.ENAMETOOLONG:
        return ExportError(
            f"The name {path} is longer than the file system allows, so nothing was exported.",
            hint="Choose a shorter name (the export also needs room for a temporary name "
            "beside it) and try again.",
        )
    return ExportError(
        f"The path {path} cannot be used for the export ({exc.strerror or exc}).",
        hint="Choose another folder or name and try again. Nothing was written.",
    )


def _publish_file(src: Path, dst: Path) -> None:
    """Move a finished file into place, never over an existing one."""
    try:
        os.link(src, dst)
    except FileExistsError:
        raise _exists_error(dst) from None
    except OSError:  # no hard links on this file system (FAT, some shares)
        if dst.exists():
            raise _exists_error(dst) from None
        os.rename(src, dst)
        return
    os.unlink(src)


def _publish_dir(src: Path, dst: Path) -> None:
    if dst.exists() or dst.is_symlink():
        raise _exists_error(dst)
    os.rename(src, dst)


# -- the export ------------------------------------------------------------------------------


def export_dataset(
    store: Store,
    out: Path,
    *,
    participant_codes: Sequence[str] | None = None,
    include_free_text: bool = False,
    include_dates: bool = False,
    key_file: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    exercise_info: Iterable[ExerciseInfo] | None = None,
    workers: int | None = None,
) -> ExportResult:
    """Write the de-identified BIDS dataset to ``out`` (a folder, or a ``.zip`` file).

    ``participant_codes``: only these participants (default: everyone, active or not).
    ``key_file``: also write the label -> code key there (outside the dataset; refused if
    it exists). ``progress(done, total)`` is called as trials are written.
    ``exercise_info``: the exercise registry (default: ``exercises.EXERCISES``), for the
    task descriptions and the spec fields given their own columns.
    ``workers``: processes writing trial files (default: one per core, up to
    :data:`MAX_WORKERS`, for a SQLite clinic of :data:`PARALLEL_MIN_TRIALS` or more;
    otherwise none). The files are byte-identical whatever the number.
    """
    out = Path(out)
    as_zip = out.suffix.lower() == ".zip"
    try:
        _check_destination(out)
        key_file = _check_key_file(key_file, out)
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise _unusable_path_error(exc, exc.filename or out) from exc
    if exercise_info is None:
        import exercises

        exercise_info = exercises.EXERCISES
    tasks = dd.task_infos(exercise_info)
    flags = _Flags(include_free_text, include_dates)

    try:
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as exc:  # the temporary name is longer than ``out``'s
        raise _unusable_path_error(exc, out) from exc
    tmp_files: list[Path] = []
    published: list[Path] = []
    try:
        with q.snapshot(store) as conn:
            writer = _DatasetWriter(conn, tmp_dir, tasks, flags, progress)
            facts = writer.write(participant_codes, workers)
        if not as_zip:  # a zip is synced as one file; its source folder is thrown away
            sync_tree(tmp_dir)
        if key_file is not None:
            tmp_key = _tmp_beside(key_file, tmp_files)
            _write_key(tmp_key, facts)
            _publish_file(tmp_key, key_file)
            published.append(key_file)
        if as_zip:
            tmp_zip = _tmp_beside(out, tmp_files)
            _zip_folder(tmp_dir, tmp_zip, out.stem, writer.tick_again if progress else None)
            _publish_file(tmp_zip, out)
            shutil.rmtree(tmp_dir, ignore_errors=True)
        else:
            _publish_dir(tmp_dir, out)
        fsync_dir(out.parent)
    except BaseException as exc:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        for path in tmp_files + published:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(
                f"Writing the export beside {out} failed ({exc.strerror or exc}).",
                hint="Check that the disk has free space and that you may write to the "
                f"folder {out.parent}. Nothing was left at {out}.",
            ) from exc
        raise
    return ExportResult(
        path=out,
        n_participants=len(facts.participants),
        n_participants_with_trials=sum(1 for p in facts.participants if p.n_trials),
        n_sessions=facts.n_sessions,
        n_trials=facts.n_trials,
        participant_ids=tuple(p.id for p in facts.participants),
        tasks=tuple(sorted(facts.tasks)),
        include_free_text=include_free_text,
        include_dates=include_dates,
        key_file=key_file,
    )


def _tmp_beside(path: Path, created: list[Path]) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.partial-", dir=path.parent)
    os.close(fd)
    os.unlink(name)  # only the unique name is wanted; the writer creates the file
    tmp = Path(name)
    created.append(tmp)
    return tmp


def _check_destination(out: Path) -> None:
    try:
        taken = out.exists() or out.is_symlink()
    except OSError as exc:  # a name longer than the file system allows, a broken share
        raise ExportError(
            f"The export cannot be written to {out} ({exc.strerror or exc}).",
            hint="Choose a shorter name or another folder.",
        ) from exc
    if taken:
        raise _exists_error(out)
    parent = out.parent
    if not parent.is_dir():
        raise ExportError(
            f"The folder {parent} does not exist, so the export cannot be written there.",
            hint="Create the folder first, or give another place for the export.",
        )
    if not os.access(parent, os.W_OK):
        raise ExportError(
            f"The folder {parent} is read-only, so the export cannot be written there.",
            hint="Choose a folder you may write to (ask IT if this should be allowed).",
        )


def _check_key_file(key_file: Path | None, out: Path) -> Path | None:
    if key_file is None:
        return None
    key = Path(key_file)
    dataset = out.resolve()
    resolved = key.resolve()
    if resolved == dataset or resolved.is_relative_to(dataset):
        raise ExportError(
            f"The key file {key} would be inside the exported dataset {out}.",
            hint="The key links export labels to participant codes, so it must be kept "
            "apart from the data: give a path outside the export (for example on the "
            "clinic's secure drive).",
        )
    if key.exists() or key.is_symlink():
        raise ExportError(
            f"The key file {key} already exists; it was not overwritten.",
            hint="Give a new file name for the key, or move the old key away first.",
        )
    if not key.parent.is_dir():
        raise ExportError(
            f"The folder {key.parent} for the key file does not exist.",
            hint="Create the folder first, or give another place for the key file.",
        )
    return key


def _write_key(path: Path, facts: _Facts) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("participant_id\tparticipant_code\n")
        for p in facts.participants:
            fh.write(f"{p.label}\t{escape(p.code)}\n")
        fh.flush()
        os.fsync(fh.fileno())


@dataclass(frozen=True)
class _Flags:
    free_text: bool
    dates: bool


@dataclass(frozen=True)
class _Subject:
    """A participant as the export sees them: label, code (for the key only), first day."""

    id: uuid.UUID
    code: str
    label: str
    first_day: date | None
    n_sessions: int
    n_trials: int
    row: q.ParticipantExportRow


@dataclass(frozen=True)
class _Read:
    """What writing a participant's trial jobs read that the tidy tables need again."""

    blocks: list[q.BlockExportRow]
    session_labels: dict[uuid.UUID, str]


@dataclass
class _Facts:
    participants: list[_Subject]
    n_sessions: int = 0
    n_trials: int = 0
    tasks: set[str] | None = None

    def __post_init__(self) -> None:
        if self.tasks is None:
            self.tasks = set()


class _TrialFiles:
    """Runs the trial-file jobs, in this process or in worker processes.

    With workers, each session's job goes to the pool as it is read, with at most two
    per worker waiting (memory stays flat), and ``done`` is called as each finishes.
    The result does not depend on the order they finish in: each file is written whole
    by one worker, and counts and error kinds are sums and unions. On any error (or a
    cancel raised from the progress callback) the pool is shut down before the caller
    removes the half-written folder, so no worker writes into it afterwards."""

    def __init__(
        self,
        conn: Any,
        n_workers: int,
        done: Callable[[TrialFilesResult], None],
        tick: Callable[[], None],
    ) -> None:
        self.conn = conn
        self.n_workers = n_workers
        self.done = done
        self.tick = tick
        self.pool: ProcessPoolExecutor | None = None
        self.pending: list[Future[TrialFilesResult]] = []
        self.reader: q.TrialReader | None = None
        self.parts: dict[str, Any] = {}
        if n_workers:
            path = sqlite_path(conn.engine.url)
            assert path is not None
            self.db_path = str(path)
            self.max_rowid = q.max_trial_rowid(conn) or 0
            self.pool = ProcessPoolExecutor(
                max_workers=n_workers, mp_context=multiprocessing.get_context("spawn")
            )
        else:
            self.reader = q.TrialReader.in_snapshot(conn)

    def write(self, jobs: list[SessionJob], tasks: dict[str, TaskInfo]) -> None:
        if self.pool is None:  # one session at a time, so progress moves per session
            assert self.reader is not None
            for job in jobs:
                self.done(write_sessions(self.reader, [job], tasks, self.parts))
            return
        for job in jobs:  # one session a job: the work spreads evenly, progress moves often
            self.pending.append(
                self.pool.submit(write_in_worker, self.db_path, self.max_rowid, [job], tasks)
            )
            if len(self.pending) >= 2 * self.n_workers:
                self._collect(FIRST_COMPLETED)

    def _collect(self, how: str) -> None:
        """Wait for one job (FIRST_COMPLETED) or all (ALL_COMPLETED), reporting progress
        every :data:`WAIT_TICK_S` meanwhile so that a Cancel is not held up here."""
        while self.pending:
            finished, _ = wait(self.pending, timeout=WAIT_TICK_S, return_when=how)
            if not finished:
                self.tick()
                continue
            self.pending = [f for f in self.pending if f not in finished]
            self._take(finished)
            if how == FIRST_COMPLETED:
                return

    def _take(self, finished: Iterable[Future[TrialFilesResult]]) -> None:
        for future in finished:
            try:
                result = future.result()
            except WorkerFailure as exc:
                raise ExportError(exc.message, hint=exc.hint) from None
            except BrokenProcessPool as exc:
                raise ExportError(
                    "A process writing the trial files stopped unexpectedly.",
                    hint="Check that the computer has enough free memory and disk, then "
                    "export again. Nothing was left at the destination.",
                ) from exc
            self.done(result)

    def __enter__(self) -> _TrialFiles:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            if exc_type is None and self.pending:
                self._collect(ALL_COMPLETED)
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)


class _DatasetWriter:
    """Writes one dataset from one read snapshot; see the module docstring for layout."""

    def __init__(
        self,
        conn: Any,
        root: Path,
        tasks: Mapping[str, TaskInfo],
        flags: _Flags,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.conn = conn
        self.root = root
        self.registry = tasks
        self.tasks: dict[str, TaskInfo] = {}
        self.flags = flags
        self.progress = progress
        self.error_kinds: dict[str, set[str]] = {}
        self.labels: dict[str, str] = {}
        self.done = 0
        self.total = 0

    # -- participants --------------------------------------------------------------------

    def _select(self, codes: Sequence[str] | None) -> list[_Subject]:
        rows = q.participants(self.conn)
        if codes is not None:
            wanted = list(dict.fromkeys(codes))
            by_code = {r.code: r for r in rows}
            picked: dict[str, q.ParticipantExportRow] = {}
            unknown: list[str] = []
            for code in wanted:
                row = by_code.get(code) or by_code.get(code.strip().upper())
                if row is None:
                    unknown.append(code)
                else:
                    picked[row.code] = row
            if unknown:
                shown = ", ".join(repr(c) for c in unknown[:10])
                more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
                raise ExportError(
                    f"No participant has the code {shown}{more}, so nothing was exported.",
                    hint="Check the codes (see the staff desk's participant list) and try "
                    "again; leave the codes out to export everyone.",
                )
            rows = [r for r in rows if r.code in picked]
        if not rows:
            raise ExportError(
                "There are no participants to export in this database.",
                hint="Check that cogtrain uses the right database (cogtrain db where).",
            )
        return [
            _Subject(
                r.id,
                r.code,
                label("sub", i, len(rows), 3),
                _local_day(r.first_session_at) if r.first_session_at else None,
                r.n_sessions,
                r.n_trials,
                r,
            )
            for i, r in enumerate(rows, start=1)
        ]

    def write(self, codes: Sequence[str] | None, workers: int | None) -> _Facts:
        subjects = self._select(codes)
        facts = _Facts(subjects)
        self.total = sum(s.n_trials for s in subjects)
        self._tick(0)
        with_trials = [s for s in subjects if s.n_trials]
        write_json(self.root / "dataset_description.json", self._description())
        self._participants(with_trials)

        def done(result: TrialFilesResult) -> None:
            facts.n_trials += result.n_trials
            for exercise_id, kinds in result.error_kinds.items():
                self.error_kinds.setdefault(exercise_id, set()).update(kinds)
            self._tick(facts.n_trials)

        # Each participant's tidy-table rows are written right after their trial jobs
        # are handed out: with worker processes this process has time to spare while
        # they write, and the rows reuse the blocks and sessions read for the jobs.
        with (
            _TrialFiles(
                self.conn, self._worker_count(workers), done, self.tick_again
            ) as trial_files,
            self._tidy_tables() as tidy,
        ):
            for s in subjects:
                read = self._subject(s, facts, trial_files) if s.n_trials else None
                tidy(s, read)
        for exercise_id in sorted(self.error_kinds):
            task = self._task(exercise_id)
            table = dd.beh_table(task, self.error_kinds[exercise_id])
            write_json(self.root / f"task-{task.label}_beh.json", table.sidecar())
            assert facts.tasks is not None
            facts.tasks.add(task.label)
        write_text(self.root / "README", self._readme(facts))
        self._tick(self.total)
        return facts

    def _tick(self, done: int) -> None:
        self.done = done
        if self.progress is not None:
            self.progress(done, self.total)

    def tick_again(self) -> None:
        """Report the same progress again: the steps after the trials (tidy tables, the
        zip) move no trial count, but a Cancel must still take effect within them."""
        self._tick(self.done)

    def _description(self) -> dict[str, Any]:
        return {
            "Name": "cogtrain: cognitive training in work rehabilitation (de-identified export)",
            "BIDSVersion": BIDS_VERSION,
            "DatasetType": "raw",
            "GeneratedBy": [
                {
                    "Name": "cogtrain",
                    "Version": __version__,
                    "Description": "cogtrain export: de-identified behavioural data.",
                }
            ],
        }

    def _participants(self, subjects: list[_Subject]) -> None:
        table = dd.participants_table(include_dates=self.flags.dates)
        write_json(self.root / "participants.json", table.sidecar())
        with TsvFile(self.root / "participants.tsv", table) as tsv:
            for s in subjects:
                r = s.row
                cells = [
                    s.label,
                    fmt(r.active),
                    fmt(r.plan_profile),
                    compact_json(r.plan_overrides) if r.plan_overrides else NA,
                    fmt(r.language),
                    _days(r.start_date, s.first_day),
                ]
                if self.flags.dates:
                    cells.append(_iso_date(r.start_date))
                cells += [str(s.n_sessions), str(s.n_trials)]
                tsv.row(cells)

    # -- one subject ---------------------------------------------------------------------

    def _task(self, exercise_id: str) -> TaskInfo:
        task = self.tasks.get(exercise_id)
        if task is None:
            if exercise_id in self.registry:
                task = self.registry[exercise_id]
            else:
                task = dd.unknown_task(exercise_id)
            self.tasks[exercise_id] = task
        other = self.labels.setdefault(task.label, exercise_id)
        if other != exercise_id:
            raise ExportError(
                f"The exercises {other!r} and {exercise_id!r} both become the BIDS task "
                f"label {task.label!r} (labels keep only letters and digits).",
                hint="Rename one of the exercises in the exercise registry; nothing was exported.",
            )
        return task

    def _worker_count(self, asked: int | None) -> int:
        """Worker processes for the trial files: only for a SQLite file (the workers read
        it through their own connections) and, unless asked, only for a large clinic."""
        if self.conn.dialect.name != "sqlite" or sqlite_path(self.conn.engine.url) is None:
            return 0
        if asked is None:
            if self.total < PARALLEL_MIN_TRIALS:
                return 0
            asked = min(os.cpu_count() or 1, MAX_WORKERS)
        return asked if asked > 1 else 0

    def _subject(self, s: _Subject, facts: _Facts, trial_files: _TrialFiles) -> _Read:
        """The participant's sessions.tsv and trial-file jobs; returns the blocks and
        session labels it read, for the tidy tables."""
        sub_dir = self.root / s.label
        sessions = list(q.sessions(self.conn, s.id))
        block_rows = list(q.blocks(self.conn, s.id))
        blocks: dict[uuid.UUID, list[BlockRef]] = {}
        for b in block_rows:
            self._task(b.exercise_id)
            blocks.setdefault(b.session_id, []).append(
                BlockRef(b.block_id, b.exercise_id, b.block_index, b.is_practice)
            )
        jobs: list[SessionJob] = []
        table = dd.sessions_table(include_dates=self.flags.dates)
        write_json(sub_dir / f"{s.label}_sessions.json", table.sidecar())
        with TsvFile(sub_dir / f"{s.label}_sessions.tsv", table) as tsv:
            for n, ses in enumerate(sessions, start=1):
                ses_label = label("ses", n, len(sessions), 2)
                tsv.row(self._session_cells(ses, ses_label, s.first_day))
                facts.n_sessions += 1
                if ses.n_trials:
                    in_file_order = sorted(
                        blocks.get(ses.id, ()), key=lambda b: (b.exercise_id, b.block_index)
                    )
                    jobs.append(
                        SessionJob(
                            sub_dir / ses_label / "beh",
                            f"{s.label}_{ses_label}",
                            ses.started_at,
                            tuple(in_file_order),
                        )
                    )
        if jobs:
            used = {b.exercise_id for refs in blocks.values() for b in refs}
            trial_files.write(jobs, {x: self.tasks[x] for x in sorted(used)})
        labels = {ses.id: label("ses", n, len(sessions), 2) for n, ses in enumerate(sessions, 1)}
        return _Read(block_rows, labels)

    def _session_cells(
        self, ses: q.SessionExportRow, ses_label: str, first: date | None
    ) -> list[str]:
        cells = [ses_label, _days(ses.started_at, first)]
        if self.flags.dates:
            cells.append(_iso_utc(ses.started_at))
        elapsed = (ses.ended_at - ses.started_at).total_seconds() * 1000.0 if ses.ended_at else None
        cells += [
            fmt(ses.status),
            fmt(ses.end_reason),
            _minutes(ses.active_ms),
            _minutes(elapsed),
            _minutes(ses.break_ms),
            str(ses.n_interruptions),
            fmt(ses.checkin_rested),
            fmt(ses.checkin_stressed),
            str(ses.n_blocks),
            str(ses.n_trials),
            fmt(ses.app_version),
        ]
        return cells

    # -- tidy tables ---------------------------------------------------------------------

    @contextmanager
    def _tidy_tables(self) -> Iterator[Callable[[_Subject, _Read | None], None]]:
        """The tidy tables in ``derivatives/``, all open at once; yields ``add(subject,
        read)``, which writes one participant's rows to each (``read``: what
        :meth:`_subject` already read for them, or None to read it here)."""
        root = self.root / DERIVATIVES
        write_json(
            root / "dataset_description.json",
            {
                "Name": "cogtrain: blocks, levels, goal ratings and assessments",
                "BIDSVersion": BIDS_VERSION,
                "DatasetType": "derivative",
                "GeneratedBy": [{"Name": "cogtrain", "Version": __version__}],
            },
        )
        f = self.flags
        tables: list[tuple[str, Table, Callable[[_Subject, _Read | None], Iterable[list[str]]]]]
        tables = [
            ("blocks", dd.blocks_table(include_free_text=f.free_text), self._block_rows),
            (
                "level_states",
                dd.level_states_table(include_dates=f.dates),
                lambda s, _read: self._level_rows(s),
            ),
            (
                "goal_ratings",
                dd.goal_ratings_table(include_free_text=f.free_text, include_dates=f.dates),
                lambda s, _read: self._rating_rows(s),
            ),
            (
                "assessments",
                dd.assessments_table(include_free_text=f.free_text, include_dates=f.dates),
                lambda s, _read: self._assessment_rows(s),
            ),
        ]
        if f.free_text:
            tables.append(
                ("notes", dd.notes_table(include_dates=f.dates), lambda s, _r: self._note_rows(s))
            )
        with ExitStack() as stack:
            files = []
            for stem, table, rows in tables:
                write_json(root / f"{stem}.json", table.sidecar())
                files.append((stack.enter_context(TsvFile(root / f"{stem}.tsv", table)), rows))

            def add(s: _Subject, read: _Read | None) -> None:
                for tsv, rows in files:
                    self.tick_again()  # a few queries per participant: a Cancel lands within
                    for n, cells in enumerate(rows(s, read), start=1):
                        tsv.row(cells)
                        if n % TICK_ROWS == 0:
                            self.tick_again()

            yield add

    def _session_labels(self, s: _Subject) -> dict[uuid.UUID, str]:
        """ses-01, ses-02, ... by start order, the same as in the subject's sessions.tsv
        (sessions without blocks keep their number too)."""
        ids = [ses.id for ses in q.sessions(self.conn, s.id)]
        return {sid: label("ses", n, len(ids), 2) for n, sid in enumerate(ids, start=1)}

    def _block_rows(self, s: _Subject, read: _Read | None) -> Iterable[list[str]]:
        if read is not None:
            session_labels, block_rows = read.session_labels, read.blocks
        else:
            session_labels = self._session_labels(s) if s.n_sessions else {}
            block_rows = q.blocks(self.conn, s.id)
        for b in block_rows:
            change = b.end_level - b.start_level if b.end_level is not None else None
            cells = [
                s.label,
                session_labels[b.session_id],
                str(b.block_index),
                self._task(b.exercise_id).label,
                fmt(b.exercise_id),
                fmt(b.plan_index),
                fmt(b.is_practice),
                fmt(b.status),
                _seconds(b.started_at, b.session_started_at),
                fmt(b.start_level),
                fmt(b.end_level),
                fmt(change),
                fmt(b.start_value),
                fmt(b.end_value),
                fmt(b.n_trials),
                fmt(b.n_correct),
                fmt(b.active_ms),
                fmt(b.paused_ms),
                fmt(b.instruction_ms),
                _ids(b.strategies),
            ]
            if self.flags.free_text:
                cells.append(fmt(b.transfer_note))
            yield cells

    def _level_rows(self, s: _Subject) -> Iterable[list[str]]:
        for r in q.level_states(self.conn, s.id):
            cells = [
                s.label,
                self._task(r.exercise_id).label,
                fmt(r.exercise_id),
                str(level_of(r.value, r.min_level, r.max_level)),
                fmt(r.value),
                fmt(r.min_level),
                fmt(r.max_level),
                fmt(r.step_up),
                fmt(r.step_down),
                fmt(r.n_trials),
                fmt(r.n_reversals),
                _days(r.updated_at, s.first_day),
            ]
            if self.flags.dates:
                cells.append(_iso_utc(r.updated_at))
            yield cells

    def _rating_rows(self, s: _Subject) -> Iterable[list[str]]:
        for r in q.goal_ratings(self.conn, s.id):
            cells = [
                s.label,
                str(r.goal_index),
                _ids(r.domains),
                _ids(r.exercise_ids),
                fmt(r.archived),
                _days(r.target_date, s.first_day),
                _days(r.rated_on, s.first_day),
            ]
            if self.flags.dates:
                cells += [_iso_date(r.target_date), _iso_date(r.rated_on)]
            cells.append(str(r.value))
            if self.flags.free_text:
                cells += [fmt(r.goal_text), fmt(r.workplace_situation), fmt(r.comment)]
            yield cells

    def _assessment_rows(self, s: _Subject) -> Iterable[list[str]]:
        for r in q.assessment_scores(self.conn, s.id):
            cells = [s.label, fmt(r.timepoint), _days(r.assessed_on, s.first_day)]
            if self.flags.dates:
                cells.append(_iso_date(r.assessed_on))
            cells += [
                fmt(r.battery_id),
                fmt(r.instrument_id),
                fmt(r.measure_id),
                fmt(r.raw_value),
                fmt(r.standard_value),
                fmt(r.standard_kind),
            ]
            if self.flags.free_text:
                cells.append(fmt(r.comment))
            yield cells

    def _note_rows(self, s: _Subject) -> Iterable[list[str]]:
        for r in q.notes(self.conn, s.id):
            cells = [s.label, _days(r.written_at, s.first_day)]
            if self.flags.dates:
                cells.append(_iso_utc(r.written_at))
            cells += [fmt(r.goal_index), fmt(r.exercise_id), fmt(r.text)]
            yield cells

    # -- README --------------------------------------------------------------------------

    def _readme(self, facts: _Facts) -> str:
        tasks = sorted((self._task(x) for x in self.error_kinds), key=lambda t: t.label)
        task_lines = (
            "\n".join(
                f"  task-{t.label}: {t.title}" + (f" ({t.work_theme})" if t.work_theme else "")
                for t in tasks
            )
            or "  (none)"
        )
        dates = (
            "INCLUDED on request: sessions.tsv has acq_time (UTC), the tidy tables have "
            "calendar dates beside the day counts."
            if self.flags.dates
            else "left out: every time is given as whole days since the participant's "
            "first training session (local days in Europe/Oslo), or as seconds from the "
            "start of the session."
        )
        free = (
            "INCLUDED on request: transfer notes (blocks.tsv), goal texts and rating "
            "comments (goal_ratings.tsv), assessment comments (assessments.tsv) and staff "
            "notes (notes.tsv). They may name people or places: handle accordingly."
            if self.flags.free_text
            else "left out (staff notes, rating and assessment comments, transfer notes, "
            "goal texts)."
        )
        n_with = sum(1 for p in facts.participants if p.n_trials)
        notes = (
            "  notes.tsv               staff notes (free text)\n" if self.flags.free_text else ""
        )
        privacy = "\n".join(
            textwrap.fill(text, width=88)
            for text in (
                "Participant codes are replaced by export labels (sub-001, ... in code "
                "order); the key from label to code is not part of this dataset. Staff "
                "names and user names, the assigned consultant and the names of the "
                "training PCs are never exported.",
                f"Dates: {dates}",
                f"Free text: {free}",
            )
        )
        return f"""cogtrain: cognitive training in work rehabilitation (JMO)
=========================================================

A de-identified export of cogtrain's training records for research, laid out as a
BIDS dataset of behavioural data (the beh datatype, BIDS {BIDS_VERSION}).

Participants: {len(facts.participants)} exported, {n_with} with training trials.
Sessions: {facts.n_sessions}. Trials: {facts.n_trials}.

Layout
------
participants.tsv          one row per participant with trials (participant_id = sub-NNN)
sub-NNN/sub-NNN_sessions.tsv
                          one row per training session (ses-01, ses-02, ... in time order)
sub-NNN/ses-SS/beh/sub-NNN_ses-SS_task-TTT_beh.tsv
                          one row per trial of one exercise in one session
task-TTT_beh.json         the data dictionary of each task's trial files
derivatives/cogtrain/     tidy tables, one row per record, with their dictionaries:
  blocks.tsv              one row per block (round) of an exercise
  level_states.tsv        where each staircase stands now
  goal_ratings.tsv        goal attainment (GAS) ratings, -2..+2
  assessments.tsv         assessment scores
{notes}
Every .tsv file has a .json data dictionary describing every column (Description,
Units, and Levels for coded values). Participants without any trial are not in
participants.tsv or sub-* (BIDS wants data for every subject it lists) but keep their
label in the tidy tables.

Tasks
-----
{task_lines}

Conventions
-----------
Tab-separated, UTF-8, LF line ends, a header row, n/a for a missing value, 1/0 for
yes/no. Numbers are written with at most six decimals, without exponents. Trial times
are trial_onset_s and trial_response_s, seconds from the start of the session (not the
BIDS onset column, since there is no recording to align to). spec_json and
response_json hold each trial's full specification and answer as compact JSON; plain
fields of them are also given as spec_* and response_* columns.

De-identification
-----------------
{privacy}
"""
