"""Staff forms: cleaned values, or every problem at once, each naming its field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pytest

from cogtrain import i18n
from cogtrain.i18n import Msg
from cogtrain.staff.forms import (
    CleanGoal,
    CleanNote,
    CleanParticipant,
    CleanRating,
    CleanStaffUser,
    FieldError,
    FormErrors,
    GoalDraft,
    NoteDraft,
    ParticipantDraft,
    RatingDraft,
    StaffUserDraft,
    parse_day,
    validate_goal,
    validate_note,
    validate_participant,
    validate_rating,
    validate_staff_user,
)
from cogtrain.staff.roles import Role
from cogtrain.training.exercise import Domain


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    i18n.set_language("en")
    yield


def errors_of(call) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(FormErrors) as err:
        call()
    out: dict[str, list[str]] = {}
    for e in err.value.errors:
        out.setdefault(e.field, []).append(str(e.message))
    return out


# --- dates and FormErrors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("05.01.2026", date(2026, 1, 5)),
        ("5.1.2026", date(2026, 1, 5)),
        (" 29.02.2028 ", date(2028, 2, 29)),
    ],
)
def test_parse_day(text: str, expected: date) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["05.01.26", "2026/01/05", "5 januar 2026", "31.02.2026", ""])
def test_parse_day_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_day(text)


def test_form_errors_carry_every_problem() -> None:
    errors = FormErrors(
        [
            FieldError("code", Msg("Bad code.")),
            FieldError("pin", Msg("Bad PIN.")),
            FieldError("code", Msg("Also this.")),
        ]
    )
    assert str(errors) == "code: Bad code.; pin: Bad PIN.; code: Also this."
    assert errors.fields == ("code", "pin")
    assert errors.messages_for("code") == ("Bad code.", "Also this.")
    assert errors.messages_for("language") == ()
    with pytest.raises(ValueError):
        FormErrors([])


# --- participant ---------------------------------------------------------------------------

PROFILES = ("jmo-standard", "jmo-short")
CONSULTANTS = ("kari", "ola")
GOOD_PARTICIPANT = ParticipantDraft(
    code=" jmo-014 ",
    plan_profile="jmo-standard",
    start_date="05.01.2026",
    language="NB",
    consultant_username=" Kari ",
    pin="2580",
)


def participant(draft: ParticipantDraft, **kwargs: object) -> CleanParticipant:
    args: dict[str, object] = {"known_profiles": PROFILES, "known_consultants": CONSULTANTS}
    return validate_participant(draft, **{**args, **kwargs})  # type: ignore[arg-type]


def test_a_good_participant_is_cleaned() -> None:
    assert participant(GOOD_PARTICIPANT) == CleanParticipant(
        code="JMO-014",
        plan_profile="jmo-standard",
        start_date=date(2026, 1, 5),
        language="nb",
        consultant_username="kari",
        pin="2580",
    )


def test_optional_participant_fields() -> None:
    clean = participant(
        replace(GOOD_PARTICIPANT, start_date="2026-01-05", consultant_username="", pin="  ")
    )
    assert (clean.start_date, clean.consultant_username, clean.pin) == (
        date(2026, 1, 5),
        None,
        None,
    )


def test_the_pin_is_never_in_a_repr() -> None:
    assert "2580" not in repr(GOOD_PARTICIPANT)
    assert "2580" not in repr(participant(GOOD_PARTICIPANT))


def test_every_participant_problem_at_once() -> None:
    bad = ParticipantDraft(
        code="01019012345",
        plan_profile="jmo-long",
        start_date="31.02.2026",
        language="sv",
        consultant_username="per",
        pin="1234",
    )
    assert errors_of(lambda: participant(bad)) == {
        "code": [
            "The participant code has 11 digits like a fødselsnummer or D-number. The code is "
            "stored with health data, so it must not identify the participant. Use the "
            "clinic's code form, for example JMO-014."
        ],
        "plan_profile": [
            'There is no training plan called "jmo-long". Choose one of: jmo-short, jmo-standard.'
        ],
        "start_date": ["The start date 31.02.2026 does not exist. Check the day and the month."],
        "language": ["Choose the participant's language: nb (Norwegian bokmål) or en (English)."],
        "consultant_username": [
            'There is no work consultant with the username "per". Choose one from the list, '
            "or leave it empty and ask an admin to assign one later."
        ],
        "pin": [
            "The PIN is a straight run of digits (like 1234 or 4321), which is easy to "
            "guess. Choose another."
        ],
    }


def test_empty_participant_form() -> None:
    empty = ParticipantDraft(code="", plan_profile="", start_date="", language="")
    errors = errors_of(lambda: participant(empty))
    assert list(errors) == ["code", "plan_profile", "start_date", "language"]
    assert errors["plan_profile"] == ["Choose a training plan: jmo-short, jmo-standard."]
    assert errors["start_date"] == ["Enter the start date, for example 05.01.2026."]


def test_start_date_not_written_as_a_date() -> None:
    errors = errors_of(lambda: participant(replace(GOOD_PARTICIPANT, start_date="5 jan")))
    assert errors == {
        "start_date": [
            'The start date "5 jan" is not written as a date. Write it as dd.mm.yyyy, for '
            "example 05.01.2026."
        ]
    }


def test_a_code_in_use_is_refused_whatever_its_case() -> None:
    errors = errors_of(lambda: participant(GOOD_PARTICIPANT, existing_codes=("Jmo-014 ",)))
    assert errors == {
        "code": [
            "The participant code JMO-014 is already in use. Choose the next free number in "
            "the clinic's code form."
        ]
    }


# --- goal ----------------------------------------------------------------------------------

EXERCISES = ("symbol_coding", "go_stop", "order_list")
TODAY = date(2026, 3, 10)


def goal(draft: GoalDraft, today: date = TODAY) -> CleanGoal:
    return validate_goal(draft, known_exercise_ids=EXERCISES, today=today)


def test_a_good_goal_is_cleaned() -> None:
    draft = GoalDraft(
        text="  Keep track of the orders on a busy shift  ",
        workplace_situation=" Warehouse, mornings ",
        domains=("attention", "memory", "attention"),
        exercise_ids=("go_stop", "order_list"),
        target_date="10.03.2026",
    )
    assert goal(draft) == CleanGoal(
        text="Keep track of the orders on a busy shift",
        workplace_situation="Warehouse, mornings",
        domains=(Domain.ATTENTION, Domain.MEMORY),
        exercise_ids=("go_stop", "order_list"),
        target_date=date(2026, 3, 10),
    )


def test_a_goal_needs_only_its_text() -> None:
    assert goal(GoalDraft(text="Ask")) == CleanGoal("Ask", "", (), (), None)


def test_every_goal_problem_at_once() -> None:
    draft = GoalDraft(
        text="x" * 301,
        workplace_situation="y" * 1001,
        domains=("attention", "focus"),
        exercise_ids=("tetris",),
        target_date="01.01.2020",
    )
    assert errors_of(lambda: goal(draft)) == {
        "text": [
            "The goal has 301 characters; the most is 300. Keep the goal short and put the "
            "details in the workplace situation."
        ],
        "workplace_situation": [
            "The workplace situation has 1001 characters; the most is 1000. Shorten it, or "
            "write the rest in a note."
        ],
        "domains": [
            'There is no domain called "focus". Choose among: attention, memory, '
            "problem_solving, processing_speed."
        ],
        "exercise_ids": ['There is no exercise called "tetris". Choose exercises from the list.'],
        "target_date": ["The target date 01.01.2020 is before today. Choose today or a later day."],
    }


@pytest.mark.parametrize(("text", "ok"), [("ab", False), ("  ab  ", False), ("abc", True)])
def test_goal_text_length(text: str, ok: bool) -> None:
    if ok:
        assert goal(GoalDraft(text=text)).text == text
    else:
        assert errors_of(lambda: goal(GoalDraft(text=text))) == {
            "text": [
                "Write the goal in at least 3 characters, in the participant's own words "
                "where possible."
            ]
        }


def test_goal_target_date_rules() -> None:
    assert goal(GoalDraft("Arrive on time", target_date="2026-03-11")).target_date == date(
        2026, 3, 11
    )
    assert errors_of(lambda: goal(GoalDraft("Arrive on time", target_date="2026-03-09"))) == {
        "target_date": ["The target date 2026-03-09 is before today. Choose today or a later day."]
    }
    assert errors_of(lambda: goal(GoalDraft("Arrive on time", target_date="soon"))) == {
        "target_date": [
            'The target date "soon" is not written as a date. Write it as dd.mm.yyyy, for '
            "example 05.01.2026, or leave it empty."
        ]
    }


def test_today_must_be_a_date() -> None:
    with pytest.raises(TypeError, match="today"):
        goal(GoalDraft("Arrive on time"), today=datetime(2026, 3, 10, 12, 0))


# --- note ----------------------------------------------------------------------------------

GOALS = ("0f3c", "9a1b")


def note(draft: NoteDraft, goal_ids: tuple[str, ...] | None = GOALS) -> CleanNote:
    return validate_note(draft, known_exercise_ids=EXERCISES, known_goal_ids=goal_ids)


def test_a_good_note() -> None:
    assert note(NoteDraft("  Tired today; kept going.  ", " 0f3c ", "go_stop")) == CleanNote(
        "Tired today; kept going.", "0f3c", "go_stop"
    )
    assert note(NoteDraft("x" * 2000, "", None)) == CleanNote("x" * 2000, None, None)
    assert note(NoteDraft("ok", "anything"), goal_ids=None).goal_id == "anything"


def test_note_problems() -> None:
    assert errors_of(lambda: note(NoteDraft("   ", "beef", "tetris"))) == {
        "text": ["Write the note before saving it."],
        "goal_id": [
            "The goal this note refers to is not one of the participant's goals. "
            "Choose a goal from the list, or none."
        ],
        "exercise_id": [
            'There is no exercise called "tetris". Choose an exercise from the list, or none.'
        ],
    }
    assert errors_of(lambda: note(NoteDraft("x" * 2001))) == {
        "text": ["The note has 2001 characters; the most is 2000. Split it into two notes."]
    }


# --- rating --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("+1", 1), (" -2", -2), (0, 0), (2, 2)])
def test_a_good_rating(value: str | int, expected: int) -> None:
    clean = validate_rating(RatingDraft("0f3c", value, " Better than hoped "), known_goal_ids=GOALS)
    assert clean == CleanRating("0f3c", expected, "Better than hoped")


def test_rating_problems() -> None:
    assert errors_of(
        lambda: validate_rating(RatingDraft("beef", "3", "c" * 1001), known_goal_ids=GOALS)
    ) == {
        "goal_id": ["Choose which of the participant's goals the rating is for."],
        "value": [
            "The goal attainment rating 3 is outside the scale. "
            "Choose a number from -2 to +2, where 0 is the expected outcome."
        ],
        "comment": [
            "The comment has 1001 characters; the most is 1000. Shorten it, or write the "
            "rest in a note."
        ],
    }
    assert errors_of(lambda: validate_rating(RatingDraft(" ", True))) == {
        "goal_id": ["Choose which of the participant's goals the rating is for."],
        "value": ["Choose a goal attainment rating from -2 to +2."],
    }


# --- staff account -------------------------------------------------------------------------

GOOD_USER = StaffUserDraft(
    username=" Kari.Nordmann ",
    display_name=" Kari N. ",
    role="Consultant",
    password="blå hest på taket",
    password_again="blå hest på taket",
)


def test_a_good_staff_user() -> None:
    assert validate_staff_user(GOOD_USER) == CleanStaffUser(
        username="kari.nordmann",
        display_name="Kari N.",
        role=Role.CONSULTANT,
        password="blå hest på taket",
    )
    assert "hest" not in repr(GOOD_USER) and "hest" not in repr(validate_staff_user(GOOD_USER))


def test_every_staff_user_problem_at_once() -> None:
    bad = StaffUserDraft(
        username="kå",
        display_name="   ",
        role="boss",
        password="short",
        password_again="shorter",
    )
    assert errors_of(lambda: validate_staff_user(bad)) == {
        "username": ["The username must have 3 to 32 characters."],
        "display_name": ["Enter the name other staff will see, for example Kari N."],
        "role": ["Choose a role: work consultant, neuropsychologist or admin."],
        "password": [
            "The password is too short: use at least 10 characters. "
            "A few words in a row are easy to remember and hard to guess."
        ],
        "password_again": [
            "The two passwords are not the same. Type the same password in both fields."
        ],
    }


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (
            "kåre",
            "The username can only have the letters a-z (not æ, ø or å), the digits 0-9, "
            "and . _ -, for example kari.nordmann.",
        ),
        (
            "kari nordmann",
            "The username can only have the letters a-z (not æ, ø or å), the digits 0-9, "
            "and . _ -, for example kari.nordmann.",
        ),
        ("k" * 33, "The username must have 3 to 32 characters."),
        ("OLA", "The username ola is already taken. Choose another one."),
    ],
)
def test_username_rules(username: str, expected: str) -> None:
    draft = replace(GOOD_USER, username=username)
    errors = errors_of(lambda: validate_staff_user(draft, existing_usernames=("ola",)))
    assert errors == {"username": [expected]}


def test_password_must_not_contain_the_cleaned_username() -> None:
    draft = replace(GOOD_USER, password="kari.nordmann!1", password_again="kari.nordmann!1")
    assert errors_of(lambda: validate_staff_user(draft)) == {
        "password": ["The password must not contain the username. Choose a password without it."]
    }


def test_display_name_and_role_limits() -> None:
    assert validate_staff_user(replace(GOOD_USER, display_name="K" * 80)).display_name == "K" * 80
    assert errors_of(lambda: validate_staff_user(replace(GOOD_USER, display_name="K" * 81))) == {
        "display_name": ["The name has 81 characters; the most is 80."]
    }
    for role in Role:
        assert validate_staff_user(replace(GOOD_USER, role=f" {role.value} ")).role is role


def test_drafts_must_hold_text_as_typed() -> None:
    with pytest.raises(TypeError, match="start_date"):
        participant(replace(GOOD_PARTICIPANT, start_date=date(2026, 1, 5)))  # type: ignore[arg-type]
