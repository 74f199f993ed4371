"""A participant's training so far, as the session composer needs it.

The store reports facts per exercise (it knows nothing of domains); this module maps
them onto domains with the exercise catalogue, so the rule "which domain does this
exercise train" lives in one place: the exercise registry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cogtrain.training.composition import CatalogueEntry, ParticipantHistory
from cogtrain.training.exercise import Domain
from cogtrain.training.progress import MS_PER_MINUTE


@dataclass(frozen=True)
class TrainingFacts:
    """What the store knows, per exercise id.

    ``week_ms`` / ``total_ms``: active time of scored and practice blocks this ISO week
    and in all. ``recent_sessions``: exercise ids of the last sessions' scored blocks, in
    order, oldest session first. ``sessions_done``: sessions with at least one block.
    """

    levels: Mapping[str, int] = field(default_factory=dict)
    week_ms: Mapping[str, float] = field(default_factory=dict)
    total_ms: Mapping[str, float] = field(default_factory=dict)
    recent_sessions: tuple[tuple[str, ...], ...] = ()
    sessions_done: int = 0


def _by_domain(
    per_exercise: Mapping[str, float], domains: Mapping[str, Domain]
) -> dict[Domain, float]:
    out: dict[Domain, float] = {}
    for ex_id, ms in per_exercise.items():
        domain = domains.get(ex_id)
        if domain is None:  # an exercise no longer installed: its time still counts in hours
            continue
        out[domain] = out.get(domain, 0.0) + ms / MS_PER_MINUTE
    return out


def participant_history(
    facts: TrainingFacts, catalogue: Sequence[CatalogueEntry]
) -> ParticipantHistory:
    """The composer's view of ``facts``; unknown exercises are left out of the balance."""
    domains = {e.exercise_id: e.domain for e in catalogue}
    known = set(domains)
    return ParticipantHistory(
        levels={x: lvl for x, lvl in facts.levels.items() if x in known},
        week_minutes=_by_domain(facts.week_ms, domains),
        total_minutes=_by_domain(facts.total_ms, domains),
        recent_sessions=tuple(tuple(x for x in s if x in known) for s in facts.recent_sessions),
        sessions_done=facts.sessions_done,
    )
