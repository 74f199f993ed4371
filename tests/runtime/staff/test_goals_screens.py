"""The goal screens driven for real: typing, clicking, and what ends up stored and audited."""

from __future__ import annotations

import pygame
import pytest

from cogtrain.i18n import _
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.goals import (
    GoalFormScene,
    GoalsScene,
    NoteFormScene,
    RatingFormScene,
    domain_label,
    exercise_label,
)
from cogtrain.staff.desk import StaffDesk
from cogtrain.staff.forms import GoalDraft, StaffUserDraft
from cogtrain.staff.goal_scale import GAS_LEVELS
from tests.runtime.staff.conftest import ADMIN_PW, KARI_PW, Clinic, Driver


def audit(desk: StaffDesk, action: str) -> list[tuple[str, str, str | None]]:
    """(who, outcome, participant code) of every audit row with ``action``, oldest first."""
    rows = desk.records.audit_log(limit=10_000)
    return [
        (r.actor_name, r.outcome, r.participant_code) for r in reversed(rows) if r.action == action
    ]


def list_item(selection_list, value: str):  # type: ignore[no-untyped-def]
    """The button of the item with ``value``, scrolled into view."""
    for k, item in enumerate(selection_list.item_list):
        if item["object_id"] == value:
            if item["button_element"] is None and selection_list.scroll_bar is not None:
                share = k / len(selection_list.item_list)
                selection_list.scroll_bar.set_scroll_from_start_percentage(share)
                selection_list.update(0.0)
            assert item["button_element"] is not None, value
            return item["button_element"]
    raise AssertionError(f"no item {value!r}")


def pick_option(drive: Driver, menu, value: str) -> None:  # type: ignore[no-untyped-def]
    """Open a drop-down with a click and click the option with ``value``."""
    drive.click(menu)
    options = menu.current_state.options_selection_list
    drive.click(list_item(options, value))
    assert menu.selected_option[1] == value


def rendered_texts(drive: Driver) -> set[str]:
    """Every piece of text the screen draws in one frame."""
    seen: set[str] = set()
    original = th.Theme.render

    def spy(self, text, *args, **kw):  # type: ignore[no-untyped-def]
        seen.add(str(text))
        return original(self, text, *args, **kw)

    th.Theme.render = spy  # type: ignore[method-assign]
    try:
        drive.frames(1)
    finally:
        th.Theme.render = original  # type: ignore[method-assign]
    return seen


@pytest.fixture
def kari(drive: Driver, clinic: Clinic) -> Driver:
    drive.login("kari", KARI_PW)
    drive.nav.goals(clinic.participant_id)
    drive.frames(3)
    return drive


def test_goals_list_shows_the_goal_with_its_situation_and_training(
    kari: Driver, clinic: Clinic
) -> None:
    scene = kari.scene
    assert isinstance(scene, GoalsScene)
    assert "JMO-014" in scene.title
    texts = rendered_texts(kari)
    joined = "\n".join(texts)
    assert "Holde oversikt over plukklista" in joined
    assert "Lageret, morgenskiftet" in joined
    assert str(domain_label("attention")) in joined and str(exercise_label("order_list")) in joined
    assert "01.03.2027" in joined
    assert str(_("Not rated yet")) in texts
    # Opening the list is a view of the participant's record, and is logged as one.
    assert audit(kari.nav.desk, "participant_view")[-1] == ("kari", "ok", "JMO-014")


def test_consultant_writes_a_new_goal_by_typing_and_clicking(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    kari.click(kari.scene._buttons["new"])
    form = kari.scene
    assert isinstance(form, GoalFormScene)
    kari.type_into(form.text, "Huske beskjeder fra skiftlederen")
    kari.type_into(form.situation, "Morgenmøtet på lageret.")
    kari.click(list_item(form.domain_list, "memory"))
    kari.click(list_item(form.exercise_list, "names_and_codes"))
    kari.type_into(form.target, "15.02.2027")
    kari.click(kari.button(_("Save")))

    assert isinstance(kari.scene, GoalsScene)
    assert kari.scene.notice == _("The goal is saved.")
    goals = desk.records.goals_of(clinic.participant_id)
    assert len(goals) == 2
    new = goals[-1]
    assert new.text == "Huske beskjeder fra skiftlederen"
    assert new.workplace_situation == "Morgenmøtet på lageret."
    assert new.domains == ("memory",)
    assert new.exercise_ids == ("names_and_codes",)
    assert new.target_date is not None and new.target_date.isoformat() == "2027-02-15"
    assert audit(desk, "goal_create")[-1] == ("kari", "ok", "JMO-014")


def test_a_goal_without_text_shows_why_and_stores_nothing(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    kari.click(kari.scene._buttons["new"])
    form = kari.scene
    assert isinstance(form, GoalFormScene)
    kari.type_into(form.target, "15.02.2027")
    before = len(audit(desk, "goal_create"))
    kari.click(kari.button(_("Save")))  # the goal text is left empty
    assert kari.scene is form
    expected = _(
        "Write the goal in at least {minimum} characters, in the participant's own "
        "words where possible."
    ).format(minimum=3)
    assert form.messages == [expected]
    assert len(desk.records.goals_of(clinic.participant_id)) == 1
    assert len(audit(desk, "goal_create")) == before
    # What was typed is still there, to correct.
    assert form.target.get_text() == "15.02.2027"


def test_changing_a_goal_keeps_its_choices_and_saves_a_new_version(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    [(_i, card)] = kari.scene.card_rects
    kari.click_at(card.center, clicks=1)
    kari.click(kari.scene._buttons["edit"])
    form = kari.scene
    assert isinstance(form, GoalFormScene) and form.goal is not None
    assert form.text.get_text().startswith("Holde oversikt")
    assert form.domains_chosen == {"attention", "memory"}
    form.text.set_text("Holde oversikt over plukklista hele skiftet")
    kari.click(list_item(form.domain_list, "attention"))  # click again: not chosen any more
    kari.click(kari.button(_("Save")))
    goal = desk.records.goal(clinic.goal_id)
    assert goal.text == "Holde oversikt over plukklista hele skiftet"
    assert goal.domains == ("memory",)
    assert goal.exercise_ids == ("order_list", "shelf_search")
    assert goal.version == 2
    assert audit(desk, "goal_edit") == [("kari", "ok", "JMO-014")]


def test_a_stale_edit_says_someone_else_changed_it_and_stores_nothing(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    kari.nav.goal_form(clinic.participant_id, desk.records.goal(clinic.goal_id))
    kari.frames(2)
    form = kari.scene
    assert isinstance(form, GoalFormScene)
    # Meanwhile, on another PC, the same goal is changed.
    other = desk.login("kari", KARI_PW)
    other.edit_goal(clinic.goal_id, GoalDraft("Den andre versjonen av målet"), version=1)
    form.text.set_text("Min versjon av målet")
    kari.click(kari.button(_("Save")))

    assert kari.scene is form
    assert form.messages[0] == _("This goal was changed by someone else after you opened it.")
    goal = desk.records.goal(clinic.goal_id)
    assert goal.text == "Den andre versjonen av målet" and goal.version == 2
    assert len(audit(desk, "goal_edit")) == 1  # only the other PC's change
    assert form.reload_button is not None and form.reload_button.visible
    kari.click(form.reload_button)
    fresh = kari.scene
    assert isinstance(fresh, GoalFormScene) and fresh is not form
    assert fresh.goal is not None and fresh.goal.version == 2
    assert fresh.text.get_text() == "Den andre versjonen av målet"


def test_the_rating_form_shows_every_meaning_and_stores_the_chosen_value(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    kari.click(kari.scene._buttons["rate"])
    form = kari.scene
    assert isinstance(form, RatingFormScene)
    texts = "\n".join(rendered_texts(kari))
    for level in GAS_LEVELS:  # the meanings are on screen, not hidden in a list
        first_words = " ".join(str(level.meaning_text()).split()[:4])
        assert first_words in texts, level.value
        assert str(level.label_text()) in form.level_buttons[level.value].text
    kari.click(form.level_buttons[1])
    assert form.value == 1
    kari.type_into(form.comment, "Brukte sjekklista hver dag")
    kari.click(kari.button(_("Save the rating")))
    assert isinstance(kari.scene, GoalsScene)
    [rating] = desk.records.ratings_of(clinic.participant_id)
    assert rating.goal_id == clinic.goal_id
    assert (rating.value, rating.comment) == (1, "Brukte sjekklista hver dag")
    assert audit(desk, "goal_rate") == [("kari", "ok", "JMO-014")]
    assert str(_("Latest rating: {value} {label}")).split("{")[0].strip() in "\n".join(
        rendered_texts(kari)
    )


def test_saving_a_rating_without_a_choice_asks_for_one(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    kari.click(kari.scene._buttons["rate"])
    form = kari.scene
    form.submit()
    assert form.messages == [_("Choose a goal attainment rating from -2 to +2.")]
    assert desk.records.ratings_of(clinic.participant_id) == []
    kari.key(pygame.K_UP)  # the arrow keys move along the scale too
    assert form.value == 0


def test_archive_and_restore(kari: Driver, desk: StaffDesk, clinic: Clinic) -> None:
    scene = kari.scene
    kari.click(scene._buttons["archive"])
    assert desk.records.goal(clinic.goal_id).archived
    assert audit(desk, "goal_archive") == [("kari", "ok", "JMO-014")]
    assert scene._buttons["archive"].text == _("Restore")
    assert not scene._buttons["rate"].is_enabled  # an archived goal is not rated
    assert str(_("Archived goals ({n})")).split("(")[0].strip() in "\n".join(rendered_texts(kari))
    kari.click(scene._buttons["archive"])
    assert not desk.records.goal(clinic.goal_id).archived
    assert audit(desk, "goal_restore") == [("kari", "ok", "JMO-014")]


def test_archiving_a_goal_changed_elsewhere_is_refused(
    kari: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    other = desk.login("kari", KARI_PW)
    other.edit_goal(clinic.goal_id, GoalDraft("Endret et annet sted"), version=1)
    kari.click(kari.scene._buttons["archive"])
    assert not desk.records.goal(clinic.goal_id).archived
    assert kari.scene.messages[0] == _("This goal was changed by someone else after you opened it.")
    assert kari.scene.goals[0].version == 2  # the list shows the new version now


def test_a_note_about_a_goal_and_an_exercise(kari: Driver, desk: StaffDesk, clinic: Clinic) -> None:
    kari.click(kari.scene._buttons["note"])
    form = kari.scene
    assert isinstance(form, NoteFormScene)
    assert form.text.is_focused
    for ch in "Brukte sjekklista på lageret i dag.":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    kari.frames(2)
    pick_option(kari, form.goal_menu, str(clinic.goal_id))
    pick_option(kari, form.exercise_menu, "order_list")
    kari.click(kari.button(_("Save the note")))
    assert isinstance(kari.scene, GoalsScene)
    [note] = desk.records.notes_of(clinic.participant_id)
    assert note.text == "Brukte sjekklista på lageret i dag."
    assert (note.goal_id, note.exercise_id) == (clinic.goal_id, "order_list")
    assert audit(desk, "note_add") == [("kari", "ok", "JMO-014")]


def test_an_empty_note_is_not_saved(kari: Driver, desk: StaffDesk, clinic: Clinic) -> None:
    kari.nav.note_form(clinic.participant_id)
    kari.frames(2)
    kari.scene.submit()
    assert kari.scene.messages == [_("Write the note before saving it.")]
    assert desk.records.notes_of(clinic.participant_id) == []


def test_back_goes_to_the_participant(
    kari: Driver, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    went: list[object] = []
    monkeypatch.setattr(kari.nav, "participant", went.append)
    kari.click(kari.scene._buttons["back"])
    assert went == [clinic.participant_id]


def test_another_consultant_is_refused_and_sees_why(
    drive: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    admin = desk.login("anne", ADMIN_PW)
    admin.add_user(
        StaffUserDraft("ola", "Ola", "consultant", "annen-konsulent-1", "annen-konsulent-1")
    )
    drive.login("ola", "annen-konsulent-1")
    drive.nav.goals(clinic.participant_id)
    drive.frames(3)
    scene = drive.scene
    assert isinstance(scene, GoalsScene)
    assert scene.record is None and scene.goals == []
    assert scene.messages and "JMO-014" not in scene.title
    assert not scene._buttons["new"].visible and scene._buttons["back"].is_enabled
    assert audit(desk, "participant_view")[-1] == ("ola", "denied", "JMO-014")
