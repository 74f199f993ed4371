"""The exercise library: one package per exercise, registered in one explicit list.

Each exercise package has ``rules.py`` (pure: level table, ``make_trial``, ``score``),
``view.py`` (pygame drawing and input) and an ``INFO`` in its ``__init__`` naming both.
Importing this module never imports pygame; views are loaded on demand.
"""

from __future__ import annotations

import importlib

from cogtrain.training.exercise import ExerciseInfo
from exercises import symbol_coding

EXERCISES: tuple[ExerciseInfo, ...] = (symbol_coding.INFO,)

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
