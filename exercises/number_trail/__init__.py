"""Number trail: processing speed, themed as a picker's round of the warehouse floor."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.number_trail.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Number trail"),
    work_theme=N_("A round of the stations on the warehouse floor"),
    instructions=(
        N_(
            "Stations with numbers stand on the warehouse floor. Click them in order: "
            "1, 2, 3 and so on, as fast as you can."
        ),
        N_(
            "A line shows the way you have gone. If you click the wrong station, nothing "
            "happens – just look for the right one. You can also use the arrow keys and Space."
        ),
        N_(
            "Later, numbers and letters take turns: 1, A, 2, B, 3, C. First comes a "
            "practice round that does not count."
        ),
    ),
    view="exercises.number_trail.view:NumberTrailView",
)
