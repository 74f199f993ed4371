"""The permission table, pinned cell by cell, and the reasons given for every refusal."""

from __future__ import annotations

import gettext
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cogtrain import i18n
from cogtrain.i18n import Msg
from cogtrain.staff.roles import (
    PERMISSIONS,
    Action,
    Decision,
    Role,
    Scope,
    allowed_actions,
    decide,
    role_label,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    i18n.set_language("en")
    yield


# What each role may do, as (own=True, own=False, own=None): Y allowed, n refused.
# Written out by hand from the policy so that any change to PERMISSIONS fails here.
EXPECTED: dict[Role, dict[Action, str]] = {
    Role.CONSULTANT: {
        Action.PARTICIPANT_LIST: "YnY",  # None: list only own participants
        Action.PARTICIPANT_VIEW: "Ynn",
        Action.PARTICIPANT_CREATE: "YYY",
        Action.PARTICIPANT_EDIT: "Ynn",
        Action.PARTICIPANT_DEACTIVATE: "nnn",
        Action.PARTICIPANT_ASSIGN_CONSULTANT: "nnn",
        Action.PARTICIPANT_SET_PIN: "Ynn",
        Action.PARTICIPANT_START_TRAINING: "Ynn",
        Action.GOAL_EDIT: "Ynn",
        Action.GOAL_RATE: "Ynn",
        Action.NOTE_ADD: "Ynn",
        Action.ASSESSMENT_ENTER: "nnn",
        Action.ASSESSMENT_VIEW: "Ynn",
        Action.EXPORT_DATA: "nnn",
        Action.REPORT_PRINT: "Ynn",
        Action.AUDIT_VIEW: "nnn",
        Action.USER_MANAGE: "nnn",
    },
    Role.NEUROPSYCHOLOGIST: {
        Action.PARTICIPANT_LIST: "YYY",
        Action.PARTICIPANT_VIEW: "YYY",
        Action.PARTICIPANT_CREATE: "nnn",
        Action.PARTICIPANT_EDIT: "nnn",
        Action.PARTICIPANT_DEACTIVATE: "nnn",
        Action.PARTICIPANT_ASSIGN_CONSULTANT: "nnn",
        Action.PARTICIPANT_SET_PIN: "nnn",
        Action.PARTICIPANT_START_TRAINING: "nnn",
        Action.GOAL_EDIT: "nnn",
        Action.GOAL_RATE: "nnn",
        Action.NOTE_ADD: "YYY",
        Action.ASSESSMENT_ENTER: "YYY",
        Action.ASSESSMENT_VIEW: "YYY",
        Action.EXPORT_DATA: "YYY",
        Action.REPORT_PRINT: "YYY",
        Action.AUDIT_VIEW: "nnn",
        Action.USER_MANAGE: "nnn",
    },
    Role.ADMIN: {
        Action.PARTICIPANT_LIST: "YYY",
        Action.PARTICIPANT_VIEW: "nnn",
        Action.PARTICIPANT_CREATE: "YYY",
        Action.PARTICIPANT_EDIT: "nnn",
        Action.PARTICIPANT_DEACTIVATE: "YYY",
        Action.PARTICIPANT_ASSIGN_CONSULTANT: "YYY",
        Action.PARTICIPANT_SET_PIN: "nnn",
        Action.PARTICIPANT_START_TRAINING: "nnn",
        Action.GOAL_EDIT: "nnn",
        Action.GOAL_RATE: "nnn",
        Action.NOTE_ADD: "nnn",
        Action.ASSESSMENT_ENTER: "nnn",
        Action.ASSESSMENT_VIEW: "nnn",
        Action.EXPORT_DATA: "nnn",
        Action.REPORT_PRINT: "nnn",
        Action.AUDIT_VIEW: "YYY",
        Action.USER_MANAGE: "YYY",
    },
}

CELLS = [
    (role, action, own, EXPECTED[role][action][i] == "Y")
    for role in Role
    for action in Action
    for i, own in enumerate((True, False, None))
]


def test_expected_table_names_every_role_and_action() -> None:
    assert set(EXPECTED) == set(Role)
    for role in Role:
        assert set(EXPECTED[role]) == set(Action), role
    assert len(CELLS) == 3 * 17 * 3


@pytest.mark.parametrize(
    ("role", "action", "own", "allowed"),
    CELLS,
    ids=[f"{r}-{a}-own={o}" for r, a, o, _ok in CELLS],
)
def test_decision_matrix(role: Role, action: Action, own: bool | None, allowed: bool) -> None:
    decision = decide(role, action, own=own)
    assert decision.allowed is allowed
    assert bool(decision) is allowed
    if allowed:
        assert decision.reason is None
        assert decision.scope is PERMISSIONS[role][action]
    else:
        assert isinstance(decision.reason, Msg)
        assert len(decision.reason.strip()) > 20
        assert decision.scope is None


def test_string_roles_and_actions_decide_like_the_enums() -> None:
    assert decide("consultant", "goal_edit", own=True) == decide(
        Role.CONSULTANT, Action.GOAL_EDIT, own=True
    )
    assert decide("admin", "participant_view").allowed is False


def test_scope_tells_the_caller_to_list_only_own_participants() -> None:
    assert decide(Role.CONSULTANT, Action.PARTICIPANT_LIST) == Decision(True, scope=Scope.OWN)
    assert decide(Role.NEUROPSYCHOLOGIST, Action.PARTICIPANT_LIST) == Decision(
        True, scope=Scope.ALL
    )
    assert decide(Role.ADMIN, Action.PARTICIPANT_LIST).scope is Scope.ALL


def test_reasons_say_why_and_whom_to_ask() -> None:
    assert i18n.current_language() == "en"  # the fixture runs after the conftest's nb
    assert decide(Role.CONSULTANT, Action.GOAL_EDIT, own=False).reason == (
        "Only the participant's own work consultant can change their goals. "
        "Ask an admin to assign the participant to you."
    )
    assert decide(Role.ADMIN, Action.PARTICIPANT_VIEW, own=None).reason == (
        "Admins manage accounts and do not open participant records. "
        "Ask the participant's work consultant or a neuropsychologist."
    )
    assert decide(Role.CONSULTANT, Action.USER_MANAGE).reason == (
        "Only an admin can create, unlock or deactivate staff accounts and reset passwords. "
        "Ask an admin."
    )
    assert decide(Role.NEUROPSYCHOLOGIST, Action.GOAL_EDIT, own=False).reason == (
        "Only the participant's own work consultant can change their goals. "
        "Ask the work consultant."
    )
    assert decide(Role.CONSULTANT, Action.ASSESSMENT_ENTER, own=True).reason == (
        "Only a neuropsychologist can enter assessment results. Ask the clinic's neuropsychologist."
    )
    assert decide(Role.CONSULTANT, Action.GOAL_RATE, own=None).reason == (
        "cogtrain could not tell whether this participant is assigned to you, so it was not "
        "allowed. Open the participant from your participant list and try again."
    )


def test_every_admin_refusal_is_about_participant_records() -> None:
    admin_refusals = {
        decide(Role.ADMIN, a, own=o).reason
        for a in Action
        for o in (True, False, None)
        if not decide(Role.ADMIN, a, own=o).allowed
    }
    assert admin_refusals == {
        "Admins manage accounts and do not open participant records. "
        "Ask the participant's work consultant or a neuropsychologist."
    }


def test_not_own_reasons_differ_per_action() -> None:
    own_only = [a for a in Action if EXPECTED[Role.CONSULTANT][a] in ("Ynn", "YnY")]
    reasons = [decide(Role.CONSULTANT, a, own=False).reason for a in own_only]
    assert len(own_only) == 10
    assert len(set(reasons)) == 10
    assert all("Ask an admin to assign the participant to you." in r for r in reasons if r)


class _Marking(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"<<{message}>>"


def test_reasons_are_translated_when_decided_not_at_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(i18n._active, "translations", _Marking())
    reason = decide(Role.ADMIN, Action.GOAL_EDIT).reason
    assert reason is not None and reason.startswith("<<Admins manage") and reason.endswith(">>")
    assert role_label(Role.CONSULTANT) == "<<Work consultant>>"


def test_allowed_actions() -> None:
    assert allowed_actions(Role.ADMIN) == frozenset(
        {
            Action.PARTICIPANT_LIST,
            Action.PARTICIPANT_CREATE,
            Action.PARTICIPANT_ASSIGN_CONSULTANT,
            Action.PARTICIPANT_DEACTIVATE,
            Action.AUDIT_VIEW,
            Action.USER_MANAGE,
        }
    )
    assert allowed_actions("neuropsychologist") == frozenset(
        {
            Action.PARTICIPANT_LIST,
            Action.PARTICIPANT_VIEW,
            Action.NOTE_ADD,
            Action.ASSESSMENT_ENTER,
            Action.ASSESSMENT_VIEW,
            Action.EXPORT_DATA,
            Action.REPORT_PRINT,
        }
    )
    assert len(allowed_actions(Role.CONSULTANT)) == 11
    assert Action.PARTICIPANT_VIEW not in allowed_actions(Role.ADMIN)


def test_role_labels() -> None:
    assert [role_label(r) for r in Role] == ["Work consultant", "Neuropsychologist", "Admin"]


def test_unknown_role_or_action_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown role 'superuser'.*consultant"):
        decide("superuser", Action.PARTICIPANT_LIST)
    with pytest.raises(ValueError, match="unknown role"):
        allowed_actions("Consultant")
    with pytest.raises(ValueError, match="unknown action 'participant_delete'"):
        decide(Role.ADMIN, "participant_delete")


@pytest.mark.parametrize("own", [1, 0, "yes", "False"])
def test_own_must_be_a_bool_or_none(own: object) -> None:
    with pytest.raises(TypeError, match="own must be True, False or None"):
        decide(Role.CONSULTANT, Action.GOAL_EDIT, own=own)  # type: ignore[arg-type]


def test_the_table_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        PERMISSIONS[Role.ADMIN][Action.PARTICIPANT_VIEW] = Scope.ALL  # type: ignore[index]


def test_decision_is_consistent() -> None:
    with pytest.raises(ValueError):
        Decision(True, reason=Msg("no"), scope=Scope.ALL)
    with pytest.raises(ValueError):
        Decision(False)


STAFF_MODULES = ("roles", "passwords", "codes", "forms", "goal_scale")


def test_staff_rules_import_without_pygame_or_sqlalchemy() -> None:
    modules = ", ".join(f"cogtrain.staff.{m}" for m in STAFF_MODULES)
    code = (
        f"import sys, {modules};"
        "bad=[m for m in ('pygame','sqlalchemy') if m in sys.modules]; print(bad);"
        "sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", STAFF_MODULES)
def test_staff_rules_never_read_the_clock(name: str) -> None:
    source = (Path(__file__).resolve().parents[2] / "cogtrain" / "staff" / f"{name}.py").read_text(
        encoding="utf-8"
    )
    for clock in (".now(", ".today(", "time.time(", "monotonic(", ".utcnow("):
        assert clock not in source, f"{name}.py reads the clock with {clock}"
