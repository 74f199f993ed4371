"""Schedule puzzle: planning under constraints, themed as fitting tasks into a workday."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.schedule_puzzle.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Schedule puzzle"),
    work_theme=N_("Planning a workday at the shop"),
    instructions=(
        N_(
            "This is your workday. The grey hours are already taken, for example by lunch "
            "or a meeting."
        ),
        N_(
            "Click a task, then click the hour where it should start. Or press its number "
            "and move it with the arrow keys."
        ),
        N_(
            "Every task needs its own hours, and the rules for the day must hold. When all "
            "tasks have a place, press Done."
        ),
    ),
    view="exercises.schedule_puzzle.view:SchedulePuzzleView",
)
