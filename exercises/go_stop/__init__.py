"""Go / stop: response inhibition, themed as scanning items at a shop till."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.go_stop.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Go / stop"),
    work_theme=N_("Scanning items at the till"),
    instructions=(
        N_("You work at the till. Items come onto the scanner one at a time."),
        N_(
            "Scan each item by pressing Space or clicking. But when an item has a stop "
            "sign, do not press. Just wait."
        ),
        N_(
            "Sometimes the stop sign comes a moment after the item. Be quick, but stay "
            "ready to stop. First comes a practice round that does not count."
        ),
    ),
    view="exercises.go_stop.view:GoStopView",
)
