"""Checking what staff type into forms, before anything is stored.

Each form has a *draft* (the fields as typed, raw strings) and a validator that returns
the cleaned values or raises :class:`FormErrors` with **every** problem at once, each one
a :class:`FieldError` naming the form field, so the screen can mark all of them in one go
instead of making the user fix one thing at a time. Messages name the field and the rule
and say what to do ("The target date 01.01.2020 is before today. Choose today or a later
day.").

Validators take what they need as arguments (the known plan profiles, exercise ids,
goal ids, consultants, existing codes, today): no globals, no database, no clock.

Dates are typed as ``dd.mm.yyyy`` (the Norwegian way; ``d.m.yyyy`` is fine too) or as ISO
``yyyy-mm-dd``. Text is stripped of surrounding spaces and then counted in characters.
Passwords and PINs are taken as typed (a PIN may have surrounding spaces removed) and
never shown in a message or a ``repr``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from cogtrain.i18n import SUPPORTED_LANGUAGES, Msg, _
from cogtrain.staff.codes import check_code, normalise_code
from cogtrain.staff.goal_scale import parse_rating, rating_problem
from cogtrain.staff.passwords import password_problem, pin_problem
from cogtrain.staff.roles import Role
from cogtrain.training.exercise import Domain

GOAL_TEXT_MIN = 3
GOAL_TEXT_MAX = 300
SITUATION_MAX = 1000
NOTE_MAX = 2000
COMMENT_MAX = 1000
USERNAME_MIN = 3
USERNAME_MAX = 32
DISPLAY_NAME_MAX = 80

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NORWEGIAN = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_USERNAME = re.compile(r"[a-z0-9._-]+")


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``field`` is the draft's attribute name."""

    field: str
    message: Msg


class FormErrors(Exception):
    """Everything wrong with a form, in the order of its fields."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("FormErrors needs at least one FieldError")
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields with a problem, each once, in form order."""
        return tuple(dict.fromkeys(e.field for e in self.errors))

    def messages_for(self, field_name: str) -> tuple[Msg, ...]:
        return tuple(e.message for e in self.errors if e.field == field_name)


class _Collector:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field_name: str, message: Msg | None) -> None:
        if message is not None:
            self.errors.append(FieldError(field_name, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise FormErrors(self.errors)


def _check_today(today: date) -> None:
    if isinstance(today, datetime) or not isinstance(today, date):
        raise TypeError(f"today must be a date (not a datetime), not {today!r}")


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str as typed in the form, not {value!r}")
    return value


LINE_BREAKS = "\n\r\t"
"""The control characters a text of several lines (a note, a comment) may hold."""


def unstorable_char(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` that must not be saved, as ``U+XXXX``; ``None``
    when there is none.

    Control characters (NUL, escape; line breaks and tabs outside texts of several
    lines) come from pasting, not typing: PostgreSQL refuses NUL in text, the screen's
    font cannot draw it, and an escape sequence repaints the terminal that lists staff.
    A lone surrogate (a broken character, e.g. from a command-line argument that was not
    UTF-8) cannot be written to the database at all.
    """
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Cs" or (kind == "Cc" and not (multiline and ch in LINE_BREAKS)):
            return f"U+{ord(ch):04X}"
    return None


def refuse_unstorable(draft: object, *, multiline: Collection[str] = ()) -> None:
    """Raise :class:`FormErrors` for every text field of ``draft`` (a dataclass; tuples of
    text too) holding a character :func:`unstorable_char` finds; ``multiline`` names the
    fields that may have line breaks.

    Checked before anything else and reported alone, because the other checks quote what
    was typed back in their messages, and that text is what cannot be shown or stored.
    """
    errors = _Collector()
    for name in getattr(draft, "__dataclass_fields__", {}):
        value = getattr(draft, name)
        texts = value if isinstance(value, tuple) else (value,)
        for text in texts:
            if not isinstance(text, str):
                continue
            # Surrounding spaces and line breaks are stripped from every field anyway
            # (a code copied from a spreadsheet cell ends in one): only what is kept counts.
            bad = unstorable_char(text.strip(), multiline=name in multiline)
            if bad is not None:
                errors.add(
                    name,
                    _(
                        "This field has a character that cannot be saved ({char}: a control "
                        "character or a broken character). Delete it, or type the text "
                        "instead of pasting it."
                    ).format(char=bad),
                )
                break
    errors.raise_if_any()


def parse_day(text: str) -> date:
    """A date typed as ``dd.mm.yyyy``/``d.m.yyyy`` or ``yyyy-mm-dd``; :class:`ValueError`
    when it is neither or the day does not exist (31.02.2026)."""
    text = text.strip()
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _NORWEGIAN.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise ValueError(f"{text!r} is not written as dd.mm.yyyy or yyyy-mm-dd")
    return date(year, month, day)


# Per date field: (empty, not written as a date, no such day). The field is named in each
# sentence, because a translation cannot build "the start date" from parts.
_DATE_MESSAGES: dict[str, tuple[str, str, str]] = {
    "start_date": (
        "Enter the start date, for example 05.01.2026.",
        'The start date "{text}" is not written as a date. Write it as dd.mm.yyyy, for '
        "example 05.01.2026.",
        "The start date {text} does not exist. Check the day and the month.",
    ),
    "target_date": (
        "",  # optional: never shown
        'The target date "{text}" is not written as a date. Write it as dd.mm.yyyy, for '
        "example 05.01.2026, or leave it empty.",
        "The target date {text} does not exist. Check the day and the month.",
    ),
}


def _date_field(
    errors: _Collector, name: str, raw: str, *, required: bool
) -> tuple[date | None, str]:
    text = _check_text(name, raw).strip()
    empty, not_a_date, no_such_day = _DATE_MESSAGES[name]
    if not text:
        if required:
            errors.add(name, _(empty))
        return None, text
    written = bool(_ISO.fullmatch(text) or _NORWEGIAN.fullmatch(text))
    try:
        return parse_day(text), text
    except ValueError:
        errors.add(name, _(no_such_day if written else not_a_date).format(text=text))
        return None, text


def _choices(values: Iterable[str]) -> Msg:
    return Msg(", ".join(sorted(values)))


# --- participant ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantDraft:
    code: str
    plan_profile: str
    start_date: str
    language: str
    consultant_username: str = ""
    """Empty: not assigned yet (an admin assigns later)."""
    pin: str = field(default="", repr=False)
    """Empty: no PIN (the participant starts from the work consultant's screen)."""


@dataclass(frozen=True)
class CleanParticipant:
    code: str
    plan_profile: str
    start_date: date
    language: str
    consultant_username: str | None
    pin: str | None = field(repr=False)


def validate_participant(
    draft: ParticipantDraft,
    *,
    known_profiles: Collection[str],
    known_consultants: Collection[str],
    existing_codes: Collection[str] = (),
) -> CleanParticipant:
    """Check a new or edited participant.

    ``existing_codes``: the codes already in use (leave out the participant's own code
    when editing); compared normalised.
    """
    refuse_unstorable(draft)
    errors = _Collector()

    code = normalise_code(_check_text("code", draft.code))
    problem = check_code(code)
    if problem is not None:
        errors.add("code", problem.message)
    elif code in {normalise_code(c) for c in existing_codes}:
        errors.add(
            "code",
            _(
                "The participant code {code} is already in use. Choose the next free number "
                "in the clinic's code form."
            ).format(code=code),
        )

    plan = _check_text("plan_profile", draft.plan_profile).strip()
    if not plan:
        errors.add(
            "plan_profile",
            _("Choose a training plan: {choices}.").format(choices=_choices(known_profiles)),
        )
    elif plan not in known_profiles:
        errors.add(
            "plan_profile",
            _('There is no training plan called "{name}". Choose one of: {choices}.').format(
                name=plan, choices=_choices(known_profiles)
            ),
        )

    start, _text = _date_field(errors, "start_date", draft.start_date, required=True)

    language = _check_text("language", draft.language).strip().lower()
    if language not in SUPPORTED_LANGUAGES:
        errors.add(
            "language",
            _("Choose the participant's language: nb (Norwegian bokmål) or en (English)."),
        )

    consultant = _check_text("consultant_username", draft.consultant_username).strip().lower()
    known = {u.strip().lower() for u in known_consultants}
    if consultant and consultant not in known:
        errors.add(
            "consultant_username",
            _(
                'There is no work consultant with the username "{name}". Choose one from the '
                "list, or leave it empty and ask an admin to assign one later."
            ).format(name=consultant),
        )

    pin = _check_text("pin", draft.pin).strip()
    if pin:
        errors.add("pin", pin_problem(pin))

    errors.raise_if_any()
    assert start is not None
    return CleanParticipant(
        code=code,
        plan_profile=plan,
        start_date=start,
        language=language,
        consultant_username=consultant or None,
        pin=pin or None,
    )


# --- goal ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalDraft:
    text: str
    workplace_situation: str = ""
    domains: tuple[str, ...] = ()
    exercise_ids: tuple[str, ...] = ()
    target_date: str = ""


@dataclass(frozen=True)
class CleanGoal:
    text: str
    workplace_situation: str
    """``""`` when not given."""
    domains: tuple[Domain, ...]
    exercise_ids: tuple[str, ...]
    target_date: date | None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values))


def validate_goal(
    draft: GoalDraft, *, known_exercise_ids: Collection[str], today: date
) -> CleanGoal:
    """Check a new or edited goal; the target date, when given, is today or later."""
    _check_today(today)
    refuse_unstorable(draft, multiline=("workplace_situation",))
    errors = _Collector()

    text = _check_text("text", draft.text).strip()
    if len(text) < GOAL_TEXT_MIN:
        errors.add(
            "text",
            _(
                "Write the goal in at least {minimum} characters, in the participant's own "
                "words where possible."
            ).format(minimum=GOAL_TEXT_MIN),
        )
    elif len(text) > GOAL_TEXT_MAX:
        errors.add(
            "text",
            _(
                "The goal has {length} characters; the most is {maximum}. Keep the goal "
                "short and put the details in the workplace situation."
            ).format(length=len(text), maximum=GOAL_TEXT_MAX),
        )

    situation = _check_text("workplace_situation", draft.workplace_situation).strip()
    if len(situation) > SITUATION_MAX:
        errors.add(
            "workplace_situation",
            _(
                "The workplace situation has {length} characters; the most is {maximum}. "
                "Shorten it, or write the rest in a note."
            ).format(length=len(situation), maximum=SITUATION_MAX),
        )

    domains = _unique(draft.domains)
    known_domains = {d.value for d in Domain}
    for name in domains:
        if name not in known_domains:
            errors.add(
                "domains",
                _('There is no domain called "{name}". Choose among: {choices}.').format(
                    name=name, choices=_choices(known_domains)
                ),
            )

    exercises = _unique(draft.exercise_ids)
    for name in exercises:
        if name not in known_exercise_ids:
            errors.add(
                "exercise_ids",
                _('There is no exercise called "{name}". Choose exercises from the list.').format(
                    name=name
                ),
            )

    target, target_text = _date_field(errors, "target_date", draft.target_date, required=False)
    if target is not None and target < today:
        errors.add(
            "target_date",
            _("The target date {text} is before today. Choose today or a later day.").format(
                text=target_text
            ),
        )

    errors.raise_if_any()
    return CleanGoal(
        text=text,
        workplace_situation=situation,
        domains=tuple(Domain(d) for d in domains),
        exercise_ids=exercises,
        target_date=target,
    )


# --- note ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteDraft:
    text: str
    goal_id: str | None = None
    """The goal the note is about, if any (ids as strings)."""
    exercise_id: str | None = None
    """The exercise the note is about, if any."""


@dataclass(frozen=True)
class CleanNote:
    text: str
    goal_id: str | None
    exercise_id: str | None


def _optional_id(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    return _check_text(name, value).strip() or None


def validate_note(
    draft: NoteDraft,
    *,
    known_exercise_ids: Collection[str],
    known_goal_ids: Collection[str] | None = None,
) -> CleanNote:
    """Check a note; an exercise it refers to must be known, and a goal one of
    ``known_goal_ids`` (the participant's goals; ``None`` when the caller checks that)."""
    refuse_unstorable(draft, multiline=("text",))
    errors = _Collector()
    text = _check_text("text", draft.text).strip()
    if not text:
        errors.add("text", _("Write the note before saving it."))
    elif len(text) > NOTE_MAX:
        errors.add(
            "text",
            _(
                "The note has {length} characters; the most is {maximum}. Split it into two notes."
            ).format(length=len(text), maximum=NOTE_MAX),
        )
    goal_id = _optional_id(draft.goal_id, "goal_id")
    if goal_id is not None and known_goal_ids is not None and goal_id not in known_goal_ids:
        errors.add(
            "goal_id",
            _(
                "The goal this note refers to is not one of the participant's goals. "
                "Choose a goal from the list, or none."
            ),
        )
    exercise_id = _optional_id(draft.exercise_id, "exercise_id")
    if exercise_id is not None and exercise_id not in known_exercise_ids:
        errors.add(
            "exercise_id",
            _(
                'There is no exercise called "{name}". Choose an exercise from the list, or none.'
            ).format(name=exercise_id),
        )
    errors.raise_if_any()
    return CleanNote(text=text, goal_id=goal_id, exercise_id=exercise_id)


# --- goal attainment rating ----------------------------------------------------------------


@dataclass(frozen=True)
class RatingDraft:
    goal_id: str
    value: str | int
    comment: str = ""


@dataclass(frozen=True)
class CleanRating:
    goal_id: str
    value: int
    comment: str


def validate_rating(
    draft: RatingDraft, *, known_goal_ids: Collection[str] | None = None
) -> CleanRating:
    """Check a goal attainment rating (-2..+2, see :mod:`cogtrain.staff.goal_scale`).

    ``known_goal_ids``: the participant's goals (``None`` when the caller checks that).
    """
    refuse_unstorable(draft, multiline=("comment",))
    errors = _Collector()
    goal_id = _check_text("goal_id", draft.goal_id).strip()
    if not goal_id or (known_goal_ids is not None and goal_id not in known_goal_ids):
        errors.add(
            "goal_id",
            _("Choose which of the participant's goals the rating is for."),
        )
    errors.add("value", rating_problem(draft.value))
    comment = _check_text("comment", draft.comment).strip()
    if len(comment) > COMMENT_MAX:
        errors.add(
            "comment",
            _(
                "The comment has {length} characters; the most is {maximum}. Shorten it, or "
                "write the rest in a note."
            ).format(length=len(comment), maximum=COMMENT_MAX),
        )
    errors.raise_if_any()
    return CleanRating(goal_id=goal_id, value=parse_rating(draft.value), comment=comment)


# --- staff account -------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffUserDraft:
    username: str
    display_name: str
    role: str
    password: str = field(repr=False)
    password_again: str = field(repr=False)


@dataclass(frozen=True)
class CleanStaffUser:
    username: str
    display_name: str
    role: Role
    password: str = field(repr=False)


def validate_staff_user(
    draft: StaffUserDraft, *, existing_usernames: Collection[str] = ()
) -> CleanStaffUser:
    """Check a new staff account (usernames compared lowercased)."""
    refuse_unstorable(
        StaffUserDraft(draft.username, draft.display_name, draft.role, "", "")
    )  # the passwords' own rule (password_problem) never quotes them
    errors = _Collector()

    username = _check_text("username", draft.username).strip().lower()
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        errors.add(
            "username",
            _("The username must have {minimum} to {maximum} characters.").format(
                minimum=USERNAME_MIN, maximum=USERNAME_MAX
            ),
        )
    elif not _USERNAME.fullmatch(username):
        errors.add(
            "username",
            _(
                "The username can only have the letters a-z (not æ, ø or å), the digits "
                "0-9, and . _ -, for example kari.nordmann."
            ),
        )
    elif username in {u.strip().lower() for u in existing_usernames}:
        errors.add(
            "username",
            _("The username {name} is already taken. Choose another one.").format(name=username),
        )

    display_name = _check_text("display_name", draft.display_name).strip()
    if not display_name:
        errors.add("display_name", _("Enter the name other staff will see, for example Kari N."))
    elif len(display_name) > DISPLAY_NAME_MAX:
        errors.add(
            "display_name",
            _("The name has {length} characters; the most is {maximum}.").format(
                length=len(display_name), maximum=DISPLAY_NAME_MAX
            ),
        )

    raw_role = _check_text("role", draft.role).strip().lower()
    role: Role | None = None
    try:
        role = Role(raw_role)
    except ValueError:
        errors.add(
            "role",
            _("Choose a role: work consultant, neuropsychologist or admin."),
        )

    password = _check_text("password", draft.password)
    again = _check_text("password_again", draft.password_again)
    errors.add("password", password_problem(password, username=username))
    if again != password:
        errors.add(
            "password_again",
            _("The two passwords are not the same. Type the same password in both fields."),
        )

    errors.raise_if_any()
    assert role is not None
    return CleanStaffUser(
        username=username, display_name=display_name, role=role, password=password
    )
