"""Today's check-in (dagsform): how rested and how stressed, each on a 3-point scale.

Optional and never judged: a participant may skip it. A hard day (tired or stressed)
makes the session shorter and gentler; see ``composition``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cogtrain.i18n import N_

# 1 = low, 2 = some, 3 = high. Labels are msgids, translated when shown.
RESTED_LABELS: tuple[str, str, str] = (N_("Tired"), N_("A bit tired"), N_("Rested"))
STRESSED_LABELS: tuple[str, str, str] = (N_("Calm"), N_("A bit stressed"), N_("Stressed"))
SCALE = (1, 2, 3)
TIRED, SO_SO, RESTED = 1, 2, 3
"""``CheckIn.rested``: how rested the participant feels."""
CALM, A_BIT_STRESSED, STRESSED = 1, 2, 3
"""``CheckIn.stressed``: how stressed the participant feels."""


class CheckInError(ValueError):
    pass


@dataclass(frozen=True)
class CheckIn:
    """``None`` for a question the participant skipped."""

    rested: int | None = None
    stressed: int | None = None

    def __post_init__(self) -> None:
        for name in ("rested", "stressed"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v not in SCALE):
                raise CheckInError(f"{name} must be 1, 2 or 3 (or skipped), not {v!r}")

    @property
    def hard_day(self) -> bool:
        """Tired or stressed today: the session gets shorter blocks and more breaks."""
        return self.rested == TIRED or self.stressed == STRESSED
