"""Symbol coding (processing speed): type the digit that a key assigns to a symbol.

Work theme: every shelf in the stock room has a label symbol, and the order system wants
the shelf's number code. The key (symbol → digit) stays on screen; the participant looks
up the symbol shown and types its digit as quickly as they can without hurrying errors.

Levels (one row each; level 1 is the errorless start):

=====  ========  ========  ========  =============
level  key_size  pool      reshuffle time_limit_ms
=====  ========  ========  ========  =============
1      3         distinct  no        none
2      4         distinct  no        none
3      5         distinct  no        none
4      6         distinct  no        none
5      6         distinct  no        6000
6      7         distinct  no        5000
7      7         distinct  yes       5000
8      8         distinct  yes       4500
9      8         similar   yes       4000
10     9         similar   yes       3500
11     9         similar   yes       3000
12     9         similar   yes       2500
=====  ========  ========  ========  =============

``pool`` "similar" draws symbols that come in look-alike pairs (a ring and a disc, an
upward and a downward triangle), so the lookup needs a closer look. ``reshuffle`` gives
every trial a new key, so the participant cannot rely on having learnt it: speed of
scanning rather than memory is trained. Speed is the point of this exercise, so higher
levels have a time limit; the runner (not this module) enforces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "symbol_coding"

# Symbols the view knows how to draw. Order matters: a fixed key uses this order.
DISTINCT_SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "triangle",
    "cross",
    "star",
    "diamond",
    "hourglass",
    "bars",
    "arrow_up",
)
# Look-alike pairs, interleaved so any prefix holds whole pairs where possible.
SIMILAR_SYMBOLS: tuple[str, ...] = (
    "circle",
    "ring",
    "triangle",
    "triangle_down",
    "square",
    "square_open",
    "cross",
    "x_mark",
    "arrow_up",
)
ALL_SYMBOLS: frozenset[str] = frozenset(DISTINCT_SYMBOLS) | frozenset(SIMILAR_SYMBOLS)


@dataclass(frozen=True)
class SymbolLevel:
    key_size: int
    pool: str  # "distinct" | "similar"
    reshuffle: bool
    time_limit_ms: float | None


LEVELS: tuple[SymbolLevel, ...] = (
    SymbolLevel(3, "distinct", False, None),
    SymbolLevel(4, "distinct", False, None),
    SymbolLevel(5, "distinct", False, None),
    SymbolLevel(6, "distinct", False, None),
    SymbolLevel(6, "distinct", False, 6000.0),
    SymbolLevel(7, "distinct", False, 5000.0),
    SymbolLevel(7, "distinct", True, 5000.0),
    SymbolLevel(8, "distinct", True, 4500.0),
    SymbolLevel(8, "similar", True, 4000.0),
    SymbolLevel(9, "similar", True, 3500.0),
    SymbolLevel(9, "similar", True, 3000.0),
    SymbolLevel(9, "similar", True, 2500.0),
)


@dataclass(frozen=True)
class SymbolCodingTrial:
    """One lookup: ``key[i]`` is the symbol whose code is digit ``i + 1``."""

    level: int
    key: tuple[str, ...]
    target: int  # index into key; the correct digit is target + 1
    limit_ms: float | None

    @property
    def time_limit_ms(self) -> float | None:
        return self.limit_ms

    @property
    def target_symbol(self) -> str:
        return self.key[self.target]

    @property
    def correct_digit(self) -> int:
        return self.target + 1

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "key": list(self.key),
            "target": self.target,
            "time_limit_ms": self.limit_ms,
        }


def spec_from_json(obj: Mapping[str, Any]) -> SymbolCodingTrial:
    key = tuple(str(s) for s in obj["key"])
    unknown = set(key) - ALL_SYMBOLS
    if unknown:
        raise ValueError(f"symbol_coding: unknown symbols {sorted(unknown)}")
    target = int(obj["target"])
    if not 0 <= target < len(key):
        raise ValueError(f"symbol_coding: target {target} outside key of {len(key)}")
    limit = obj.get("time_limit_ms")
    return SymbolCodingTrial(
        level=int(obj["level"]),
        key=key,
        target=target,
        limit_ms=None if limit is None else float(limit),
    )


def make_trial(level: int, rng: np.random.Generator) -> SymbolCodingTrial:
    """Build the trial for ``level`` from ``rng`` (same seed → same trial)."""
    row = RULES.level_row(level)
    pool = DISTINCT_SYMBOLS if row.pool == "distinct" else SIMILAR_SYMBOLS
    symbols = list(pool[: row.key_size])
    if row.reshuffle:
        order = rng.permutation(row.key_size)
        symbols = [symbols[i] for i in order]
    target = int(rng.integers(0, row.key_size))
    return SymbolCodingTrial(
        level=level, key=tuple(symbols), target=target, limit_ms=row.time_limit_ms
    )


def score(spec: SymbolCodingTrial, response: Response) -> Outcome:
    """Correct when the typed digit is the target's code."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    digit = int(response.answer["digit"])
    if digit == spec.correct_digit:
        return Outcome(correct=True)
    if 1 <= digit <= len(spec.key):
        return Outcome(
            correct=False,
            error_kind="wrong_digit",
            details={"chosen_symbol": spec.key[digit - 1]},
        )
    return Outcome(correct=False, error_kind="digit_not_in_key")


def correct_response(spec: SymbolCodingTrial) -> Response:
    return Response(answer={"digit": spec.correct_digit})


def error_response(spec: SymbolCodingTrial, rng: np.random.Generator) -> Response:
    """A plausible slip: the code of another label in the key."""
    others = [d for d in range(1, len(spec.key) + 1) if d != spec.correct_digit]
    return Response(answer={"digit": int(rng.choice(others))})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.PROCESSING_SPEED,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
)
