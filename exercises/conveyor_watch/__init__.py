"""Conveyor watch: sustained attention, themed as stopping fragile parcels on a belt."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.conveyor_watch.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Conveyor watch"),
    work_theme=N_("Stopping fragile parcels on the conveyor belt"),
    instructions=(
        N_(
            "Parcels pass one at a time on the conveyor belt. Parcels with a glass sticker "
            "are fragile."
        ),
        N_(
            "When you see the glass, press Space or click the button. Let all other parcels "
            "pass without pressing."
        ),
        N_(
            "Some stickers look a bit like the glass. Look closely. First comes a practice "
            "round that does not count."
        ),
    ),
    view="exercises.conveyor_watch.view:ConveyorWatchView",
)
