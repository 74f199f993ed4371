"""The goal attainment scale (GAS): how far a goal was reached, from -2 to +2.

When a goal is set, the work consultant and the participant agree what the expected
outcome is (0). At the review meeting they rate together where the participant got to,
against that expectation. The words are written to be read aloud in that meeting: plain,
about the goal and not about the person, and the same distance from 0 on both sides.

Labels and meanings are gettext msgids (``N_``), translated when shown
(:meth:`GasLevel.label_text`, :meth:`GasLevel.meaning_text`).

A rating comes either as an ``int`` or as text typed in a form; text may have a sign
(``+1``, ``-2``, or the typographic minus ``−2``) and surrounding spaces. ``bool`` is not a
rating (``True`` would silently mean +1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from numbers import Integral

from cogtrain.i18n import N_, Msg, _

MIN_RATING = -2
MAX_RATING = 2


@dataclass(frozen=True)
class GasLevel:
    value: int
    label: str
    meaning: str

    def label_text(self) -> Msg:
        return _(self.label)

    def meaning_text(self) -> Msg:
        return _(self.meaning)

    @property
    def signed(self) -> str:
        """The value as written on the scale: -2, -1, 0, +1, +2."""
        return f"{self.value:+d}" if self.value else "0"


GAS_LEVELS: tuple[GasLevel, ...] = (
    GasLevel(
        -2,
        N_("Much less than expected"),
        N_("We got much less far with this goal than we expected when we set it."),
    ),
    GasLevel(
        -1,
        N_("Somewhat less than expected"),
        N_("We got somewhat less far with this goal than we expected."),
    ),
    GasLevel(
        0,
        N_("As expected"),
        N_("We got as far as we expected: this is the outcome we agreed on as the goal."),
    ),
    GasLevel(
        1,
        N_("Somewhat more than expected"),
        N_("We got somewhat further with this goal than we expected."),
    ),
    GasLevel(
        2,
        N_("Much more than expected"),
        N_("We got much further with this goal than we expected when we set it."),
    ),
)


def gas_level(value: int) -> GasLevel:
    """The level for ``value`` (-2..+2); :class:`ValueError` for anything else (bools too)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"a goal attainment rating is a whole number -2..+2, not {value!r}")
    if not MIN_RATING <= value <= MAX_RATING:
        raise ValueError(f"a goal attainment rating is -2..+2, not {value}")
    return GAS_LEVELS[int(value) - MIN_RATING]


_TYPED = re.compile(r"[+-]?[0-9]+")


def _parse(value: object) -> int | Msg:
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if not text:
            return _("Choose a goal attainment rating from -2 to +2.")
        if not _TYPED.fullmatch(text):
            return _(
                'The goal attainment rating "{text}" is not a whole number. '
                "Choose a number from -2 to +2."
            ).format(text=value.strip())
        number = int(text)
    elif isinstance(value, Integral) and not isinstance(value, bool):
        number = int(value)
    else:
        return _("Choose a goal attainment rating from -2 to +2.")
    if not MIN_RATING <= number <= MAX_RATING:
        return _(
            "The goal attainment rating {value} is outside the scale. "
            "Choose a number from -2 to +2, where 0 is the expected outcome."
        ).format(value=number)
    return number


def rating_problem(value: int | str) -> Msg | None:
    """Why ``value`` is not a goal attainment rating, or ``None`` when it is one."""
    parsed = _parse(value)
    return parsed if isinstance(parsed, Msg) else None


def parse_rating(value: int | str) -> int:
    """``value`` (an int or typed text) as a rating -2..+2; :class:`ValueError` if not."""
    parsed = _parse(value)
    if isinstance(parsed, Msg):
        raise ValueError(str(parsed))
    return parsed
