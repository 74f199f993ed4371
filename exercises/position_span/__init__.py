"""Position span: visuo-spatial working memory, themed as a pick-to-light shelf."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.position_span.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Position span"),
    work_theme=N_("A pick-to-light shelf"),
    instructions=(
        N_("The bins on the shelf light up, one after another. Watch the order."),
        N_(
            "Then tap the same bins in the same order. Click them, or use the arrow keys and Space."
        ),
        N_(
            "Later, tap them backwards: the bin that lit up last comes first. Undo takes "
            "back your last tap."
        ),
    ),
    view="exercises.position_span.view:PositionSpanView",
)
