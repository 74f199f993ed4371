"""Delivery route: planning the shortest route past every stop, themed as a delivery van."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.delivery_route.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Delivery route"),
    work_theme=N_("Planning the delivery van's route"),
    instructions=(
        N_(
            "The van starts at the depot (the dark square) and must reach every orange "
            "stop. The numbers on the streets are minutes of driving."
        ),
        N_(
            "Drive one street at a time: click the next crossing or type its letter. "
            "Undo takes back the last street."
        ),
        N_(
            "Find the shortest route. Look at the whole map and plan before you drive – "
            "there is no hurry. Some streets are one-way (arrows)."
        ),
    ),
    view="exercises.delivery_route.view:DeliveryRouteView",
)
