"""Tower planner: planning (Tower of London), themed as restacking crates for an order."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.tower_planner.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Tower planner"),
    work_theme=N_("Restacking crates for an order"),
    instructions=(
        N_(
            "A truck is waiting for an order. Your crates must stand exactly like in the "
            "picture on the right."
        ),
        N_(
            "Move one crate at a time. Click a stack (or press 1, 2 or 3) to lift its top "
            "crate. Then click the stack where it should go."
        ),
        N_(
            "Use as few moves as you can: the counter shows how many you have. Plan the "
            "moves first – there is no hurry."
        ),
    ),
    view="exercises.tower_planner.view:TowerPlannerView",
)
