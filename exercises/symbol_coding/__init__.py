"""Symbol coding: processing speed, themed as stock codes on shelf labels."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.symbol_coding.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Symbol coding"),
    work_theme=N_("Stock codes on shelf labels"),
    instructions=(
        N_("Every shelf in the stock room has a label. Under each label is the shelf's code."),
        N_(
            "A label appears in the middle of the screen. Find it in the row at the top and "
            "type its code."
        ),
        N_("Work quickly, but carefully. First comes a practice round that does not count."),
    ),
    view="exercises.symbol_coding.view:SymbolCodingView",
)
