"""Build a realistic synthetic clinic database, for the scale and export benchmarks.

    .venv/bin/python bench/synthetic_clinic.py --out clinic.sqlite3 \
        [--participants 200] [--hours 40] [--seed 1]

Every participant trains ``--hours`` of active time the way the program would log it:
sessions on the plan's two training days a week (a few days missed), a check-in, today's
blocks composed by the real session composer (``compose_session``) from the real
exercise registry, a practice round the first time an exercise comes up in a session,
scored blocks whose levels follow the real staircase, and trials whose specs and
responses are what each exercise's own rules build and score. Around that: staff
accounts, consultants assigned, goals rated every fortnight, notes, assessment scores
before and after, level states, reflections after blocks, an audit trail. Some
participants have finished and been switched off; some missed their last two sessions.

Why not the program's own write path: it commits every trial on its own (it must be
durable), which would take hours for ten million trials. The schema is the one
``Store.open`` (Alembic migrations) creates; rows are written with ``executemany`` on a
plain sqlite3 connection, in the exact formats SQLAlchemy writes them (UUIDs as 32 hex
digits, naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff``, JSON text, booleans 0/1), and the
test reads them back through the store. Column names come from the models' tables.

Trial specs come from a pool: for every exercise and level, ``POOL_PER_LEVEL`` trials
made by the exercise's ``make_trial`` (sequential exercises with their block history),
each with a right, a wrong and (when timed) a timed-out response scored by the
exercise's ``score``. Generating every one of ten million trials afresh would cost up to
15 ms a trial for some exercises; the pool keeps their shapes, sizes and variety.

Deterministic from ``--seed``: the same arguments give the same rows, byte for byte
(participant ``i`` is the same in a clinic of N and of 2N). "Today" for the clinic is
:data:`CLINIC_TODAY`, not the wall clock. Every staff account's password is
:data:`STAFF_PASSWORD`, so benchmarks can log in through the real desk.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import exercises  # noqa: E402
from cogtrain import __version__  # noqa: E402
from cogtrain.assessment.batteries import load_batteries  # noqa: E402
from cogtrain.runtime.trial_runner import input_delay_ms  # noqa: E402
from cogtrain.storage.models import (  # noqa: E402
    AssessmentScore,
    AuditEvent,
    Block,
    Goal,
    GoalRating,
    LevelState,
    Note,
    Participant,
    StaffUser,
    TrainingSession,
    Trial,
)
from cogtrain.training.checkin import CheckIn  # noqa: E402
from cogtrain.training.composition import catalogue_of, compose_session  # noqa: E402
from cogtrain.training.exercise import ExerciseInfo, HistoryItem, Response  # noqa: E402
from cogtrain.training.history import TrainingFacts, participant_history  # noqa: E402
from cogtrain.training.plans import TrainingPlan, load_profiles  # noqa: E402
from cogtrain.training.reflection import STRATEGIES  # noqa: E402
from cogtrain.training.resume import plan_to_json  # noqa: E402
from cogtrain.training.staircase import Staircase, StaircaseState  # noqa: E402

GENERATOR_VERSION = 2
"""Bumped whenever the rows a seed gives change, so cached clinics are rebuilt."""

CLINIC_TODAY = date(2026, 11, 30)
"""The clinic's "today" (a Monday): the last sessions lie just before it."""

STAFF_PASSWORD = "synthetic-clinic-2026"
POOL_PER_LEVEL = 16
MARK_PLANNED_MS: dict[str, dict[str, Callable[[dict[str, Any]], float | None]]] = {
    "reaction": {"target": lambda spec: float(spec["foreperiod_ms"])},
    "go_stop": {"stop_signal": lambda spec: float(spec["stop_delay_ms"]) if spec["stop"] else None},
}
"""When each exercise's stimulus marks are due (ms after onset; None: not in this
trial). The runner stamps the flip that first shows one, up to a frame later, and the
trial keeps it in ``shown_ms``; the synthetic trials get the same, one value each."""
SESSION_ACTIVE_FACTOR = 1.18
"""Active minutes per planned minute of a session, as measured on generated clinics."""
PRACTICE_TRIALS = 4  # BlockConfig's default
PROFILES = (("jmo-standard", 0.8), ("attention-focus", 0.2))  # the twice-weekly plans
SHARE_INACTIVE = 0.1
SHARE_MISSED_TWO = 0.1
SHARE_DAYS_MISSED = 0.1
DEVICES = ("KLINIKK-PC-1", "KLINIKK-PC-2", "KLINIKK-PC-3")
TZ = ZoneInfo("Europe/Oslo")
EPOCH_US = datetime(1970, 1, 1, tzinfo=UTC)

RT_MEDIAN_MS: dict[str, tuple[float, float]] = {
    # A participant's median answer time at the start of training (ms): a fixed part plus
    # a part per item on screen (the spec's ``labels`` or ``items``). Estimates of how long
    # each task takes a person, not measurements; a stream (``stream_ms``) is watched to
    # its end first. Timed trials whose answer would come after the limit time out.
    "symbol_coding": (1_100.0, 0.0),
    "number_trail": (1_500.0, 700.0),
    "match_fast": (1_000.0, 0.0),
    "reaction": (600.0, 0.0),
    "conveyor_watch": (550.0, 0.0),
    "shelf_search": (900.0, 120.0),
    "go_stop": (450.0, 0.0),
    "two_channel_watch": (1_500.0, 0.0),
    "order_list": (2_500.0, 700.0),
    "position_span": (1_500.0, 600.0),
    "nback_dispatch": (900.0, 0.0),
    "names_and_codes": (4_500.0, 0.0),
    "tower_planner": (18_000.0, 0.0),
    "sorting_rules": (2_200.0, 0.0),
    "delivery_route": (30_000.0, 0.0),
    "schedule_puzzle": (35_000.0, 0.0),
}
DEFAULT_RT_MEDIAN_MS = (3_000.0, 0.0)

GOAL_TEXTS = (
    ("Holde oversikt over dagens arbeidsoppgaver uten å glemme noen", "memory"),
    ("Bli ferdig med plukklista før lunsj", "processing_speed"),
    ("Holde fokus på kassa en hel vakt", "attention"),
    ("Planlegge uka mi i arbeidspraksisen selv", "problem_solving"),
    ("Huske navnene på kollegaene på lageret", "memory"),
    ("Sortere posten riktig på første forsøk", "attention"),
    ("Ta imot beskjeder uten å skrive alt ned med en gang", "memory"),
    ("Finne en ny rekkefølge når planen endrer seg", "problem_solving"),
)
WORKPLACE_SITUATIONS = (
    "Lager, varemottak",
    "Butikk, kasse og påfylling",
    "Kantine, kjøkkenhjelp",
    "Kontor, post og arkiv",
    "Verksted, montering",
)
NOTE_TEXTS = (
    "Snakket om hvordan sorteringsstrategien kan brukes i varemottaket.",
    "Deltakeren forteller at det går lettere å holde fokus i lange økter.",
    "Avtalt å prøve å lese høyt når beskjeder blir lange.",
    "Hard uke på praksisplassen; kortere økter var til hjelp.",
    "Brukte planleggingen fra øvelsen da vaktlista ble endret.",
    "God fremgang. Vil prøve flere oppgaver alene på lageret.",
)
TRANSFER_NOTES = (
    "Kan bruke dette når jeg plukker varer",
    "Som når sjefen gir mange beskjeder på en gang",
    "Hjelper i kassa",
    "Når jeg skal huske hva som skal på hylla",
    "Planlegge dagen min",
)
RATING_COMMENTS = ("Bedre enn forrige gang", "Trenger mer tid", "Klar fremgang", "Stabilt")


# -- the trial pool: each exercise's own trials, made once ------------------------------


@dataclass(frozen=True)
class PoolItem:
    """One real trial of one exercise at one level, with its scored responses."""

    spec_json: str
    input_after_us: int
    limit_us: int | None
    rt_median_us: float
    """Median answer time from when input opens (see :data:`RT_MEDIAN_MS`)."""
    right_json: str
    wrong_json: str
    wrong_kind: str | None
    timeout_json: str | None
    timeout_kind: str | None
    marks_due: tuple[tuple[str, int], ...] | None = None
    """(mark, due ns after onset) for the marks this trial shows; None for exercises
    without marks."""


def _response_json(resp: Response, details: Any) -> str:
    """What the runner logs as a trial's response: the answer plus the outcome details."""
    out = resp.to_json()
    if details:
        out["outcome_details"] = dict(details)
    return json.dumps(out)


def build_pool(
    infos: Sequence[ExerciseInfo], seed: int, per_level: int = POOL_PER_LEVEL
) -> dict[str, list[list[PoolItem]]]:
    """``pool[exercise_id][level - 1]``: ``per_level`` trials made by the exercise's rules."""
    pool: dict[str, list[list[PoolItem]]] = {}
    for k, info in enumerate(infos):
        rules = info.rules
        rng = np.random.default_rng([seed, 7919, k])
        levels: list[list[PoolItem]] = []
        for level in range(rules.min_level, rules.max_level + 1):
            items: list[PoolItem] = []
            history: list[HistoryItem] = []
            for _i in range(per_level):
                spec = rules.new_trial(level, rng, history)
                right = rules.correct_response(spec)
                wrong = rules.error_response(spec, rng)
                o_right = rules.score(spec, right)
                o_wrong = rules.score(spec, wrong)
                if not o_right.correct or o_wrong.correct:
                    raise RuntimeError(f"{rules.exercise_id}: right/wrong responses misscored")
                limit = spec.time_limit_ms
                timeout_json = timeout_kind = None
                if limit is not None:
                    o_to = rules.score(spec, Response.timeout())
                    timeout_json = _response_json(Response.timeout(), o_to.details)
                    timeout_kind = o_to.error_kind
                spec_obj = spec.to_json()
                due = MARK_PLANNED_MS.get(rules.exercise_id, {})
                if {m.name for m in rules.marks} != set(due):
                    raise RuntimeError(f"{rules.exercise_id}: MARK_PLANNED_MS is out of date")
                marks_due = (
                    tuple(
                        (name, int(ms * 1_000_000))
                        for name, when in sorted(due.items())
                        if (ms := when(spec_obj)) is not None
                    )
                    if due
                    else None
                )
                fixed_ms, per_item_ms = RT_MEDIAN_MS.get(rules.exercise_id, DEFAULT_RT_MEDIAN_MS)
                n_items = len(spec_obj.get("labels") or spec_obj.get("items") or ())
                median_ms = fixed_ms + per_item_ms * n_items + float(spec_obj.get("stream_ms") or 0)
                items.append(
                    PoolItem(
                        spec_json=json.dumps(spec_obj),
                        rt_median_us=median_ms * 1000.0,
                        input_after_us=int(round(input_delay_ms(spec) * 1000)),
                        limit_us=None if limit is None else int(round(limit * 1000)),
                        right_json=_response_json(right, o_right.details),
                        wrong_json=_response_json(wrong, o_wrong.details),
                        wrong_kind=o_wrong.error_kind,
                        timeout_json=timeout_json,
                        timeout_kind=timeout_kind,
                        marks_due=marks_due,
                    )
                )
                # Sequential exercises build on the block so far: mostly right answers.
                history.append(HistoryItem(spec, o_right if rng.random() < 0.8 else o_wrong))
            levels.append(items)
        pool[rules.exercise_id] = levels
    return pool


# -- value formats, exactly as SQLAlchemy writes them to SQLite -------------------------


def uuid_hexes(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` random version-4 UUIDs as SQLAlchemy's ``Uuid`` stores them (32 hex digits)."""
    if n == 0:
        return []
    b = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    h = b.tobytes().hex()
    return [h[i : i + 32] for i in range(0, 32 * n, 32)]


def ts_text(us: Sequence[int] | np.ndarray) -> list[str]:
    """Microseconds since the Unix epoch (UTC) as SQLAlchemy's SQLite ``DATETIME`` text."""
    arr = np.asarray(us, dtype="int64").astype("datetime64[us]")
    return [s.replace("T", " ") for s in np.datetime_as_string(arr, unit="us").tolist()]


def to_us(t: datetime) -> int:
    return (t - EPOCH_US) // timedelta(microseconds=1)


def one_ts(us: int) -> str:
    return ts_text([us])[0]


# -- the clinic's people ----------------------------------------------------------------


@dataclass(frozen=True)
class ClinicSpec:
    participants: int = 200
    hours: float = 40.0
    seed: int = 1
    pool_per_level: int = POOL_PER_LEVEL
    """Real trials made per exercise and level (fewer makes a small test clinic faster)."""


@dataclass
class ClinicStats:
    participants: int = 0
    sessions: int = 0
    blocks: int = 0
    trials: int = 0
    seconds: float = 0.0
    megabytes: float = 0.0
    active_hours: float = 0.0
    extra: dict[str, int] = field(default_factory=dict)
    """Rows written per table."""
    status_of: dict[str, str] = field(default_factory=dict)
    """Participant code -> ``active``, ``missed_two`` (missed the last two sessions) or
    ``inactive`` (finished some weeks ago and switched off)."""


@dataclass
class _Ability:
    """A participant's skill in one exercise: grows with practice, so levels drift up."""

    start: float
    gain: float
    tau_trials: float
    rt_scale: float
    trials_done: int = 0

    def level_skill(self) -> float:
        return self.start + self.gain * (1.0 - math.exp(-self.trials_done / self.tau_trials))

    def rt_factor(self) -> float:
        return self.rt_scale * (1.0 - 0.18 * (1.0 - math.exp(-self.trials_done / 3000.0)))


class _Rows:
    """Rows per table, flushed with ``executemany`` in big transactions."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.columns: dict[str, tuple[str, ...]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: Any, row: dict[str, Any]) -> None:
        name = table.name
        cols = self.columns.get(name)
        if cols is None:
            cols = self.columns[name] = tuple(c.name for c in table.columns)
        extra = set(row) - set(cols)
        if extra:
            raise KeyError(f"{name} has no column(s) {sorted(extra)}")
        self.rows.setdefault(name, []).append(tuple(row.get(c) for c in cols))

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if not rows:
                continue
            cols = self.columns[name]
            sql = f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            self.conn.executemany(sql, rows)
            self.counts[name] = self.counts.get(name, 0) + len(rows)
            rows.clear()


TRIAL_COLUMNS = (
    "id",
    "block_id",
    "idx",
    "level",
    "spec",
    "response",
    "correct",
    "error_kind",
    "rt_ms",
    "onset_at",
    "response_at",
    "staircase_before",
    "staircase_after",
    "shown_ms",
)


class _Trials:
    """One participant's trials, column by column (timestamps formatted at the end)."""

    def __init__(self) -> None:
        self.block_id: list[str] = []
        self.idx: list[int] = []
        self.level: list[int] = []
        self.spec: list[str] = []
        self.response: list[str] = []
        self.correct: list[int] = []
        self.error_kind: list[str | None] = []
        self.rt_ms: list[float | None] = []
        self.onset_us: list[int] = []
        self.response_us: list[int] = []
        self.before: list[float] = []
        self.after: list[float] = []
        self.shown: list[str | None] = []

    def __len__(self) -> int:
        return len(self.idx)

    def rows(self, rng: np.random.Generator) -> Iterable[tuple[Any, ...]]:
        return zip(
            uuid_hexes(rng, len(self)),
            self.block_id,
            self.idx,
            self.level,
            self.spec,
            self.response,
            self.correct,
            self.error_kind,
            self.rt_ms,
            ts_text(self.onset_us),
            ts_text(self.response_us),
            self.before,
            self.after,
            self.shown,
            strict=True,
        )


@dataclass
class _Staff:
    admin: str
    neuropsychologists: list[str]
    consultants: list[str]
    usernames: dict[str, str]  # id -> user name, for the audit rows


def _password_hash(seed: int) -> str:
    """An argon2id hash of :data:`STAFF_PASSWORD` with the program's own parameters and a
    salt from the seed (the library salts randomly, which would break determinism)."""
    from argon2 import profiles
    from argon2.low_level import hash_secret

    p = profiles.RFC_9106_LOW_MEMORY
    salt = np.random.default_rng([seed, 31337]).bytes(p.salt_len)
    return hash_secret(
        STAFF_PASSWORD.encode(),
        salt,
        time_cost=p.time_cost,
        memory_cost=p.memory_cost,
        parallelism=p.parallelism,
        hash_len=p.hash_len,
        type=p.type,
    ).decode()


def _add_staff(rows: _Rows, spec: ClinicSpec, rng: np.random.Generator, start_us: int) -> _Staff:
    n_consultants = max(2, math.ceil(spec.participants / 12))
    password_hash = _password_hash(spec.seed)
    people = (
        [("admin", "Administrator", "admin")]
        + [
            (f"nevropsykolog{i + 1}", f"Nevropsykolog {i + 1}", "neuropsychologist")
            for i in range(2)
        ]
        + [
            (f"konsulent{i + 1:02d}", f"Arbeidskonsulent {i + 1}", "consultant")
            for i in range(n_consultants)
        ]
    )
    ids = uuid_hexes(rng, len(people))
    for uid, (username, display, role) in zip(ids, people, strict=True):
        rows.add(
            StaffUser.__table__,
            {
                "id": uid,
                "username": username,
                "display_name": display,
                "role": role,
                "password_hash": password_hash,
                "active": 1,
                "failed_attempts": 0,
                "locked_until": None,
                "created_at": one_ts(start_us),
                "last_login_at": one_ts(start_us),
            },
        )
    return _Staff(ids[0], ids[1:3], ids[3:], {u: p[0] for u, p in zip(ids, people, strict=True)})


# -- one participant --------------------------------------------------------------------


@dataclass
class _ParticipantPlan:
    index: int
    code: str
    profile: TrainingPlan
    status: str  # "active", "missed_two", "inactive"
    consultant: str | None
    neuropsychologist: str


def _training_days_before(day: date, weekdays: Sequence[int], n: int) -> list[date]:
    """The ``n`` training days strictly before ``day``, latest first."""
    out: list[date] = []
    d = day - timedelta(days=1)
    while len(out) < n:
        if d.isoweekday() in weekdays:
            out.append(d)
        d -= timedelta(days=1)
    return out


def _last_session_day(p: _ParticipantPlan, rng: np.random.Generator) -> date:
    days = tuple(p.profile.training_days)
    if p.status == "active":
        return _training_days_before(CLINIC_TODAY, days, 1)[0]
    if p.status == "missed_two":
        return _training_days_before(CLINIC_TODAY, days, 3)[-1]
    weeks_ago = int(rng.integers(3, 16))
    return _training_days_before(CLINIC_TODAY - timedelta(weeks=weeks_ago), days, 1)[0]


def _schedule(
    p: _ParticipantPlan, n_sessions: int, rng: np.random.Generator
) -> tuple[list[date], date]:
    """Session days (oldest first) ending on the participant's last day, with a tenth of
    the training days missed on the way; and the programme's start date."""
    last = _last_session_day(p, rng)
    days_set = tuple(p.profile.training_days)
    out = [last]
    d = last
    while len(out) < n_sessions:
        d -= timedelta(days=1)
        if d.isoweekday() in days_set and rng.random() >= SHARE_DAYS_MISSED:
            out.append(d)
    out.reverse()
    start = out[0] - timedelta(days=int(rng.integers(0, 4)))
    return out, start


def _sessions_needed(plan: TrainingPlan, hours: float) -> int:
    """Sessions of the plan's length for ``hours`` of active time. Practice rounds (the
    first time an exercise comes up in a session) and instructions count as training
    too, so a session trains :data:`SESSION_ACTIVE_FACTOR` times its planned minutes."""
    return max(1, math.ceil(hours * 60.0 / (plan.session_minutes * SESSION_ACTIVE_FACTOR)))


def _checkin(rng: np.random.Generator) -> CheckIn:
    if rng.random() < 0.1:
        return CheckIn(None, None)
    rested = int(rng.choice([1, 2, 3], p=[0.15, 0.45, 0.40]))
    stressed = int(rng.choice([1, 2, 3], p=[0.55, 0.35, 0.10]))
    return CheckIn(rested, stressed)


class _Simulator:
    """Trains one participant through all their sessions, row by row."""

    def __init__(
        self,
        p: _ParticipantPlan,
        spec: ClinicSpec,
        pool: dict[str, list[list[PoolItem]]],
        infos: dict[str, ExerciseInfo],
        rows: _Rows,
        staff: _Staff,
    ) -> None:
        self.p = p
        self.spec = spec
        self.pool = pool
        self.infos = infos
        self.rows = rows
        self.staff = staff
        self.rng = np.random.default_rng([spec.seed, 1, p.index])
        self.id_rng = np.random.default_rng([spec.seed, 2, p.index])
        self.pid = uuid_hexes(self.id_rng, 1)[0]
        self.trials = _Trials()
        self.catalogue = catalogue_of(infos.values())
        self.ability = {
            ex: _Ability(
                start=float(self.rng.uniform(1.5, 3.5)),
                gain=float(self.rng.uniform(0.3, 0.65)) * info.rules.max_level,
                tau_trials=float(self.rng.uniform(400.0, 2500.0)),
                rt_scale=float(self.rng.lognormal(0.0, 0.15)),
            )
            for ex, info in infos.items()
        }
        self.states: dict[str, StaircaseState] = {}
        self.state_updated_us: dict[str, int] = {}
        self.total_ms: dict[str, float] = {}
        self.week_ms: dict[str, float] = {}
        self.recent: list[tuple[str, ...]] = []
        self.n_sessions = 0
        self.n_blocks = 0
        self.active_ms = 0.0
        self.scored_blocks: list[tuple[str, str, int]] = []  # block id, exercise, end us

    # -- randomness --------------------------------------------------------------------

    def _rt_us(self, ex: str, item: PoolItem, ab: _Ability) -> int:
        rt = item.rt_median_us * ab.rt_factor() * math.exp(0.3 * float(self.rng.standard_normal()))
        return max(150_000, int(rt))

    def _shown(self, item: PoolItem, onset_us: int, resp_us: int) -> str | None:
        """The trial's ``shown_ms`` as the runner stamps it: each due mark at the flip
        after its time (up to a frame later, in ns), if that came before the response."""
        if item.marks_due is None:
            return None  # an exercise without marks
        shown = {}
        for name, due_ns in item.marks_due:
            at_ns = due_ns + int(self.rng.integers(0, 16_666_667))
            if onset_us * 1000 + at_ns <= resp_us * 1000:
                shown[name] = at_ns / 1_000_000
        return json.dumps(shown)

    def _frame_us(self) -> int:
        return int(self.rng.integers(0, 16_667))

    # -- one block ---------------------------------------------------------------------

    def _block(
        self,
        session_id: str,
        plan_index: int,
        ex: str,
        practice: bool,
        target_ms: float,
        start_us: int,
        instruction_ms: float,
        cut_short: str | None,
    ) -> tuple[int, float, str]:
        """Run one block from ``start_us``; returns (end us, active ms, block id)."""
        info = self.infos[ex]
        rules = info.rules
        timing = rules.timing
        levels_pool = self.pool[ex]
        ab = self.ability[ex]
        state = self.states.get(ex) or Staircase.start(rules.min_level, rules.max_level).state()
        staircase = Staircase.from_state(state)
        start_level = staircase.level
        fixed = max(rules.min_level, start_level - 1) if practice else None
        if not practice and ex not in self.states:
            self.states[ex] = state  # stored from the first scored block on (start_block)
            self.state_updated_us[ex] = start_us
        block_id = uuid_hexes(self.id_rng, 1)[0]
        tr = self.trials
        gap_us = int(timing.gap_ms * 1000)
        feedback_us = int((timing.practice_feedback_ms if practice else timing.feedback_ms) * 1000)
        shows_always = practice or timing.feedback == "always"
        shows_on_error = timing.feedback == "errors"
        target_us = target_ms * 1000.0
        if cut_short == "ended_early":
            target_us *= float(self.rng.uniform(0.2, 0.8))
        t = start_us
        active_us = 0
        paused_ms = 0.0
        n_correct = 0
        idx = 0
        pause_at = int(self.rng.integers(5, 40)) if self.rng.random() < 0.04 else -1
        while True:
            level = fixed if fixed is not None else staircase.level
            items = levels_pool[level - 1]
            item = items[int(self.rng.integers(len(items)))]
            if idx == pause_at:  # a pause (Esc): wall time passes, training time does not
                pause_us = int(self.rng.uniform(20e6, 240e6))
                paused_ms += pause_us / 1000.0
                t += pause_us
            onset = t + gap_us + self._frame_us()
            open_us = onset + item.input_after_us
            skill = ab.level_skill()
            p_right = 1.0 / (1.0 + math.exp(-1.6 * (skill - level)))
            p_right = min(0.97, max(0.05, p_right))
            rt = self._rt_us(ex, item, ab)
            if item.limit_us is not None and rt >= item.limit_us:
                resp_us = open_us + item.limit_us
                response, correct, kind, rt_ms = item.timeout_json, False, item.timeout_kind, None
            else:
                resp_us = open_us + rt
                rt_ms = rt / 1000.0
                if self.rng.random() < p_right:
                    response, correct, kind = item.right_json, True, None
                else:
                    response, correct, kind = item.wrong_json, False, item.wrong_kind
            before = staircase.value if fixed is None else float(fixed)
            if fixed is None:
                staircase.update(correct)
                ab.trials_done += 1
            after = staircase.value if fixed is None else before
            tr.block_id.append(block_id)
            tr.idx.append(idx)
            tr.level.append(level)
            tr.spec.append(item.spec_json)
            tr.response.append(response)  # type: ignore[arg-type]
            tr.correct.append(int(correct))
            tr.error_kind.append(kind)
            tr.rt_ms.append(rt_ms)
            tr.onset_us.append(onset)
            tr.response_us.append(resp_us)
            tr.before.append(before)
            tr.after.append(after)
            tr.shown.append(self._shown(item, onset, resp_us))
            n_correct += int(correct)
            idx += 1
            end = resp_us
            if shows_always or (shows_on_error and not correct):
                end += feedback_us + self._frame_us()
            active_us += end - t
            t = end
            if practice and idx >= PRACTICE_TRIALS:
                break
            if not practice and active_us >= target_us:
                break
            if cut_short == "interrupted" and idx >= 3 and self.rng.random() < 0.02:
                break
        status = cut_short or "completed"
        active_ms = active_us / 1000.0 + instruction_ms
        end_value = None if practice else staircase.value
        end_level = start_level if practice else staircase.level
        if practice:
            start_level = fixed  # type: ignore[assignment]
        else:
            self.states[ex] = staircase.state()
            self.state_updated_us[ex] = t
        strategies: str | None = None
        note: str | None = None
        if status == "completed" and self.rng.random() < 0.7:
            k = int(self.rng.integers(1, 3))
            chosen = set(self.rng.choice(len(STRATEGIES), size=k, replace=False).tolist())
            strategies = json.dumps([sid for i, (sid, _l) in enumerate(STRATEGIES) if i in chosen])
            if self.rng.random() < 0.08:
                note = TRANSFER_NOTES[int(self.rng.integers(len(TRANSFER_NOTES)))]
        self.rows.add(
            Block.__table__,
            {
                "id": block_id,
                "session_id": session_id,
                "exercise_id": ex,
                "plan_index": plan_index,
                "is_practice": int(practice),
                "seed": int(self.rng.integers(0, 2**63 - 1)),
                "started_at": one_ts(start_us),
                "ended_at": one_ts(t),
                "status": status,
                "start_value": float(state.value),
                "start_level": start_level,
                "end_value": end_value,
                "end_level": end_level,
                "paused_ms": paused_ms,
                "instruction_ms": instruction_ms,
                "active_ms": active_ms,
                "n_trials": idx,
                "n_correct": n_correct,
                "strategies": strategies,
                "transfer_note": note,
            },
        )
        self.n_blocks += 1
        self.active_ms += active_ms
        self.total_ms[ex] = self.total_ms.get(ex, 0.0) + active_ms
        self.week_ms[ex] = self.week_ms.get(ex, 0.0) + active_ms
        if not practice:
            self.scored_blocks.append((block_id, ex, t))
        return t, active_ms, block_id

    # -- one session -------------------------------------------------------------------

    def _session(self, day: date, week_key: tuple[int, int], prev_week: tuple[int, int] | None):
        if week_key != prev_week:
            self.week_ms = {}
        local = datetime.combine(day, dtime(8, 30), TZ) + timedelta(
            minutes=int(self.rng.integers(0, 330))
        )
        start_us = to_us(local.astimezone(UTC))
        checkin = _checkin(self.rng)
        facts = TrainingFacts(
            levels={ex: Staircase.from_state(s).level for ex, s in self.states.items()},
            week_ms=dict(self.week_ms),
            total_ms=dict(self.total_ms),
            recent_sessions=tuple(self.recent[-3:]),
            sessions_done=self.n_sessions,
        )
        plan = compose_session(
            self.p.profile,
            self.catalogue,
            participant_history(facts, self.catalogue),
            checkin,
            np.random.default_rng(int(self.rng.integers(0, 2**63 - 1))),
        )
        session_id = uuid_hexes(self.id_rng, 1)[0]
        roll = self.rng.random()
        ended_early_at = int(self.rng.integers(1, len(plan.blocks))) if roll < 0.04 else None
        interrupted_at = (
            int(self.rng.integers(0, len(plan.blocks))) if 0.04 <= roll < 0.06 else None
        )
        t = start_us + int(self.rng.uniform(20e6, 90e6))  # start screen and check-in
        practised: set[str] = set()
        break_ms = 0.0
        scored: list[str] = []
        for i, pb in enumerate(plan.blocks):
            first_time = pb.exercise_id not in practised
            instruction_ms = float(
                self.rng.uniform(25e3, 70e3) if first_time else self.rng.uniform(5e3, 15e3)
            )
            t += int(instruction_ms * 1000)
            if first_time:
                t, _ms, _bid = self._block(
                    session_id, i, pb.exercise_id, True, 0.0, t, instruction_ms, None
                )
                instruction_ms = 0.0
                practised.add(pb.exercise_id)
                t += int(self.rng.uniform(3e6, 10e6))  # "the practice round is done"
            cut = "ended_early" if i == ended_early_at else None
            if i == interrupted_at:
                cut = "interrupted"
            t, _ms, _bid = self._block(
                session_id, i, pb.exercise_id, False, pb.target_ms, t, instruction_ms, cut
            )
            scored.append(pb.exercise_id)
            t += int(self.rng.uniform(15e6, 45e6))  # block end, strategies, transfer note
            if cut == "ended_early":
                break
            if cut == "interrupted":  # a crash; the program is started again and continues
                t += int(self.rng.uniform(60e6, 300e6))
                t, _ms, _bid = self._block(
                    session_id, i, pb.exercise_id, False, pb.target_ms * 0.5, t, 0.0, None
                )
                scored.append(pb.exercise_id)
            if pb.break_after and self.rng.random() < 0.8:
                b = float(self.rng.uniform(0.7, 1.2)) * plan.break_minutes * 60_000.0
                break_ms += b
                t += int(b * 1000)
        self.rows.add(
            TrainingSession.__table__,
            {
                "id": session_id,
                "participant_id": self.pid,
                "started_at": one_ts(start_us),
                "ended_at": one_ts(t + int(5e6)),
                "status": "completed",
                "end_reason": "finished",
                "device": DEVICES[self.p.index % len(DEVICES)],
                "app_version": __version__,
                "checkin_rested": checkin.rested,
                "checkin_stressed": checkin.stressed,
                "plan": json.dumps(plan_to_json(plan)),
                "break_ms": break_ms,
                "n_interruptions": int(interrupted_at is not None),
            },
        )
        self.recent.append(tuple(scored))
        self.n_sessions += 1
        return start_us, t

    # -- the whole participant -----------------------------------------------------------

    def run(self) -> tuple[int, int, float]:
        n = _sessions_needed(self.p.profile, self.spec.hours)
        days, start_day = _schedule(self.p, n, self.rng)
        created_us = to_us(
            datetime.combine(start_day - timedelta(days=7), dtime(10), TZ).astimezone(UTC)
        )
        prev_week = None
        first_us = last_us = created_us
        for k, day in enumerate(days):
            week = day.isocalendar()[:2]
            s_us, last_us = self._session(day, week, prev_week)
            if k == 0:
                first_us = s_us
            prev_week = week
        last_day = days[-1]
        deactivated = None
        if self.p.status == "inactive":
            deactivated = last_us + int(
                timedelta(days=int(self.rng.integers(3, 15))).total_seconds() * 1e6
            )
        self.rows.add(
            Participant.__table__,
            {
                "id": self.pid,
                "code": self.p.code,
                "created_at": one_ts(created_us),
                "active": int(self.p.status != "inactive"),
                "language": "nb" if self.rng.random() < 0.9 else "en",
                "plan_profile": self.p.profile.profile_id,
                "plan_overrides": None,
                "consultant_id": self.p.consultant,
                "start_date": start_day.isoformat(),
                "pin_hash": None,
                "pin_failed_attempts": 0,
                "pin_locked_until": None,
                "deactivated_at": None if deactivated is None else one_ts(deactivated),
            },
        )
        for ex, st in self.states.items():
            self.rows.add(
                LevelState.__table__,
                {
                    "participant_id": self.pid,
                    "exercise_id": ex,
                    "value": st.value,
                    "min_level": st.min_level,
                    "max_level": st.max_level,
                    "step_up": st.step_up,
                    "step_down": st.step_down,
                    "n_trials": st.n_trials,
                    "n_reversals": st.n_reversals,
                    "updated_at": one_ts(self.state_updated_us[ex]),
                },
            )
        self._staff_records(created_us, first_us, last_us, last_day)
        return created_us, last_us, self.active_ms

    # -- goals, ratings, notes, assessments, audit ----------------------------------------

    def _audit(
        self, at_us: int, actor: str | None, name: str, action: str, detail: Any = None
    ) -> None:
        self.rows.add(
            AuditEvent.__table__,
            {
                "id": uuid_hexes(self.id_rng, 1)[0],
                "at": one_ts(at_us),
                "actor_id": actor,
                "actor_name": name,
                "action": action,
                "outcome": "ok",
                "participant_id": self.pid,
                "detail": None if detail is None else json.dumps(detail),
                "device": DEVICES[0],
            },
        )

    def _staff_records(self, created_us: int, first_us: int, last_us: int, last_day: date) -> None:
        rng = self.rng
        consultant = self.p.consultant
        # Without a consultant of their own, a neuropsychologist keeps the record.
        consultant = consultant or self.p.neuropsychologist
        cname = self.staff.usernames[consultant]
        self._audit(created_us, consultant, cname, "participant_create", {"code": self.p.code})
        day_us = 86_400_000_000
        # Goals, set in the first week, rated at every fortnightly review.
        n_goals = int(rng.integers(1, 4))
        picks = rng.choice(len(GOAL_TEXTS), size=n_goals, replace=False).tolist()
        goal_ids = uuid_hexes(self.id_rng, n_goals)
        for gid, pick in zip(goal_ids, picks, strict=True):
            text, domain = GOAL_TEXTS[pick]
            ex_ids = [e.exercise_id for e in self.catalogue if e.domain.value == domain]
            chosen = sorted(rng.choice(ex_ids, size=min(2, len(ex_ids)), replace=False).tolist())
            set_us = first_us + int(rng.integers(0, 7)) * day_us
            archived = rng.random() < 0.1
            self.rows.add(
                Goal.__table__,
                {
                    "id": gid,
                    "participant_id": self.pid,
                    "text": text,
                    "workplace_situation": WORKPLACE_SITUATIONS[
                        int(rng.integers(len(WORKPLACE_SITUATIONS)))
                    ],
                    "domains": json.dumps([domain]),
                    "exercise_ids": json.dumps(chosen),
                    "target_date": (last_day + timedelta(days=14)).isoformat(),
                    "created_at": one_ts(set_us),
                    "created_by": consultant,
                    "updated_at": one_ts(set_us),
                    "archived_at": one_ts(last_us) if archived else None,
                    "version": 1,
                },
            )
            self._audit(set_us, consultant, cname, "goal_create")
            value = float(rng.uniform(-2.0, -1.0))
            r_us = set_us + 14 * day_us
            while r_us <= last_us + 2 * day_us:
                value = min(2.0, value + float(rng.uniform(0.0, 0.45)))
                rated_on = datetime.fromtimestamp(r_us / 1e6, UTC).astimezone(TZ).date()
                self.rows.add(
                    GoalRating.__table__,
                    {
                        "id": uuid_hexes(self.id_rng, 1)[0],
                        "goal_id": gid,
                        "rated_on": rated_on.isoformat(),
                        "value": int(round(value)),
                        "comment": (
                            RATING_COMMENTS[int(rng.integers(len(RATING_COMMENTS)))]
                            if rng.random() < 0.4
                            else None
                        ),
                        "rated_by": consultant,
                        "created_at": one_ts(r_us),
                    },
                )
                self._audit(r_us, consultant, cname, "goal_rate", {"goal_id": gid})
                self._audit(r_us, consultant, cname, "progress_view")
                r_us += 14 * day_us
        # Notes on transfer to work, about every three weeks.
        n_us = first_us + 10 * day_us
        while n_us < last_us:
            goal = goal_ids[int(rng.integers(len(goal_ids)))] if rng.random() < 0.5 else None
            ex = None
            if self.scored_blocks and rng.random() < 0.4:
                ex = self.scored_blocks[int(rng.integers(len(self.scored_blocks)))][1]
            self.rows.add(
                Note.__table__,
                {
                    "id": uuid_hexes(self.id_rng, 1)[0],
                    "participant_id": self.pid,
                    "written_at": one_ts(n_us),
                    "author_id": consultant,
                    "text": NOTE_TEXTS[int(rng.integers(len(NOTE_TEXTS)))],
                    "goal_id": goal,
                    "exercise_id": ex,
                },
            )
            self._audit(n_us, consultant, cname, "note_add")
            n_us += int(rng.integers(14, 29)) * day_us
        # Assessment scores: baseline before the start; post for those who have finished
        # (switched off) and for about half of the others.
        timepoints = [("baseline", created_us)]
        if self.p.status == "inactive" or rng.random() < 0.5:
            timepoints.append(("post", last_us + 3 * day_us))
        battery = _matrics()
        np_id = self.p.neuropsychologist
        base_t = float(rng.normal(38.0, 6.0))
        for tp, at_us in timepoints:
            on = datetime.fromtimestamp(at_us / 1e6, UTC).astimezone(TZ).date()
            lift = 0.0 if tp == "baseline" else float(rng.normal(3.0, 2.0))
            for inst in battery.instruments:
                for m in inst.measures:
                    raw = None
                    if m.takes_raw and m.minimum is not None and m.maximum is not None:
                        raw = float(rng.uniform(m.minimum, m.maximum) * 0.6 + m.minimum * 0.4)
                        if m.integer:
                            raw = float(round(raw))
                    std = None
                    if m.standard is not None:
                        std = round(base_t + lift + float(rng.normal(0.0, 5.0)), 1)
                        if m.standard.value == "z":
                            std = round((std - 50.0) / 10.0, 2)
                    self.rows.add(
                        AssessmentScore.__table__,
                        {
                            "id": uuid_hexes(self.id_rng, 1)[0],
                            "participant_id": self.pid,
                            "timepoint": tp,
                            "assessed_on": on.isoformat(),
                            "battery_id": battery.battery_id,
                            "instrument_id": inst.instrument_id,
                            "measure_id": m.measure_id,
                            "raw_value": raw,
                            "standard_value": std,
                            "standard_kind": None if std is None else m.standard.value,
                            "comment": None,
                            "entered_by": np_id,
                            "entered_at": one_ts(at_us + 3_600_000_000),
                            "version": 1,
                        },
                    )
            self._audit(
                at_us + 3_600_000_000, np_id, self.staff.usernames[np_id], "assessment_enter"
            )


_BATTERY: list[Any] = []


def _matrics() -> Any:
    """The MCCB battery from ``batteries/`` (read once)."""
    if not _BATTERY:
        _BATTERY.append(load_batteries().get("matrics"))
    return _BATTERY[0]


# -- the clinic ---------------------------------------------------------------------------


def _participant_plans(
    spec: ClinicSpec, profiles: dict[str, TrainingPlan], staff: _Staff
) -> list[_ParticipantPlan]:
    out = []
    for i in range(spec.participants):
        rng = np.random.default_rng([spec.seed, 0, i])
        names, weights = zip(*PROFILES, strict=True)
        profile = profiles[str(rng.choice(names, p=weights))]
        roll = rng.random()
        status = (
            "inactive"
            if roll < SHARE_INACTIVE
            else "missed_two"
            if roll < SHARE_INACTIVE + SHARE_MISSED_TWO
            else "active"
        )
        consultant = None if rng.random() < 0.03 else staff.consultants[i % len(staff.consultants)]
        out.append(
            _ParticipantPlan(
                index=i,
                code=f"JMO-{i + 1:04d}",
                profile=profile,
                status=status,
                consultant=consultant,
                neuropsychologist=staff.neuropsychologists[i % 2],
            )
        )
    return out


def build_clinic(out: Path, spec: ClinicSpec, *, log: Callable[[str], None] = print) -> ClinicStats:
    """Create ``out`` (which must not exist) and fill it with a synthetic clinic."""
    from sqlalchemy import make_url

    from cogtrain.storage.store import Store

    if out.exists():
        raise FileExistsError(f"{out} exists already; remove it or choose another --out")
    log(
        f"synthetic clinic: seed={spec.seed} participants={spec.participants} "
        f"hours={spec.hours:g} today={CLINIC_TODAY.isoformat()} -> {out}"
    )
    t0 = time.perf_counter()
    Store.open(make_url(f"sqlite:///{out}")).close()  # the schema, by the migrations
    infos = {e.exercise_id: e for e in exercises.EXERCISES}
    pool = build_pool(list(infos.values()), spec.seed, spec.pool_per_level)
    log(
        f"  trial pool: {sum(len(lv) * len(lv[0]) for lv in pool.values())} real trials "
        f"from {len(pool)} exercises ({time.perf_counter() - t0:.1f} s)"
    )
    profiles = load_profiles(known_exercise_ids=list(infos))
    plans = {pid: profiles.get(pid) for pid, _w in PROFILES}

    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # a benchmark fixture: rebuilt, never trusted
    conn.execute("PRAGMA cache_size = -1000000")
    conn.execute("PRAGMA foreign_keys = OFF")  # rows go in child-first per participant
    rows = _Rows(conn)
    stats = ClinicStats(participants=spec.participants)
    start_us = to_us(datetime.combine(CLINIC_TODAY - timedelta(weeks=80), dtime(9), TZ))
    conn.execute("BEGIN")
    staff = _add_staff(rows, spec, np.random.default_rng([spec.seed, 3]), start_us)
    trial_sql = (
        f"INSERT INTO trial ({', '.join(TRIAL_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(TRIAL_COLUMNS))})"
    )
    if tuple(c.name for c in Trial.__table__.columns) != TRIAL_COLUMNS:
        raise RuntimeError("the trial model's columns changed; update TRIAL_COLUMNS")
    for k, p in enumerate(_participant_plans(spec, plans, staff)):
        sim = _Simulator(p, spec, pool, infos, rows, staff)
        sim.run()
        stats.status_of[p.code] = p.status
        rows.flush()
        conn.executemany(trial_sql, sim.trials.rows(np.random.default_rng([spec.seed, 4, k])))
        stats.sessions += sim.n_sessions
        stats.blocks += sim.n_blocks
        stats.trials += len(sim.trials)
        stats.active_hours += sim.active_ms / 3_600_000.0
        if (k + 1) % 10 == 0 or k + 1 == spec.participants:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
            log(
                f"  {k + 1}/{spec.participants} participants, {stats.trials:,} trials, "
                f"{time.perf_counter() - t0:.0f} s"
            )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    stats.extra = dict(rows.counts)
    stats.seconds = time.perf_counter() - t0
    stats.megabytes = out.stat().st_size / 1e6
    log(
        f"  done: {stats.sessions:,} sessions, {stats.blocks:,} blocks, "
        f"{stats.trials:,} trials, {stats.active_hours:,.0f} active hours, "
        f"{stats.megabytes:,.0f} MB in {stats.seconds:.0f} s"
    )
    meta = {"generator_version": GENERATOR_VERSION, **asdict(spec), **asdict(stats)}
    meta["today"] = CLINIC_TODAY.isoformat()
    Path(f"{out}.json").write_text(json.dumps(meta, indent=2) + "\n")
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="SQLite file to create")
    ap.add_argument("--participants", type=int, default=200)
    ap.add_argument("--hours", type=float, default=40.0, help="active training hours each")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = ap.parse_args(argv)
    if args.participants < 1 or args.hours <= 0:
        ap.error("--participants must be at least 1 and --hours above 0")
    if args.force:
        for suffix in ("", "-wal", "-shm", ".json"):
            Path(f"{args.out}{suffix}").unlink(missing_ok=True)
    try:
        build_clinic(args.out, ClinicSpec(args.participants, args.hours, args.seed))
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
