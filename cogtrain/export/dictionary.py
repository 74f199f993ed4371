"""The data dictionaries of the research export: every column of every table, described.

Each table is one :class:`Table`: the writer takes the TSV header from it and writes the
JSON sidecar from it, so a column can never be written without its description (or
described without being written). Descriptions are in English, the language the
analysis scripts and the BIDS tooling work in; category labels are the program's own
English words (the gettext msgids), so they match what staff see in an English session.

Per-task files also get columns flattened from the trial spec and the response. Which
fields those are is not declared anywhere in an exercise, so :func:`task_infos` finds
them by building trials at every level from fixed seeds with the exercise's own pure
rules: the top-level fields that are always a plain value (number, text, true/false)
become columns; everything stays available, whole, in the JSON columns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.assessment.scores import Timepoint
from cogtrain.i18n import SUPPORTED_LANGUAGES
from cogtrain.staff.goal_scale import GAS_LEVELS
from cogtrain.training.checkin import RESTED_LABELS, STRESSED_LABELS
from cogtrain.training.exercise import ExerciseInfo, StimulusMark
from cogtrain.training.reflection import STRATEGIES

LOCAL_DAY = (
    "Whole days are counted between local calendar days in Europe/Oslo, the clinics' time zone."
)
BOOL_LEVELS: tuple[tuple[str, str], ...] = (("0", "no (false)"), ("1", "yes (true)"))
LANGUAGE_NAMES = {"nb": "Norwegian (Bokmål)", "en": "English"}
TIMEPOINT_MEANINGS = {
    "baseline": "Before training.",
    "post": "After training.",
    "follow_up": "Some time after the training ended.",
}
SAMPLE_SEEDS = (11, 23, 37)
"""Seeds of the trials built to find an exercise's plain spec and response fields."""


@dataclass(frozen=True)
class Column:
    """One column: its name in the TSV header and its entry in the JSON sidecar."""

    name: str
    description: str
    units: str | None = None
    levels: tuple[tuple[str, str], ...] = ()
    long_name: str | None = None

    def sidecar(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.long_name:
            out["LongName"] = self.long_name
        out["Description"] = self.description
        if self.units:
            out["Units"] = self.units
        if self.levels:
            out["Levels"] = dict(self.levels)
        return out


@dataclass(frozen=True)
class Table:
    """A table's columns in file order, plus any top-level sidecar fields (TaskName...)."""

    columns: tuple[Column, ...]
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def sidecar(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        for c in self.columns:
            out[c.name] = c.sidecar()
        return out


@dataclass(frozen=True)
class TaskInfo:
    """What the export says about one exercise (a BIDS task)."""

    exercise_id: str
    label: str
    title: str
    work_theme: str
    domain: str | None
    instructions: tuple[str, ...]
    n_levels: int | None
    spec_fields: tuple[FlatField, ...] = ()
    response_fields: tuple[FlatField, ...] = ()
    marks: tuple[StimulusMark, ...] = ()


@dataclass(frozen=True)
class FlatField:
    """A top-level spec or response field that is always a plain value."""

    key: str
    is_bool: bool = False


# -- tasks -------------------------------------------------------------------------------


def task_label(exercise_id: str) -> str:
    """The BIDS task label of an exercise: its id with everything but letters and digits
    removed (BIDS labels are alphanumeric), e.g. ``symbol_coding`` -> ``symbolcoding``."""
    return re.sub(r"[^A-Za-z0-9]", "", exercise_id)


def task_infos(exercises: Iterable[ExerciseInfo]) -> Mapping[str, TaskInfo]:
    """Task descriptions for the registered exercises, by exercise id, each worked out
    when first looked up (sampling an exercise's rules takes a while, and an export only
    needs the exercises that are in its data)."""
    return _TaskInfos(exercises)


class _TaskInfos(Mapping[str, TaskInfo]):
    def __init__(self, exercises: Iterable[ExerciseInfo]) -> None:
        self._by_id = {e.exercise_id: e for e in exercises}

    def __getitem__(self, exercise_id: str) -> TaskInfo:
        return _task_info(self._by_id[exercise_id])

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


def unknown_task(exercise_id: str) -> TaskInfo:
    """For trials of an exercise no longer in the registry: exported, but described only
    by id and without flattened fields (the JSON columns keep everything)."""
    return TaskInfo(exercise_id, task_label(exercise_id), exercise_id, "", None, (), None)


@functools.lru_cache(maxsize=256)
def _task_info(e: ExerciseInfo) -> TaskInfo:
    """Cached: the rules are pure and fixed for the program's life, and sampling every
    level of every exercise takes about half a second."""
    rules = e.rules
    specs: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for level in range(1, rules.max_level + 1):
        for seed in SAMPLE_SEEDS:
            rng = np.random.default_rng(seed)
            try:
                spec = rules.new_trial(level, rng)
                specs.append(spec.to_json())
                for resp in (rules.correct_response(spec), rules.error_response(spec, rng)):
                    answer = resp.to_json().get("answer")
                    if isinstance(answer, dict):
                        answers.append(answer)
            except Exception:  # a rule that needs a history just adds no sample
                continue
    return TaskInfo(
        exercise_id=e.exercise_id,
        label=task_label(e.exercise_id),
        title=e.title,
        work_theme=e.work_theme,
        domain=str(e.domain.value),
        instructions=tuple(e.instructions),
        n_levels=rules.max_level,
        spec_fields=_plain_fields(specs, skip={"level"}),
        response_fields=_plain_fields(answers, skip=set()),
        marks=tuple(rules.marks),
    )


def _plain_fields(samples: Sequence[Mapping[str, Any]], *, skip: set[str]) -> tuple[FlatField, ...]:
    """Keys that every sample has, always as a plain value (None allowed), sorted."""
    if not samples:
        return ()
    keys = set(samples[0]).intersection(*samples[1:]) - skip
    out: list[FlatField] = []
    for key in sorted(keys):
        values = [s[key] for s in samples]
        if not all(v is None or isinstance(v, (str, int, float, bool)) for v in values):
            continue
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            continue
        present = [v for v in values if v is not None]
        out.append(FlatField(key, bool(present) and all(isinstance(v, bool) for v in present)))
    return tuple(out)


# -- tables ------------------------------------------------------------------------------


def _participant_id() -> Column:
    return Column(
        "participant_id",
        "Export label of the participant: sub-001, sub-002, ... given in the order of the "
        "clinic's participant codes among the participants exported. The key from label "
        "to code is not part of the dataset.",
    )


def _session_id(what: str = "") -> Column:
    return Column(
        "session_id",
        "Training session (one sitting at the PC): ses-01, ses-02, ... in the order the "
        f"participant's sessions started{what}.",
    )


def _day(name: str, what: str) -> Column:
    return Column(
        name,
        f"{what}, as whole days since the local day of the participant's first training "
        f"session (0 = that day; negative = before it; n/a = unknown, or no session yet). "
        f"{LOCAL_DAY}",
        units="day",
    )


def _date(name: str, what: str) -> Column:
    return Column(name, f"{what}, as a calendar date (YYYY-MM-DD).")


def _utc_time(name: str, what: str) -> Column:
    return Column(name, f"{what}, in UTC (YYYY-MM-DDThh:mm:ssZ).")


def _free_text(name: str, what: str) -> Column:
    return Column(
        name,
        f"{what} (free text, exported only on request). Tabs, line breaks and backslashes "
        "are written as \\t, \\n, \\r and \\\\ so that every record stays on one line.",
    )


def participants_table(*, include_dates: bool) -> Table:
    cols = [
        _participant_id(),
        Column("active", "Whether the participant record is active.", levels=BOOL_LEVELS),
        Column(
            "plan_profile",
            "Id of the training-plan profile the participant trains with (the profiles/ "
            "folder of cogtrain).",
        ),
        Column(
            "plan_overrides",
            "The participant's changes to the profile (session_minutes, sessions_per_week, "
            "training_days, exclude, warm_up) as compact JSON; n/a when none.",
        ),
        Column(
            "language",
            "Language of the training program for the participant; n/a when the clinic's "
            "default is used.",
            levels=tuple((lang, LANGUAGE_NAMES.get(lang, lang)) for lang in SUPPORTED_LANGUAGES),
        ),
        _day("start_day", "The day the participant's programme started (set by staff)"),
    ]
    if include_dates:
        cols.append(_date("start_date", "The day the participant's programme started"))
    cols += [
        Column("n_sessions", "Number of training sessions in the export.", units="session"),
        Column("n_trials", "Number of trials in the export.", units="trial"),
    ]
    return Table(tuple(cols))


SESSION_STATUS_LEVELS = (
    ("completed", "Ended from the program."),
    ("interrupted", "Cut short by a crash or power cut; found and closed at the next start."),
    ("active", "Still running when the export was made."),
)
END_REASON_LEVELS = (
    ("finished", "The participant finished the session."),
    ("window_closed", "The program window was closed during the session."),
    ("interrupted", "The session was cut short (crash, power cut)."),
)


def _levels_from(labels: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return tuple((str(i), label) for i, label in enumerate(labels, start=1))


def sessions_table(*, include_dates: bool) -> Table:
    cols = [
        _session_id(),
        _day("session_day", "The day the session started"),
    ]
    if include_dates:
        cols.append(_utc_time("acq_time", "When the session started"))
    cols += [
        Column("status", "How the session ended.", levels=SESSION_STATUS_LEVELS),
        Column("end_reason", "Why the session ended; n/a while active.", levels=END_REASON_LEVELS),
        Column(
            "active_min",
            "Training time of the session: the summed active time of its blocks (pauses and "
            "breaks excluded, instruction reading included).",
            units="min",
        ),
        Column(
            "elapsed_min",
            "Wall-clock time from the start to the end of the session; n/a while active.",
            units="min",
        ),
        Column("break_min", "Time spent in breaks between blocks (not training).", units="min"),
        Column(
            "n_interruptions",
            "How often the session was cut short (crash, closed window) and then continued.",
        ),
        Column(
            "checkin_rested",
            "Check-in at the start: how rested the participant felt (n/a = skipped).",
            levels=_levels_from(RESTED_LABELS),
        ),
        Column(
            "checkin_stressed",
            "Check-in at the start: how stressed the participant felt (n/a = skipped).",
            levels=_levels_from(STRESSED_LABELS),
        ),
        Column("n_blocks", "Number of blocks (practice rounds included).", units="block"),
        Column("n_trials", "Number of trials (practice trials included).", units="trial"),
        Column("app_version", "Version of cogtrain that ran the session."),
    ]
    return Table(tuple(cols))


def beh_table(task: TaskInfo, error_kinds: Iterable[str]) -> Table:
    """The per-trial file of one task; ``error_kinds`` are the kinds seen in the data."""
    kinds = sorted(set(error_kinds))
    cols = [
        Column(
            "block_index",
            "Which block of the session the trial belongs to: 1 = the session's first block "
            "of any exercise, in start order (the same number as in blocks.tsv).",
        ),
        Column(
            "block_is_practice",
            "Whether the block was a practice round (not scored, no level change).",
            levels=BOOL_LEVELS,
        ),
        Column(
            "level",
            "Difficulty level the trial was built at"
            + (f" (1 = easiest .. {task.n_levels} = hardest)." if task.n_levels else "."),
            units="level",
        ),
        Column("trial_index", "Place of the trial in its block: 0 = the first trial."),
        Column("correct", "Whether the answer was right.", levels=BOOL_LEVELS),
        Column(
            "error_kind",
            "What kind of mistake it was (exercise-specific); n/a when correct.",
            levels=tuple((k, k.replace("_", " ")) for k in kinds),
        ),
        Column(
            "rt_ms",
            "Reaction time: from when input opened (after any study phase) to the response; "
            "n/a when there was no response time (for example a timeout).",
            units="ms",
        ),
        Column(
            "timed_out",
            "Whether the trial ended because its time ran out without an answer.",
            levels=BOOL_LEVELS,
        ),
        Column(
            "staircase_before",
            "The adaptive staircase value before the trial (its whole part is the level).",
            units="level",
        ),
        Column("staircase_after", "The staircase value after scoring the trial.", units="level"),
        Column(
            "trial_onset_s",
            "When the trial appeared, in seconds from the start of the session. Named so to "
            "avoid the BIDS 'onset' column meaning (time from the start of a recording).",
            units="s",
        ),
        Column(
            "trial_response_s",
            "When the trial ended (the response, or the time limit), in seconds from the "
            "start of the session.",
            units="s",
        ),
    ]
    for f in task.spec_fields:
        cols.append(_flat_column("spec_", f, "the trial's specification (what was shown)"))
    for f in task.response_fields:
        cols.append(_flat_column("response_", f, "the participant's answer"))
    for m in task.marks:
        cols.append(
            Column(
                shown_column(m.name),
                f"When this was first on screen, in ms from the trial's onset: {m.description} "
                "Stamped at the screen refresh that first showed it, so it can be up to one "
                "refresh later than planned. n/a when it was not shown before the trial "
                "ended, and in trials logged before cogtrain stamped it.",
                units="ms",
            )
        )
    cols += [
        Column(
            "spec_json",
            "The whole trial specification as compact JSON (keys sorted); enough to rebuild "
            f"the trial with the rules in exercises/{task.exercise_id}/rules.py.",
        ),
        Column(
            "response_json",
            'The whole response as compact JSON (keys sorted): {"answer": ..., '
            '"timed_out": ...}; answer is null on a timeout. Where the exercise has them, '
            '"outcome_details" says how the answer was scored.',
        ),
    ]
    extra: list[tuple[str, Any]] = [("TaskName", task.exercise_id)]
    desc = task.title
    if task.work_theme:
        desc += f" ({task.work_theme})"
    if task.domain:
        desc += f". Domain: {task.domain.replace('_', ' ')}."
    extra.append(("TaskDescription", desc))
    if task.instructions:
        extra.append(("Instructions", " ".join(task.instructions)))
    return Table(tuple(cols), tuple(extra))


def shown_column(mark: str) -> str:
    """The _beh.tsv column of a stimulus mark's first appearance."""
    return f"{mark}_shown_ms"


def _flat_column(prefix: str, f: FlatField, what: str) -> Column:
    units = "ms" if f.key.endswith("_ms") else None
    return Column(
        prefix + f.key,
        f"Field '{f.key}' of {what}, copied from the JSON column when it is a plain value "
        "(n/a when absent or empty).",
        units=units,
        levels=BOOL_LEVELS if f.is_bool else (),
    )


def blocks_table(*, include_free_text: bool) -> Table:
    cols = [
        _participant_id(),
        _session_id(" (as in the participant's sessions.tsv)"),
        Column("block_index", "Place of the block in its session: 1 = first, in start order."),
        Column("task", "BIDS task label of the exercise (as in the _beh.tsv file names)."),
        Column("exercise_id", "The exercise's id in cogtrain."),
        Column(
            "plan_index",
            "Which block of the session's plan this block trained (0 = first); n/a outside a plan.",
        ),
        Column("is_practice", "Whether the block was a practice round.", levels=BOOL_LEVELS),
        Column(
            "status",
            "How the block ended.",
            levels=(
                ("completed", "Ended normally."),
                ("interrupted", "Cut short; its counts were recomputed from its trials."),
                ("active", "Still running when the export was made."),
            ),
        ),
        Column("block_onset_s", "When the block started, in seconds from the session start.", "s"),
        Column("start_level", "Level the block started at.", units="level"),
        Column("end_level", "Level the next block starts at; n/a if not ended.", "level"),
        Column("level_change", "end_level minus start_level; n/a if not ended.", "level"),
        Column("start_value", "Staircase value at the start of the block.", units="level"),
        Column("end_value", "Staircase value at the end; n/a if not ended.", units="level"),
        Column("n_trials", "Number of trials answered in the block.", units="trial"),
        Column("n_correct", "Number of those answered right.", units="trial"),
        Column(
            "active_ms",
            "Training time of the block: pauses excluded, instruction reading included.",
            units="ms",
        ),
        Column("paused_ms", "Time the block was paused.", units="ms"),
        Column("instruction_ms", "Time spent reading the instructions first.", units="ms"),
        Column(
            "strategies",
            "Strategies the participant said helped, as comma-separated ids (n/a = none "
            "chosen): " + "; ".join(f"{sid} = {label}" for sid, label in STRATEGIES) + ".",
        ),
    ]
    if include_free_text:
        cols.append(
            _free_text("transfer_note", "The participant's note on where at work it could help")
        )
    return Table(tuple(cols))


def level_states_table(*, include_dates: bool) -> Table:
    cols = [
        _participant_id(),
        Column("task", "BIDS task label of the exercise."),
        Column("exercise_id", "The exercise's id in cogtrain."),
        Column("level", "The level the next block of this exercise starts at.", "level"),
        Column("value", "The staircase value (its whole part is the level).", "level"),
        Column("min_level", "Lowest level of the exercise.", units="level"),
        Column("max_level", "Highest level of the exercise.", units="level"),
        Column("step_up", "Staircase step after a right answer.", units="level"),
        Column("step_down", "Staircase step after a wrong answer.", units="level"),
        Column("n_trials", "Scored trials the staircase has seen.", units="trial"),
        Column("n_reversals", "How often the staircase changed direction."),
        _day("updated_day", "When the staircase was last updated"),
    ]
    if include_dates:
        cols.append(_utc_time("updated_at", "When the staircase was last updated"))
    return Table(tuple(cols))


def goal_ratings_table(*, include_free_text: bool, include_dates: bool) -> Table:
    cols = [
        _participant_id(),
        Column("goal_index", "The participant's goal: 1 = the first goal set, in order set."),
        Column("goal_domains", "Cognitive domains the goal is about, comma-separated ids."),
        Column("goal_exercises", "Exercises linked to the goal, comma-separated ids."),
        Column("goal_archived", "Whether the goal has been archived.", levels=BOOL_LEVELS),
        _day("goal_target_day", "The goal's target day"),
        _day("rating_day", "The day of the review meeting"),
    ]
    if include_dates:
        cols += [
            _date("goal_target_date", "The goal's target day"),
            _date("rated_on", "The day of the review meeting"),
        ]
    cols.append(
        Column(
            "rating",
            "Goal attainment scale (GAS) rating made at the review meeting; 0 is the "
            "outcome agreed on when the goal was set.",
            levels=tuple((lvl.signed.lstrip("+"), lvl.label) for lvl in GAS_LEVELS),
        )
    )
    if include_free_text:
        cols += [
            _free_text("goal_text", "The goal as written"),
            _free_text("workplace_situation", "The workplace situation the goal is about"),
            _free_text("comment", "The comment on the rating"),
        ]
    return Table(tuple(cols))


def notes_table(*, include_dates: bool) -> Table:
    cols = [_participant_id(), _day("written_day", "When the note was written")]
    if include_dates:
        cols.append(_utc_time("written_at", "When the note was written"))
    cols += [
        Column("goal_index", "The goal the note is linked to (as in goal_ratings.tsv); n/a."),
        Column("exercise_id", "The exercise the note is about; n/a when none."),
        _free_text("text", "The staff member's note linking training to work"),
    ]
    return Table(tuple(cols))


def assessments_table(*, include_free_text: bool, include_dates: bool) -> Table:
    cols = [
        _participant_id(),
        Column(
            "timepoint",
            "When the assessment was done, relative to the training.",
            levels=tuple((t.value, TIMEPOINT_MEANINGS.get(t.value, t.value)) for t in Timepoint),
        ),
        _day("assessed_day", "The day of the assessment"),
    ]
    if include_dates:
        cols.append(_date("assessed_on", "The day of the assessment"))
    cols += [
        Column("battery", "Id of the assessment battery (the batteries/ data of cogtrain)."),
        Column("instrument", "Id of the test within the battery."),
        Column("measure", "Id of the score within the test."),
        Column("raw", "The test's own (raw) score; n/a when not entered."),
        Column("standard", "The standardised score; n/a when not entered."),
        Column(
            "standard_kind",
            "Kind of the standardised score; n/a when none.",
            levels=(("T", "T score (mean 50, SD 10)"), ("z", "z score (mean 0, SD 1)")),
        ),
    ]
    if include_free_text:
        cols.append(_free_text("comment", "The neuropsychologist's comment on the score"))
    return Table(tuple(cols))
