"""Order list: working memory, themed as picking a customer's order from the shelf."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.order_list.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Order list"),
    work_theme=N_("Picking a customer's order"),
    instructions=(
        N_("A customer's order slip is shown for a little while. Read it and remember the items."),
        N_(
            "Then the slip is put away. Pick the same items from the shelf: click them or "
            "press their number."
        ),
        N_(
            "Later, pick the items in the same order as on the slip. Undo takes back your "
            "last pick."
        ),
    ),
    view="exercises.order_list.view:OrderListView",
)
