"""Who may do what: one permission table for the three staff roles.

The participants' data is health data, so access follows least privilege:

* A **work consultant** follows their own participants: sees, edits and trains only the
  participants assigned to them, and may register a new participant (who becomes theirs).
* A **neuropsychologist** assesses: sees every participant, enters and reads assessment
  results, exports data and prints reports, but does not run the day-to-day programme
  (plan, PIN, goals) that belongs to the work consultant.
* An **admin** manages accounts and assignments: creates and unlocks staff accounts, reads
  the audit log, registers, assigns and deactivates participants. An admin lists
  participants by code only (to manage who works with whom) and never opens a record.

The whole policy is :data:`PERMISSIONS`, one table read by :func:`decide`; screens ask
:func:`decide` and never check a role themselves, so the policy can be read and reviewed
in one place (and ``tests/staff/test_roles.py`` pins every cell of it).

:class:`Scope` says how far a permission reaches: ``all`` means any participant (or the
action is not about one participant), ``own`` means only the participants assigned to the
acting user. ``decide(..., own=...)`` is told whether the participant in question is
assigned to the acting user, and ``None`` for actions not about one participant. For an
``own`` action about one participant, ``own=None`` is refused (fail closed): the caller
did not say whose participant it is. ``participant_list`` is not about one participant:
a consultant may list, and :attr:`Decision.scope` (``own``) tells the caller to list only
their own participants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from cogtrain.i18n import N_, Msg, _


class Role(StrEnum):
    CONSULTANT = "consultant"
    NEUROPSYCHOLOGIST = "neuropsychologist"
    ADMIN = "admin"


class Action(StrEnum):
    PARTICIPANT_LIST = "participant_list"
    PARTICIPANT_VIEW = "participant_view"
    """The record, the progress screen, goals and notes."""
    PARTICIPANT_CREATE = "participant_create"
    PARTICIPANT_EDIT = "participant_edit"
    """Plan profile, start date, language."""
    PARTICIPANT_DEACTIVATE = "participant_deactivate"
    PARTICIPANT_ASSIGN_CONSULTANT = "participant_assign_consultant"
    PARTICIPANT_SET_PIN = "participant_set_pin"
    PARTICIPANT_START_TRAINING = "participant_start_training"
    GOAL_EDIT = "goal_edit"
    """Create, edit and archive goals."""
    GOAL_RATE = "goal_rate"
    NOTE_ADD = "note_add"
    ASSESSMENT_ENTER = "assessment_enter"
    ASSESSMENT_VIEW = "assessment_view"
    EXPORT_DATA = "export_data"
    REPORT_PRINT = "report_print"
    AUDIT_VIEW = "audit_view"
    USER_MANAGE = "user_manage"
    """Create, unlock and deactivate staff accounts, reset passwords."""


class Scope(StrEnum):
    ALL = "all"
    """Any participant, or the action is not about one participant."""
    OWN = "own"
    """Only participants assigned to the acting work consultant."""


A, S = Action, Scope

PERMISSIONS: Mapping[Role, Mapping[Action, Scope]] = MappingProxyType(
    {
        Role.CONSULTANT: MappingProxyType(
            {
                A.PARTICIPANT_LIST: S.OWN,
                A.PARTICIPANT_VIEW: S.OWN,
                A.PARTICIPANT_CREATE: S.ALL,  # the new participant becomes theirs
                A.PARTICIPANT_EDIT: S.OWN,
                A.PARTICIPANT_SET_PIN: S.OWN,
                A.PARTICIPANT_START_TRAINING: S.OWN,
                A.GOAL_EDIT: S.OWN,
                A.GOAL_RATE: S.OWN,
                A.NOTE_ADD: S.OWN,
                A.ASSESSMENT_VIEW: S.OWN,
                A.REPORT_PRINT: S.OWN,
            }
        ),
        Role.NEUROPSYCHOLOGIST: MappingProxyType(
            {
                A.PARTICIPANT_LIST: S.ALL,
                A.PARTICIPANT_VIEW: S.ALL,
                A.NOTE_ADD: S.ALL,
                A.ASSESSMENT_ENTER: S.ALL,
                A.ASSESSMENT_VIEW: S.ALL,
                A.EXPORT_DATA: S.ALL,
                A.REPORT_PRINT: S.ALL,
            }
        ),
        Role.ADMIN: MappingProxyType(
            {
                A.PARTICIPANT_LIST: S.ALL,  # codes and assignments only: no record
                A.PARTICIPANT_CREATE: S.ALL,
                A.PARTICIPANT_ASSIGN_CONSULTANT: S.ALL,
                A.PARTICIPANT_DEACTIVATE: S.ALL,
                A.AUDIT_VIEW: S.ALL,
                A.USER_MANAGE: S.ALL,
            }
        ),
    }
)
"""The whole access policy: role -> the actions it may take and how far each reaches."""

del A, S

NOT_ABOUT_ONE_PARTICIPANT: frozenset[Action] = frozenset(
    {
        Action.PARTICIPANT_LIST,
        Action.PARTICIPANT_CREATE,
        Action.EXPORT_DATA,
        Action.AUDIT_VIEW,
        Action.USER_MANAGE,
    }
)
"""Actions that are not about one participant: call :func:`decide` with ``own=None``."""

HEALTH_DATA_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.PARTICIPANT_VIEW,
        Action.PARTICIPANT_EDIT,
        Action.PARTICIPANT_SET_PIN,
        Action.PARTICIPANT_START_TRAINING,
        Action.GOAL_EDIT,
        Action.GOAL_RATE,
        Action.NOTE_ADD,
        Action.ASSESSMENT_ENTER,
        Action.ASSESSMENT_VIEW,
        Action.EXPORT_DATA,
        Action.REPORT_PRINT,
    }
)
"""Actions that show or change a participant's health data (never an admin's)."""

ROLE_LABELS: Mapping[Role, str] = MappingProxyType(
    {
        Role.CONSULTANT: N_("Work consultant"),
        Role.NEUROPSYCHOLOGIST: N_("Neuropsychologist"),
        Role.ADMIN: N_("Admin"),
    }
)

# Why a role without the action is refused, by action. An admin asking for anything that
# shows or changes a participant's health data gets _ADMIN_NO_RECORDS instead.
_ONLY_FOR: Mapping[Action, str] = MappingProxyType(
    {
        Action.PARTICIPANT_CREATE: N_(
            "Only work consultants and admins register new participants. "
            "Ask the participant's work consultant or an admin."
        ),
        Action.PARTICIPANT_EDIT: N_(
            "Only the participant's own work consultant can change the training plan, "
            "start date or language. Ask the work consultant."
        ),
        Action.PARTICIPANT_DEACTIVATE: N_(
            "Only an admin can deactivate a participant. Ask an admin when the participant "
            "has finished or left the programme."
        ),
        Action.PARTICIPANT_ASSIGN_CONSULTANT: N_(
            "Only an admin can assign a participant to a work consultant. Ask an admin."
        ),
        Action.PARTICIPANT_SET_PIN: N_(
            "Only the participant's own work consultant can set the participant's PIN. "
            "Ask the work consultant."
        ),
        Action.PARTICIPANT_START_TRAINING: N_(
            "Only the participant's own work consultant can start a training session for "
            "the participant. Ask the work consultant."
        ),
        Action.GOAL_EDIT: N_(
            "Only the participant's own work consultant can change their goals. "
            "Ask the work consultant."
        ),
        Action.GOAL_RATE: N_(
            "Only the participant's own work consultant can rate goal attainment, together "
            "with the participant. Ask the work consultant."
        ),
        Action.ASSESSMENT_ENTER: N_(
            "Only a neuropsychologist can enter assessment results. "
            "Ask the clinic's neuropsychologist."
        ),
        Action.EXPORT_DATA: N_(
            "Only a neuropsychologist can export data. Ask the clinic's neuropsychologist."
        ),
        Action.AUDIT_VIEW: N_("Only an admin can read the audit log. Ask an admin."),
        Action.USER_MANAGE: N_(
            "Only an admin can create, unlock or deactivate staff accounts and reset "
            "passwords. Ask an admin."
        ),
    }
)

_ADMIN_NO_RECORDS = N_(
    "Admins manage accounts and do not open participant records. "
    "Ask the participant's work consultant or a neuropsychologist."
)

# Why a work consultant is refused for a participant who is not assigned to them.
_NOT_OWN: Mapping[Action, str] = MappingProxyType(
    {
        Action.PARTICIPANT_LIST: N_(
            "This participant is not on your list. Ask an admin to assign the participant to you."
        ),
        Action.PARTICIPANT_VIEW: N_(
            "Only the participant's own work consultant can open the participant's record. "
            "Ask an admin to assign the participant to you."
        ),
        Action.PARTICIPANT_EDIT: N_(
            "Only the participant's own work consultant can change the training plan, "
            "start date or language. Ask an admin to assign the participant to you."
        ),
        Action.PARTICIPANT_SET_PIN: N_(
            "Only the participant's own work consultant can set the participant's PIN. "
            "Ask an admin to assign the participant to you."
        ),
        Action.PARTICIPANT_START_TRAINING: N_(
            "Only the participant's own work consultant can start a training session for "
            "the participant. Ask an admin to assign the participant to you."
        ),
        Action.GOAL_EDIT: N_(
            "Only the participant's own work consultant can change their goals. "
            "Ask an admin to assign the participant to you."
        ),
        Action.GOAL_RATE: N_(
            "Only the participant's own work consultant can rate their goal attainment. "
            "Ask an admin to assign the participant to you."
        ),
        Action.NOTE_ADD: N_(
            "Only the participant's own work consultant or a neuropsychologist can add notes "
            "about the participant. Ask an admin to assign the participant to you."
        ),
        Action.ASSESSMENT_VIEW: N_(
            "Only the participant's own work consultant or a neuropsychologist can see the "
            "participant's assessment results. Ask an admin to assign the participant to you."
        ),
        Action.REPORT_PRINT: N_(
            "Only the participant's own work consultant or a neuropsychologist can print the "
            "participant's report. Ask an admin to assign the participant to you."
        ),
    }
)

_UNKNOWN_OWNER = N_(
    "cogtrain could not tell whether this participant is assigned to you, so it was not "
    "allowed. Open the participant from your participant list and try again."
)


@dataclass(frozen=True)
class Decision:
    """The answer of :func:`decide`.

    ``reason`` is set exactly when refused: a translated sentence saying why and whom to
    ask, ready to show. ``scope`` is set exactly when allowed: ``own`` on
    ``participant_list`` means "list only the participants assigned to this user".
    """

    allowed: bool
    reason: Msg | None = None
    scope: Scope | None = None

    def __post_init__(self) -> None:
        if self.allowed != (self.reason is None) or self.allowed != (self.scope is not None):
            raise ValueError("an allowed Decision has a scope and no reason; a refusal a reason")

    def __bool__(self) -> bool:
        return self.allowed


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {role!r}; the roles are {known}") from None


def _action(action: Action | str) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise ValueError(f"unknown action {action!r}") from None


def role_label(role: Role | str) -> Msg:
    """The role in words staff recognise ("Work consultant"), translated."""
    return _(ROLE_LABELS[_role(role)])


def allowed_actions(role: Role | str) -> frozenset[Action]:
    """Every action ``role`` may take on at least some participant."""
    return frozenset(PERMISSIONS[_role(role)])


def decide(role: Role | str, action: Action | str, *, own: bool | None = None) -> Decision:
    """May a user with ``role`` do ``action``?

    ``own``: is the participant in question assigned to the acting user (``None`` for
    actions not about one participant). Unknown roles or actions raise
    :class:`ValueError`; ``own`` that is not a bool or ``None`` raises :class:`TypeError`,
    because a truthy stand-in (a participant id, a consultant id) would open records.
    """
    r, a = _role(role), _action(action)
    if own is not None and not isinstance(own, bool):
        raise TypeError(f"own must be True, False or None, not {own!r}")
    scope = PERMISSIONS[r].get(a)
    if scope is None:
        if r is Role.ADMIN and a in HEALTH_DATA_ACTIONS:
            return Decision(False, _(_ADMIN_NO_RECORDS))
        return Decision(False, _(_ONLY_FOR[a]))
    if scope is Scope.ALL or own is True:
        return Decision(True, scope=scope)
    if own is None:
        if a in NOT_ABOUT_ONE_PARTICIPANT:
            return Decision(True, scope=scope)
        return Decision(False, _(_UNKNOWN_OWNER))
    return Decision(False, _(_NOT_OWN[a]))
