"""N-back dispatch: working memory updating, themed as parcels on a dispatch belt."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.nback_dispatch.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("N-back dispatch"),
    work_theme=N_("Parcels on the dispatch belt"),
    instructions=(
        N_("Parcels come down the belt, one at a time. Each has a label with a destination."),
        N_(
            "Is the parcel going to the same place as the one before? Press F or the Left "
            "arrow for Same, J or the Right arrow for Different. You can also click."
        ),
        N_(
            "Later, compare with the parcel two or three back. At the start there is nothing "
            "to compare with: press Different."
        ),
    ),
    view="exercises.nback_dispatch.view:NBackDispatchView",
)
