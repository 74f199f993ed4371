"""Reaction: processing speed, themed as parcels arriving at the doors of a loading dock."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.reaction.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Reaction"),
    work_theme=N_("Parcels arriving at the loading dock"),
    instructions=(
        N_(
            "Parcels come to the loading dock. Press Space as soon as you see a parcel. "
            "You can also click."
        ),
        N_("Wait until the parcel is there. A press that comes too early does not count."),
        N_(
            "Later there are more doors. Press the key under the door where the parcel "
            "comes. First comes a practice round."
        ),
    ),
    view="exercises.reaction.view:ReactionView",
)
