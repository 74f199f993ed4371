"""Match fast: processing speed, themed as checking parcel labels against the order."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.match_fast.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Match fast"),
    work_theme=N_("Checking parcel labels against the order"),
    instructions=(
        N_(
            "On the left is the code from the order. On the right is the code on the parcel. "
            "Are they the same?"
        ),
        N_(
            "Press F or the left arrow if they are the same. Press J or the right arrow if "
            "they are different. You can also click the buttons."
        ),
        N_(
            "Often only one character is different, or two have changed places. Be quick, "
            "but look closely. First comes a practice round."
        ),
    ),
    view="exercises.match_fast.view:MatchFastView",
)
