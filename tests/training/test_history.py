"""Facts per exercise from the store become the composer's view per domain."""

from __future__ import annotations

import pytest

from cogtrain.training.composition import CatalogueEntry
from cogtrain.training.exercise import Domain
from cogtrain.training.history import TrainingFacts, participant_history

CATALOGUE = (
    CatalogueEntry("symbol_coding", Domain.PROCESSING_SPEED, 14),
    CatalogueEntry("reaction", Domain.PROCESSING_SPEED, 12),
    CatalogueEntry("order_list", Domain.MEMORY, 12),
)


def test_minutes_are_summed_per_domain_and_unknown_exercises_left_out() -> None:
    facts = TrainingFacts(
        levels={"symbol_coding": 4, "retired_game": 9},
        week_ms={"symbol_coding": 300_000.0, "reaction": 120_000.0},
        total_ms={"symbol_coding": 600_000.0, "order_list": 90_000.0, "retired_game": 1e6},
        recent_sessions=(("symbol_coding", "retired_game", "order_list"),),
        sessions_done=5,
    )
    h = participant_history(facts, CATALOGUE)
    assert h.levels == {"symbol_coding": 4}
    assert h.week_minutes == {Domain.PROCESSING_SPEED: pytest.approx(7.0)}
    assert h.total_minutes == {
        Domain.PROCESSING_SPEED: pytest.approx(10.0),
        Domain.MEMORY: pytest.approx(1.5),
    }
    assert h.recent_sessions == (("symbol_coding", "order_list"),)
    assert h.last_exercise == "order_list"
    assert h.sessions_done == 5


def test_no_facts_is_a_fresh_start() -> None:
    h = participant_history(TrainingFacts(), CATALOGUE)
    assert (h.levels, h.week_minutes, h.total_minutes, h.last_exercise) == ({}, {}, {}, None)
