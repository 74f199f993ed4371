"""Shelf search: visual search, themed as finding the ordered item on a shop shelf."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.shelf_search.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Shelf search"),
    work_theme=N_("Finding the ordered item on the shelf"),
    instructions=(
        N_(
            "An order asks for the item on the card at the left. It may be on the shelf, "
            "or it may not be there at all."
        ),
        N_(
            "If it is there, click it or press Y. If it is not there, press N. The "
            "buttons under the shelf work too."
        ),
        N_(
            "Some items differ only in colour or label. Look closely. First comes a "
            "practice round that does not count."
        ),
    ),
    view="exercises.shelf_search.view:ShelfSearchView",
)
