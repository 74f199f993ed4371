"""Session composition: today's blocks from the plan, the history and the check-in.

Pure and seeded: the same plan, history, check-in and generator seed always give the
same session, so a consultant's question "why did she get this today?" can be answered
by running it again, and the rules can be tested over months of simulated training.

The rules, in the order they apply:

1. **Open with something familiar.** The first block is the plan's warm-up exercise, or,
   when the plan has none (or the last session ended with it), the exercise the
   participant does best: the highest level relative to its level table. Starting with
   success matters for people who arrive tired or unsure.
2. **Domains balance out.** Each later block goes to the domain furthest behind its
   weighted share, counting minutes this week and in total (the total carries rounding
   left over from earlier weeks, so long-run shares match the weights). Ties go to the
   plan's ``domain_order``, rotated by one step each session so weeks vary.
3. **Variety.** No exercise twice in a row, also across the boundary from the last
   session (the last block also avoids the warm-up exercise, which opens the next
   session). Within a domain the least recently used exercise comes first; ties are
   broken by the generator. Only when the plan allows a single exercise can it repeat.
4. **A hard day** (tired or stressed at check-in) keeps the planned training minutes
   but cuts them into the plan's shorter hard-day blocks and offers breaks more often.

Breaks are offered at the first block boundary once the plan's break interval of
training has passed since the start or the last break, never after the last block.
Exercises whose domain is not in the catalogue are simply absent: the weights of the
domains that are present are shared out among them, so the composer works with
whatever the exercise registry holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from cogtrain.errors import CogtrainError
from cogtrain.training.checkin import (  # noqa: F401  (the check-in scale, re-exported)
    A_BIT_STRESSED,
    CALM,
    RESTED,
    SO_SO,
    STRESSED,
    TIRED,
    CheckIn,
)
from cogtrain.training.exercise import Domain
from cogtrain.training.plans import TrainingPlan
from cogtrain.training.progress import MS_PER_MINUTE

_TIE = 1e-6


class CompositionError(CogtrainError):
    """Today's session cannot be put together (for instance, no exercise is allowed)."""


@dataclass(frozen=True)
class CatalogueEntry:
    """What the composer needs to know about one exercise."""

    exercise_id: str
    domain: Domain
    max_level: int


def catalogue_of(infos: Iterable[Any]) -> tuple[CatalogueEntry, ...]:
    """Entries from the registry's ``ExerciseInfo`` objects (``exercises.EXERCISES``).

    Duck-typed so this module never imports the registry (tests pass made-up entries).
    """
    return tuple(
        CatalogueEntry(info.exercise_id, Domain(info.domain), int(info.rules.max_level))
        for info in infos
    )


@dataclass(frozen=True)
class ParticipantHistory:
    """What the composer needs to know about the training so far.

    ``levels``: current level per exercise id (exercises never played may be missing).
    ``week_minutes`` / ``total_minutes``: active training minutes per domain this ISO
    week and since the start (the total includes this week). ``recent_sessions``: the
    exercise ids of the last sessions in block order, oldest session first.
    ``sessions_done``: how many sessions so far (turns the domain rotation).
    """

    levels: Mapping[str, int] = field(default_factory=dict)
    week_minutes: Mapping[Domain, float] = field(default_factory=dict)
    total_minutes: Mapping[Domain, float] = field(default_factory=dict)
    recent_sessions: tuple[tuple[str, ...], ...] = ()
    sessions_done: int = 0

    def __post_init__(self) -> None:
        for name in ("week_minutes", "total_minutes"):
            for d, m in getattr(self, name).items():
                if not (math.isfinite(m) and m >= 0):
                    raise ValueError(f"{name}[{d}] must be a minute count >= 0, not {m!r}")
        for ex, level in self.levels.items():
            if level < 1:
                raise ValueError(f"level of {ex} must be at least 1, not {level}")
        if self.sessions_done < 0:
            raise ValueError("sessions_done must not be negative")

    @property
    def last_exercise(self) -> str | None:
        """The exercise that ended the last session with any blocks."""
        for session in reversed(self.recent_sessions):
            if session:
                return session[-1]
        return None


class BlockRole(StrEnum):
    """Why a block is in the session (screens may say so)."""

    WARM_UP = "warm_up"
    STRONG_START = "strong_start"
    TRAINING = "training"


@dataclass(frozen=True)
class PlannedBlock:
    """One block of today's session."""

    exercise_id: str
    domain: Domain
    target_minutes: int
    break_after: bool
    role: BlockRole = BlockRole.TRAINING

    @property
    def target_ms(self) -> float:
        """For ``BlockConfig.max_active_ms``."""
        return self.target_minutes * MS_PER_MINUTE


@dataclass(frozen=True)
class SessionPlan:
    """Today's session: ordered blocks, and how long an offered break lasts."""

    blocks: tuple[PlannedBlock, ...]
    hard_day: bool
    break_minutes: int

    @property
    def total_minutes(self) -> int:
        return sum(b.target_minutes for b in self.blocks)

    @property
    def exercise_ids(self) -> tuple[str, ...]:
        return tuple(b.exercise_id for b in self.blocks)

    @property
    def breaks_offered(self) -> int:
        return sum(1 for b in self.blocks if b.break_after)

    def minutes_by_domain(self) -> dict[Domain, int]:
        out: dict[Domain, int] = {}
        for b in self.blocks:
            out[b.domain] = out.get(b.domain, 0) + b.target_minutes
        return out


def split_minutes(total_minutes: int, longest_block_minutes: int) -> tuple[int, ...]:
    """Cut ``total_minutes`` into as few whole-minute blocks as fit, as even as possible.

    ``split_minutes(55, 10) == (10, 9, 9, 9, 9, 9)``: no block is longer than asked and
    none is a leftover stub.
    """
    if total_minutes <= 0 or longest_block_minutes <= 0:
        raise ValueError("minutes must be positive")
    n = math.ceil(total_minutes / longest_block_minutes)
    base, extra = divmod(total_minutes, n)
    return (base + 1,) * extra + (base,) * (n - extra)


def _shares(plan: TrainingPlan, domains: Iterable[Domain]) -> dict[Domain, float]:
    """Target shares among the domains that have exercises; zero-weight ones left out."""
    present = [d for d in Domain if d in set(domains)]
    weight = {d: plan.weights[d] for d in present}
    total = sum(weight.values())
    if total <= 0:  # the catalogue has no exercise in any weighted domain: share equally
        return {d: 1.0 / len(present) for d in present}
    return {d: w / total for d, w in weight.items() if w > 0}


def compose_session(
    plan: TrainingPlan,
    catalogue: Sequence[CatalogueEntry],
    history: ParticipantHistory,
    check_in: CheckIn,
    rng: np.random.Generator,
) -> SessionPlan:
    """Put today's session together (see the module docstring for the rules)."""
    entries: dict[str, CatalogueEntry] = {}
    for e in catalogue:
        if plan.allows(e.exercise_id):
            entries.setdefault(e.exercise_id, e)
    if not entries:
        raise CompositionError(
            f"{plan.source}: no exercise in the catalogue is allowed by include/exclude.",
            hint="Check the plan's include and exclude lists against the installed exercises.",
        )
    by_domain: dict[Domain, list[str]] = {}
    for ex_id in sorted(entries):
        by_domain.setdefault(entries[ex_id].domain, []).append(ex_id)
    shares = _shares(plan, by_domain)

    hard = check_in.hard_day
    block_minutes = plan.hard_day.block_minutes if hard else plan.block_minutes
    break_every = (
        plan.hard_day.offer_break_every_minutes if hard else plan.breaks.offer_every_minutes
    )

    # Recency: a running position for every block seen, so "least recently used" is exact.
    last_seen: dict[str, int] = {}
    position = 0
    for session in history.recent_sessions:
        for ex_id in session:
            last_seen[ex_id] = position
            position += 1

    def remember(ex_id: str) -> None:
        nonlocal position
        last_seen[ex_id] = position
        position += 1

    # 1. The opening block.
    last = history.last_exercise
    opener_minutes = min(plan.warm_up_minutes, block_minutes)
    if plan.warm_up is not None and plan.warm_up in entries and plan.warm_up != last:
        opener_id, role = plan.warm_up, BlockRole.WARM_UP
    else:
        opener_id, role = _strongest(entries, shares, history, last, rng), BlockRole.STRONG_START
    chosen: list[tuple[str, int, BlockRole]] = [(opener_id, opener_minutes, role)]
    remember(opener_id)
    session_minutes: dict[Domain, float] = {entries[opener_id].domain: float(opener_minutes)}

    # 2. The training blocks.
    sizes = split_minutes(plan.session_minutes - opener_minutes, block_minutes)
    offset = history.sessions_done % len(plan.domain_order)
    rotation = plan.domain_order[offset:] + plan.domain_order[:offset]
    for i, minutes in enumerate(sizes):
        prev_id = chosen[-1][0]
        prev_domain = entries[prev_id].domain
        is_last = i == len(sizes) - 1

        def options(d: Domain, prev: str = prev_id) -> list[str]:
            return [x for x in by_domain.get(d, []) if x != prev]

        candidates = [d for d in shares if options(d)]
        if not candidates:  # only zero-weight domains offer something new: variety first
            candidates = [d for d in by_domain if options(d)]
        repeat = not candidates
        if repeat:  # the plan allows a single exercise: it has to repeat
            candidates = list(by_domain)
        elif not plan.allow_same_domain_in_a_row:
            other = [d for d in candidates if d != prev_domain]
            candidates = other or candidates

        scores = {d: _deficit(d, shares, history, session_minutes, minutes) for d in candidates}
        best = max(scores.values())
        tied = [d for d in candidates if scores[d] >= best - _TIE]
        domain = next(d for d in rotation if d in tied) if len(tied) > 1 else tied[0]

        pool = by_domain[domain] if repeat else options(domain)
        if is_last and plan.warm_up is not None:
            pool = [x for x in pool if x != plan.warm_up] or pool
        oldest = min(last_seen.get(x, -1) for x in pool)
        fresh = sorted(x for x in pool if last_seen.get(x, -1) == oldest)
        ex_id = fresh[int(rng.integers(len(fresh)))] if len(fresh) > 1 else fresh[0]

        chosen.append((ex_id, minutes, BlockRole.TRAINING))
        remember(ex_id)
        session_minutes[domain] = session_minutes.get(domain, 0.0) + minutes

    # 3. Breaks.
    blocks: list[PlannedBlock] = []
    since_break = 0
    for i, (ex_id, minutes, role) in enumerate(chosen):
        since_break += minutes
        offer = i < len(chosen) - 1 and since_break >= break_every
        if offer:
            since_break = 0
        blocks.append(PlannedBlock(ex_id, entries[ex_id].domain, minutes, offer, role))
    return SessionPlan(tuple(blocks), hard, plan.breaks.break_minutes)


def _deficit(
    domain: Domain,
    shares: Mapping[Domain, float],
    history: ParticipantHistory,
    session: Mapping[Domain, float],
    block_minutes: int,
) -> float:
    """Minutes the domain is behind its share, this week plus overall, after this block.

    The week term keeps each week balanced; the total term carries what a week could not
    balance (a 40 % share of 12 blocks is not a whole number) into the next.
    """
    share = shares.get(domain, 0.0)
    done_session = sum(session.values())
    behind = 0.0
    for done in (history.week_minutes, history.total_minutes):
        all_minutes = sum(done.values()) + done_session + block_minutes
        behind += share * all_minutes - (done.get(domain, 0.0) + session.get(domain, 0.0))
    return behind


def _strongest(
    entries: Mapping[str, CatalogueEntry],
    shares: Mapping[Domain, float],
    history: ParticipantHistory,
    last: str | None,
    rng: np.random.Generator,
) -> str:
    """The exercise with the highest level relative to its table (not the last one done)."""
    pool = [x for x in sorted(entries) if x != last] or sorted(entries)
    pool = [x for x in pool if entries[x].domain in shares] or pool

    def relative(x: str) -> float:
        return min(1.0, history.levels.get(x, 0) / max(1, entries[x].max_level))

    best = max(relative(x) for x in pool)
    top = [x for x in pool if relative(x) >= best - _TIE]
    return top[int(rng.integers(len(top)))] if len(top) > 1 else top[0]
