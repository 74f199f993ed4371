"""Match fast (processing speed): are two order codes the same or not? Answer quickly.

Work theme: checking parcels against the order. The order slip shows a code (such as
``KB-4827``) and so does the label on the parcel; the participant says as fast as they
can whether the two are the same or different, with two big buttons or the keys F / ←
(same) and J / → (different). Half of the pairs are the same.

A different pair differs in exactly one way:

- ``other``: one character is replaced by a clearly different one (a letter by another
  letter, a digit by another digit);
- ``swap``: two neighbouring characters have changed places (``4827`` → ``4287``);
- ``lookalike``: one character is replaced by a similar-looking one (``E``/``F``,
  ``P``/``R``, ``3``/``8``, ``5``/``6``).

Levels (one row each; level 1 is the errorless start):

=====  ======  =====================  =============
level  length  differences            time_limit_ms
=====  ======  =====================  =============
1      3       other                  none
2      4       other                  none
3      5       other                  none
4      5       other, swap            none
5      6       other, swap            6000
6      6       swap, lookalike        5000
7      7       swap, lookalike        4500
8      7       swap, lookalike        4000
9      8       swap, lookalike        3500
10     8       swap, lookalike        3000
11     9       swap, lookalike        2800
12     10      swap, lookalike        2500
13     10      swap, lookalike        2200
=====  ======  =====================  =============

``length`` counts letters and digits (a code is letters, a dash, digits: the letters are
the first half, rounded down). The alphabet leaves out characters that are easy to mix
up by accident (I, O, Q, 0, 1), so only the ``lookalike`` change asks for a close look.
Speed is the point, so higher levels have a time limit; the runner enforces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "match_fast"

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "23456789"
SEPARATOR = "-"
CHANGES = ("other", "swap", "lookalike")
# Each character's look-alikes (symmetric; only characters in the alphabets above).
LOOKALIKES: dict[str, str] = {
    "E": "F",
    "F": "E",
    "P": "R",
    "R": "PB",
    "B": "R",
    "C": "G",
    "G": "C",
    "M": "N",
    "N": "M",
    "U": "V",
    "V": "UY",
    "Y": "V",
    "3": "8",
    "8": "36",
    "6": "85",
    "5": "6",
}


@dataclass(frozen=True)
class MatchLevel:
    length: int
    changes: tuple[str, ...]
    time_limit_ms: float | None


LEVELS: tuple[MatchLevel, ...] = (
    MatchLevel(3, ("other",), None),
    MatchLevel(4, ("other",), None),
    MatchLevel(5, ("other",), None),
    MatchLevel(5, ("other", "swap"), None),
    MatchLevel(6, ("other", "swap"), 6000.0),
    MatchLevel(6, ("swap", "lookalike"), 5000.0),
    MatchLevel(7, ("swap", "lookalike"), 4500.0),
    MatchLevel(7, ("swap", "lookalike"), 4000.0),
    MatchLevel(8, ("swap", "lookalike"), 3500.0),
    MatchLevel(8, ("swap", "lookalike"), 3000.0),
    MatchLevel(9, ("swap", "lookalike"), 2800.0),
    MatchLevel(10, ("swap", "lookalike"), 2500.0),
    MatchLevel(10, ("swap", "lookalike"), 2200.0),
)


@dataclass(frozen=True)
class MatchTrial:
    """One pair: the code on the order (``left``) and on the parcel label (``right``)."""

    level: int
    left: str
    right: str
    change: str | None  # None when the two are the same
    limit_ms: float | None

    @property
    def time_limit_ms(self) -> float | None:
        return self.limit_ms

    @property
    def same(self) -> bool:
        return self.change is None

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "left": self.left,
            "right": self.right,
            "change": self.change,
            "time_limit_ms": self.limit_ms,
        }


def _valid_code(code: str) -> bool:
    letters, sep, digits = code.partition(SEPARATOR)
    return (
        sep == SEPARATOR
        and len(letters) >= 1
        and len(digits) >= 1
        and all(c in LETTERS for c in letters)
        and all(c in DIGITS for c in digits)
    )


def spec_from_json(obj: Mapping[str, Any]) -> MatchTrial:
    left, right = str(obj["left"]), str(obj["right"])
    change = obj.get("change")
    if change is not None and change not in CHANGES:
        raise ValueError(f"match_fast: unknown change {change!r}")
    if not (_valid_code(left) and _valid_code(right)) or len(left) != len(right):
        raise ValueError(f"match_fast: {left!r} / {right!r} are not a pair of codes")
    if (change is None) != (left == right):
        raise ValueError(f"match_fast: change {change!r} does not fit {left!r} / {right!r}")
    limit = obj.get("time_limit_ms")
    return MatchTrial(
        level=int(obj["level"]),
        left=left,
        right=right,
        change=change,
        limit_ms=None if limit is None else float(limit),
    )


def _pick(rng: np.random.Generator, chars: str) -> str:
    return chars[int(rng.integers(0, len(chars)))]


def make_code(length: int, rng: np.random.Generator) -> str:
    n_letters = max(1, length // 2)
    letters = "".join(_pick(rng, LETTERS) for _ in range(n_letters))
    digits = "".join(_pick(rng, DIGITS) for _ in range(length - n_letters))
    return letters + SEPARATOR + digits


def _alphabet_of(ch: str) -> str:
    return LETTERS if ch in LETTERS else DIGITS


def change_code(code: str, change: str, rng: np.random.Generator) -> tuple[str, str]:
    """(base, changed): ``base`` is ``code`` possibly adjusted so that ``change`` is
    possible; ``changed`` differs from ``base`` in exactly that way."""
    chars = list(code)
    positions = [i for i, c in enumerate(chars) if c != SEPARATOR]
    if change == "swap":
        pairs = [i for i in positions if i + 1 in positions]
        p = pairs[int(rng.integers(0, len(pairs)))]
        if chars[p] == chars[p + 1]:
            alphabet = _alphabet_of(chars[p]).replace(chars[p], "")
            chars[p + 1] = _pick(rng, alphabet)
        base = "".join(chars)
        chars[p], chars[p + 1] = chars[p + 1], chars[p]
        return base, "".join(chars)
    p = positions[int(rng.integers(0, len(positions)))]
    alphabet = _alphabet_of(chars[p])
    if change == "lookalike":
        if chars[p] not in LOOKALIKES:
            chars[p] = _pick(rng, "".join(c for c in alphabet if c in LOOKALIKES))
        base = "".join(chars)
        chars[p] = _pick(rng, LOOKALIKES[chars[p]])
        return base, "".join(chars)
    if change == "other":
        base = "".join(chars)
        unlike = "".join(
            c for c in alphabet if c != chars[p] and c not in LOOKALIKES.get(chars[p], "")
        )
        chars[p] = _pick(rng, unlike)
        return base, "".join(chars)
    raise ValueError(f"match_fast: unknown change {change!r}")


def make_trial(level: int, rng: np.random.Generator) -> MatchTrial:
    """Build the pair for ``level`` from ``rng`` (same seed → same pair)."""
    row = RULES.level_row(level)
    code = make_code(row.length, rng)
    if rng.random() < 0.5:
        return MatchTrial(level, code, code, None, row.time_limit_ms)
    change = row.changes[int(rng.integers(0, len(row.changes)))]
    base, changed = change_code(code, change, rng)
    if rng.random() < 0.5:
        left, right = base, changed
    else:
        left, right = changed, base
    return MatchTrial(level, left, right, change, row.time_limit_ms)


def score(spec: MatchTrial, response: Response) -> Outcome:
    """Right when the answer (same / different) fits the pair."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    said_same = bool(response.answer["same"])
    if said_same == spec.same:
        return Outcome(correct=True)
    if said_same:
        return Outcome(
            correct=False, error_kind="missed_difference", details={"change": spec.change}
        )
    return Outcome(correct=False, error_kind="false_difference")


def correct_response(spec: MatchTrial) -> Response:
    return Response(answer={"same": spec.same})


def error_response(spec: MatchTrial, rng: np.random.Generator) -> Response:
    """The other answer, or, where there is a time limit, sometimes no answer in time."""
    if spec.limit_ms is not None and rng.random() < 0.25:
        return Response.timeout()
    return Response(answer={"same": not spec.same})


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
