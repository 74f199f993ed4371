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

import json
import math
import os
import shutil
import tempfile
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cogtrain import __version__
from cogtrain.errors import CogtrainError
from cogtrain.export import dictionary as dd
from cogtrain.export.dictionary import Table, TaskInfo
from cogtrain.storage import export_queries as q
from cogtrain.training.exercise import ExerciseInfo
from cogtrain.training.staircase import level_of

if TYPE_CHECKING:
    from cogtrain.storage.store import Store

NA = "n/a"
BIDS_VERSION = "1.9.0"
LOCAL_TZ = ZoneInfo("Europe/Oslo")
"""Where the clinics are: "days since the first session" count local days in Oslo."""
DERIVATIVES = Path("derivatives") / "cogtrain"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry gets this time (the earliest a zip can hold): same data, same bytes."""
COPY_CHUNK = 1 << 20
WRITE_BUFFER = 1 << 20


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


def fmt(value: Any) -> str:
    """One TSV cell: ``n/a`` for missing, 1/0 for true/false, numbers in a fixed format
    (never locale-dependent, never an exponent), text on one line (see :func:`escape`)."""
    if value is None:
        return NA
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return fmt_float(value)
    text = escape(str(value))
    return text if text else NA


def fmt_float(x: float, places: int = 6) -> str:
    """``x`` rounded to ``places`` decimals, trailing zeros dropped: 812.345, 3, 0.25.

    Python's shortest ``repr`` would switch to exponents (1e-07) and show binary noise
    of sums (0.30000000000000004); six decimals is a microsecond in ms and in seconds."""
    if not math.isfinite(x):
        return NA
    text = f"{x:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def escape(text: str) -> str:
    """Free text on one TSV line: backslash, tab, CR and LF written as \\\\ \\t \\r \\n."""
    if not any(c in text for c in "\\\t\r\n"):
        return text
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def compact_json(value: Any) -> str:
    """JSON on one line with sorted keys, so the same record always gives the same text
    (JSON escapes tabs and line breaks itself)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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


class _TsvFile:
    """A TSV file written line by line: UTF-8, LF, header first; synced on close."""

    def __init__(self, path: Path, table: Table) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.n_columns = len(table.columns)
        self._fh: IO[str] = path.open("w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER)
        self._fh.write("\t".join(table.names) + "\n")

    def row(self, cells: Sequence[str]) -> None:
        assert len(cells) == self.n_columns, (self.path, cells)
        self._fh.write("\t".join(cells) + "\n")

    def lines(self, lines: list[str]) -> None:
        """Many finished lines (each with its LF) in one write."""
        self._fh.write("".join(lines))

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def __enter__(self) -> _TsvFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _write_json(path: Path, value: Any) -> None:
    _write_text(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _fsync_dir(path: Path) -> None:
    """Make a folder's entries durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, _files in os.walk(root, topdown=False):
        _fsync_dir(Path(folder))


def _files_in_order(root: Path) -> list[Path]:
    return sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.as_posix())


def _zip_folder(root: Path, target: Path, arc_root: str) -> None:
    """Zip ``root`` under ``arc_root/`` with entries in path order, fixed times and modes,
    streamed file by file (memory stays flat)."""
    with target.open("wb") as raw:
        with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            for path in _files_in_order(root):
                info = zipfile.ZipInfo(f"{arc_root}/{path.relative_to(root).as_posix()}", ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                info.file_size = path.stat().st_size
                with path.open("rb") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, COPY_CHUNK)
        raw.flush()
        os.fsync(raw.fileno())


def _exists_error(out: Path) -> ExportError:
    return ExportError(
        f"{out} already exists, so the export was not written.",
        hint="Choose a new name for the export, or move the old one away first. "
        "An export never overwrites anything.",
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
) -> ExportResult:
    """Write the de-identified BIDS dataset to ``out`` (a folder, or a ``.zip`` file).

    ``participant_codes``: only these participants (default: everyone, active or not).
    ``key_file``: also write the label -> code key there (outside the dataset; refused if
    it exists). ``progress(done, total)`` is called as trials are written.
    ``exercise_info``: the exercise registry (default: ``exercises.EXERCISES``), for the
    task descriptions and the spec fields given their own columns.
    """
    out = Path(out)
    as_zip = out.suffix.lower() == ".zip"
    _check_destination(out)
    key_file = _check_key_file(key_file, out)
    if exercise_info is None:
        import exercises

        exercise_info = exercises.EXERCISES
    tasks = dd.task_infos(exercise_info)
    flags = _Flags(include_free_text, include_dates)

    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    tmp_files: list[Path] = []
    published: list[Path] = []
    try:
        with q.snapshot(store) as conn:
            writer = _DatasetWriter(conn, tmp_dir, tasks, flags, progress)
            facts = writer.write(participant_codes)
        _fsync_tree(tmp_dir)
        if key_file is not None:
            tmp_key = _tmp_beside(key_file, tmp_files)
            _write_key(tmp_key, facts)
            _publish_file(tmp_key, key_file)
            published.append(key_file)
        if as_zip:
            tmp_zip = _tmp_beside(out, tmp_files)
            _zip_folder(tmp_dir, tmp_zip, out.stem)
            _publish_file(tmp_zip, out)
            shutil.rmtree(tmp_dir, ignore_errors=True)
        else:
            _publish_dir(tmp_dir, out)
        _fsync_dir(out.parent)
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
    if out.exists() or out.is_symlink():
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


@dataclass
class _Facts:
    participants: list[_Subject]
    n_sessions: int = 0
    n_trials: int = 0
    tasks: set[str] | None = None

    def __post_init__(self) -> None:
        if self.tasks is None:
            self.tasks = set()


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
        self.trial_parts: dict[str, _TrialParts] = {}
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

    def write(self, codes: Sequence[str] | None) -> _Facts:
        subjects = self._select(codes)
        facts = _Facts(subjects)
        self.total = sum(s.n_trials for s in subjects)
        self._tick(0)
        with_trials = [s for s in subjects if s.n_trials]
        _write_json(self.root / "dataset_description.json", self._description())
        self._participants(with_trials)
        for s in with_trials:
            self._subject(s, facts)
        for exercise_id in sorted(self.error_kinds):
            task = self._task(exercise_id)
            table = dd.beh_table(task, self.error_kinds[exercise_id])
            _write_json(self.root / f"task-{task.label}_beh.json", table.sidecar())
            assert facts.tasks is not None
            facts.tasks.add(task.label)
        self._derivatives(subjects)
        _write_text(self.root / "README", self._readme(facts))
        self._tick(self.total)
        return facts

    def _tick(self, done: int) -> None:
        self.done = done
        if self.progress is not None:
            self.progress(done, self.total)

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
        _write_json(self.root / "participants.json", table.sidecar())
        with _TsvFile(self.root / "participants.tsv", table) as tsv:
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

    def _subject(self, s: _Subject, facts: _Facts) -> None:
        sub_dir = self.root / s.label
        sessions = list(q.sessions(self.conn, s.id))
        table = dd.sessions_table(include_dates=self.flags.dates)
        _write_json(sub_dir / f"{s.label}_sessions.json", table.sidecar())
        with _TsvFile(sub_dir / f"{s.label}_sessions.tsv", table) as tsv:
            for n, ses in enumerate(sessions, start=1):
                ses_label = label("ses", n, len(sessions), 2)
                tsv.row(self._session_cells(ses, ses_label, s.first_day))
                facts.n_sessions += 1
                if ses.n_trials:
                    self._session_trials(s, ses, ses_label, facts)

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

    def _session_trials(
        self, s: _Subject, ses: q.SessionExportRow, ses_label: str, facts: _Facts
    ) -> None:
        beh_dir = self.root / s.label / ses_label / "beh"
        current: str | None = None
        tsv: _TsvFile | None = None
        kinds: set[str] = set()
        parts = _TrialParts((), ())
        lines: list[str] = []
        start = ses.started_at
        start_naive = start.astimezone(UTC).replace(tzinfo=None)
        n = 0
        try:
            for t in q.trial_tuples(self.conn, ses.id):
                if t[0] != current:
                    if tsv is not None:
                        tsv.lines(lines)
                        lines.clear()
                        tsv.close()
                    current = t[0]
                    task = self._task(current)
                    kinds = self.error_kinds.setdefault(current, set())
                    parts = self._parts(current, task)
                    name = f"{s.label}_{ses_label}_task-{task.label}_beh.tsv"
                    tsv = _TsvFile(beh_dir / name, dd.beh_table(task, ()))
                assert tsv is not None
                if t[8]:
                    kinds.add(t[8])
                lines.append(_trial_cells(t, start, start_naive, parts))
                n += 1
                if len(lines) >= LINES_PER_WRITE:
                    tsv.lines(lines)
                    lines.clear()
            if tsv is not None:
                tsv.lines(lines)
        finally:
            facts.n_trials += n
            if tsv is not None:
                tsv.close()
        self._tick(facts.n_trials)

    def _parts(self, exercise_id: str, task: TaskInfo) -> _TrialParts:
        parts = self.trial_parts.get(exercise_id)
        if parts is None:
            parts = _TrialParts(
                tuple(f.key for f in task.spec_fields),
                tuple(f.key for f in task.response_fields),
            )
            self.trial_parts[exercise_id] = parts
        return parts

    # -- tidy tables ---------------------------------------------------------------------

    def _derivatives(self, subjects: list[_Subject]) -> None:
        root = self.root / DERIVATIVES
        _write_json(
            root / "dataset_description.json",
            {
                "Name": "cogtrain: blocks, levels, goal ratings and assessments",
                "BIDSVersion": BIDS_VERSION,
                "DatasetType": "derivative",
                "GeneratedBy": [{"Name": "cogtrain", "Version": __version__}],
            },
        )
        f = self.flags
        self._table(
            root,
            "blocks",
            dd.blocks_table(include_free_text=f.free_text),
            subjects,
            self._block_rows,
        )
        self._table(
            root,
            "level_states",
            dd.level_states_table(include_dates=f.dates),
            subjects,
            self._level_rows,
        )
        self._table(
            root,
            "goal_ratings",
            dd.goal_ratings_table(include_free_text=f.free_text, include_dates=f.dates),
            subjects,
            self._rating_rows,
        )
        self._table(
            root,
            "assessments",
            dd.assessments_table(include_free_text=f.free_text, include_dates=f.dates),
            subjects,
            self._assessment_rows,
        )
        if f.free_text:
            self._table(
                root, "notes", dd.notes_table(include_dates=f.dates), subjects, self._note_rows
            )

    def _table(
        self,
        root: Path,
        stem: str,
        table: Table,
        subjects: list[_Subject],
        rows: Callable[[_Subject], Iterable[list[str]]],
    ) -> None:
        _write_json(root / f"{stem}.json", table.sidecar())
        with _TsvFile(root / f"{stem}.tsv", table) as tsv:
            for s in subjects:
                for cells in rows(s):
                    tsv.row(cells)

    def _session_labels(self, s: _Subject) -> dict[uuid.UUID, str]:
        """ses-01, ses-02, ... by start order, the same as in the subject's sessions.tsv
        (sessions without blocks keep their number too)."""
        ids = [ses.id for ses in q.sessions(self.conn, s.id)]
        return {sid: label("ses", n, len(ids), 2) for n, sid in enumerate(ids, start=1)}

    def _block_rows(self, s: _Subject) -> Iterable[list[str]]:
        session_labels = self._session_labels(s) if s.n_sessions else {}
        for b in q.blocks(self.conn, s.id):
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


CACHE_SIZE = 8192
"""Distinct JSON texts (and numbers) kept formatted at a time; the caches are emptied
when full, so memory stays flat whatever the data."""
LINES_PER_WRITE = 4096


class _TrialParts:
    """The cells of a trial line that come from its JSON columns, for one exercise,
    cached by the stored text: the trials of an exercise share a handful of responses
    (and often specs), and decoding and re-encoding JSON is the dearest part of a line."""

    __slots__ = ("answer_keys", "responses", "spec_keys", "specs")

    def __init__(self, spec_keys: tuple[str, ...], answer_keys: tuple[str, ...]) -> None:
        self.spec_keys = spec_keys
        self.answer_keys = answer_keys
        self.specs: dict[str, tuple[str, str]] = {}
        self.responses: dict[str, tuple[str, str, str]] = {}

    def spec(self, raw: Any) -> tuple[str, str]:
        """(the flat spec cells, each after a tab; spec_json) of a stored spec."""
        spec = _json_dict(raw)
        flat = "".join(["\t" + _plain(spec.get(key)) for key in self.spec_keys])
        value = (flat, compact_json(spec))
        if isinstance(raw, str):
            if len(self.specs) >= CACHE_SIZE:
                self.specs.clear()
            self.specs[raw] = value
        return value

    def response(self, raw: Any) -> tuple[str, str, str]:
        """(timed_out; the flat answer cells, each after a tab; response_json)."""
        response = _json_dict(raw)
        answer = response.get("answer")
        if isinstance(answer, dict):
            flat = "".join(["\t" + _plain(answer.get(key)) for key in self.answer_keys])
        else:
            flat = "\t" + NA
            flat = flat * len(self.answer_keys)
        value = (fmt(response.get("timed_out")), flat, compact_json(response))
        if isinstance(raw, str):
            if len(self.responses) >= CACHE_SIZE:
                self.responses.clear()
            self.responses[raw] = value
        return value


def _json_dict(raw: Any) -> dict[str, Any]:
    """A stored JSON column as the dict the export reads ({} for anything else)."""
    value = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
    return value if isinstance(value, dict) else {}


_FLOATS: dict[float, str] = {}


def _num(x: Any) -> str:
    """:func:`fmt` of a number column, cached for floats (staircase values and times repeat)."""
    if type(x) is not float:
        return fmt(x)
    text = _FLOATS.get(x)
    if text is None:
        text = fmt_float(x)
        if len(_FLOATS) >= CACHE_SIZE:
            _FLOATS.clear()
        _FLOATS[x] = text
    return text


def _since(value: Any, start: datetime, start_naive: datetime) -> str:
    """:func:`_seconds` of a trial time: stored UTC text from SQLite, or a datetime."""
    if isinstance(value, str):
        return fmt_float((datetime.fromisoformat(value) - start_naive).total_seconds())
    return _seconds(value, start)


def _trial_cells(
    t: tuple[Any, ...], session_start: datetime, start_naive: datetime, parts: _TrialParts
) -> str:
    """One trial line of a beh file (with its LF), from a :func:`q.trial_tuples` row;
    ``start_naive`` is ``session_start`` as a naive UTC time (for the stored text)."""
    (_, block_index, practice, idx, level, spec, response, correct, error_kind) = t[:9]
    rt_ms, onset_at, response_at, before, after = t[9:]
    spec_flat, spec_json = parts.specs.get(spec) or parts.spec(spec)
    timed_out, answer_flat, response_json = parts.responses.get(response) or parts.response(
        response
    )
    return (
        f"{block_index}\t{'1' if practice else '0'}\t{level}\t{idx}\t{'1' if correct else '0'}"
        f"\t{fmt(error_kind)}\t{_num(rt_ms)}\t{timed_out}\t{_num(before)}\t{_num(after)}"
        f"\t{_since(onset_at, session_start, start_naive)}"
        f"\t{_since(response_at, session_start, start_naive)}"
        f"{spec_flat}{answer_flat}\t{spec_json}\t{response_json}\n"
    )


def _plain(value: Any) -> str:
    if isinstance(value, (dict, list, tuple)):
        return NA
    return fmt(value)
