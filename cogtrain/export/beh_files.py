"""The trial files of the export: one ``_beh.tsv`` per participant, session and task.

They are nearly all of an export's bytes and time, so this module is the hot path, and
it is written so that it can run in another process: a :class:`SessionJob` names
everything one session's files need (where they go, when the session started, its
blocks in file order) as plain picklable data, and :func:`write_sessions` turns jobs
into files reading trials from a :class:`~cogtrain.storage.export_queries.TrialReader`.
The parent export (:mod:`cogtrain.export.bids`) runs it in-process, or, for a large
SQLite clinic, hands each session to a worker process (:func:`write_in_worker`),
which reads the same snapshot through its own connection (see
:func:`~cogtrain.storage.export_queries.max_trial_rowid`). The bytes are the same
either way: each file is written whole by one process, in a fixed order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cogtrain.errors import CogtrainError
from cogtrain.export import dictionary as dd
from cogtrain.export.dictionary import TaskInfo
from cogtrain.export.tsv import NA, WRITE_BUFFER, compact_json, fmt, fmt_float
from cogtrain.storage.export_queries import TrialReader

CACHE_SIZE = 8192
"""Distinct JSON texts (and numbers) kept formatted at a time; the caches are emptied
when full, so memory stays flat whatever the data."""
LINES_PER_WRITE = 4096


@dataclass(frozen=True, slots=True)
class BlockRef:
    """A block as its trial lines need it."""

    block_id: Any  # uuid.UUID
    exercise_id: str
    block_index: int
    is_practice: bool


@dataclass(frozen=True, slots=True)
class SessionJob:
    """One session's trial files: ``<beh_dir>/<stem>_task-<t>_beh.tsv`` for each task.

    ``blocks`` are in file order: by exercise, then by place in the session."""

    beh_dir: Path
    stem: str
    started_at: datetime
    blocks: tuple[BlockRef, ...]


@dataclass
class TrialFilesResult:
    """What the trial files held: trial count, and the error kinds seen per exercise
    (an exercise with trials is a key even when it had no error kind)."""

    n_trials: int = 0
    error_kinds: dict[str, set[str]] = field(default_factory=dict)

    def add(self, other: TrialFilesResult) -> None:
        self.n_trials += other.n_trials
        for exercise_id, kinds in other.error_kinds.items():
            self.error_kinds.setdefault(exercise_id, set()).update(kinds)


class WorkerFailure(Exception):
    """A worker's error carried back to the parent (message, hint) as plain arguments,
    so that it survives pickling whatever the original exception's constructor."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.message = message
        self.hint = hint


def write_sessions(
    reader: TrialReader,
    jobs: Iterable[SessionJob],
    tasks: Mapping[str, TaskInfo],
    parts: dict[str, Any] | None = None,
) -> TrialFilesResult:
    """Write the trial files of ``jobs``; ``tasks`` holds every exercise id they use.

    ``parts``: the formatted-JSON caches to use (and fill), when the caller writes one
    job at a time and wants them kept between calls."""
    result = TrialFilesResult()
    if parts is None:
        parts = {}
    for job in jobs:
        _write_session(reader, job, tasks, parts, result)
    return result


def write_in_worker(
    db_path: str, max_rowid: int, jobs: list[SessionJob], tasks: Mapping[str, TaskInfo]
) -> TrialFilesResult:
    """:func:`write_sessions` in a worker process, on its own read-only connection.

    The parent hands over one session at a time (so progress, and a Cancel, move every
    few milliseconds), so the connection and the formatted-JSON caches are kept for the
    worker's next job of the same export: a worker process lives for one export only."""
    try:
        reader, parts = _worker_state(db_path, max_rowid)
        return write_sessions(reader, jobs, tasks, parts)
    except CogtrainError as exc:
        raise WorkerFailure(exc.message, exc.hint) from None
    except OSError as exc:
        raise WorkerFailure(
            f"Writing a trial file failed ({exc.strerror or exc}).",
            "Check that the disk has free space, then export again.",
        ) from None


_WORKER: dict[tuple[str, int], tuple[TrialReader, dict[str, Any]]] = {}


def _worker_state(db_path: str, max_rowid: int) -> tuple[TrialReader, dict[str, Any]]:
    """This worker's reader and caches for the export of ``db_path`` up to ``max_rowid``
    (a new snapshot bound gets a new reader; the old one is closed)."""
    key = (db_path, max_rowid)
    state = _WORKER.get(key)
    if state is None:
        for reader, _parts in _WORKER.values():
            reader.close()
        _WORKER.clear()
        state = (TrialReader.sqlite_file(db_path, max_rowid), {})
        _WORKER[key] = state
    return state


def _write_session(
    reader: TrialReader,
    job: SessionJob,
    tasks: Mapping[str, TaskInfo],
    parts_by_exercise: dict[str, _TrialParts],
    result: TrialFilesResult,
) -> None:
    """One session's trial files. The inner loop is the export's hot path, so it is
    written flat: one list of rows per fetch, the cells of stored JSON and of repeating
    numbers from caches, the rest formatted inline (each expression equal to what
    :func:`~cogtrain.export.tsv.fmt` gives for that kind of value), one write per
    :data:`LINES_PER_WRITE` lines."""
    start = job.started_at
    start_naive = start.astimezone(UTC).replace(tzinfo=None)
    fromiso = datetime.fromisoformat
    floats_get = _FLOATS.get
    current: str | None = None
    fh: IO[str] | None = None
    kinds: set[str] = set()
    error_cells: dict[Any, str] = {}
    lines: list[str] = []
    append = lines.append
    n = 0
    made_dir = False
    try:
        for b in job.blocks:
            head = f"{b.block_index}\t{'1' if b.is_practice else '0'}\t"
            for rows in reader.block(b.block_id):
                if b.exercise_id != current:
                    if fh is not None:
                        fh.write("".join(lines))
                        lines.clear()
                        fh.close()
                        fh = None
                    current = b.exercise_id
                    task = tasks[current]
                    kinds = result.error_kinds.setdefault(current, set())
                    error_cells = {None: NA}
                    parts = parts_by_exercise.get(current)
                    if parts is None:
                        parts = _TrialParts(task)
                        parts_by_exercise[current] = parts
                    specs_get = parts.specs.get
                    shown_of = parts.shown if parts.marks else None
                    responses_get = parts.responses.get
                    if not made_dir:
                        job.beh_dir.mkdir(parents=True, exist_ok=True)
                        made_dir = True
                    fh = open_trial_file(job.beh_dir / f"{job.stem}_task-{task.label}_beh.tsv")
                    fh.write(parts.header)
                n += len(rows)
                for (
                    idx,
                    level,
                    spec,
                    response,
                    correct,
                    error_kind,
                    rt_ms,
                    onset_at,
                    response_at,
                    before,
                    after,
                    shown_ms,
                ) in rows:
                    spec_flat, spec_json = specs_get(spec) or parts.spec(spec)
                    timed_out, answer_flat, response_json = responses_get(
                        response
                    ) or parts.response(response)
                    error_cell = error_cells.get(error_kind)
                    if error_cell is None:
                        error_cell = _error_cell(error_kind, kinds, error_cells)
                    if type(rt_ms) is float:
                        rt = f"{rt_ms:.6f}".rstrip("0").rstrip(".")
                        if rt[-1] > "9" or rt == "-0":  # inf, nan; minus zero
                            rt = fmt(rt_ms)
                    else:
                        rt = fmt(rt_ms)
                    if type(onset_at) is str:
                        onset = (fromiso(onset_at) - start_naive).total_seconds()
                        onset_cell = f"{onset:.6f}".rstrip("0").rstrip(".")
                    else:
                        onset_cell = _since(onset_at, start, start_naive)
                    if type(response_at) is str:
                        answered = (fromiso(response_at) - start_naive).total_seconds()
                        response_cell = f"{answered:.6f}".rstrip("0").rstrip(".")
                    else:
                        response_cell = _since(response_at, start, start_naive)
                    append(
                        f"{head}{level}\t{idx}\t{'1' if correct else '0'}\t{error_cell}"
                        f"\t{rt}\t{timed_out}\t{floats_get(before) or _num(before)}"
                        f"\t{floats_get(after) or _num(after)}\t{onset_cell}\t{response_cell}"
                        f"{spec_flat}{answer_flat}"
                        f"{'' if shown_of is None else shown_of(shown_ms)}"
                        f"\t{spec_json}\t{response_json}\n"
                    )
                if len(lines) >= LINES_PER_WRITE:
                    assert fh is not None
                    fh.write("".join(lines))
                    lines.clear()
        if fh is not None:
            fh.write("".join(lines))
    finally:
        result.n_trials += n
        if fh is not None:
            fh.close()


def open_trial_file(path: Path) -> IO[str]:
    """A trial file opened for writing (UTF-8, LF, a large buffer), its folder existing.

    A function of its own so that tests can make a write fail part-way."""
    return path.open("w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER)


def _error_cell(error_kind: Any, kinds: set[str], cells: dict[Any, str]) -> str:
    """The ``error_kind`` cell of a kind not seen yet in this file; remembers the kind
    for the task's data dictionary (its levels)."""
    if error_kind:
        kinds.add(error_kind)
    cell = fmt(error_kind)
    if len(cells) < CACHE_SIZE:
        cells[error_kind] = cell
    return cell


class _TrialParts:
    """The cells of a trial line that come from its JSON columns, for one exercise,
    cached by the stored text: the trials of an exercise share a handful of responses
    (and often specs), and decoding and re-encoding JSON is the dearest part of a line.
    Also the exercise's header line, built once rather than once per file."""

    __slots__ = ("answer_keys", "header", "marks", "responses", "spec_keys", "specs")

    def __init__(self, task: TaskInfo) -> None:
        self.spec_keys = tuple(f.key for f in task.spec_fields)
        self.answer_keys = tuple(f.key for f in task.response_fields)
        self.marks = tuple(m.name for m in task.marks)
        self.header = "\t".join(dd.beh_table(task, ()).names) + "\n"
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

    def shown(self, raw: Any) -> str:
        """The stimulus-mark cells (each after a tab) of a trial's stored ``shown_ms``
        (NULL before marks were stamped): its own small column, so the response stays
        one cached text per kind of answer."""
        shown = _json_dict(raw) if raw is not None else {}
        return "".join(["\t" + _num_or_na(shown.get(name)) for name in self.marks])

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
    """Seconds from the session's start to a trial time: stored UTC text from SQLite, or
    an aware datetime from other databases (the same text either way)."""
    if isinstance(value, str):
        return fmt_float((datetime.fromisoformat(value) - start_naive).total_seconds())
    if value is None:
        return NA
    return fmt_float((value - start).total_seconds())


def _num_or_na(value: Any) -> str:
    """A stored number as its cell; n/a for anything else (absent, or not a number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return NA
    return _num(float(value))


def _plain(value: Any) -> str:
    if isinstance(value, (dict, list, tuple)):
        return NA
    return fmt(value)
