"""Sorting rules (problem solving: set shifting, Wisconsin-style card sorting).

Work theme: goods arrive at a sorting station and go onto one of four pallets. Each
pallet has a label showing goods of one colour, one shape and one number of items. Which
of these the pallets are sorted by is not said: the participant finds the rule from the
answers ("Right" / "Not quite") and must notice when the foreman changes it.

The exercise is sequential: ``make_trial(level, rng, history)`` reads the current rule
from the last trial of the block (its rule and how many sorts in a row were right) and
changes the rule once the required run of right sorts is reached. Everything the next
trial needs is in the spec, so the rule history can be replayed from the log.

An error that follows the rule from before the last change is scored as
``perseverative`` (sticking to the old rule); other errors are ``wrong_pile``.

Levels (one row each; level 1 is the errorless start):

=====  ==========  ==========  =========  =========  ==========
level  dimensions  rule shown  announced  run        ambiguous
=====  ==========  ==========  =========  =========  ==========
1      2           yes         yes        8          0 %
2      2           no          yes        8          0 %
3      3           no          yes        8          0 %
4      3           no          yes        7          0 %
5      3           no          yes        6          0 %
6      3           no          yes        6          20 %
7      3           no          yes        5          20 %
8      3           no          yes        5          35 %
9      3           no          no         9–10       20 %
10     3           no          no         8–10       35 %
11     3           no          no         7–9        35 %
12     3           no          no         6–8        50 %
13     3           no          no         5–7        50 %
=====  ==========  ==========  =========  =========  ==========

``dimensions``: colour and shape, then also the number of items. ``rule shown``: the
rule is written on screen (an errorless start). ``announced``: the first card after a
change says that the rule has changed (but not to what). ``run``: right sorts in a row
before the rule changes (a range means it is drawn anew at each change, so changes
cannot be counted ahead). ``ambiguous``: the share of cards that match one pallet on two
dimensions, so a "Right" does not tell the two rules apart.

An unannounced change always costs at least one sort (the first card under the new
rule is sorted by the old one), so unannounced levels keep longer runs: the test suite
checks with an ideal learner that the best reachable accuracy falls along the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, HistoryItem, Outcome, Response

EXERCISE_ID = "sorting_rules"
N_PILES = 4
DIMENSIONS: tuple[str, ...] = ("colour", "shape", "count")
_DIM_INDEX = {d: i for i, d in enumerate(DIMENSIONS)}


@dataclass(frozen=True)
class SortingLevel:
    dimensions: int
    rule_shown: bool
    announced: bool
    run_lo: int
    run_hi: int
    ambiguous: float

    @property
    def dims(self) -> tuple[str, ...]:
        return DIMENSIONS[: self.dimensions]


LEVELS: tuple[SortingLevel, ...] = (
    SortingLevel(2, True, True, 8, 8, 0.0),
    SortingLevel(2, False, True, 8, 8, 0.0),
    SortingLevel(3, False, True, 8, 8, 0.0),
    SortingLevel(3, False, True, 7, 7, 0.0),
    SortingLevel(3, False, True, 6, 6, 0.0),
    SortingLevel(3, False, True, 6, 6, 0.2),
    SortingLevel(3, False, True, 5, 5, 0.2),
    SortingLevel(3, False, True, 5, 5, 0.35),
    SortingLevel(3, False, False, 9, 10, 0.2),
    SortingLevel(3, False, False, 8, 10, 0.35),
    SortingLevel(3, False, False, 7, 9, 0.35),
    SortingLevel(3, False, False, 6, 8, 0.5),
    SortingLevel(3, False, False, 5, 7, 0.5),
)


def pile_values(pile: int, dims: Sequence[str]) -> tuple[int, int, int]:
    """What pallet ``pile``'s label shows: colour, shape and item count index.

    Where the number of items is not in play every label shows one item.
    """
    return (pile, pile, pile if "count" in dims else 0)


@dataclass(frozen=True)
class SortingTrial:
    """Sort ``card`` (colour, shape, count index) onto the pile matching it by ``rule``."""

    level: int
    dims: tuple[str, ...]
    card: tuple[int, int, int]
    rule: str
    prev_rule: str | None  # the rule before the last change (None before any change)
    switched: bool  # the rule changed just before this card
    announce: bool  # the view says so when switched
    rule_shown: bool
    run_target: int  # right sorts in a row that end this rule
    streak: int  # right sorts in a row under this rule before this card

    @property
    def time_limit_ms(self) -> float | None:
        return None

    @property
    def correct_pile(self) -> int:
        return self.card[_DIM_INDEX[self.rule]]

    def pile_by(self, dim: str) -> int:
        """The pile this card goes on if sorted by ``dim``."""
        return self.card[_DIM_INDEX[dim]]

    def matching_dims(self, pile: int) -> list[str]:
        """The dimensions on which ``pile``'s label matches the card."""
        return [d for d in self.dims if self.pile_by(d) == pile]

    @property
    def shows_change(self) -> bool:
        return self.switched and self.announce

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "dims": list(self.dims),
            "card": list(self.card),
            "rule": self.rule,
            "prev_rule": self.prev_rule,
            "switched": self.switched,
            "announce": self.announce,
            "rule_shown": self.rule_shown,
            "run_target": self.run_target,
            "streak": self.streak,
        }


def spec_from_json(obj: Mapping[str, Any]) -> SortingTrial:
    dims = tuple(str(d) for d in obj["dims"])
    if not dims or dims != DIMENSIONS[: len(dims)]:
        raise ValueError(f"sorting_rules: unknown dimensions {dims}")
    card_list = [int(v) for v in obj["card"]]
    if len(card_list) != 3 or not all(0 <= v < N_PILES for v in card_list):
        raise ValueError(f"sorting_rules: bad card {card_list}")
    card = (card_list[0], card_list[1], card_list[2])
    if "count" not in dims and card[2] != 0:
        raise ValueError("sorting_rules: item count given where count is not in play")
    rule = str(obj["rule"])
    if rule not in dims:
        raise ValueError(f"sorting_rules: rule {rule!r} is not one of {dims}")
    prev = obj.get("prev_rule")
    if prev is not None and (prev not in DIMENSIONS or prev == rule):
        raise ValueError(f"sorting_rules: bad previous rule {prev!r}")
    run_target = int(obj["run_target"])
    streak = int(obj["streak"])
    if run_target < 1 or not 0 <= streak < run_target:
        raise ValueError("sorting_rules: streak must lie in 0..run_target-1")
    return SortingTrial(
        level=int(obj["level"]),
        dims=dims,
        card=card,
        rule=rule,
        prev_rule=None if prev is None else str(prev),
        switched=bool(obj["switched"]),
        announce=bool(obj["announce"]),
        rule_shown=bool(obj["rule_shown"]),
        run_target=run_target,
        streak=streak,
    )


def _draw_run(row: SortingLevel, rng: np.random.Generator) -> int:
    return int(rng.integers(row.run_lo, row.run_hi + 1))


def _new_rule(dims: Sequence[str], old: str | None, rng: np.random.Generator) -> str:
    options = [d for d in dims if d != old]
    return options[int(rng.integers(0, len(options)))]


def rule_state(
    row: SortingLevel, rng: np.random.Generator, history: Sequence[HistoryItem]
) -> tuple[str, str | None, bool, int, int]:
    """(rule, prev_rule, switched, run_target, streak) for the next card of the block.

    The rule carries on from the last trial; after ``run_target`` right sorts in a row
    (an error starts the count again) it changes to another dimension. If the level has
    dropped to fewer dimensions than the rule needs, it changes at once.
    """
    if not history:
        return _new_rule(row.dims, None, rng), None, False, _draw_run(row, rng), 0
    last: SortingTrial = history[-1].spec
    streak = last.streak + 1 if history[-1].outcome.correct else 0
    run_target = min(last.run_target, row.run_hi)
    if last.rule in row.dims and streak < run_target:
        return last.rule, last.prev_rule, False, run_target, streak
    return _new_rule(row.dims, last.rule, rng), last.rule, True, _draw_run(row, rng), 0


def _make_card(row: SortingLevel, rule: str, rng: np.random.Generator) -> tuple[int, int, int]:
    dims = row.dims
    piles = [int(p) for p in rng.permutation(N_PILES)[: len(dims)]]
    if len(dims) >= 3 and rng.random() < row.ambiguous:
        # Two dimensions point at the same pallet; the rule is always one of the two,
        # so a "Right" does not tell which of them is meant.
        other = [d for d in dims if d != rule]
        twin = other[int(rng.integers(0, len(other)))]
        piles[dims.index(twin)] = piles[dims.index(rule)]
    values = dict(zip(dims, piles, strict=True))
    return (values["colour"], values["shape"], values.get("count", 0))


def make_trial(
    level: int, rng: np.random.Generator, history: Sequence[HistoryItem] = ()
) -> SortingTrial:
    """The next card of the block (same seed and history → same card)."""
    row: SortingLevel = RULES.level_row(level)
    rule, prev, switched, run_target, streak = rule_state(row, rng, history)
    return SortingTrial(
        level=level,
        dims=row.dims,
        card=_make_card(row, rule, rng),
        rule=rule,
        prev_rule=prev,
        switched=switched,
        announce=row.announced,
        rule_shown=row.rule_shown,
        run_target=run_target,
        streak=streak,
    )


def score(spec: SortingTrial, response: Response) -> Outcome:
    """Right when the card went onto the pile that matches it by the current rule."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    pile = int(response.answer["pile"])
    if not 0 <= pile < N_PILES:
        return Outcome(correct=False, error_kind="no_such_pile")
    details = {"matched": spec.matching_dims(pile), "rule": spec.rule}
    if pile == spec.correct_pile:
        return Outcome(correct=True, details=details)
    if spec.prev_rule is not None and pile == spec.pile_by(spec.prev_rule):
        return Outcome(correct=False, error_kind="perseverative", details=details)
    return Outcome(correct=False, error_kind="wrong_pile", details=details)


def correct_response(spec: SortingTrial) -> Response:
    return Response(answer={"pile": spec.correct_pile})


def error_response(spec: SortingTrial, rng: np.random.Generator) -> Response:
    """A plausible error: sorting by the old rule where there is one, else by another
    dimension, else onto a pallet that matches nothing."""
    right = spec.correct_pile
    if spec.prev_rule is not None and spec.pile_by(spec.prev_rule) != right:
        return Response(answer={"pile": spec.pile_by(spec.prev_rule)})
    others = sorted({spec.pile_by(d) for d in spec.dims} - {right})
    if not others:
        others = [p for p in range(N_PILES) if p != right]
    return Response(answer={"pile": int(others[int(rng.integers(0, len(others)))])})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.PROBLEM_SOLVING,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
    sequential=True,
)
