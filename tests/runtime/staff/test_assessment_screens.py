"""The assessment screens driven for real: entering a battery, the profile, before and after."""

from __future__ import annotations

import pygame
import pytest

from cogtrain.assessment.feedback import Change
from cogtrain.assessment.scores import ScoreDraft, validate_score
from cogtrain.i18n import _
from cogtrain.runtime.staff.assessments import AssessmentScene, ScoreFormScene
from cogtrain.runtime.staff.progress import ParticipantScene
from cogtrain.staff.desk import StaffDesk
from cogtrain.staff.forms import FormErrors, StaffUserDraft
from cogtrain.staff.roles import Action, Role, decide
from tests.runtime.staff.conftest import ADMIN_PW, KARI_PW, Clinic, Driver
from tests.runtime.staff.test_goals_screens import audit, pick_option, rendered_texts

NILS_PW = "nevro-psykolog-7"

# (instrument, measure, raw, T) at baseline; the profile's sentences follow from the T.
BASELINE = (
    ("tmt_a", "time", "41,5", "38"),
    ("cpt_ip", "d_prime", "1,9", "37"),
    ("hvlt_r", "total_recall", "26", "52"),
    ("bvmt_r", "total_recall", "27", "58"),
)


@pytest.fixture
def nils(drive: Driver, clinic: Clinic, desk: StaffDesk) -> Driver:
    admin = desk.login("anne", ADMIN_PW)
    admin.add_user(StaffUserDraft("nils", "Nils Nevro", "neuropsychologist", NILS_PW, NILS_PW))
    admin.logout()
    drive.login("nils", NILS_PW)
    return drive


def enter(drive: Driver, clinic: Clinic, timepoint: str, t_scores: dict[str, str]) -> None:
    session = drive.nav.session
    assert session is not None
    drafts = [
        ScoreDraft("matrics", i, m, timepoint, "01.10.2026", raw, t_scores.get(i, t))
        for i, m, raw, t in BASELINE
    ]
    session.enter_scores(clinic.participant_id, drafts)


def row_of(form: ScoreFormScene, instrument_id: str, measure_id: str) -> int:
    for k, row in enumerate(form.rows):
        if row.instrument.instrument_id == instrument_id and row.measure.measure_id == measure_id:
            return k
    raise AssertionError((instrument_id, measure_id))


def open_form(drive: Driver, clinic: Clinic) -> ScoreFormScene:
    drive.nav.assessments(clinic.participant_id)
    drive.frames(3)
    drive.click(drive.button(_("Enter scores")))
    form = drive.scene
    assert isinstance(form, ScoreFormScene)
    return form


def test_neuropsychologist_enters_a_small_battery(
    nils: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    form = open_form(nils, clinic)
    assert "JMO-014" in form.title
    assert form.date is not None and form.date.get_text() == "02.12.2026"
    pick_option(nils, form.menu, "baseline")
    tmt = form.rows[row_of(form, "tmt_a", "time")]
    hvlt = form.rows[row_of(form, "hvlt_r", "total_recall")]
    delayed = form.rows[row_of(form, "hvlt_r", "delayed_recall")]
    assert delayed.standard is None  # no standard score for this measure: no entry
    nils.type_into(tmt.raw, "41,5")
    nils.type_into(tmt.standard, "38")
    nils.type_into(hvlt.standard, "52")
    nils.type_into(delayed.raw, "9")
    nils.click(nils.button(_("Save")))

    assert isinstance(nils.scene, AssessmentScene)
    assert nils.scene.notice == _("{n} scores saved.").format(n="3")
    stored = {
        (r.fields.instrument_id, r.fields.measure_id): r.fields
        for r in desk.records.scores_of(clinic.participant_id)
    }
    assert set(stored) == {
        ("tmt_a", "time"),
        ("hvlt_r", "total_recall"),
        ("hvlt_r", "delayed_recall"),
    }
    tmt_f = stored[("tmt_a", "time")]
    assert (tmt_f.raw_value, tmt_f.standard_value, tmt_f.standard_kind) == (41.5, 38.0, "T")
    assert tmt_f.timepoint == "baseline" and tmt_f.assessed_on.isoformat() == "2026-12-02"
    hv = stored[("hvlt_r", "total_recall")]
    assert (hv.raw_value, hv.standard_value) == (None, 52.0)
    assert stored[("hvlt_r", "delayed_recall")].raw_value == 9.0
    assert audit(desk, "assessment_enter") == [("nils", "ok", "JMO-014")] * 3


def test_a_value_above_the_range_is_named_marked_and_nothing_is_stored(
    nils: Driver, desk: StaffDesk, clinic: Clinic
) -> None:
    form = open_form(nils, clinic)
    tmt = row_of(form, "tmt_a", "time")
    hvlt = row_of(form, "hvlt_r", "total_recall")
    nils.type_into(form.rows[tmt].raw, "41")
    nils.type_into(form.rows[hvlt].raw, "40")  # the list has 36 words
    nils.click(nils.button(_("Save")))

    assert nils.scene is form
    with pytest.raises(FormErrors) as exc:
        validate_score(
            ScoreDraft("matrics", "hvlt_r", "total_recall", "baseline", "02.12.2026", "40"),
            desk.batteries,
            desk.today(),
        )
    expected = str(exc.value.errors[0].message)
    assert expected in nils.shown()
    assert form.problem_rows == {hvlt}
    assert desk.records.scores_of(clinic.participant_id) == []
    assert audit(desk, "assessment_enter") == []
    # Corrected, the same form saves both rows.
    entry = form.rows[hvlt].raw
    nils.click(entry)
    entry.set_text("")
    nils.type_into(entry, "30")
    nils.click(nils.button(_("Save")))
    assert isinstance(nils.scene, AssessmentScene)
    assert len(desk.records.scores_of(clinic.participant_id)) == 2


def test_rows_scroll_with_page_down(nils: Driver, clinic: Clinic) -> None:
    form = open_form(nils, clinic)
    assert len(form.rows) > form.fits  # 15 measures do not fit at 1024x768
    last = form.rows[-1]
    assert last.standard is not None and not last.standard.visible
    nils.key(pygame.K_PAGEDOWN)
    nils.key(pygame.K_PAGEDOWN)
    assert last.standard.visible
    assert not form.rows[0].raw.visible


def test_profile_shows_the_participant_sentences(nils: Driver, clinic: Clinic) -> None:
    enter(nils, clinic, "baseline", {})
    nils.nav.assessments(clinic.participant_id)
    nils.frames(3)
    scene = nils.scene
    assert isinstance(scene, AssessmentScene) and scene.tab == "profile"
    texts = rendered_texts(nils)
    # T 38 and 37: below; 52: typical; 58: above (a strength).
    for sentence in (
        "Keeping up speed takes more effort for you than for most people.",
        "Staying focused over time takes more effort for you than for most people.",
        "Remembering what you hear goes as well for you as for most people.",
        "Remembering what you see is one of your strengths.",
    ):
        assert str(_(sentence)) in texts, sentence
    assert any(str(_("Below the typical range")) in t for t in texts)
    joined = "\n".join(texts)
    assert "T 38" in joined and "T 58" in joined
    assert str(_("Attention")) in joined  # what could help
    assert any("diagnos" in t for t in texts)


def test_before_and_after_shows_a_calm_line_then_the_change_words(
    nils: Driver, clinic: Clinic
) -> None:
    enter(nils, clinic, "baseline", {})
    nils.nav.assessments(clinic.participant_id)
    nils.frames(3)
    nils.click(nils.button(_("Before and after")))
    texts = rendered_texts(nils)
    assert str(_("The results after training are not entered yet.")) in texts

    enter(nils, clinic, "post", {"tmt_a": "45", "cpt_ip": "40", "bvmt_r": "57"})
    nils.nav.assessments(clinic.participant_id)
    nils.frames(3)
    nils.click(nils.button(_("Before and after")))
    texts = rendered_texts(nils)
    for word in (Change.CLEARLY_BETTER, Change.A_LITTLE_BETTER, Change.ABOUT_THE_SAME):
        assert str(word.label) in texts, word
    assert "+7" in texts and "+3" in texts
    assert str(_("The results after training are not entered yet.")) not in texts


def test_scores_tab_lists_what_was_entered(nils: Driver, clinic: Clinic) -> None:
    enter(nils, clinic, "baseline", {})
    nils.nav.assessments(clinic.participant_id)
    nils.frames(3)
    nils.click(nils.button(_("Scores")))
    texts = rendered_texts(nils)
    assert "01.10.2026" in texts and "Nils Nevro" in texts
    assert "41,5 sekunder" in texts or "41,5 seconds" in texts
    assert "T 38" in texts


def test_consultant_sees_the_assessment_but_cannot_enter(
    drive: Driver, clinic: Clinic, desk: StaffDesk
) -> None:
    drive.login("kari", KARI_PW)
    drive.nav.participant(clinic.participant_id)
    drive.frames(3)
    assert isinstance(drive.scene, ParticipantScene)
    drive.click(drive.button(_("Assessment")))
    scene = drive.scene
    assert isinstance(scene, AssessmentScene)
    assert scene.rows == [] and not scene.messages
    assert str(_("Enter scores")) not in scene.buttons
    assert str(_("No assessment results are entered yet.")) in rendered_texts(drive)
    assert audit(desk, "assessment_view")[-1] == ("kari", "ok", "JMO-014")
    drive.click(drive.button(_("Back")))
    assert isinstance(drive.scene, ParticipantScene)


def test_admin_is_refused_with_only_back(drive: Driver, clinic: Clinic, desk: StaffDesk) -> None:
    drive.login("anne", ADMIN_PW)
    drive.nav.assessments(clinic.participant_id)
    drive.frames(3)
    scene = drive.scene
    assert isinstance(scene, AssessmentScene)
    reason = decide(Role.ADMIN, Action.ASSESSMENT_VIEW, own=False).reason
    assert reason is not None and str(reason) in drive.shown()
    visible = [b.text for b in scene.buttons.values() if b.visible]
    assert sorted(visible) == sorted([str(_("Back")), str(_("Log out"))])
    assert audit(desk, "assessment_view")[-1] == ("anne", "denied", "JMO-014")
