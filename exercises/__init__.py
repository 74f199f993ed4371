"""The exercise library: one package per exercise, registered in one explicit list.

Each exercise package has ``rules.py`` (pure: level table, ``make_trial``, ``score``),
``view.py`` (pygame drawing and input) and an ``INFO`` in its ``__init__`` naming both.
Importing this module never imports pygame; views are loaded on demand.
"""

from __future__ import annotations

import importlib

from cogtrain.training.exercise import ExerciseInfo
from exercises import (
    conveyor_watch,
    delivery_route,
    go_stop,
    match_fast,
    names_and_codes,
    nback_dispatch,
    number_trail,
    order_list,
    position_span,
    reaction,
    schedule_puzzle,
    shelf_search,
    sorting_rules,
    symbol_coding,
    tower_planner,
    two_channel_watch,
)

EXERCISES: tuple[ExerciseInfo, ...] = (
    symbol_coding.INFO,
    number_trail.INFO,
    match_fast.INFO,
    reaction.INFO,
    conveyor_watch.INFO,
    shelf_search.INFO,
    go_stop.INFO,
    two_channel_watch.INFO,
    order_list.INFO,
    position_span.INFO,
    nback_dispatch.INFO,
    names_and_codes.INFO,
    tower_planner.INFO,
    sorting_rules.INFO,
    delivery_route.INFO,
    schedule_puzzle.INFO,
)

_BY_ID = {e.exercise_id: e for e in EXERCISES}


class UnknownExerciseError(KeyError):
    pass


def get(exercise_id: str) -> ExerciseInfo:
    try:
        return _BY_ID[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_BY_ID))
        raise UnknownExerciseError(f"unknown exercise {exercise_id!r}; known: {known}") from None


def load_view_class(info: ExerciseInfo) -> type:
    """Import and return the pygame view class named by ``info.view``."""
    module_name, _, class_name = info.view.partition(":")
    return getattr(importlib.import_module(module_name), class_name)
