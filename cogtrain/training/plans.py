"""Training-plan profiles: TOML files in ``profiles/``, checked before anything uses them.

A profile says how a participant's programme is shaped: how many hours in all (JMO: 40),
how many sessions a week and on which days, how long a session and its blocks are,
which exercise opens a session, how domains take turns, when a break is offered, how a
hard day changes that, which exercises are in or out, and how much weight each domain
gets. Per-participant overrides (an excluded exercise, shorter sessions, other days) are
merged over a profile and checked by the same rules.

Why so strict: a profile is edited by hand by clinic staff. A typo (``sesion_minutes``)
or an impossible number (0 hours, a 5-minute session with 10-minute blocks) must never
turn silently into a default or a broken session weeks later. Every refusal is a
:class:`PlanError` naming the file, the key and what is allowed, so the message can be
passed on verbatim. One bad profile never stops the others from loading.

Files are read with :mod:`tomllib` (never evaluated). The loader takes the list of known
exercise ids as an argument instead of importing the exercise registry, so it stays pure
and testable with any set of ids.

Format (every key except ``name`` has the JMO default shown)::

    total_hours = 40            # hours of active training in the whole programme
    sessions_per_week = 2       # 1..7: at most one session a day
    training_days = ["monday", "thursday"]   # as many as sessions_per_week
    session_minutes = 60        # planned active minutes per session (breaks on top)
    block_minutes = 10          # longest block (one run of one exercise)
    warm_up = ""                # exercise id, or "" to open with the participant's strongest
    warm_up_minutes = 5
    include = []                # if not empty: only these exercises
    exclude = []

    [name]                      # shown to users
    nb = "JMO standard"
    en = "JMO standard"

    [description]               # optional, shown to staff
    nb = "..."
    en = "..."

    [rotation]
    domain_order = ["attention", "memory", "problem_solving", "processing_speed"]
    allow_same_domain_in_a_row = false

    [breaks]
    offer_every_minutes = 15
    break_minutes = 3

    [hard_day]                  # tired or stressed at check-in (defaults: about 60 %)
    block_minutes = 6
    offer_break_every_minutes = 9

    [weights]                   # relative; a domain left out weighs 1; not all zero
    attention = 1
    memory = 1
    problem_solving = 1
    processing_speed = 1
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import tomllib
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cogtrain.errors import DataFileError
from cogtrain.training.exercise import Domain

PROFILES_DIR = Path(__file__).resolve().parent.parent.parent / "profiles"
DEFAULT_PROFILE_ID = "jmo-standard"

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
"""Weekday names as written in profiles; position + 1 is the ISO weekday (Monday = 1)."""

DEFAULT_TRAINING_DAYS: dict[int, tuple[int, ...]] = {
    1: (1,),
    2: (1, 4),
    3: (1, 3, 5),
    4: (1, 2, 4, 5),
    5: (1, 2, 3, 4, 5),
    6: (1, 2, 3, 4, 5, 6),
    7: (1, 2, 3, 4, 5, 6, 7),
}
"""ISO weekdays used when a profile gives a session count but no days: spread out."""

LANGUAGES: tuple[str, ...] = ("nb", "en")

# Allowed ranges (inclusive). Wide enough for real clinics, narrow enough to catch typos.
TOTAL_HOURS_RANGE = (1.0, 200.0)
SESSIONS_PER_WEEK_RANGE = (1, 7)
SESSION_MINUTES_RANGE = (15, 90)
BLOCK_MINUTES_RANGE = (3, 30)
WARM_UP_MINUTES_RANGE = (2, 15)
OFFER_BREAK_EVERY_RANGE = (5, 60)
BREAK_MINUTES_RANGE = (1, 15)
HARD_BLOCK_MIN = 2
HARD_BREAK_EVERY_MIN = 3
HARD_DAY_FACTOR = 0.6
"""A hard day's default block length and break interval, as a share of the normal ones."""

_TOP_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "total_hours",
    "sessions_per_week",
    "training_days",
    "session_minutes",
    "block_minutes",
    "warm_up",
    "warm_up_minutes",
    "include",
    "exclude",
    "rotation",
    "breaks",
    "hard_day",
    "weights",
)
_TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "name": LANGUAGES,
    "description": LANGUAGES,
    "rotation": ("domain_order", "allow_same_domain_in_a_row"),
    "breaks": ("offer_every_minutes", "break_minutes"),
    "hard_day": ("block_minutes", "offer_break_every_minutes"),
    "weights": tuple(d.value for d in Domain),
}
OVERRIDE_KEYS: tuple[str, ...] = (
    "session_minutes",
    "sessions_per_week",
    "training_days",
    "exclude",
    "warm_up",
)
"""What a per-participant override may change; everything else comes from the profile."""


class PlanError(DataFileError):
    """A profile or override that cannot be used: names the file, the key and what is allowed."""

    HINT = "Correct this value and load again; profiles without errors still load."


@dataclass(frozen=True)
class BreakRules:
    """Offer a break at the first block boundary once this much training has passed."""

    offer_every_minutes: int
    break_minutes: int


@dataclass(frozen=True)
class HardDayRules:
    """Tired or stressed at check-in: shorter blocks and breaks offered more often."""

    block_minutes: int
    offer_break_every_minutes: int


@dataclass(frozen=True)
class TrainingPlan:
    """A checked profile (possibly with a participant's overrides merged in).

    ``training_days`` are ISO weekdays (Monday = 1), sorted. ``include`` empty means
    every known exercise may be used. ``warm_up`` ``None`` means the session opens with
    the exercise the participant does best. ``weights`` has all four domains.
    """

    profile_id: str
    source: str
    name_nb: str
    name_en: str
    description_nb: str
    description_en: str
    total_hours: float
    sessions_per_week: int
    training_days: tuple[int, ...]
    session_minutes: int
    block_minutes: int
    warm_up: str | None
    warm_up_minutes: int
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    domain_order: tuple[Domain, ...]
    allow_same_domain_in_a_row: bool
    breaks: BreakRules
    hard_day: HardDayRules
    weights: Mapping[Domain, float] = field(hash=False)

    def name(self, lang: str) -> str:
        """The profile's name for the screen, in ``lang`` (``nb`` or ``en``)."""
        return self.name_en if lang == "en" else self.name_nb

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_nb

    def allows(self, exercise_id: str) -> bool:
        """Whether include/exclude let this exercise into a session."""
        if exercise_id in self.exclude:
            return False
        return not self.include or exercise_id in self.include

    def weight_share(self, domain: Domain) -> float:
        """The domain's share of all weight (0..1)."""
        return self.weights[domain] / sum(self.weights.values())

    @property
    def planned_weeks(self) -> int:
        """Weeks the programme takes at the planned rhythm (JMO standard: 20)."""
        minutes_per_week = self.session_minutes * self.sessions_per_week
        return math.ceil(self.total_hours * 60 / minutes_per_week)


@dataclass(frozen=True)
class PlanOverrides:
    """One participant's changes to a profile; ``None`` means "as in the profile".

    ``warm_up`` ``""`` removes the fixed warm-up (open with the strongest exercise).
    ``exclude`` adds to the profile's exclusions.
    """

    source: str
    session_minutes: int | None = None
    sessions_per_week: int | None = None
    training_days: tuple[int, ...] | None = None
    exclude: tuple[str, ...] = ()
    warm_up: str | None = None


@dataclass(frozen=True)
class ProfileSet:
    """The result of loading a folder: the good profiles and one error per bad file."""

    plans: tuple[TrainingPlan, ...]
    errors: tuple[PlanError, ...]

    def get(self, profile_id: str) -> TrainingPlan:
        for plan in self.plans:
            if plan.profile_id == profile_id:
                return plan
        known = ", ".join(p.profile_id for p in self.plans) or "none loaded"
        raise PlanError(
            "loaded profiles", "profile_id", f"no profile {profile_id!r}", f"one of: {known}"
        )

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.profile_id for p in self.plans)


# --- reading values -------------------------------------------------------------------


SHOWN_MAX = 80
"""Longest part of a wrong value quoted in a message: enough to recognise it (a 64-character
id is quoted whole), and a pasted page of text does not become a page of error."""


def _shown(value: object) -> str:
    """``repr(value)``, cut to :data:`SHOWN_MAX` characters."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to print (Python's digit limit)
        return "a number too long to show"
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _key_text(key: object) -> str:
    """A key as written in a message: control characters escaped, cut like a value."""
    text = repr(str(key))[1:-1]
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _control_char(text: str, allowed: str = "") -> str | None:
    """The first control character in ``text`` that is not in ``allowed``, as U+XXXX.

    A NUL stops the screen's font from drawing the text at all, and an escape sequence
    repaints a terminal, so names and descriptions keep to printable text."""
    for ch in text:
        if unicodedata.category(ch) == "Cc" and ch not in allowed:
            return f"U+{ord(ch):04X}"
    return None


def _kind(value: object) -> str:
    """What a TOML value is, in words staff recognise."""
    if isinstance(value, (dt.date, dt.time)):
        return "a date or time"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


class _Reader:
    """Reads and checks one profile's values, raising :class:`PlanError` with context."""

    def __init__(self, source: str, known_exercise_ids: Collection[str]) -> None:
        self.source = source
        self.known = frozenset(known_exercise_ids)

    def fail(self, key: str, problem: str, allowed: str) -> PlanError:
        return PlanError(self.source, key, problem, allowed)

    def check_keys(self, table: Mapping[str, Any], allowed: Sequence[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                problem = f"unknown key {_shown(key)}"
                if close:
                    problem += f" (did you mean {close[0]!r}?)"
                raise self.fail(prefix + _key_text(key), problem, "keys " + ", ".join(allowed))

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
        if key not in data:
            return None
        value = data[key]
        keys = _TABLE_KEYS[key]
        if not isinstance(value, Mapping):
            raise self.fail(
                key, f"is {_kind(value)}", f"a table [{key}] with keys {', '.join(keys)}"
            )
        self.check_keys(value, keys, key + ".")
        return value

    def integer(self, key: str, value: object, lo: int, hi: int, unit: str = "") -> int:
        allowed = f"a whole number from {lo} to {hi}{unit}"
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"{_shown(value)} is {_kind(value)}", allowed)
        if not lo <= value <= hi:
            raise self.fail(key, f"{_shown(value)} is out of range", allowed)
        return value

    def number(self, key: str, value: object, lo: float, hi: float, unit: str = "") -> float:
        allowed = f"a number from {lo:g} to {hi:g}{unit}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"{_shown(value)} is {_kind(value)}", allowed)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, f"{value} is not a finite number", allowed)
        if not lo <= value <= hi:  # compared before float(): a 400-digit int overflows it
            raise self.fail(key, f"{_shown(value)} is out of range", allowed)
        return float(value)

    def boolean(self, key: str, value: object) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"{_shown(value)} is {_kind(value)}", "true or false")
        return value

    def text(self, key: str, value: object, *, allow_empty: bool = False) -> str:
        """Text shown to people: a name on one line, or (``allow_empty``) a description,
        which may also have line breaks and tabs."""
        allowed = "text in quotes" if allow_empty else "non-empty text in quotes"
        if not isinstance(value, str):
            raise self.fail(key, f"{_shown(value)} is {_kind(value)}", allowed)
        if not allow_empty and not value.strip():
            raise self.fail(key, "is empty", allowed)
        bad = _control_char(value, "\n\t" if allow_empty else "")
        if bad is not None:
            raise self.fail(
                key, f"has the control character {bad}", allowed + " without control characters"
            )
        return value.strip()

    def string_list(self, key: str, value: object, allowed: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"{_shown(value)} is not a list of text", allowed)
        seen: set[str] = set()
        for v in value:
            if v in seen:
                raise self.fail(key, f"{_shown(v)} is listed twice", allowed)
            seen.add(v)
        return list(value)

    def exercise_id(self, key: str, value: object, *, allow_empty: bool = False) -> str:
        known = self.known_text()
        allowed = f"one of {known}" + (' or "" (none)' if allow_empty else "")
        if not isinstance(value, str):
            raise self.fail(key, f"{_shown(value)} is {_kind(value)}", allowed)
        if value == "" and allow_empty:
            return value
        if value not in self.known:
            raise self.fail(key, f"unknown exercise {_shown(value)}", allowed)
        return value

    def exercise_list(self, key: str, value: object) -> tuple[str, ...]:
        allowed = f"a list of distinct exercise ids from {self.known_text()}"
        ids = self.string_list(key, value, allowed)
        for v in ids:
            if v not in self.known:
                raise self.fail(key, f"unknown exercise {_shown(v)}", allowed)
        return tuple(ids)

    def weekdays(self, key: str, value: object) -> tuple[int, ...]:
        allowed = "a list of distinct weekdays from " + ", ".join(WEEKDAYS)
        names = self.string_list(key, value, allowed)
        if not names:
            raise self.fail(key, "is empty", allowed)
        days: list[int] = []
        for n in names:
            if n.lower() not in WEEKDAYS:
                raise self.fail(key, f"{_shown(n)} is not a weekday", allowed)
            days.append(WEEKDAYS.index(n.lower()) + 1)
        if len(set(days)) != len(days):
            raise self.fail(key, "a weekday is listed twice", allowed)
        return tuple(sorted(days))

    def known_text(self) -> str:
        return ", ".join(sorted(self.known)) if self.known else "(no exercises are known)"


# --- profiles -------------------------------------------------------------------------


def parse_plan(
    data: Mapping[str, Any],
    *,
    source: str,
    profile_id: str,
    known_exercise_ids: Collection[str],
) -> TrainingPlan:
    """Check a profile's parsed TOML (or an equal dict) and build the plan.

    ``source`` is how errors name the file. Raises :class:`PlanError` at the first
    problem found (unknown keys first, then each value, then how values fit together).
    """
    r = _Reader(source, known_exercise_ids)
    if not isinstance(data, Mapping):
        raise r.fail("(whole file)", f"is {_kind(data)}", "a TOML table of keys")
    r.check_keys(data, _TOP_KEYS, "")
    tables = {k: r.table(data, k) for k in _TABLE_KEYS}

    name = tables["name"]
    if name is None:
        raise r.fail("name", "is missing", "a table [name] with nb and en")
    names: dict[str, str] = {}
    for lang in LANGUAGES:
        if lang not in name:
            raise r.fail(f"name.{lang}", "is missing", "non-empty text in quotes")
        names[lang] = r.text(f"name.{lang}", name[lang])
    desc = tables["description"] or {}
    descriptions = {
        lang: r.text(f"description.{lang}", desc.get(lang, ""), allow_empty=True)
        for lang in LANGUAGES
    }

    total_hours = r.number("total_hours", data.get("total_hours", 40), *TOTAL_HOURS_RANGE, " hours")

    # Sessions a week and the days: either may be given, the other follows from it.
    days = r.weekdays("training_days", data["training_days"]) if "training_days" in data else None
    if "sessions_per_week" in data or days is None:
        per_week = r.integer(
            "sessions_per_week",
            data.get("sessions_per_week", 2),
            *SESSIONS_PER_WEEK_RANGE,
            " (at most one session a day)",
        )
    else:
        per_week = len(days)
    if days is None:
        days = DEFAULT_TRAINING_DAYS[per_week]
    elif len(days) != per_week:
        raise r.fail(
            "training_days",
            f"names {len(days)} day(s) but sessions_per_week is {per_week}",
            f"exactly {per_week} distinct weekday(s) from {', '.join(WEEKDAYS)}",
        )

    session_minutes = r.integer(
        "session_minutes", data.get("session_minutes", 60), *SESSION_MINUTES_RANGE, " minutes"
    )
    block_minutes = r.integer(
        "block_minutes", data.get("block_minutes", 10), *BLOCK_MINUTES_RANGE, " minutes"
    )
    warm_up_minutes = r.integer(
        "warm_up_minutes", data.get("warm_up_minutes", 5), *WARM_UP_MINUTES_RANGE, " minutes"
    )
    room = session_minutes - warm_up_minutes
    if block_minutes > room:
        raise r.fail(
            "session_minutes",
            f"a {session_minutes}-minute session has {room} minutes after the "
            f"{warm_up_minutes}-minute warm-up, less than one {block_minutes}-minute block",
            f"at least warm_up_minutes + block_minutes = {warm_up_minutes + block_minutes} "
            f"minutes (or shorter blocks)",
        )

    warm_up = r.exercise_id("warm_up", data.get("warm_up", ""), allow_empty=True) or None
    include = r.exercise_list("include", data.get("include", []))
    exclude = r.exercise_list("exclude", data.get("exclude", []))
    both = sorted(set(include) & set(exclude))
    if both:
        raise r.fail(
            "exclude",
            f"{', '.join(both)} is also in include",
            "an exercise in at most one of include and exclude",
        )
    usable = sorted(e for e in r.known if e not in exclude and (not include or e in include))
    if not usable:
        raise r.fail(
            "exclude", "leaves no exercise to train", "lists that keep at least one exercise"
        )
    if warm_up is not None and warm_up not in usable:
        raise r.fail(
            "warm_up",
            f"{warm_up!r} is left out by include/exclude",
            f'an exercise the plan uses ({", ".join(usable)}) or "" (none)',
        )

    rotation = tables["rotation"] or {}
    order_allowed = "each of " + ", ".join(d.value for d in Domain) + " exactly once"
    if "domain_order" in rotation:
        raw_order = r.string_list("rotation.domain_order", rotation["domain_order"], order_allowed)
        for v in raw_order:
            if v not in {d.value for d in Domain}:
                raise r.fail("rotation.domain_order", f"{_shown(v)} is not a domain", order_allowed)
        if len(raw_order) != len(Domain):
            missing = [d.value for d in Domain if d.value not in raw_order]
            raise r.fail("rotation.domain_order", f"leaves out {', '.join(missing)}", order_allowed)
        domain_order = tuple(Domain(v) for v in raw_order)
    else:
        domain_order = tuple(Domain)
    same_in_a_row = r.boolean(
        "rotation.allow_same_domain_in_a_row",
        rotation.get("allow_same_domain_in_a_row", False),
    )

    br = tables["breaks"] or {}
    offer_every = r.integer(
        "breaks.offer_every_minutes",
        br.get("offer_every_minutes", 15),
        *OFFER_BREAK_EVERY_RANGE,
        " minutes",
    )
    break_minutes = r.integer(
        "breaks.break_minutes", br.get("break_minutes", 3), *BREAK_MINUTES_RANGE, " minutes"
    )

    hd = tables["hard_day"] or {}
    hard_block_hi = block_minutes - 1
    hard_block_default = max(HARD_BLOCK_MIN, round(block_minutes * HARD_DAY_FACTOR))
    hard_block = r.integer(
        "hard_day.block_minutes",
        hd.get("block_minutes", min(hard_block_default, hard_block_hi)),
        HARD_BLOCK_MIN,
        hard_block_hi,
        f" minutes (shorter than block_minutes = {block_minutes})",
    )
    hard_every_hi = offer_every - 1
    hard_every_default = max(HARD_BREAK_EVERY_MIN, round(offer_every * HARD_DAY_FACTOR))
    hard_every = r.integer(
        "hard_day.offer_break_every_minutes",
        hd.get("offer_break_every_minutes", min(hard_every_default, hard_every_hi)),
        HARD_BREAK_EVERY_MIN,
        hard_every_hi,
        f" minutes (more often than breaks.offer_every_minutes = {offer_every})",
    )

    w = tables["weights"]
    weights: dict[Domain, float] = {}
    for d in Domain:
        key = f"weights.{d.value}"
        weights[d] = r.number(key, w.get(d.value, 1) if w else 1, 0.0, 1000.0)
    if sum(weights.values()) <= 0:
        raise r.fail("weights", "are all zero", "numbers from 0 to 1000, at least one above zero")
    if not same_in_a_row:
        total = sum(weights.values())
        for d, v in weights.items():
            if v / total > 0.5:
                raise r.fail(
                    f"weights.{d.value}",
                    f"gives {d.value} {v / total:.0%} of the time, but "
                    "rotation.allow_same_domain_in_a_row is false, so a domain gets at most "
                    "every other block",
                    "at most half of the total weight per domain, or "
                    "rotation.allow_same_domain_in_a_row = true",
                )

    return TrainingPlan(
        profile_id=profile_id,
        source=source,
        name_nb=names["nb"],
        name_en=names["en"],
        description_nb=descriptions["nb"],
        description_en=descriptions["en"],
        total_hours=total_hours,
        sessions_per_week=per_week,
        training_days=days,
        session_minutes=session_minutes,
        block_minutes=block_minutes,
        warm_up=warm_up,
        warm_up_minutes=warm_up_minutes,
        include=include,
        exclude=exclude,
        domain_order=domain_order,
        allow_same_domain_in_a_row=same_in_a_row,
        breaks=BreakRules(offer_every, break_minutes),
        hard_day=HardDayRules(hard_block, hard_every),
        weights=weights,
    )


def plan_to_dict(plan: TrainingPlan) -> dict[str, Any]:
    """The plan as profile-shaped plain data (TOML/JSON-able); parses back to an equal plan.

    Storage can keep this snapshot with a participant so a later edit of the profile file
    does not silently change a running programme.
    """
    return {
        "name": {"nb": plan.name_nb, "en": plan.name_en},
        "description": {"nb": plan.description_nb, "en": plan.description_en},
        "total_hours": plan.total_hours,
        "sessions_per_week": plan.sessions_per_week,
        "training_days": [WEEKDAYS[d - 1] for d in plan.training_days],
        "session_minutes": plan.session_minutes,
        "block_minutes": plan.block_minutes,
        "warm_up": plan.warm_up or "",
        "warm_up_minutes": plan.warm_up_minutes,
        "include": list(plan.include),
        "exclude": list(plan.exclude),
        "rotation": {
            "domain_order": [d.value for d in plan.domain_order],
            "allow_same_domain_in_a_row": plan.allow_same_domain_in_a_row,
        },
        "breaks": {
            "offer_every_minutes": plan.breaks.offer_every_minutes,
            "break_minutes": plan.breaks.break_minutes,
        },
        "hard_day": {
            "block_minutes": plan.hard_day.block_minutes,
            "offer_break_every_minutes": plan.hard_day.offer_break_every_minutes,
        },
        "weights": {d.value: plan.weights[d] for d in Domain},
    }


def _read_toml(path: Path, source: str) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError(
            source, "(whole file)", f"cannot be read ({exc.strerror})", "a readable file"
        ) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PlanError(source, "(whole file)", "is not UTF-8 text", "a UTF-8 TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(
            source, "(whole file)", f"is not valid TOML ({exc})", "TOML syntax, see https://toml.io"
        ) from None
    except ValueError:  # tomllib lets Python's limit on int digits through as it is
        raise PlanError(
            source,
            "(whole file)",
            "has a number with thousands of digits",
            "numbers of ordinary size",
        ) from None


def load_profile(path: Path, known_exercise_ids: Collection[str]) -> TrainingPlan:
    """Read and check one profile file; its id is the file name without ``.toml``."""
    path = Path(path)
    source = str(path)
    return parse_plan(
        _read_toml(path, source),
        source=source,
        profile_id=path.stem,
        known_exercise_ids=known_exercise_ids,
    )


def load_profiles(
    folder: Path = PROFILES_DIR, *, known_exercise_ids: Collection[str]
) -> ProfileSet:
    """Load every ``*.toml`` in ``folder`` (sorted by name); bad files become errors.

    A missing folder is reported as an error too, so the caller has one place to look.
    """
    folder = Path(folder)
    if not folder.is_dir():
        err = PlanError(str(folder), "(folder)", "does not exist", "a folder of *.toml profiles")
        return ProfileSet((), (err,))
    plans: list[TrainingPlan] = []
    errors: list[PlanError] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            plans.append(load_profile(path, known_exercise_ids))
        except PlanError as exc:
            errors.append(exc)
    return ProfileSet(tuple(plans), tuple(errors))


# --- per-participant overrides ----------------------------------------------------------


def parse_overrides(
    data: Mapping[str, Any], *, source: str, known_exercise_ids: Collection[str]
) -> PlanOverrides:
    """Check one participant's overrides (from a TOML file or the database)."""
    r = _Reader(source, known_exercise_ids)
    if not isinstance(data, Mapping):
        raise r.fail("(whole file)", f"is {_kind(data)}", "a table of keys")
    r.check_keys(data, OVERRIDE_KEYS, "")
    session_minutes = (
        r.integer("session_minutes", data["session_minutes"], *SESSION_MINUTES_RANGE, " minutes")
        if "session_minutes" in data
        else None
    )
    per_week = (
        r.integer(
            "sessions_per_week",
            data["sessions_per_week"],
            *SESSIONS_PER_WEEK_RANGE,
            " (at most one session a day)",
        )
        if "sessions_per_week" in data
        else None
    )
    days = r.weekdays("training_days", data["training_days"]) if "training_days" in data else None
    if per_week is not None and days is not None and len(days) != per_week:
        raise r.fail(
            "training_days",
            f"names {len(days)} day(s) but sessions_per_week is {per_week}",
            f"exactly {per_week} distinct weekday(s) from {', '.join(WEEKDAYS)}",
        )
    exclude = r.exercise_list("exclude", data.get("exclude", []))
    warm_up = (
        r.exercise_id("warm_up", data["warm_up"], allow_empty=True) if "warm_up" in data else None
    )
    return PlanOverrides(
        source=source,
        session_minutes=session_minutes,
        sessions_per_week=per_week,
        training_days=days,
        exclude=exclude,
        warm_up=warm_up,
    )


def read_overrides_file(path: Path) -> dict[str, Any]:
    """A participant's override file as its raw table (what is stored with them).

    Unreadable, not UTF-8, not TOML, a number with thousands of digits: each is a
    :class:`PlanError` naming the file, so the command line needs no reading of its own.
    Check the table with :func:`parse_overrides`.
    """
    path = Path(path)
    return _read_toml(path, str(path))


def load_overrides(path: Path, known_exercise_ids: Collection[str]) -> PlanOverrides:
    path = Path(path)
    return parse_overrides(
        _read_toml(path, str(path)), source=str(path), known_exercise_ids=known_exercise_ids
    )


def with_overrides(
    plan: TrainingPlan,
    raw: Mapping[str, Any] | None,
    *,
    source: str,
    known_exercise_ids: Collection[str],
) -> TrainingPlan:
    """``plan`` with a participant's stored overrides checked and merged in (as it is when
    there are none). Raises :class:`PlanError` when they are bad or do not fit the plan."""
    if not raw:
        return plan
    overrides = parse_overrides(raw, source=source, known_exercise_ids=known_exercise_ids)
    return apply_overrides(plan, overrides, known_exercise_ids=known_exercise_ids)


def apply_overrides(
    plan: TrainingPlan, overrides: PlanOverrides, *, known_exercise_ids: Collection[str]
) -> TrainingPlan:
    """The plan with a participant's overrides merged in, checked like a profile.

    Errors name both the override and the profile (``"P-07.toml over
    profiles/jmo-standard.toml"``) because the problem is how the two fit together.
    """
    source = f"{overrides.source} over {plan.source}"
    merged = plan_to_dict(plan)
    if overrides.session_minutes is not None:
        merged["session_minutes"] = overrides.session_minutes
    if overrides.sessions_per_week is not None:
        merged["sessions_per_week"] = overrides.sessions_per_week
        if overrides.training_days is None:
            del merged["training_days"]
    if overrides.training_days is not None:
        merged["training_days"] = [WEEKDAYS[d - 1] for d in overrides.training_days]
        if overrides.sessions_per_week is None:
            del merged["sessions_per_week"]
    if overrides.exclude:
        if plan.include and set(plan.include) <= set(overrides.exclude):
            raise PlanError(
                source,
                "exclude",
                "removes every exercise the profile includes",
                f"keep at least one of {', '.join(plan.include)}",
            )
        merged["include"] = [e for e in plan.include if e not in overrides.exclude]
        merged["exclude"] = list(dict.fromkeys([*plan.exclude, *overrides.exclude]))
    if overrides.warm_up is not None:
        merged["warm_up"] = overrides.warm_up
    return parse_plan(
        merged, source=source, profile_id=plan.profile_id, known_exercise_ids=known_exercise_ids
    )
