"""Sorting rules: set shifting (Wisconsin-style), themed as sorting goods onto pallets."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.sorting_rules.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Sorting rules"),
    work_theme=N_("Sorting goods onto pallets"),
    instructions=(
        N_(
            "Parcels arrive at the sorting station. Put each parcel on one of the four "
            "pallets: click the pallet or press 1 to 4."
        ),
        N_(
            "A parcel can match a pallet by colour, by shape or by number of items. Nobody "
            "tells you which rule applies: the answer after each parcel shows if you were right."
        ),
        N_(
            "Now and then the rule changes. When your answers stop being right, try "
            "sorting another way."
        ),
    ),
    view="exercises.sorting_rules.view:SortingRulesView",
)
