"""The shape every exercise's rules share (pure: no pygame, no database).

An exercise's rules are a level table (data), ``make_trial(level, rng)`` which builds a
fully specified trial from a seeded generator, and ``score(spec, response)``. A trial
spec serialises to JSON so that every trial can be replayed from the log.

Exercises whose trials depend on the block so far (n-back, a hidden sorting rule that
changes, study-then-recall) set ``sequential=True`` and get the block's earlier trials:
``make_trial(level, rng, history)``, still pure and still deterministic for a seed.

``correct_response(spec)`` and ``error_response(spec, rng)`` give a right and a wrong
answer for any trial: simulated learners, headless tests and benchmarks use them.

A spec may have ``input_after_ms`` (default 0): a study phase during which input is
ignored; reaction time and any time limit count from when input opens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import numpy as np

from cogtrain.i18n import N_, Msg, _, data


class Domain(StrEnum):
    """The four domains JMO training targets."""

    ATTENTION = "attention"
    MEMORY = "memory"
    PROBLEM_SOLVING = "problem_solving"
    PROCESSING_SPEED = "processing_speed"


DOMAIN_NAMES: dict[str, str] = {
    Domain.ATTENTION.value: N_("Attention"),
    Domain.MEMORY.value: N_("Memory"),
    Domain.PROBLEM_SOLVING.value: N_("Problem solving"),
    Domain.PROCESSING_SPEED.value: N_("Processing speed"),
}
"""The domains' names (msgids, in the clinics' words), for screens, charts and reports."""


def domain_label(key: str) -> Msg:
    """A domain's name in the active language; an unknown key as it is."""
    name = DOMAIN_NAMES.get(key)
    return _(name) if name else data(key)


class TrialSpec(Protocol):
    """What a trial is, fully: enough to draw it, score it and replay it from the log."""

    level: int

    @property
    def time_limit_ms(self) -> float | None: ...

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Response:
    """What the participant did. ``answer`` is exercise-specific JSON; ``None`` on timeout."""

    answer: Mapping[str, Any] | None
    timed_out: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": dict(self.answer) if self.answer is not None else None,
            "timed_out": self.timed_out,
        }

    @classmethod
    def timeout(cls) -> Response:
        return cls(answer=None, timed_out=True)


@dataclass(frozen=True)
class Outcome:
    """The scored result of one trial. ``error_kind`` is ``None`` when correct."""

    correct: bool
    error_kind: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryItem:
    """One earlier trial of the block, as a sequential exercise sees it."""

    spec: Any
    outcome: Outcome


@dataclass(frozen=True)
class TrialTiming:
    """The rhythm of an exercise's trials, owned by the shared runner.

    ``feedback``: ``"always"`` (a calm word after each trial), ``"errors"`` (only when
    not right: for fast streams), or ``"none"``. Practice rounds always give feedback.
    """

    gap_ms: float = 600.0
    feedback_ms: float = 1000.0
    practice_feedback_ms: float = 2200.0
    feedback: str = "always"

    def __post_init__(self) -> None:
        if self.feedback not in ("always", "errors", "none"):
            raise ValueError(f"feedback must be always, errors or none, not {self.feedback!r}")
        if min(self.gap_ms, self.feedback_ms, self.practice_feedback_ms) < 0:
            raise ValueError("timings must not be negative")


@dataclass(frozen=True)
class StimulusMark:
    """Something that appears on screen during a trial, after its onset, whose own
    appearance a response is timed from (the parcel after a variable wait, a stop sign
    after its delay).

    The rules say when it should appear; only the screen says when it did, a refresh
    later at most. The runner stamps the first refresh that showed it, and the trial's
    record keeps that as ``shown_ms[name]`` (ms after the trial's onset), so an
    analysis can time responses from what was really seen. ``description`` goes into
    the export's data dictionary as the column's meaning.
    """

    name: str
    description: str


@dataclass(frozen=True)
class ExerciseRules:
    """The pure half of an exercise, registered once in ``exercises/__init__.py``."""

    exercise_id: str
    domain: Domain
    levels: Sequence[Any]
    make_trial: Callable[..., TrialSpec]
    score: Callable[[Any, Response], Outcome]
    spec_from_json: Callable[[Mapping[str, Any]], TrialSpec]
    correct_response: Callable[[Any], Response]
    error_response: Callable[[Any, np.random.Generator], Response]
    timing: TrialTiming = TrialTiming()
    sequential: bool = False
    marks: tuple[StimulusMark, ...] = ()

    def new_trial(
        self, level: int, rng: np.random.Generator, history: Sequence[HistoryItem] = ()
    ) -> TrialSpec:
        """Build the next trial, passing the block's history to sequential exercises."""
        if self.sequential:
            return self.make_trial(level, rng, tuple(history))
        return self.make_trial(level, rng)

    @property
    def min_level(self) -> int:
        return 1

    @property
    def max_level(self) -> int:
        return len(self.levels)

    def level_row(self, level: int) -> Any:
        if not 1 <= level <= len(self.levels):
            raise ValueError(f"{self.exercise_id}: level {level} is outside 1..{len(self.levels)}")
        return self.levels[level - 1]


@dataclass(frozen=True)
class ExerciseInfo:
    """An exercise as the program lists it: rules plus the words around them.

    ``title``, ``work_theme`` and ``instructions`` are gettext msgids (marked with
    ``N_``), translated when shown. ``view`` names the pygame view class as
    ``"module:Class"`` so that listing exercises never imports pygame.
    """

    rules: ExerciseRules
    title: str
    work_theme: str
    instructions: tuple[str, ...]
    view: str

    @property
    def exercise_id(self) -> str:
        return self.rules.exercise_id

    @property
    def domain(self) -> Domain:
        return self.rules.domain
