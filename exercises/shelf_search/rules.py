"""Shelf search (visual search): is the wanted item on the shelf, and where?

Work theme: shop and stock-room work. An order asks for one item (a blue bottle with a
stripe, a yellow tin with a dot...). The participant scans the shelf and either points
at the item (click it, or press Y/J for "it is there") or says it is not there (N). It
is order picking's "find the right product among many that look alike".

Every product has three features: its ``kind`` (box, bottle, tin, jar, bag), its
``colour`` and its ``label`` (plain, a stripe, a dot). Distractors share more features
with the wanted item as the level rises:

- ``far``: every distractor differs in kind *and* colour (the item pops out);
- ``mixed``: each distractor shares either the kind or the colour (a conjunction);
- ``near``: most share the kind; some share kind and colour and differ only in label;
- ``close``: most differ from the item only in their label.

The wanted item is on the shelf in half of the trials.

Levels (one row each; level 1 is the errorless start):

=====  ========  ==========  =============
level  set_size  similarity  time_limit_ms
=====  ========  ==========  =============
1      4         far         none
2      6         far         none
3      8         far         none
4      8         mixed       none
5      10        mixed       20000
6      12        mixed       18000
7      12        near        16000
8      14        near        15000
9      16        near        14000
10     16        close       13000
11     20        close       12000
12     24        close       11000
=====  ========  ==========  =============

The shelf has 2 rows up to 6 items and 3 above, with a few empty places so that items do
not stand in a perfect grid. The time limits are generous (a search that
finds nothing must look at every item); they only keep the pace from stalling.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "shelf_search"

KINDS: tuple[str, ...] = ("box", "bottle", "tin", "jar", "bag")
COLOURS: tuple[str, ...] = ("blue", "green", "yellow", "white")
LABELS: tuple[str, ...] = ("plain", "stripe", "dot")
SIMILARITIES: tuple[str, ...] = ("far", "mixed", "near", "close")
TARGET_PRESENT_RATE = 0.5

# How distractors are drawn at each similarity: weights of the four kinds of distractor
# (differs in kind and colour, shares colour only, shares kind only, differs in label only).
DISTRACTOR_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "far": (1.0, 0.0, 0.0, 0.0),
    "mixed": (0.0, 0.5, 0.5, 0.0),
    "near": (0.0, 0.25, 0.5, 0.25),
    "close": (0.0, 0.25, 0.25, 0.5),
}


@dataclass(frozen=True)
class Product:
    kind: str
    colour: str
    label: str

    def to_json(self) -> list[str]:
        return [self.kind, self.colour, self.label]

    @classmethod
    def from_json(cls, obj: Any) -> Product:
        kind, colour, label = (str(v) for v in obj)
        if kind not in KINDS or colour not in COLOURS or label not in LABELS:
            raise ValueError(f"shelf_search: unknown product {obj!r}")
        return cls(kind, colour, label)

    def shared_features(self, other: Product) -> int:
        return (
            (self.kind == other.kind) + (self.colour == other.colour) + (self.label == other.label)
        )


@dataclass(frozen=True)
class ShelfLevel:
    set_size: int
    similarity: str
    time_limit_ms: float | None

    @property
    def rows(self) -> int:
        return 2 if self.set_size <= 6 else 3

    @property
    def cols(self) -> int:
        return math.ceil(self.set_size / self.rows) + 1


LEVELS: tuple[ShelfLevel, ...] = (
    ShelfLevel(4, "far", None),
    ShelfLevel(6, "far", None),
    ShelfLevel(8, "far", None),
    ShelfLevel(8, "mixed", None),
    ShelfLevel(10, "mixed", 20000.0),
    ShelfLevel(12, "mixed", 18000.0),
    ShelfLevel(12, "near", 16000.0),
    ShelfLevel(14, "near", 15000.0),
    ShelfLevel(16, "near", 14000.0),
    ShelfLevel(16, "close", 13000.0),
    ShelfLevel(20, "close", 12000.0),
    ShelfLevel(24, "close", 11000.0),
)


@dataclass(frozen=True)
class ShelfTrial:
    """One shelf: ``items[i]`` stands in place ``slots[i]`` (row-major in rows × cols)."""

    level: int
    rows: int
    cols: int
    target: Product
    slots: tuple[int, ...]
    items: tuple[Product, ...]
    target_index: int | None  # index into items; None when the item is not there
    limit_ms: float | None

    @property
    def time_limit_ms(self) -> float | None:
        return self.limit_ms

    @property
    def present(self) -> bool:
        return self.target_index is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "rows": self.rows,
            "cols": self.cols,
            "target": self.target.to_json(),
            "slots": list(self.slots),
            "items": [p.to_json() for p in self.items],
            "target_index": self.target_index,
            "time_limit_ms": self.limit_ms,
        }


def spec_from_json(obj: Mapping[str, Any]) -> ShelfTrial:
    rows, cols = int(obj["rows"]), int(obj["cols"])
    slots = tuple(int(s) for s in obj["slots"])
    items = tuple(Product.from_json(p) for p in obj["items"])
    target = Product.from_json(obj["target"])
    if len(slots) != len(items) or len(set(slots)) != len(slots):
        raise ValueError("shelf_search: slots and items do not match")
    if any(not 0 <= s < rows * cols for s in slots):
        raise ValueError(f"shelf_search: a slot lies outside the {rows}x{cols} shelf")
    raw_index = obj.get("target_index")
    index = None if raw_index is None else int(raw_index)
    holding = [i for i, p in enumerate(items) if p == target]
    if holding != ([] if index is None else [index]):
        raise ValueError("shelf_search: target_index does not match the items")
    limit = obj.get("time_limit_ms")
    return ShelfTrial(
        level=int(obj["level"]),
        rows=rows,
        cols=cols,
        target=target,
        slots=slots,
        items=items,
        target_index=index,
        limit_ms=None if limit is None else float(limit),
    )


def _pick(rng: np.random.Generator, options: tuple[str, ...], exclude: str | None = None) -> str:
    pool = [o for o in options if o != exclude]
    return pool[int(rng.integers(0, len(pool)))]


def _distractor(target: Product, similarity: str, rng: np.random.Generator) -> Product:
    weights = np.array(DISTRACTOR_WEIGHTS[similarity])
    sort = int(rng.choice(4, p=weights / weights.sum()))
    if sort == 0:  # differs in kind and colour
        return Product(
            _pick(rng, KINDS, target.kind), _pick(rng, COLOURS, target.colour), _pick(rng, LABELS)
        )
    if sort == 1:  # shares the colour only
        return Product(_pick(rng, KINDS, target.kind), target.colour, _pick(rng, LABELS))
    if sort == 2:  # shares the kind only
        return Product(target.kind, _pick(rng, COLOURS, target.colour), _pick(rng, LABELS))
    return Product(target.kind, target.colour, _pick(rng, LABELS, target.label))


def make_trial(level: int, rng: np.random.Generator) -> ShelfTrial:
    """Build the shelf for ``level`` from ``rng`` (same seed → same shelf)."""
    row: ShelfLevel = RULES.level_row(level)
    target = Product(_pick(rng, KINDS), _pick(rng, COLOURS), _pick(rng, LABELS))
    n = row.set_size
    slots = tuple(sorted(int(s) for s in rng.choice(row.rows * row.cols, n, replace=False)))
    items = [_distractor(target, row.similarity, rng) for _ in range(n)]
    target_index: int | None = None
    if rng.random() < TARGET_PRESENT_RATE:
        target_index = int(rng.integers(0, n))
        items[target_index] = target
    return ShelfTrial(
        level=level,
        rows=row.rows,
        cols=row.cols,
        target=target,
        slots=slots,
        items=tuple(items),
        target_index=target_index,
        limit_ms=row.time_limit_ms,
    )


def score(spec: ShelfTrial, response: Response) -> Outcome:
    """Right: pointing at the item (or saying it is there) when it is, "not there" when not."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    said_present = bool(response.answer.get("present"))
    raw_item = response.answer.get("item")
    item = None if raw_item is None else int(raw_item)
    if not said_present:
        if spec.present:
            return Outcome(correct=False, error_kind="miss")
        return Outcome(correct=True)
    if item is not None and not 0 <= item < len(spec.items):
        return Outcome(correct=False, error_kind="wrong_item", details={"item": item})
    chosen = {} if item is None else {"chosen": spec.items[item].to_json()}
    if not spec.present:
        return Outcome(correct=False, error_kind="false_alarm", details=chosen)
    if item is None or item == spec.target_index:
        return Outcome(correct=True)
    shared = spec.items[item].shared_features(spec.target)
    return Outcome(
        correct=False, error_kind="wrong_item", details={**chosen, "shared_features": shared}
    )


def correct_response(spec: ShelfTrial) -> Response:
    if spec.present:
        return Response(answer={"present": True, "item": spec.target_index})
    return Response(answer={"present": False})


def error_response(spec: ShelfTrial, rng: np.random.Generator) -> Response:
    """A plausible slip: overlooking the item, or taking a look-alike for it."""
    most_alike = max(i.shared_features(spec.target) for i in spec.items if i != spec.target)
    alike = [
        i
        for i, p in enumerate(spec.items)
        if p != spec.target and p.shared_features(spec.target) == most_alike
    ]
    if spec.present and rng.random() < 0.5:
        return Response(answer={"present": False})
    return Response(answer={"present": True, "item": alike[int(rng.integers(0, len(alike)))]})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.ATTENTION,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
)
