"""Order list (working memory): remember a customer's order, then pick it from the shelf.

Work theme: order picking. A customer's order slip is shown for a while (the study
phase); then the slip is put away and the participant picks the ordered items from a
shelf of products. At higher levels the items must be picked in the order they were
listed, are shown one at a time instead of as a list, and the other products on the
shelf are close relatives of the ordered ones (milk next to cream, nails next to screws).

Levels (one row each; level 1 is the errorless start):

=====  ====  =====  =======  ========  ========  =======
level  span  shelf  ordered  similar   shown     item_ms
=====  ====  =====  =======  ========  ========  =======
1      2     4      no       no        list      2500
2      3     6      no       no        list      2500
3      3     6      no       yes       list      2200
4      4     8      no       yes       list      2200
5      4     8      yes      yes       list      2000
6      4     8      yes      yes       one       2000
7      5     9      yes      yes       one       1800
8      5     9      yes      yes       one       1600
9      6     9      yes      yes       one       1600
10     6     9      yes      yes       one       1400
11     7     9      yes      yes       one       1400
12     7     9      yes      yes       one       1200
=====  ====  =====  =======  ========  ========  =======

``span`` is the number of items on the order, ``shelf`` the number of products to pick
from (at most nine, one per digit key). ``ordered``: the picks must follow the slip's
order. ``similar``: the other products come from the same product groups as the ordered
ones. ``shown`` "list" puts the whole slip up at once; "one" shows the items one after
another. The study phase lasts ``span * item_ms`` (``input_after_ms``); there is no time
limit for picking, since memory, not speed, is trained here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.i18n import N_
from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "order_list"

# Product groups: items within a group are the "similar" distractors of each other.
PRODUCT_GROUPS: dict[str, tuple[str, ...]] = {
    "fruit": ("apples", "pears", "plums", "bananas"),
    "dairy": ("milk", "cream", "yogurt", "butter"),
    "bakery": ("bread", "rolls", "crispbread", "buns"),
    "drinks": ("coffee", "tea", "cocoa", "juice"),
    "cleaning": ("soap", "shampoo", "toothpaste", "dish_soap"),
    "hardware": ("nails", "screws", "bolts", "hooks"),
    "office": ("tape", "glue", "string", "labels"),
    "electric": ("batteries", "light_bulbs", "fuses", "cables"),
}

# What the participant reads: msgids, translated by the view when drawn.
ITEM_NAMES: dict[str, str] = {
    "apples": N_("Apples"),
    "pears": N_("Pears"),
    "plums": N_("Plums"),
    "bananas": N_("Bananas"),
    "milk": N_("Milk"),
    "cream": N_("Cream"),
    "yogurt": N_("Yogurt"),
    "butter": N_("Butter"),
    "bread": N_("Bread"),
    "rolls": N_("Bread rolls"),
    "crispbread": N_("Crispbread"),
    "buns": N_("Sweet buns"),
    "coffee": N_("Coffee"),
    "tea": N_("Tea"),
    "cocoa": N_("Cocoa"),
    "juice": N_("Juice"),
    "soap": N_("Soap"),
    "shampoo": N_("Shampoo"),
    "toothpaste": N_("Toothpaste"),
    "dish_soap": N_("Washing-up liquid"),
    "nails": N_("Nails"),
    "screws": N_("Screws"),
    "bolts": N_("Bolts"),
    "hooks": N_("Hooks"),
    "tape": N_("Tape"),
    "glue": N_("Glue"),
    "string": N_("String"),
    "labels": N_("Labels"),
    "batteries": N_("Batteries"),
    "light_bulbs": N_("Light bulbs"),
    "fuses": N_("Fuses"),
    "cables": N_("Cables"),
}

GROUP_OF: dict[str, str] = {item: g for g, items in PRODUCT_GROUPS.items() for item in items}
MAX_SHELF = 9
PRESENTATIONS = ("list", "one")


@dataclass(frozen=True)
class OrderLevel:
    span: int
    shelf: int
    ordered: bool
    similar: bool
    presentation: str  # "list" | "one"
    item_ms: float


LEVELS: tuple[OrderLevel, ...] = (
    OrderLevel(2, 4, False, False, "list", 2500.0),
    OrderLevel(3, 6, False, False, "list", 2500.0),
    OrderLevel(3, 6, False, True, "list", 2200.0),
    OrderLevel(4, 8, False, True, "list", 2200.0),
    OrderLevel(4, 8, True, True, "list", 2000.0),
    OrderLevel(4, 8, True, True, "one", 2000.0),
    OrderLevel(5, 9, True, True, "one", 1800.0),
    OrderLevel(5, 9, True, True, "one", 1600.0),
    OrderLevel(6, 9, True, True, "one", 1600.0),
    OrderLevel(6, 9, True, True, "one", 1400.0),
    OrderLevel(7, 9, True, True, "one", 1400.0),
    OrderLevel(7, 9, True, True, "one", 1200.0),
)


@dataclass(frozen=True)
class OrderTrial:
    """One order: ``order`` is what to pick (in this order), ``shelf`` what is on offer."""

    level: int
    order: tuple[str, ...]
    shelf: tuple[str, ...]
    ordered: bool
    presentation: str
    item_ms: float

    @property
    def time_limit_ms(self) -> float | None:
        return None

    @property
    def span(self) -> int:
        return len(self.order)

    @property
    def input_after_ms(self) -> float:
        """The study phase: the slip is up for ``item_ms`` per item."""
        return self.item_ms * len(self.order)

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "order": list(self.order),
            "shelf": list(self.shelf),
            "ordered": self.ordered,
            "presentation": self.presentation,
            "item_ms": self.item_ms,
        }


def spec_from_json(obj: Mapping[str, Any]) -> OrderTrial:
    order = tuple(str(i) for i in obj["order"])
    shelf = tuple(str(i) for i in obj["shelf"])
    unknown = (set(order) | set(shelf)) - set(ITEM_NAMES)
    if unknown:
        raise ValueError(f"order_list: unknown items {sorted(unknown)}")
    if not order or len(set(order)) != len(order):
        raise ValueError("order_list: the order must list distinct items")
    if len(set(shelf)) != len(shelf) or len(shelf) > MAX_SHELF:
        raise ValueError("order_list: the shelf must hold at most nine distinct items")
    if not set(order) <= set(shelf):
        raise ValueError("order_list: an ordered item is missing from the shelf")
    presentation = str(obj["presentation"])
    if presentation not in PRESENTATIONS:
        raise ValueError(f"order_list: unknown presentation {presentation!r}")
    item_ms = float(obj["item_ms"])
    if item_ms <= 0:
        raise ValueError("order_list: item_ms must be positive")
    return OrderTrial(
        level=int(obj["level"]),
        order=order,
        shelf=shelf,
        ordered=bool(obj["ordered"]),
        presentation=presentation,
        item_ms=item_ms,
    )


def _pick(rng: np.random.Generator, pool: list[str], n: int) -> list[str]:
    if n <= 0:
        return []
    idx = rng.permutation(len(pool))[:n]
    return [pool[int(i)] for i in idx]


def make_trial(level: int, rng: np.random.Generator) -> OrderTrial:
    """Build the order and shelf for ``level`` from ``rng`` (same seed → same trial)."""
    row = RULES.level_row(level)
    # The order: distinct items, at most two from any product group, so that every
    # ordered item still has a close relative left for the shelf.
    order: list[str] = []
    used: dict[str, int] = {}
    for item in _pick(rng, sorted(ITEM_NAMES), len(ITEM_NAMES)):
        if used.get(GROUP_OF[item], 0) < 2:
            order.append(item)
            used[GROUP_OF[item]] = used.get(GROUP_OF[item], 0) + 1
        if len(order) == row.span:
            break
    n_other = row.shelf - row.span
    order_groups = {GROUP_OF[i] for i in order}
    relatives = [i for g in sorted(order_groups) for i in PRODUCT_GROUPS[g] if i not in order]
    strangers = [
        i for g in sorted(PRODUCT_GROUPS) if g not in order_groups for i in PRODUCT_GROUPS[g]
    ]
    first, second = (relatives, strangers) if row.similar else (strangers, relatives)
    others = _pick(rng, first, n_other)
    others += _pick(rng, second, n_other - len(others))
    shelf = [*order, *others]
    shelf = [shelf[int(i)] for i in rng.permutation(len(shelf))]
    return OrderTrial(
        level=level,
        order=tuple(order),
        shelf=tuple(shelf),
        ordered=row.ordered,
        presentation=row.presentation,
        item_ms=row.item_ms,
    )


def score(spec: OrderTrial, response: Response) -> Outcome:
    """Right when exactly the ordered items were picked (in order where that counts)."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    picks = [str(p) for p in response.answer.get("picks", ())]
    in_order = set(spec.order)
    n_items_right = len(set(picks) & in_order)
    n_in_place = sum(1 for a, b in zip(picks, spec.order, strict=False) if a == b)
    details = {"n_items_right": n_items_right, "n_in_place": n_in_place}
    if len(picks) != spec.span:
        return Outcome(correct=False, error_kind="incomplete", details=details)
    if len(set(picks)) != len(picks) or not set(picks) <= in_order:
        wrong = [p for p in picks if p not in in_order]
        return Outcome(
            correct=False, error_kind="wrong_item", details={**details, "wrong_items": wrong}
        )
    if spec.ordered and tuple(picks) != spec.order:
        return Outcome(correct=False, error_kind="wrong_order", details=details)
    return Outcome(correct=True, details=details)


def correct_response(spec: OrderTrial) -> Response:
    return Response(answer={"picks": list(spec.order)})


def error_response(spec: OrderTrial, rng: np.random.Generator) -> Response:
    """A plausible slip: two neighbours swapped (where order counts) or one wrong item."""
    picks = list(spec.order)
    if spec.ordered and len(picks) >= 2 and rng.random() < 0.5:
        i = int(rng.integers(0, len(picks) - 1))
        picks[i], picks[i + 1] = picks[i + 1], picks[i]
    else:
        others = [s for s in spec.shelf if s not in spec.order]
        picks[int(rng.integers(0, len(picks)))] = str(rng.choice(others))
    return Response(answer={"picks": picks})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.MEMORY,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
)
