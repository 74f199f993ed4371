"""Two-channel watch: divided attention, themed as counting crates at goods-in."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.two_channel_watch.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Two-channel watch"),
    work_theme=N_("Counting crates at goods-in while answering the alarm"),
    instructions=(
        N_(
            "Crates, barrels and sacks come along the belt. Count the crates: the wooden "
            "ones with planks."
        ),
        N_(
            "Now and then the alarm lamp lights up. Press Space at once, or click the "
            "alarm button. Then keep counting."
        ),
        N_(
            "When the belt stops, press the number of crates you counted, or click it. "
            "First comes a practice round that does not count."
        ),
    ),
    view="exercises.two_channel_watch.view:TwoChannelWatchView",
)
