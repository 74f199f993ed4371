"""Assessment batteries: TOML files in ``batteries/`` saying which tests scores are kept for.

A battery file lists assessment domains (what the tests are grouped into, and which of
cogtrain's training domains could help with each), the instruments (tests) with their
measures, and optional composite scores. The shipped ``matrics.toml`` describes the
MATRICS Consensus Cognitive Battery (MCCB). cogtrain stores scores; it does not
administer, time or norm the licensed tests.

Why data and not code: a clinic adds its own instruments by adding a file, without a new
release. Why so strict: the files are edited by hand, and a range typo (``max = 3`` for a
36-word test) would refuse every real score, or a missing one would let nonsense in.
Every refusal is a :class:`BatteryError` naming the file, the key, the problem and what
is allowed, exactly like training-plan profiles (:mod:`cogtrain.training.plans`, whose
readers are reused here). One bad file never stops the others from loading.

Ids are shared by the whole folder: a battery id, a domain id or an instrument id may be
used once across all files (the first file by name keeps it; a later one is refused), and
an instrument may use a domain defined in another file, so a clinic's own test can join an
MCCB domain. Scores refer to battery, instrument and measure ids, so ids are written in the
files (not derived from file names) and must never be renamed once scores exist.

Format (``[[...]]`` entries repeat; positions in error messages count from 1)::

    id = "matrics"                       # snake_case, at most 64 characters
    [name]                               # shown to staff
    nb = "..."
    en = "..."
    [description]                        # optional
    nb = "..."
    en = "..."

    [[domains]]
    id = "verbal_learning"
    name = { nb = "Verbal læring", en = "Verbal learning" }
    trains = ["memory"]                  # cogtrain training domains; [] for none

    [[instruments]]
    id = "hvlt_r"
    domain = "verbal_learning"           # a domain of this or another battery file
    name = { nb = "...", en = "Hopkins Verbal Learning Test – Revised (HVLT-R)" }
    short = { nb = "HVLT-R", en = "HVLT-R" }   # optional, used inside sentences
    score = "total_recall"               # optional: whose standard score stands for the
                                         # instrument (default: first measure with one)
    [[instruments.measures]]
    id = "total_recall"
    name = { nb = "samlet innlæring", en = "total recall" }   # as read inside a sentence
    kind = "raw"                         # "raw": the test's own score
    unit = "words"                       # seconds, correct, words, points, errors, none
    min = 0                              # entry sanity limits, not norms
    max = 36
    integer = true                       # whole numbers only
    direction = "higher_is_better"       # or "lower_is_better" (a time)
    standard = "T"                       # optional: a T (or "z") score may go with it

    [[instruments.measures]]
    id = "t_score"
    name = { nb = "T-skår", en = "T score" }
    kind = "standard"                    # only a standardised score: no unit/min/max/...
    standard = "T"                       # T: mean 50, SD 10, 20..80; z: -3..3

    [[composites]]                       # a score computed from several tests
    id = "mccb_overall_composite"
    name = { nb = "...", en = "..." }
    domain = "working_memory"            # optional: a domain score; omitted: overall
    standard = "T"

Standardised scores are read as *higher is better* (the norms turn times around, as the
MCCB's T scores do); the ``direction`` of a raw measure is for showing raw values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from cogtrain.errors import DataFileError
from cogtrain.i18n import Msg, ngettext, number
from cogtrain.paths import PROJECT_ROOT
from cogtrain.training.exercise import Domain
from cogtrain.training.plans import LANGUAGES, PlanError, _kind, _read_toml, _shown
from cogtrain.training.plans import _Reader as _PlanReader

BATTERIES_DIR = PROJECT_ROOT / "batteries"
ID_MAX = 64
"""Longest id: the database keeps battery, instrument and measure ids in 64 characters."""

_ID = re.compile(r"[a-z][a-z0-9_]*")


class StandardKind(StrEnum):
    """How a standardised score is expressed."""

    T = "T"
    """Mean 50, SD 10."""
    Z = "z"
    """Mean 0, SD 1."""


STANDARD_RANGES: dict[StandardKind, tuple[float, float]] = {
    StandardKind.T: (20.0, 80.0),
    StandardKind.Z: (-3.0, 3.0),
}
"""What may be entered: three SDs either side of the mean (T 20..80 is z -3..3)."""

T_MEAN = 50.0
T_SD = 10.0


def to_t(value: float, kind: StandardKind | str) -> float:
    """A standardised score as a T score (z 1.2 is T 62), so different kinds can be averaged.

    Rounded to 6 decimals so float noise (50 + 10 * -0.3 = 46.99999...) never moves a
    score across a band limit.
    """
    if StandardKind(kind) is StandardKind.T:
        return float(value)
    return round(T_MEAN + T_SD * float(value), 6)


class MeasureKind(StrEnum):
    RAW = "raw"
    """The test's own score (seconds, words, correct answers)."""
    STANDARD = "standard"
    """Only a standardised score (T or z), for example from a scoring program."""


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class InstrumentRole(StrEnum):
    TEST = "test"
    """One test (``[[instruments]]``)."""
    DOMAIN_SCORE = "domain_score"
    """A domain's score computed from its tests (``[[composites]]`` with a domain)."""
    COMPOSITE = "composite"
    """The battery's overall score (``[[composites]]`` without a domain)."""


UNITS: tuple[str, ...] = ("seconds", "correct", "words", "points", "errors", "none")
"""Units a raw measure may have; each has a translated singular and plural in :func:`amount`."""


def show_number(value: float) -> Msg:
    """A value the local way with the decimals it has (up to 3): 36, 4,5, -0,25 in nb."""
    for decimals in range(4):
        if round(value, decimals) == value:
            break
    return number(value, decimals=decimals)


def amount(unit: str, value: float) -> Msg:
    """A value with its unit, in words ("36 words", "1 second"; "36 ord" in nb).

    Every unit has its own literal ``ngettext`` pair so the catalogues can hold them.
    """
    n = show_number(value)
    count = int(value) if value == int(value) else 2
    if unit == "seconds":
        return ngettext("{n} second", "{n} seconds", count).format(n=n)
    if unit == "correct":
        return ngettext("{n} correct", "{n} correct", count).format(n=n)
    if unit == "words":
        return ngettext("{n} word", "{n} words", count).format(n=n)
    if unit == "points":
        return ngettext("{n} point", "{n} points", count).format(n=n)
    if unit == "errors":
        return ngettext("{n} error", "{n} errors", count).format(n=n)
    return n


# --- the data ---------------------------------------------------------------------------


class BatteryError(DataFileError):
    """A battery file that cannot be used: names the file, the key and what is allowed."""

    HINT = "Correct this value and load again; battery files without errors still load."


@dataclass(frozen=True)
class Measure:
    """One score an instrument gives. Raw measures have a unit, limits and a direction.

    ``standard`` is the kind of standardised score that may be entered with this measure
    (required for a standard measure, optional for a raw one; ``None``: none may be).
    ``minimum``/``maximum`` are entry sanity limits (typos), not norms.
    """

    measure_id: str
    name_nb: str
    name_en: str
    kind: MeasureKind
    standard: StandardKind | None
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    direction: Direction | None = None

    def name(self, lang: str) -> str:
        """The measure's name as read inside a sentence ("total recall"), in ``lang``."""
        return self.name_en if lang == "en" else self.name_nb

    @property
    def takes_raw(self) -> bool:
        return self.kind is MeasureKind.RAW

    @property
    def standard_range(self) -> tuple[float, float] | None:
        return STANDARD_RANGES[self.standard] if self.standard is not None else None


@dataclass(frozen=True)
class Instrument:
    """A test (or a composite score) and its measures.

    ``score_measure_id`` names the measure whose standardised score stands for the
    instrument in the domain profile (for the MCCB: the score its T score is built on).
    ``domain_id`` is ``None`` only for a battery's overall composite.
    """

    instrument_id: str
    battery_id: str
    source: str
    role: InstrumentRole
    domain_id: str | None
    name_nb: str
    name_en: str
    short_nb: str
    short_en: str
    measures: tuple[Measure, ...]
    score_measure_id: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_nb

    def short(self, lang: str) -> str:
        """The short name used inside sentences ("HVLT-R"); the name when there is none."""
        return self.short_en if lang == "en" else self.short_nb

    @property
    def measure_ids(self) -> tuple[str, ...]:
        return tuple(m.measure_id for m in self.measures)

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.measure_id == measure_id:
                return m
        raise BatteryError(
            self.source,
            f"instrument {self.instrument_id}",
            f"no measure {_shown(measure_id)}",
            "one of: " + ", ".join(self.measure_ids),
        )

    @property
    def score_measure(self) -> Measure:
        return self.measure(self.score_measure_id)


@dataclass(frozen=True)
class AssessmentDomain:
    """What a battery groups its tests into, and the training domains that could help."""

    domain_id: str
    battery_id: str
    name_nb: str
    name_en: str
    trains: tuple[Domain, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_nb


@dataclass(frozen=True)
class Battery:
    """One checked battery file. ``instruments`` are its tests, then its composites."""

    battery_id: str
    source: str
    name_nb: str
    name_en: str
    description_nb: str
    description_en: str
    domains: tuple[AssessmentDomain, ...]
    instruments: tuple[Instrument, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_nb

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_nb

    @property
    def instrument_ids(self) -> tuple[str, ...]:
        return tuple(i.instrument_id for i in self.instruments)

    def instrument(self, instrument_id: str) -> Instrument:
        for i in self.instruments:
            if i.instrument_id == instrument_id:
                return i
        raise BatteryError(
            self.source,
            "instruments",
            f"no instrument {_shown(instrument_id)} in battery {self.battery_id}",
            "one of: " + (", ".join(self.instrument_ids) or "none"),
        )


_T = TypeVar("_T")


def _lookup(items: Sequence[_T], ids: Sequence[str], wanted: str, key: str, noun: str) -> _T:
    """``items[k]`` where ``ids[k] == wanted``, or the error listing the loaded ids."""
    for item, item_id in zip(items, ids, strict=True):
        if item_id == wanted:
            return item
    raise BatteryError(
        "loaded batteries",
        key,
        f"no {noun} {_shown(wanted)}",
        "one of: " + (", ".join(ids) or "none loaded"),
    )


@dataclass(frozen=True)
class BatterySet:
    """The result of loading a folder: the good batteries and one error per bad file.

    Lookups across files go through the set, because an instrument may use another
    file's domain and ids are unique in the whole set.
    """

    batteries: tuple[Battery, ...]
    errors: tuple[BatteryError, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(b.battery_id for b in self.batteries)

    def get(self, battery_id: str) -> Battery:
        return _lookup(self.batteries, self.ids, battery_id, "battery_id", "battery")

    @property
    def domains(self) -> tuple[AssessmentDomain, ...]:
        """Every domain, in file order (files sorted by name)."""
        return tuple(d for b in self.batteries for d in b.domains)

    @property
    def domain_ids(self) -> tuple[str, ...]:
        return tuple(d.domain_id for d in self.domains)

    def domain(self, domain_id: str) -> AssessmentDomain:
        return _lookup(self.domains, self.domain_ids, domain_id, "domain", "domain")

    @property
    def instruments(self) -> tuple[Instrument, ...]:
        return tuple(i for b in self.batteries for i in b.instruments)

    @property
    def instrument_ids(self) -> tuple[str, ...]:
        return tuple(i.instrument_id for i in self.instruments)

    def instrument(self, instrument_id: str) -> Instrument:
        return _lookup(
            self.instruments, self.instrument_ids, instrument_id, "instrument", "instrument"
        )

    def instruments_in(self, domain_id: str) -> tuple[Instrument, ...]:
        """The domain's instruments of every file, tests before the domain score."""
        found = [i for i in self.instruments if i.domain_id == domain_id]
        return tuple(sorted(found, key=lambda i: i.role is not InstrumentRole.TEST))


# --- reading ----------------------------------------------------------------------------

_TOP_KEYS = ("id", "name", "description", "domains", "instruments", "composites")
_DOMAIN_KEYS = ("id", "name", "trains")
_INSTRUMENT_KEYS = ("id", "name", "short", "domain", "score", "measures")
_MEASURE_KEYS = ("id", "name", "kind", "standard", "unit", "min", "max", "integer", "direction")
_RAW_ONLY_KEYS = ("unit", "min", "max", "integer", "direction")
_COMPOSITE_KEYS = ("id", "name", "short", "domain", "standard")
_RAW_LIMIT = 100_000.0
"""Largest magnitude a raw limit may have: far above any test, below float surprises."""

_COMPOSITE_MEASURE_NAMES: dict[StandardKind, tuple[str, str]] = {
    StandardKind.T: ("T-skår", "T score"),
    StandardKind.Z: ("z-skår", "z score"),
}


class _Reader(_PlanReader):
    """The profile reader's checks, raising :class:`BatteryError` instead."""

    def __init__(self, source: str) -> None:
        super().__init__(source, ())

    def fail(self, key: str, problem: str, allowed: str) -> BatteryError:  # type: ignore[override]
        return BatteryError(self.source, key, problem, allowed)

    def keyed(self, value: object, key: str, keys: Sequence[str]) -> Mapping[str, Any]:
        """``value`` as a table with only ``keys``."""
        if not isinstance(value, Mapping):
            raise self.fail(key, f"is {_kind(value)}", "a table with keys " + ", ".join(keys))
        self.check_keys(value, keys, key + ".")
        return value

    def tables(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        """An array of tables (``[[key]]``); missing is empty."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.fail(key, f"is {_kind(value)}", f"[[{key}]] entries (tables)")
        return value

    def names(
        self, table: Mapping[str, Any], name: str, prefix: str = "", *, required: bool = True
    ) -> dict[str, str]:
        """``table[name]`` as a ``{nb, en}`` table of names; both languages when given at all."""
        key = prefix + name
        if name not in table:
            if required:
                raise self.fail(
                    key, "is missing", "a table with nb and en, e.g. { nb = ..., en = ... }"
                )
            return {}
        value = self.keyed(table[name], key, LANGUAGES)
        out: dict[str, str] = {}
        for lang in LANGUAGES:
            if lang not in value:
                raise self.fail(f"{key}.{lang}", "is missing", "non-empty text in quotes")
            out[lang] = self.text(f"{key}.{lang}", value[lang])
        return out

    def ident(self, key: str, value: object) -> str:
        allowed = (
            f"snake_case text: a-z, digits and _, starting with a letter, at most {ID_MAX} "
            "characters"
        )
        if not isinstance(value, str):
            raise self.fail(key, f"{_shown(value)} is {_kind(value)}", allowed)
        if not _ID.fullmatch(value) or len(value) > ID_MAX:
            raise self.fail(key, f"{_shown(value)} is not a valid id", allowed)
        return value

    def required(self, table: Mapping[str, Any], name: str, prefix: str, allowed: str) -> object:
        if name not in table:
            raise self.fail(prefix + name, "is missing", allowed)
        return table[name]

    def choice(self, key: str, value: object, choices: Sequence[str]) -> str:
        allowed = "one of " + ", ".join(f'"{c}"' for c in choices)
        if not isinstance(value, str):
            raise self.fail(key, f"{_shown(value)} is {_kind(value)}", allowed)
        if value not in choices:
            raise self.fail(key, f"{_shown(value)} is not allowed", allowed)
        return value


@dataclass(frozen=True)
class _Head:
    battery_id: str
    names: dict[str, str]
    descriptions: dict[str, str]
    domains: tuple[AssessmentDomain, ...]


def _parse_head(r: _Reader, data: Mapping[str, Any], loaded: Sequence[Battery]) -> _Head:
    """The battery's id, names and domains; ids must not clash with ``loaded`` files."""
    if not isinstance(data, Mapping):
        raise r.fail("(whole file)", f"is {_kind(data)}", "a TOML table of keys")
    r.check_keys(data, _TOP_KEYS, "")
    id_allowed = "a snake_case id not used by another battery file"
    battery_id = r.ident("id", r.required(data, "id", "", id_allowed))
    for other in loaded:
        if other.battery_id == battery_id:
            raise r.fail(
                "id",
                f"battery {_shown(battery_id)} is already defined in {other.source}",
                id_allowed,
            )
    names = r.names(data, "name")
    desc = r.names(data, "description", required=False)
    descriptions = {lang: desc.get(lang, "") for lang in LANGUAGES}

    taken = {d.domain_id: b.source for b in loaded for d in b.domains}
    training = tuple(d.value for d in Domain)
    trains_allowed = "a list of distinct training domains from " + ", ".join(training) + ", or []"
    domains: list[AssessmentDomain] = []
    for n, entry in enumerate(r.tables(data, "domains"), start=1):
        at = f"domains[{n}]"
        r.keyed(entry, at, _DOMAIN_KEYS)
        domain_id = r.ident(at + ".id", r.required(entry, "id", at + ".", "a snake_case id"))
        if domain_id in taken:
            where = taken[domain_id]
            raise r.fail(
                at + ".id",
                f"domain {_shown(domain_id)} is listed twice"
                if where == r.source
                else f"domain {_shown(domain_id)} is already defined in {where}",
                "a domain id used once in all battery files (an instrument may use "
                "another file's domain)",
            )
        taken[domain_id] = r.source
        at = f"domains.{domain_id}"
        dnames = r.names(entry, "name", at + ".")
        trains = r.string_list(
            at + ".trains", r.required(entry, "trains", at + ".", trains_allowed), trains_allowed
        )
        for t in trains:
            if t not in training:
                raise r.fail(
                    at + ".trains", f"{_shown(t)} is not a training domain", trains_allowed
                )
        domains.append(
            AssessmentDomain(
                domain_id=domain_id,
                battery_id=battery_id,
                name_nb=dnames["nb"],
                name_en=dnames["en"],
                trains=tuple(Domain(t) for t in trains),
            )
        )
    return _Head(battery_id, names, descriptions, tuple(domains))


def _parse_measure(r: _Reader, entry: object, at: str, taken: set[str]) -> Measure:
    r.keyed(entry, at, _MEASURE_KEYS)
    assert isinstance(entry, Mapping)
    measure_id = r.ident(at + ".id", r.required(entry, "id", at + ".", "a snake_case id"))
    if measure_id in taken:
        raise r.fail(
            at + ".id", f"measure {_shown(measure_id)} is listed twice", "distinct measure ids"
        )
    taken.add(measure_id)
    at = at.rsplit("[", 1)[0] + "." + measure_id
    names = r.names(entry, "name", at + ".")
    kinds = tuple(k.value for k in MeasureKind)
    kind = MeasureKind(
        r.choice(
            at + ".kind", r.required(entry, "kind", at + ".", "one of " + ", ".join(kinds)), kinds
        )
    )
    standards = tuple(k.value for k in StandardKind)
    standard: StandardKind | None = None
    if "standard" in entry:
        standard = StandardKind(r.choice(at + ".standard", entry["standard"], standards))
    if kind is MeasureKind.STANDARD:
        if standard is None:
            raise r.fail(at + ".standard", "is missing", 'for kind = "standard": "T" or "z"')
        for key in _RAW_ONLY_KEYS:
            if key in entry:
                raise r.fail(
                    f"{at}.{key}",
                    'is not used by a kind = "standard" measure (its range is fixed by T or z)',
                    f'{key} only on kind = "raw" measures',
                )
        return Measure(measure_id, names["nb"], names["en"], kind, standard)

    unit = r.choice(
        at + ".unit", r.required(entry, "unit", at + ".", "one of " + ", ".join(UNITS)), UNITS
    )
    integer = r.boolean(at + ".integer", r.required(entry, "integer", at + ".", "true or false"))
    limits: list[float] = []
    for key in ("min", "max"):
        value = r.required(entry, key, at + ".", "a number")
        if integer:
            limits.append(
                float(
                    r.integer(
                        f"{at}.{key}", value, -int(_RAW_LIMIT), int(_RAW_LIMIT), " (integer = true)"
                    )
                )
            )
        else:
            limits.append(r.number(f"{at}.{key}", value, -_RAW_LIMIT, _RAW_LIMIT))
    low, high = limits
    if low >= high:
        raise r.fail(f"{at}.max", f"{high:g} is not above min = {low:g}", "a max above min")
    directions = tuple(d.value for d in Direction)
    direction = Direction(
        r.choice(
            at + ".direction",
            r.required(entry, "direction", at + ".", "one of " + ", ".join(directions)),
            directions,
        )
    )
    return Measure(
        measure_id, names["nb"], names["en"], kind, standard, unit, low, high, integer, direction
    )


def parse_battery(
    data: Mapping[str, Any],
    *,
    source: str,
    loaded: Sequence[Battery] = (),
    more_domains: Sequence[AssessmentDomain] = (),
) -> Battery:
    """Check a battery file's parsed TOML (or an equal dict) and build the battery.

    ``loaded``: batteries already accepted; this file's ids must not clash with theirs,
    and its instruments may use their domains. ``more_domains``: further domains its
    instruments may use (files later in the same folder). Raises :class:`BatteryError`
    at the first problem found.
    """
    r = _Reader(source)
    head = _parse_head(r, data, loaded)
    domains = {d.domain_id: d for b in loaded for d in b.domains}
    domains.update({d.domain_id: d for d in more_domains})
    domains.update({d.domain_id: d for d in head.domains})
    domain_allowed = "a domain id from " + (", ".join(domains) or "(no domains are defined)")
    taken = {i.instrument_id: b.source for b in loaded for i in b.instruments}
    scored_domains = {
        i.domain_id: i.instrument_id
        for b in loaded
        for i in b.instruments
        if i.role is InstrumentRole.DOMAIN_SCORE
    }
    id_allowed = "a snake_case id used once in all battery files"

    def new_id(at: str, entry: Mapping[str, Any]) -> str:
        instrument_id = r.ident(at + ".id", r.required(entry, "id", at + ".", id_allowed))
        if instrument_id in taken:
            where = taken[instrument_id]
            raise r.fail(
                at + ".id",
                f"instrument {_shown(instrument_id)} is listed twice"
                if where == source
                else f"instrument {_shown(instrument_id)} is already defined in {where}",
                id_allowed,
            )
        taken[instrument_id] = source
        return instrument_id

    def domain_of(at: str, entry: Mapping[str, Any]) -> str:
        value = r.required(entry, "domain", at + ".", domain_allowed)
        if not isinstance(value, str):
            raise r.fail(at + ".domain", f"{_shown(value)} is {_kind(value)}", domain_allowed)
        if value not in domains:
            raise r.fail(at + ".domain", f"unknown domain {_shown(value)}", domain_allowed)
        return value

    instruments: list[Instrument] = []
    for n, entry in enumerate(r.tables(data, "instruments"), start=1):
        at = f"instruments[{n}]"
        r.keyed(entry, at, _INSTRUMENT_KEYS)
        instrument_id = new_id(at, entry)
        at = f"instruments.{instrument_id}"
        names = r.names(entry, "name", at + ".")
        short = r.names(entry, "short", at + ".", required=False) or names
        domain_id = domain_of(at, entry)
        raw_measures = entry.get("measures", [])
        if not isinstance(raw_measures, list) or not raw_measures:
            raise r.fail(
                at + ".measures",
                "is missing" if "measures" not in entry else f"is {_kind(raw_measures)} (or empty)",
                f"at least one [[{at}.measures]] entry",
            )
        seen: set[str] = set()
        measures = tuple(
            _parse_measure(r, m, f"{at}.measures[{k}]", seen)
            for k, m in enumerate(raw_measures, start=1)
        )
        with_standard = [m.measure_id for m in measures if m.standard is not None]
        if not with_standard:
            raise r.fail(
                at + ".measures",
                "none has a standardised score",
                'at least one measure with standard = "T" or "z"',
            )
        score = entry.get("score", with_standard[0])
        if not isinstance(score, str) or score not in with_standard:
            shown = _shown(score) if isinstance(score, str) else f"{_shown(score)} ({_kind(score)})"
            raise r.fail(
                at + ".score",
                f"{shown} is not one of its measures with a standardised score",
                "one of " + ", ".join(with_standard),
            )
        instruments.append(
            Instrument(
                instrument_id=instrument_id,
                battery_id=head.battery_id,
                source=source,
                role=InstrumentRole.TEST,
                domain_id=domain_id,
                name_nb=names["nb"],
                name_en=names["en"],
                short_nb=short["nb"],
                short_en=short["en"],
                measures=measures,
                score_measure_id=score,
            )
        )

    has_overall = False
    standards = tuple(k.value for k in StandardKind)
    for n, entry in enumerate(r.tables(data, "composites"), start=1):
        at = f"composites[{n}]"
        r.keyed(entry, at, _COMPOSITE_KEYS)
        instrument_id = new_id(at, entry)
        at = f"composites.{instrument_id}"
        names = r.names(entry, "name", at + ".")
        short = r.names(entry, "short", at + ".", required=False) or names
        domain_id: str | None = None
        if "domain" in entry:
            domain_id = domain_of(at, entry)
            if domain_id in scored_domains:
                raise r.fail(
                    at + ".domain",
                    f"domain {_shown(domain_id)} already has a domain score "
                    f"({scored_domains[domain_id]!r})",
                    "one composite per domain",
                )
            scored_domains[domain_id] = instrument_id
        elif has_overall:
            raise r.fail(
                at + ".domain",
                "is missing, and the battery already has an overall composite",
                "a domain (for a domain score), or one overall composite per file",
            )
        else:
            has_overall = True
        kind = StandardKind(
            r.choice(
                at + ".standard",
                r.required(entry, "standard", at + ".", '"T" or "z"'),
                standards,
            )
        )
        nb, en = _COMPOSITE_MEASURE_NAMES[kind]
        measure = Measure(f"{kind.value.lower()}_score", nb, en, MeasureKind.STANDARD, kind)
        instruments.append(
            Instrument(
                instrument_id=instrument_id,
                battery_id=head.battery_id,
                source=source,
                role=InstrumentRole.COMPOSITE if domain_id is None else InstrumentRole.DOMAIN_SCORE,
                domain_id=domain_id,
                name_nb=names["nb"],
                name_en=names["en"],
                short_nb=short["nb"],
                short_en=short["en"],
                measures=(measure,),
                score_measure_id=measure.measure_id,
            )
        )

    return Battery(
        battery_id=head.battery_id,
        source=source,
        name_nb=head.names["nb"],
        name_en=head.names["en"],
        description_nb=head.descriptions["nb"],
        description_en=head.descriptions["en"],
        domains=head.domains,
        instruments=tuple(instruments),
    )


def _read(path: Path) -> dict[str, Any]:
    """The file's TOML, with the profile reader's errors as :class:`BatteryError`."""
    try:
        return _read_toml(path, str(path))
    except PlanError as exc:
        raise BatteryError(exc.source, exc.key, exc.problem, exc.allowed) from None


def load_battery(path: Path) -> Battery:
    """Read and check one battery file on its own (its domains only)."""
    path = Path(path)
    return parse_battery(_read(path), source=str(path))


def load_batteries(folder: Path = BATTERIES_DIR) -> BatterySet:
    """Load every ``*.toml`` in ``folder`` (sorted by name); bad files become errors.

    Files may use each other's domains, so a file is refused when a domain it uses comes
    from a file that was refused; this repeats until nothing changes. A missing folder is
    an error too, so the caller has one place to look.
    """
    folder = Path(folder)
    if not folder.is_dir():
        err = BatteryError(
            str(folder), "(folder)", "does not exist", "a folder of *.toml batteries"
        )
        return BatterySet((), (err,))
    errors: dict[str, BatteryError] = {}
    candidates: list[tuple[str, dict[str, Any], _Head]] = []
    heads: list[Battery] = []
    for path in sorted(folder.glob("*.toml")):
        source = str(path)
        try:
            data = _read(path)
            head = _parse_head(_Reader(source), data, heads)
        except BatteryError as exc:
            errors[source] = exc
            continue
        candidates.append((source, data, head))
        heads.append(Battery(head.battery_id, source, "", "", "", "", head.domains, ()))
    while True:
        loaded: list[Battery] = []
        failed: list[str] = []
        for n, (source, data, _head) in enumerate(candidates):
            later = [d for _s, _d, h in candidates[n + 1 :] for d in h.domains]
            try:
                loaded.append(parse_battery(data, source=source, loaded=loaded, more_domains=later))
            except BatteryError as exc:
                errors[source] = exc
                failed.append(source)
        if not failed:
            break
        candidates = [c for c in candidates if c[0] not in failed]
    return BatterySet(tuple(loaded), tuple(errors[s] for s in sorted(errors)))
