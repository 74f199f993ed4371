"""The admin's screens driven for real: accounts made, unlocked, switched off, new
passwords, and the audit log with its pages; and what a consultant sees there."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from cogtrain.i18n import _
from cogtrain.runtime.staff.accounts import (
    AUDIT_PAGE,
    AccountsScene,
    AuditLogScene,
    UserFormScene,
    action_label,
    audit_time,
)
from cogtrain.staff.desk import LOCAL_TZ, LoginFailed, StaffDesk
from cogtrain.staff.roles import Action, Role
from cogtrain.storage.staff_records import AuditEntry
from tests.runtime.staff.conftest import ADMIN_PW, KARI_PW, Clinic, Driver
from tests.support.staff import DeskClock

NEW_PW = "nytt passord på lageret"


def audit(desk: StaffDesk, action: str) -> list[tuple[str, str]]:
    rows = desk.records.audit_log(limit=10_000)
    return [(r.actor_name, r.outcome) for r in reversed(rows) if r.action == action]


@pytest.fixture
def anne(drive: Driver, clinic: Clinic) -> Driver:
    drive.login("anne", ADMIN_PW)
    drive.nav.accounts()
    drive.frames(3)
    return drive


def pick(drive: Driver, username: str) -> None:
    """Click the account's row in the list."""
    scene = drive.scene
    assert isinstance(scene, AccountsScene) and scene.users is not None
    k = next(i for i, u in enumerate(scene.users) if u.username == username)
    rect = next(r for i, r in scene.row_rects if i == k)
    drive.click_at(rect.center)
    assert scene.picked_user is not None and scene.picked_user.username == username


def test_the_list_shows_every_account(anne: Driver) -> None:
    scene = anne.scene
    assert isinstance(scene, AccountsScene)
    assert [u.username for u in scene.users or []] == ["anne", "kari"]
    cells = scene._cells(scene.users[1])  # type: ignore[index]
    assert cells[:4] == ("kari", "Kari Konsulent", _("Work consultant"), _("yes"))
    assert cells[4] == "–"  # not locked


def test_admin_makes_a_new_account_with_the_form(anne: Driver, desk: StaffDesk) -> None:
    anne.click(anne.scene._buttons["new"])
    form = anne.scene
    assert isinstance(form, UserFormScene)
    anne.type_into(form.username, "nils")
    anne.type_into(form.display_name, "Nils Nevropsykolog")
    anne.click(form.role)
    options = form.role.current_state.options_selection_list
    anne.click(
        next(
            i["button_element"] for i in options.item_list if i["object_id"] == "neuropsychologist"
        )
    )
    anne.type_into(form.password, "hjernen er plastisk")
    anne.type_into(form.password_again, "hjernen er plastisk")
    anne.click(anne.button(_("Make the account")))

    assert isinstance(anne.scene, AccountsScene)
    assert "nils" in str(anne.scene.notice)
    row = desk.records.user_by_username("nils")
    assert row is not None and row.role == Role.NEUROPSYCHOLOGIST.value and row.active
    assert audit(desk, "user_create")[-1] == ("anne", "ok")
    assert desk.login("nils", "hjernen er plastisk").user.display_name == "Nils Nevropsykolog"


def test_a_taken_user_name_and_unequal_passwords_are_explained(
    anne: Driver, desk: StaffDesk
) -> None:
    anne.nav.user_form()
    anne.frames(2)
    form = anne.scene
    form.username.set_text("kari")
    form.display_name.set_text("Kari To")
    form.password.set_text("et langt passord")
    form.password_again.set_text("et annet passord")
    form.submit()
    # Every problem at once: the taken name and the unequal passwords.
    assert form.messages == [
        _("The username {name} is already taken. Choose another one.").format(name="kari"),
        _("The two passwords are not the same. Type the same password in both fields."),
    ]
    form.username.set_text("kari")
    form.password.set_text("et langt passord")
    form.password_again.set_text("et langt passord")
    form.submit()
    assert form.messages == [
        _("The username {name} is already taken. Choose another one.").format(name="kari")
    ]
    assert form.password.get_text() == ""  # a password never stays in a field
    assert [u.username for u in desk.records.users()] == ["anne", "kari"]


def test_unlock_an_account_locked_by_wrong_passwords(anne: Driver, desk: StaffDesk) -> None:
    for _i in range(5):
        with pytest.raises(LoginFailed):
            desk.login("kari", "feil passord!!")
    anne.scene._load()
    anne.scene._sync_buttons()
    pick(anne, "kari")
    scene = anne.scene
    assert scene._locked(scene.picked_user)  # type: ignore[arg-type]
    assert scene._cells(scene.picked_user)[4] != "–"  # type: ignore[arg-type]
    assert scene._buttons["unlock"].is_enabled
    anne.click(scene._buttons["unlock"])
    row = desk.records.user_by_username("kari")
    assert row is not None and row.locked_until is None and row.failed_attempts == 0
    assert audit(desk, "user_unlock") == [("anne", "ok")]
    assert desk.login("kari", KARI_PW).user.username == "kari"
    assert not scene._buttons["unlock"].is_enabled


def test_switch_an_account_off_and_on(anne: Driver, desk: StaffDesk) -> None:
    pick(anne, "kari")
    scene = anne.scene
    anne.click(scene._buttons["active"])
    row = desk.records.user_by_username("kari")
    assert row is not None and not row.active
    assert audit(desk, "user_deactivate") == [("anne", "ok")]
    assert scene._buttons["active"].text == _("Switch on")
    with pytest.raises(LoginFailed, match="switched off|slått av"):
        desk.login("kari", KARI_PW)
    anne.click(scene._buttons["active"])
    assert desk.records.user_by_username("kari").active  # type: ignore[union-attr]
    assert audit(desk, "user_reactivate") == [("anne", "ok")]


def test_an_admin_cannot_switch_off_their_own_account(anne: Driver, desk: StaffDesk) -> None:
    pick(anne, "anne")
    anne.click(anne.scene._buttons["active"])
    assert anne.scene.messages == [_("You cannot switch off your own account.")]
    assert desk.records.user_by_username("anne").active  # type: ignore[union-attr]


def test_reset_a_password_with_the_small_form(anne: Driver, desk: StaffDesk) -> None:
    pick(anne, "kari")
    scene = anne.scene
    old_hash = desk.records.user_by_username("kari").password_hash  # type: ignore[union-attr]
    anne.click(scene._buttons["reset"])
    anne.frames(2)
    assert scene.resetting is not None and scene.password is not None
    assert scene.password.is_text_hidden and scene.password_again.is_text_hidden  # type: ignore[union-attr]
    anne.type_into(scene.password, NEW_PW)
    anne.type_into(scene.password_again, NEW_PW + "!")
    anne.click(anne.button(_("Save the password")))
    assert scene.messages == [_("The two passwords are not the same.")]
    assert desk.records.user_by_username("kari").password_hash == old_hash  # type: ignore[union-attr]
    assert audit(desk, "user_reset_password") == []
    anne.type_into(scene.password, NEW_PW)
    anne.type_into(scene.password_again, NEW_PW)
    anne.click(anne.button(_("Save the password")))
    assert scene.resetting is None and scene.messages == []
    assert "Kari Konsulent" in str(scene.notice)
    assert audit(desk, "user_reset_password") == [("anne", "ok")]
    assert desk.login("kari", NEW_PW).user.username == "kari"
    with pytest.raises(LoginFailed):
        desk.login("kari", KARI_PW)
    anne.frames(2)
    assert scene.password is None and "reset" in scene._buttons  # the list's buttons again


def test_the_audit_log_newest_first_with_pages(
    anne: Driver, desk: StaffDesk, desk_now: DeskClock
) -> None:
    for i in range(120):
        desk_now.advance(minutes=1)
        desk.records.audit(AuditEntry(None, "kari", f"custom_{i:03d}"), now=desk_now())
    anne.nav.touch()  # two hours went by in the log, not at this screen
    anne.click(anne.scene._buttons["audit"])
    log = anne.scene
    assert isinstance(log, AuditLogScene)
    # The pages show the log as it was when opened: not the row the opening wrote.
    total = desk.records.audit_count() - 1
    assert desk.records.audit_log(limit=1)[0].action == "audit_log_view"
    assert total > 2 * AUDIT_PAGE
    assert log.rows is not None and len(log.rows) == AUDIT_PAGE
    assert log.rows[0].action == "custom_119"  # the newest first
    assert [r.at for r in log.rows] == sorted((r.at for r in log.rows), reverse=True)
    assert not log._buttons["newer"].is_enabled and log._buttons["older"].is_enabled
    anne.click(log._buttons["older"])
    assert log.page == 1 and log.rows[0].action == "custom_069"
    anne.click(log._buttons["older"])
    assert log.page == 2
    assert len(log.rows) == total - 2 * AUDIT_PAGE and not log._buttons["older"].is_enabled
    anne.click(log._buttons["newer"])
    anne.click(log._buttons["newer"])
    assert log.page == 0 and log.rows[0].action == "custom_119"
    anne.click(log._buttons["back"])
    assert isinstance(anne.scene, AccountsScene)


def test_audit_rows_in_words_and_local_time() -> None:
    assert action_label("goal_edit") == _("Changed a goal")
    assert action_label("participant_view") == _("Opened a participant")
    assert action_label("login") == _("Logged in")
    assert action_label("something_new") == "something_new"  # shown as it is
    winter = datetime(2026, 12, 2, 9, 5, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)
    assert audit_time(winter, LOCAL_TZ) == "02.12.2026 10:05"
    assert audit_time(summer, LOCAL_TZ) == "01.07.2026 23:30"


def test_a_log_in_made_while_the_server_was_away_says_so() -> None:
    from cogtrain import i18n
    from cogtrain.runtime.staff.accounts import outcome_label
    from cogtrain.storage.staff_records import AuditRow

    i18n.set_language("en")
    at = datetime(2026, 12, 2, 9, 5, tzinfo=UTC)
    row = AuditRow(at, "participant", "participant_login", "failed", "JMO-014", {}, "PC-1")
    assert outcome_label(row) == "failed"
    away = dataclasses.replace(row, detail={"why": "wrong_pin", "offline": True})
    assert outcome_label(away) == "failed (wrong PIN), offline"


def test_every_action_the_desk_writes_has_a_label() -> None:
    import re
    from pathlib import Path

    import cogtrain.staff.desk as desk_module

    source = Path(desk_module.__file__).read_text(encoding="utf-8")
    written = set(re.findall(r'_entry\("([a-z_]+)"', source))
    written |= set(re.findall(r'_audit_alone\(\s*"([a-z_]+)"', source))
    written |= set(re.findall(r'AuditEntry\([^()]*?"([a-z_]+)"', source))
    written |= {a.value for a in Action}  # a refusal is logged under its permission
    written -= {"participant", "ok", "failed", "denied"}
    assert written
    unlabelled = sorted(a for a in written if action_label(a) == a)
    assert not unlabelled


def test_a_consultant_is_refused_the_accounts_and_the_log(
    drive: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    drive.login("kari", KARI_PW)
    drive.nav.accounts()
    drive.frames(3)
    scene = drive.scene
    assert isinstance(scene, AccountsScene)
    assert scene.users is None and len(scene.messages) == 1
    assert not scene._buttons["new"].visible and not scene._buttons["audit"].visible
    assert audit(desk, "user_manage") == [("kari", "denied")]
    drive.nav.audit_log()
    drive.frames(3)
    assert drive.scene.rows is None and len(drive.scene.messages) == 1  # type: ignore[attr-defined]
    assert audit(desk, "audit_view") == [("kari", "denied")]
    drive.click(drive.scene._buttons["back"])  # type: ignore[attr-defined]
    assert type(drive.scene).__name__ == "OverviewScene"  # a consultant's home
