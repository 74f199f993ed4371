"""Names and codes (associative memory): learn customers' codes, recall them later.

Work theme: customer numbers at a wholesaler's order desk. New customers come in sets
(a *study* trial shows the set's customer → code pairs); some trials later each customer
"calls back" and the participant picks that customer's code from a few options (a
*recall* trial). The customers are invented shops (Owl Bakery, Fox Bikes...): no real
person or firm is meant.

Levels (one row each; level 1 is the errorless start):

=====  =====  =====  =========  =======  ======  =======  ========
level  pairs  delay  open_sets  options  digits  similar  study_ms
=====  =====  =====  =========  =======  ======  =======  ========
1      1      0      1          2        2       no       4000
2      2      0      1          3        2       no       3500
3      2      1      1          3        2       no       3500
4      3      1      1          3        2       no       3000
5      3      2      1          4        2       no       3000
6      3      2      2          4        3       no       3000
7      4      2      2          4        3       yes      2500
8      4      3      2          4        3       yes      2500
9      4      3      2          5        3       yes      2500
10     5      3      2          5        3       yes      2500
11     5      4      2          6        3       yes      2200
12     6      4      2          6        3       yes      2000
=====  =====  =====  =========  =======  ======  =======  ========

``pairs``: customers per set. ``delay``: trials that must pass between a set's study
trial and its first recall. ``open_sets``: how many studied sets may wait for recall at
once. ``options``: codes to choose from. ``digits``: code length. ``similar``: wrong
options include look-alikes of the right code (47 → 74, 417 → 418). ``study_ms`` is per
pair: a study trial's study phase (``input_after_ms``) is ``pairs * study_ms``.

Study trials are answered too: once the study phase is over, the pairs stay on screen
and the participant enters one customer's code from them (as when typing a new customer
into the system). That keeps every trial scored and makes the learning active; real
participants get these nearly always right, so the staircase settles a little below 80 %
on the recall trials themselves.

The schedule (sequential: ``make_trial(level, rng, history)``). Every trial has a
running number ``seq`` in the block. From the history the rules rebuild which studied
pairs still wait for recall, and then choose, in this order:

1. *recall* a waiting pair whose set is due (studied at least ``delay`` trials ago),
   oldest set first, its pairs in a random order;
2. else *study* a new set, if fewer than ``open_sets`` sets are waiting;
3. else *review* the pair asked longest ago from an earlier, fully recalled set (a
   spaced re-test that fills the delay);
4. else (at the start of a block, with nothing to review) recall the oldest waiting
   pair early.

A set keeps the delay it was studied with when the level changes; options and look-
alikes follow the current level. New sets avoid customers that are still waiting, and
prefer customers not seen recently, so one customer never has two live codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cogtrain.i18n import N_
from cogtrain.training.exercise import Domain, ExerciseRules, HistoryItem, Outcome, Response

EXERCISE_ID = "names_and_codes"
KINDS = ("study", "recall", "review")

# Invented shops (an animal and a trade): msgids, translated when drawn.
CUSTOMERS: dict[str, str] = {
    "owl_bakery": N_("Owl Bakery"),
    "fox_bikes": N_("Fox Bikes"),
    "otter_cafe": N_("Otter Café"),
    "moose_flowers": N_("Moose Flowers"),
    "hedgehog_books": N_("Hedgehog Books"),
    "lynx_paints": N_("Lynx Paints"),
    "puffin_fish": N_("Puffin Fish Shop"),
    "badger_tools": N_("Badger Tools"),
    "squirrel_toys": N_("Squirrel Toys"),
    "raven_print": N_("Raven Print Shop"),
    "seal_laundry": N_("Seal Laundry"),
    "beaver_timber": N_("Beaver Timber"),
    "swan_tailors": N_("Swan Tailors"),
    "hare_sports": N_("Hare Sports"),
    "wolf_plumbing": N_("Wolf Plumbing"),
    "gull_kiosk": N_("Gull Kiosk"),
    "heron_glass": N_("Heron Glass"),
    "magpie_watches": N_("Magpie Watches"),
    "reindeer_shoes": N_("Reindeer Shoes"),
    "lemming_lamps": N_("Lemming Lamps"),
}
CUSTOMER_IDS: tuple[str, ...] = tuple(CUSTOMERS)


@dataclass(frozen=True)
class PairsLevel:
    pairs: int
    delay: int
    open_sets: int
    options: int
    digits: int
    similar: bool
    study_ms: float  # per pair


LEVELS: tuple[PairsLevel, ...] = (
    PairsLevel(1, 0, 1, 2, 2, False, 4000.0),
    PairsLevel(2, 0, 1, 3, 2, False, 3500.0),
    PairsLevel(2, 1, 1, 3, 2, False, 3500.0),
    PairsLevel(3, 1, 1, 3, 2, False, 3000.0),
    PairsLevel(3, 2, 1, 4, 2, False, 3000.0),
    PairsLevel(3, 2, 2, 4, 3, False, 3000.0),
    PairsLevel(4, 2, 2, 4, 3, True, 2500.0),
    PairsLevel(4, 3, 2, 4, 3, True, 2500.0),
    PairsLevel(4, 3, 2, 5, 3, True, 2500.0),
    PairsLevel(5, 3, 2, 5, 3, True, 2500.0),
    PairsLevel(5, 4, 2, 6, 3, True, 2200.0),
    PairsLevel(6, 4, 2, 6, 3, True, 2000.0),
)


@dataclass(frozen=True)
class NamesTrial:
    """One trial: a study set (``pairs``) with one code to enter, or one recall.

    ``customer`` is the customer asked about, ``code`` their code, ``options`` the codes
    to choose from. ``pairs`` and ``delay`` are only set on study trials.
    """

    level: int
    seq: int
    kind: str  # "study" | "recall" | "review"
    set_id: int
    customer: str
    code: str
    options: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...] = ()
    delay: int = 0
    study_ms: float = 0.0

    @property
    def time_limit_ms(self) -> float | None:
        return None

    @property
    def input_after_ms(self) -> float:
        return self.study_ms

    @property
    def is_study(self) -> bool:
        return self.kind == "study"

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "seq": self.seq,
            "kind": self.kind,
            "set_id": self.set_id,
            "customer": self.customer,
            "code": self.code,
            "options": list(self.options),
            "pairs": [list(p) for p in self.pairs],
            "delay": self.delay,
            "study_ms": self.study_ms,
        }


def _check_code(code: str) -> str:
    if not (code.isdigit() and 2 <= len(code) <= 3 and code[0] != "0"):
        raise ValueError(f"names_and_codes: {code!r} is not a code")
    return code


def spec_from_json(obj: Mapping[str, Any]) -> NamesTrial:
    kind = str(obj["kind"])
    if kind not in KINDS:
        raise ValueError(f"names_and_codes: unknown trial kind {kind!r}")
    customer = str(obj["customer"])
    pairs = tuple((str(c), _check_code(str(k))) for c, k in obj.get("pairs", ()))
    for c in [customer, *(c for c, _k in pairs)]:
        if c not in CUSTOMERS:
            raise ValueError(f"names_and_codes: unknown customer {c!r}")
    code = _check_code(str(obj["code"]))
    options = tuple(_check_code(str(o)) for o in obj["options"])
    if code not in options or len(set(options)) != len(options):
        raise ValueError("names_and_codes: the options must be distinct and hold the code")
    study_ms = float(obj.get("study_ms", 0.0))
    if kind == "study" and ((customer, code) not in pairs or study_ms <= 0):
        raise ValueError("names_and_codes: a study trial asks about one of its own pairs")
    if kind != "study" and pairs:
        raise ValueError("names_and_codes: only study trials carry pairs")
    return NamesTrial(
        level=int(obj["level"]),
        seq=int(obj["seq"]),
        kind=kind,
        set_id=int(obj["set_id"]),
        customer=customer,
        code=code,
        options=options,
        pairs=pairs,
        delay=int(obj.get("delay", 0)),
        study_ms=study_ms,
    )


# -- the schedule -------------------------------------------------------------------------


@dataclass
class _StudiedSet:
    seq: int
    delay: int
    pairs: tuple[tuple[str, str], ...]

    @property
    def due(self) -> int:
        """The first ``seq`` at which this set's pairs may be recalled."""
        return self.seq + self.delay + 1


@dataclass
class BlockState:
    """What the history says: studied sets, pairs still waiting, when pairs were asked."""

    next_seq: int = 0
    next_set: int = 0
    sets: dict[int, _StudiedSet] = field(default_factory=dict)
    waiting: dict[int, list[str]] = field(default_factory=dict)  # set → customers
    last_asked: dict[tuple[int, str], int] = field(default_factory=dict)
    latest_set_of: dict[str, int] = field(default_factory=dict)  # customer → set
    last_studied: dict[str, int] = field(default_factory=dict)  # customer → seq

    def code_of(self, set_id: int, customer: str) -> str:
        return dict(self.sets[set_id].pairs)[customer]

    def reviewable(self) -> list[tuple[int, str]]:
        """Recalled pairs of fully recalled sets whose customer has no newer code."""
        return [
            (sid, c)
            for sid, s in self.sets.items()
            if sid not in self.waiting
            for c, _code in s.pairs
            if self.latest_set_of.get(c) == sid and (sid, c) in self.last_asked
        ]

    def live_codes(self) -> set[str]:
        return {
            code
            for sid, s in self.sets.items()
            for c, code in s.pairs
            if self.latest_set_of.get(c) == sid
        }


def block_state(history: Sequence[HistoryItem]) -> BlockState:
    """Rebuild the schedule's state from the block's earlier trials (possibly cut short)."""
    st = BlockState()
    for item in history:
        spec: NamesTrial = item.spec
        st.next_seq = spec.seq + 1
        st.next_set = max(st.next_set, spec.set_id + 1)
        if spec.is_study:
            st.sets[spec.set_id] = _StudiedSet(spec.seq, spec.delay, spec.pairs)
            st.waiting[spec.set_id] = [c for c, _k in spec.pairs]
            for c, _k in spec.pairs:
                st.latest_set_of[c] = spec.set_id
                st.last_studied[c] = spec.seq
            continue
        key = (spec.set_id, spec.customer)
        if spec.set_id not in st.sets:
            continue  # studied before the history we were given
        st.last_asked[key] = spec.seq
        if spec.kind == "recall" and spec.customer in st.waiting.get(spec.set_id, []):
            st.waiting[spec.set_id].remove(spec.customer)
            if not st.waiting[spec.set_id]:
                del st.waiting[spec.set_id]
    return st


# -- codes and options ----------------------------------------------------------------------


def _random_code(rng: np.random.Generator, digits: int) -> str:
    while True:
        code = str(int(rng.integers(10 ** (digits - 1), 10**digits)))
        if len(set(code)) > 1:  # no 33 or 777: too easy to tell apart
            return code


def _differs_everywhere(a: str, b: str) -> bool:
    return len(a) != len(b) or all(x != y for x, y in zip(a, b, strict=True))


def look_alikes(code: str) -> list[str]:
    """Codes that are easy to mix up with ``code``: two digits swapped, one digit ±1."""
    out = []
    for i in range(len(code) - 1):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        out.append(swapped)
    for i, ch in enumerate(code):
        for d in (-1, 1):
            v = int(ch) + d
            if 0 <= v <= 9:
                out.append(code[:i] + str(v) + code[i + 1 :])
    return [c for c in dict.fromkeys(out) if c != code and c[0] != "0" and len(set(c)) > 1]


def _new_codes(
    rng: np.random.Generator, n: int, digits: int, avoid: set[str], similar: bool
) -> list[str]:
    codes: list[str] = []
    while len(codes) < n:
        code = _random_code(rng, digits)
        if code in avoid or code in codes:
            continue
        # Without look-alikes, the codes of one set differ in every digit.
        if not similar and not all(_differs_everywhere(code, c) for c in codes):
            continue
        codes.append(code)
    return codes


def _options(
    rng: np.random.Generator, code: str, neighbours: list[str], row: PairsLevel
) -> tuple[str, ...]:
    """The right code and ``row.options - 1`` wrong ones, shuffled."""
    n_wrong = row.options - 1
    wrong: list[str] = []

    def take(candidates: list[str], limit: int) -> None:
        for c in [candidates[int(i)] for i in rng.permutation(len(candidates))]:
            if len(wrong) >= limit:
                return
            if c != code and c not in wrong and len(c) == len(code):
                wrong.append(c)

    if row.similar:
        take(look_alikes(code), (n_wrong + 1) // 2)
    take(neighbours, n_wrong)  # other customers' codes: the real mix-ups
    while len(wrong) < n_wrong:
        c = _random_code(rng, len(code))
        if c != code and c not in wrong and (row.similar or _differs_everywhere(c, code)):
            wrong.append(c)
    options = [code, *wrong]
    return tuple(options[int(i)] for i in rng.permutation(len(options)))


# -- making trials ------------------------------------------------------------------------


def _ask(
    rng: np.random.Generator,
    st: BlockState,
    level: int,
    row: PairsLevel,
    kind: str,
    set_id: int,
    customer: str,
) -> NamesTrial:
    code = st.code_of(set_id, customer)
    neighbours = [k for c, k in st.sets[set_id].pairs if c != customer]
    neighbours += sorted(st.live_codes() - {code} - set(neighbours))
    return NamesTrial(
        level=level,
        seq=st.next_seq,
        kind=kind,
        set_id=set_id,
        customer=customer,
        code=code,
        options=_options(rng, code, neighbours, row),
    )


def _study(rng: np.random.Generator, st: BlockState, level: int, row: PairsLevel) -> NamesTrial:
    busy = {c for sid in st.waiting for c, _k in st.sets[sid].pairs}
    free = [c for c in CUSTOMER_IDS if c not in busy]
    free = [free[int(i)] for i in rng.permutation(len(free))]
    free.sort(key=lambda c: st.last_studied.get(c, -1))  # stable: unseen first
    customers = free[: row.pairs]
    codes = _new_codes(rng, row.pairs, row.digits, st.live_codes(), row.similar)
    pairs = tuple(zip(customers, codes, strict=True))
    ask = int(rng.integers(0, row.pairs))
    neighbours = [k for i, (_c, k) in enumerate(pairs) if i != ask]
    return NamesTrial(
        level=level,
        seq=st.next_seq,
        kind="study",
        set_id=st.next_set,
        customer=pairs[ask][0],
        code=pairs[ask][1],
        options=_options(rng, pairs[ask][1], neighbours, row),
        pairs=pairs,
        delay=row.delay,
        study_ms=row.study_ms * row.pairs,
    )


def make_trial(
    level: int, rng: np.random.Generator, history: Sequence[HistoryItem] = ()
) -> NamesTrial:
    """The next trial of the block by the schedule in the module docstring.

    ``history`` defaults to empty so that a caller without a block (the instruction
    screen's example) gets the block's first trial: a study set.
    """
    row = RULES.level_row(level)
    st = block_state(history)
    seq = st.next_seq
    waiting = sorted(st.waiting, key=lambda sid: (st.sets[sid].due, sid))
    due = [sid for sid in waiting if st.sets[sid].due <= seq]
    if due:
        sid = due[0]
        return _ask(rng, st, level, row, "recall", sid, str(rng.choice(st.waiting[sid])))
    if len(waiting) < row.open_sets:
        return _study(rng, st, level, row)
    reviewable = st.reviewable()
    if reviewable:
        sid, customer = min(reviewable, key=lambda k: (st.last_asked[k], k))
        return _ask(rng, st, level, row, "review", sid, customer)
    sid = waiting[0]
    return _ask(rng, st, level, row, "recall", sid, str(rng.choice(st.waiting[sid])))


# -- scoring ------------------------------------------------------------------------------


def score(spec: NamesTrial, response: Response) -> Outcome:
    """Right when the chosen code is the asked customer's code."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    chosen = str(response.answer["code"])
    details: dict[str, Any] = {"kind": spec.kind}
    if chosen == spec.code:
        return Outcome(correct=True, details=details)
    if chosen not in spec.options:
        return Outcome(correct=False, error_kind="not_an_option", details=details)
    if chosen in look_alikes(spec.code):
        details["look_alike"] = True
    return Outcome(correct=False, error_kind="wrong_code", details=details)


def correct_response(spec: NamesTrial) -> Response:
    return Response(answer={"code": spec.code})


def error_response(spec: NamesTrial, rng: np.random.Generator) -> Response:
    """A plausible slip: one of the other codes on offer."""
    others = [o for o in spec.options if o != spec.code]
    return Response(answer={"code": str(rng.choice(others))})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.MEMORY,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
    sequential=True,
)
