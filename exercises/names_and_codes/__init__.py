"""Names and codes: associative memory, themed as customer numbers at the order desk."""

from cogtrain.i18n import N_
from cogtrain.training.exercise import ExerciseInfo
from exercises.names_and_codes.rules import RULES

INFO = ExerciseInfo(
    rules=RULES,
    title=N_("Names and codes"),
    work_theme=N_("Customer numbers at the order desk"),
    instructions=(
        N_(
            "New customers get a code. Read the customers and their codes, and enter one "
            "of the codes in the system."
        ),
        N_(
            "A little later a customer calls. Choose the customer's code: click it or "
            "press its number."
        ),
        N_("Later there are more customers, and more tasks come in between. Take your time."),
    ),
    view="exercises.names_and_codes.view:NamesAndCodesView",
)
