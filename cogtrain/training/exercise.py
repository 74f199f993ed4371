"""The shape every exercise's rules share (pure: no pygame, no database).

An exercise's rules are a level table (data), ``make_trial(level, rng)`` which builds a
fully specified trial from a seeded generator, and ``score(spec, response)``. A trial
spec serialises to JSON so that every trial can be replayed from the log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import numpy as np


class Domain(StrEnum):
    """The four domains JMO training targets."""

    ATTENTION = "attention"
    MEMORY = "memory"
    PROBLEM_SOLVING = "problem_solving"
    PROCESSING_SPEED = "processing_speed"


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
class ExerciseRules:
    """The pure half of an exercise, registered once in ``exercises/__init__.py``."""

    exercise_id: str
    domain: Domain
    levels: Sequence[Any]
    make_trial: Callable[[int, np.random.Generator], TrialSpec]
    score: Callable[[Any, Response], Outcome]
    spec_from_json: Callable[[Mapping[str, Any]], TrialSpec]

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
