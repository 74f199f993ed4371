"""The assessment in plain words: a domain profile per timepoint, and before versus after.

For the first meeting the neuropsychologist goes through the results with the
participant. This module turns the stored standardised scores into what is said there:
per domain a T score, a descriptive band, and one short sentence addressed to the
participant ("Remembering what you hear is one of your strengths"), plus the training
domains that could help where something takes more effort. After training,
:func:`before_after` says per domain how much the T score changed, in a plain word.

How a domain's T score is made (per timepoint):

* only the standardised score of each instrument's *score measure* counts (for the MCCB,
  the measure its T score is built on); raw values and other measures are for the record;
* z scores are turned into T (T = 50 + 10 z), so kinds can be mixed;
* if a domain score (a ``[[composites]]`` entry with a domain, from the scoring program)
  was entered, it is the domain's T; otherwise the mean T of the domain's tests;
* if an instrument has two scores at one timepoint, the later one in the list counts
  (storage lists scores oldest first, so a re-test replaces the first try).

The bands (T: mean 50, SD 10) describe where a score lies compared with the norm group.
They are not diagnoses and say nothing about causes:

=================  ==============
well below         T < 35
below              35 <= T < 40
a little below     40 <= T < 45
typical            45 <= T < 55
above              T >= 55
=================  ==============

Changes (post T minus baseline T): clearly better >= 5, a little better 2 to < 5, about
the same between -2 and 2, a little lower -2 to > -5, clearly lower <= -5. Five T points
is half a standard deviation; a smaller change may be practice or a different day.

Sentences are in the language active when the profile is computed. Pure functions, frozen
results: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean
from typing import Protocol

from cogtrain.assessment.batteries import BatterySet, InstrumentRole, StandardKind, to_t
from cogtrain.assessment.scores import Timepoint
from cogtrain.i18n import N_, Msg, _, current_language
from cogtrain.training.exercise import Domain

# --- bands ------------------------------------------------------------------------------


class Band(StrEnum):
    """Where a T score lies compared with the norm group (descriptive, not a diagnosis)."""

    WELL_BELOW = "well_below"
    BELOW = "below"
    A_LITTLE_BELOW = "a_little_below"
    TYPICAL = "typical"
    ABOVE = "above"

    @property
    def label(self) -> Msg:
        return _(BAND_LABELS[self.value])


BAND_LIMITS: tuple[tuple[float, Band], ...] = (
    (35.0, Band.WELL_BELOW),
    (40.0, Band.BELOW),
    (45.0, Band.A_LITTLE_BELOW),
    (55.0, Band.TYPICAL),
)
"""A T below the limit falls in the band; a T of 55 or more is above."""

BAND_LABELS: dict[str, str] = {
    Band.WELL_BELOW.value: N_("Well below the typical range"),
    Band.BELOW.value: N_("Below the typical range"),
    Band.A_LITTLE_BELOW.value: N_("A little below the typical range"),
    Band.TYPICAL.value: N_("In the typical range"),
    Band.ABOVE.value: N_("Above the typical range"),
}

DIFFICULTY_BANDS = frozenset({Band.WELL_BELOW, Band.BELOW, Band.A_LITTLE_BELOW})


def band_of(t: float) -> Band:
    for limit, band in BAND_LIMITS:
        if t < limit:
            return band
    return Band.ABOVE


# --- changes ----------------------------------------------------------------------------


class Change(StrEnum):
    CLEARLY_BETTER = "clearly_better"
    A_LITTLE_BETTER = "a_little_better"
    ABOUT_THE_SAME = "about_the_same"
    A_LITTLE_LOWER = "a_little_lower"
    CLEARLY_LOWER = "clearly_lower"

    @property
    def label(self) -> Msg:
        return _(CHANGE_LABELS[self.value])


CLEAR_CHANGE = 5.0
"""T points (half an SD) from which a change is called clear."""
SMALL_CHANGE = 2.0
"""T points from which a change is called a little; below it, about the same."""

CHANGE_LABELS: dict[str, str] = {
    Change.CLEARLY_BETTER.value: N_("Clearly better"),
    Change.A_LITTLE_BETTER.value: N_("A little better"),
    Change.ABOUT_THE_SAME.value: N_("About the same"),
    Change.A_LITTLE_LOWER.value: N_("A little lower"),
    Change.CLEARLY_LOWER.value: N_("Clearly lower"),
}


def change_of(change: float) -> Change:
    """The plain word for a change in T points (rounded to 6 decimals against float noise)."""
    change = round(change, 6)
    if change >= CLEAR_CHANGE:
        return Change.CLEARLY_BETTER
    if change >= SMALL_CHANGE:
        return Change.A_LITTLE_BETTER
    if change <= -CLEAR_CHANGE:
        return Change.CLEARLY_LOWER
    if change <= -SMALL_CHANGE:
        return Change.A_LITTLE_LOWER
    return Change.ABOUT_THE_SAME


# --- sentences --------------------------------------------------------------------------

_STRENGTH, _TYPICAL, _A_LITTLE_HARDER, _HARDER = range(4)

SENTENCES: dict[str, tuple[str, str, str, str]] = {
    "speed_of_processing": (
        N_("Keeping up speed is one of your strengths."),
        N_("Keeping up speed goes as well for you as for most people."),
        N_("Keeping up speed can take a little more effort for you than for most people."),
        N_("Keeping up speed takes more effort for you than for most people."),
    ),
    "attention_vigilance": (
        N_("Staying focused over time is one of your strengths."),
        N_("Staying focused over time goes as well for you as for most people."),
        N_("Staying focused over time can take a little more effort for you than for most people."),
        N_("Staying focused over time takes more effort for you than for most people."),
    ),
    "working_memory": (
        N_("Keeping things in mind while you use them is one of your strengths."),
        N_("Keeping things in mind while you use them goes as well for you as for most people."),
        N_(
            "Keeping things in mind while you use them can take a little more effort for you "
            "than for most people."
        ),
        N_(
            "Keeping things in mind while you use them takes more effort for you than for most "
            "people."
        ),
    ),
    "verbal_learning": (
        N_("Remembering what you hear is one of your strengths."),
        N_("Remembering what you hear goes as well for you as for most people."),
        N_("Remembering what you hear can take a little more effort for you than for most people."),
        N_("Remembering what you hear takes more effort for you than for most people."),
    ),
    "visual_learning": (
        N_("Remembering what you see is one of your strengths."),
        N_("Remembering what you see goes as well for you as for most people."),
        N_("Remembering what you see can take a little more effort for you than for most people."),
        N_("Remembering what you see takes more effort for you than for most people."),
    ),
    "reasoning_problem_solving": (
        N_("Planning and solving problems is one of your strengths."),
        N_("Planning and solving problems goes as well for you as for most people."),
        N_(
            "Planning and solving problems can take a little more effort for you than for most "
            "people."
        ),
        N_("Planning and solving problems takes more effort for you than for most people."),
    ),
    "social_cognition": (
        N_("Handling feelings in everyday situations is one of your strengths."),
        N_("Handling feelings in everyday situations goes as well for you as for most people."),
        N_(
            "Handling feelings in everyday situations can take a little more effort for you "
            "than for most people."
        ),
        N_(
            "Handling feelings in everyday situations takes more effort for you than for most "
            "people."
        ),
    ),
}
"""Per MCCB domain: strength, typical, a little below, below (also well below).

Written to the participant (du in nb), one idea each, never blaming. "Well below" is said
like "below": the participant hears that something takes more effort, not how much; the
band is on the staff screen."""

FALLBACK_SENTENCES: tuple[str, str, str, str] = (
    N_("{domain} is one of your strengths."),
    N_("{domain} goes as well for you as for most people."),
    N_("{domain} can take a little more effort for you than for most people."),
    N_("{domain} takes more effort for you than for most people."),
)
"""For a domain a clinic added, with the domain's name from its battery file."""


def _sentence(domain_id: str, domain_name: str, band: Band) -> Msg:
    which = {
        Band.ABOVE: _STRENGTH,
        Band.TYPICAL: _TYPICAL,
        Band.A_LITTLE_BELOW: _A_LITTLE_HARDER,
        Band.BELOW: _HARDER,
        Band.WELL_BELOW: _HARDER,
    }[band]
    if domain_id in SENTENCES:
        return _(SENTENCES[domain_id][which])
    return _(FALLBACK_SENTENCES[which]).format(domain=domain_name)


# --- profiles ---------------------------------------------------------------------------


class ScoreLike(Protocol):
    """What feedback reads from a score (a CleanScore, storage's ScoreFields, ...)."""

    @property
    def instrument_id(self) -> str: ...

    @property
    def measure_id(self) -> str: ...

    @property
    def timepoint(self) -> str: ...

    @property
    def standard_value(self) -> float | None: ...

    @property
    def standard_kind(self) -> str | None: ...


@dataclass(frozen=True)
class ScoreRecord:
    """A plain score record (for callers and tests that have no CleanScore)."""

    instrument_id: str
    measure_id: str
    timepoint: str
    standard_value: float | None
    standard_kind: str | None = StandardKind.T.value


@dataclass(frozen=True)
class DomainResult:
    """One domain at one timepoint. ``t``, ``band`` and ``sentence`` are ``None`` without scores.

    ``based_on``: the instruments whose scores made ``t`` (the domain score alone when one
    was entered: ``from_domain_score``). ``trains``: the training domains that could help.
    """

    domain_id: str
    t: float | None
    band: Band | None
    based_on: tuple[str, ...]
    from_domain_score: bool
    sentence: Msg | None
    trains: tuple[Domain, ...]


@dataclass(frozen=True)
class DomainProfile:
    """Every domain of the loaded batteries at one timepoint, in battery-file order.

    ``strengths`` (band above), ``typical`` and ``difficulties`` (below 45) hold the
    domains' sentences in domain order. ``training``: the training domains that could
    help with the difficulties, lowest T first, each once. ``overall_t``: the overall
    composite, when entered (the first battery's, if several have one). ``ignored``:
    instruments in the scores that no loaded battery knows (a battery file was removed or
    refused), so the screen can say so.
    """

    timepoint: Timepoint
    domains: tuple[DomainResult, ...]
    overall_t: float | None
    overall_band: Band | None
    strengths: tuple[Msg, ...]
    typical: tuple[Msg, ...]
    difficulties: tuple[Msg, ...]
    training: tuple[Domain, ...]
    ignored: tuple[str, ...]

    def result(self, domain_id: str) -> DomainResult:
        for d in self.domains:
            if d.domain_id == domain_id:
                return d
        raise KeyError(domain_id)

    @property
    def has_scores(self) -> bool:
        return self.overall_t is not None or any(d.t is not None for d in self.domains)


def _t_of(score: ScoreLike) -> float:
    value, kind = score.standard_value, score.standard_kind
    assert value is not None
    if kind not in {k.value for k in StandardKind}:
        raise ValueError(
            f"score of {score.instrument_id}.{score.measure_id} has standard kind {kind!r}, "
            f"not T or z"
        )
    return to_t(value, str(kind))


def domain_profile(
    scores: Iterable[ScoreLike], batteries: BatterySet, timepoint: Timepoint | str
) -> DomainProfile:
    """The participant's domain profile at ``timepoint`` from their stored scores."""
    timepoint = Timepoint(timepoint)
    known = set(batteries.instrument_ids)
    by_instrument: dict[str, float] = {}
    ignored: dict[str, None] = {}
    for score in scores:
        if Timepoint(score.timepoint) is not timepoint or score.standard_value is None:
            continue
        if score.instrument_id not in known:
            ignored[score.instrument_id] = None
            continue
        instrument = batteries.instrument(score.instrument_id)
        if score.measure_id == instrument.score_measure_id:
            by_instrument[instrument.instrument_id] = _t_of(score)

    lang = current_language()
    results: list[DomainResult] = []
    for domain in batteries.domains:
        tests: list[str] = []
        domain_score: str | None = None
        for instrument in batteries.instruments_in(domain.domain_id):
            if instrument.instrument_id not in by_instrument:
                continue
            if instrument.role is InstrumentRole.DOMAIN_SCORE:
                domain_score = instrument.instrument_id
            else:
                tests.append(instrument.instrument_id)
        based_on = (domain_score,) if domain_score is not None else tuple(tests)
        t = round(fmean(by_instrument[i] for i in based_on), 6) if based_on else None
        band = band_of(t) if t is not None else None
        results.append(
            DomainResult(
                domain_id=domain.domain_id,
                t=t,
                band=band,
                based_on=based_on,
                from_domain_score=domain_score is not None,
                sentence=_sentence(domain.domain_id, domain.name(lang), band) if band else None,
                trains=domain.trains,
            )
        )

    overall = [
        by_instrument[i.instrument_id]
        for i in batteries.instruments
        if i.role is InstrumentRole.COMPOSITE and i.instrument_id in by_instrument
    ]
    overall_t = overall[0] if overall else None

    def sentences(bands: Iterable[Band]) -> tuple[Msg, ...]:
        wanted = set(bands)
        return tuple(r.sentence for r in results if r.band in wanted and r.sentence is not None)

    hard = sorted(
        (r for r in results if r.band in DIFFICULTY_BANDS),
        key=lambda r: r.t if r.t is not None else 0.0,
    )
    training = tuple(dict.fromkeys(d for r in hard for d in r.trains))
    return DomainProfile(
        timepoint=timepoint,
        domains=tuple(results),
        overall_t=overall_t,
        overall_band=band_of(overall_t) if overall_t is not None else None,
        strengths=sentences([Band.ABOVE]),
        typical=sentences([Band.TYPICAL]),
        difficulties=sentences(DIFFICULTY_BANDS),
        training=training,
        ignored=tuple(ignored),
    )


def domain_profiles(
    scores: Iterable[ScoreLike], batteries: BatterySet
) -> dict[Timepoint, DomainProfile]:
    """A profile for each timepoint that has at least one usable score, in time order."""
    scores = list(scores)
    profiles = {tp: domain_profile(scores, batteries, tp) for tp in Timepoint}
    return {tp: p for tp, p in profiles.items() if p.has_scores}


# --- before and after -------------------------------------------------------------------


@dataclass(frozen=True)
class DomainChange:
    """One domain from baseline to post; ``change`` and ``word`` ``None`` if either is missing."""

    domain_id: str
    baseline_t: float | None
    post_t: float | None
    change: float | None
    word: Change | None


def before_after(baseline: DomainProfile, post: DomainProfile) -> tuple[DomainChange, ...]:
    """Per domain the change in T from ``baseline`` to ``post`` (also works for follow-up).

    Domains in the baseline profile's order, then any only the later profile has.
    """
    before = {d.domain_id: d.t for d in baseline.domains}
    after = {d.domain_id: d.t for d in post.domains}
    out: list[DomainChange] = []
    for domain_id in dict.fromkeys([*before, *after]):
        b, a = before.get(domain_id), after.get(domain_id)
        change = round(a - b, 6) if a is not None and b is not None else None
        out.append(
            DomainChange(
                domain_id=domain_id,
                baseline_t=b,
                post_t=a,
                change=change,
                word=change_of(change) if change is not None else None,
            )
        )
    return tuple(out)


def compare_with_baseline(
    profiles: Mapping[Timepoint, DomainProfile],
) -> tuple[Timepoint | None, tuple[DomainChange, ...]]:
    """The timepoint compared with the baseline (post, else follow-up) and the changes.

    ``(None, ())`` until both a baseline and a later profile exist."""
    later = next((tp for tp in (Timepoint.POST, Timepoint.FOLLOW_UP) if tp in profiles), None)
    baseline = profiles.get(Timepoint.BASELINE)
    if baseline is None or later is None:
        return later, ()
    return later, before_after(baseline, profiles[later])
