"""After a block: what helped, and where at work it could help (pure data and checks).

The answers are stored with the block for the work consultant, who uses them to link
training to the participant's job ("used the grouping strategy when picking orders").
Strategy ids are stable data; their labels are msgids translated when shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cogtrain.i18n import N_

STRATEGIES: tuple[tuple[str, str], ...] = (
    ("say_aloud", N_("Say it aloud")),
    ("group_items", N_("Group things together")),
    ("check_twice", N_("Check twice")),
    ("slow_down", N_("Slow down")),
    ("picture_it", N_("Picture it in my head")),
    ("take_a_breath", N_("Take a breath first")),
)
STRATEGY_IDS = frozenset(sid for sid, _label in STRATEGIES)
MAX_NOTE_CHARS = 500


class ReflectionError(ValueError):
    pass


@dataclass(frozen=True)
class Reflection:
    """Chosen strategy ids (in list order) and an optional free-text transfer note."""

    strategies: tuple[str, ...]
    transfer_note: str | None

    @classmethod
    def make(cls, strategies: Sequence[str], note: str | None) -> Reflection:
        unknown = [s for s in strategies if s not in STRATEGY_IDS]
        if unknown:
            raise ReflectionError(f"unknown strategies {unknown}; known: {sorted(STRATEGY_IDS)}")
        ordered = tuple(sid for sid, _ in STRATEGIES if sid in set(strategies))
        text = (note or "").strip()
        if len(text) > MAX_NOTE_CHARS:
            raise ReflectionError(f"the note is {len(text)} characters; at most {MAX_NOTE_CHARS}")
        return cls(ordered, text or None)
