"""Assessment feedback: domain T scores, bands, plain-words sentences, before versus after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cogtrain import i18n
from cogtrain.assessment.batteries import BATTERIES_DIR, BatterySet, load_batteries
from cogtrain.assessment.feedback import (
    Band,
    Change,
    DomainChange,
    DomainResult,
    ScoreRecord,
    band_of,
    before_after,
    change_of,
    domain_profile,
    domain_profiles,
)
from cogtrain.assessment.scores import ScoreDraft, Timepoint, validate_score
from cogtrain.training.exercise import Domain
from tests.assessment.test_batteries import CLINIC


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    i18n.set_language("en")
    yield


@pytest.fixture(scope="module")
def mccb() -> BatterySet:
    return load_batteries()


def t(instrument: str, measure: str, value: float | None, when: str = "baseline") -> ScoreRecord:
    return ScoreRecord(instrument, measure, when, value, "T" if value is not None else None)


def z(instrument: str, measure: str, value: float, when: str = "baseline") -> ScoreRecord:
    return ScoreRecord(instrument, measure, when, value, "z")


BASELINE = [
    t("tmt_a", "time", 38),
    t("bacs_symbol_coding", "correct", 42),
    t("category_fluency", "animals", 40),
    z("cpt_ip", "d_prime", -1.6),
    t("wms3_spatial_span", "total", 44),
    t("letter_number_span", "correct", 47),
    t("hvlt_r", "total_recall", 58),
    t("hvlt_r", "delayed_recall", 20),  # not the score measure: for the record only
    t("nab_mazes", "total", 30),
    t("nab_mazes", "total", 36),  # a re-test: the later one counts
    t("tmt_a", "time", None),  # raw value only: does not replace the T above
    t("msceit_managing_emotions", "branch_score", 55),
    t("mccb_overall_composite", "t_score", 41),
    t("old_test", "total", 50),  # no loaded battery knows it
]
POST = [
    t("tmt_a", "time", 45, "post"),
    t("bacs_symbol_coding", "correct", 45, "post"),
    t("category_fluency", "animals", 45, "post"),
    z("cpt_ip", "d_prime", -1.3, "post"),
    t("wms3_spatial_span", "total", 44, "post"),
    t("letter_number_span", "correct", 47, "post"),
    t("mccb_working_memory", "t_score", 46.5, "post"),
    t("hvlt_r", "total_recall", 55, "post"),
    t("bvmt_r", "total_recall", 50, "post"),
    t("msceit_managing_emotions", "branch_score", 49, "post"),
]


# --- bands and change words -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (20, Band.WELL_BELOW),
        (34.99, Band.WELL_BELOW),
        (35, Band.BELOW),
        (39.99, Band.BELOW),
        (40, Band.A_LITTLE_BELOW),
        (44.99, Band.A_LITTLE_BELOW),
        (45, Band.TYPICAL),
        (54.99, Band.TYPICAL),
        (55, Band.ABOVE),
        (80, Band.ABOVE),
    ],
)
def test_bands(value: float, band: Band) -> None:
    assert band_of(value) is band


def test_band_and_change_labels() -> None:
    assert [b.label for b in Band] == [
        "Well below the typical range",
        "Below the typical range",
        "A little below the typical range",
        "In the typical range",
        "Above the typical range",
    ]
    assert [c.label for c in Change] == [
        "Clearly better",
        "A little better",
        "About the same",
        "A little lower",
        "Clearly lower",
    ]


@pytest.mark.parametrize(
    ("change", "word"),
    [
        (12, Change.CLEARLY_BETTER),
        (5, Change.CLEARLY_BETTER),
        (4.99, Change.A_LITTLE_BETTER),
        (2, Change.A_LITTLE_BETTER),
        (1.99, Change.ABOUT_THE_SAME),
        (0, Change.ABOUT_THE_SAME),
        (-1.99, Change.ABOUT_THE_SAME),
        (-2, Change.A_LITTLE_LOWER),
        (-4.99, Change.A_LITTLE_LOWER),
        (-5, Change.CLEARLY_LOWER),
        (-5.000000001, Change.CLEARLY_LOWER),
        (50.1 - 45.1, Change.CLEARLY_BETTER),  # 4.999999999999993 in floats
    ],
)
def test_change_words(change: float, word: Change) -> None:
    assert change_of(change) is word


# --- one profile ------------------------------------------------------------------------


def test_baseline_profile(mccb: BatterySet) -> None:
    profile = domain_profile(BASELINE, mccb, Timepoint.BASELINE)
    assert profile.timepoint is Timepoint.BASELINE
    assert [(d.domain_id, d.t, d.band) for d in profile.domains] == [
        ("speed_of_processing", 40.0, Band.A_LITTLE_BELOW),
        ("attention_vigilance", 34.0, Band.WELL_BELOW),
        ("working_memory", 45.5, Band.TYPICAL),
        ("verbal_learning", 58.0, Band.ABOVE),
        ("visual_learning", None, None),
        ("reasoning_problem_solving", 36.0, Band.BELOW),
        ("social_cognition", 55.0, Band.ABOVE),
    ]
    assert profile.result("speed_of_processing") == DomainResult(
        domain_id="speed_of_processing",
        t=40.0,
        band=Band.A_LITTLE_BELOW,
        based_on=("tmt_a", "bacs_symbol_coding", "category_fluency"),
        from_domain_score=False,
        sentence="Keeping up speed can take a little more effort for you than for most people.",
        trains=(Domain.PROCESSING_SPEED,),
    )
    visual = profile.result("visual_learning")
    assert (visual.based_on, visual.sentence, visual.trains) == ((), None, (Domain.MEMORY,))
    assert profile.strengths == (
        "Remembering what you hear is one of your strengths.",
        "Handling feelings in everyday situations is one of your strengths.",
    )
    assert profile.typical == (
        "Keeping things in mind while you use them goes as well for you as for most people.",
    )
    assert profile.difficulties == (
        "Keeping up speed can take a little more effort for you than for most people.",
        "Staying focused over time takes more effort for you than for most people.",
        "Planning and solving problems takes more effort for you than for most people.",
    )
    # Lowest T first: attention 34, reasoning 36, speed 40.
    assert profile.training == (Domain.ATTENTION, Domain.PROBLEM_SOLVING, Domain.PROCESSING_SPEED)
    assert (profile.overall_t, profile.overall_band) == (41.0, Band.A_LITTLE_BELOW)
    assert profile.ignored == ("old_test",)
    assert profile.has_scores


def test_a_domain_score_is_used_instead_of_the_tests_mean(mccb: BatterySet) -> None:
    working_memory = domain_profile(POST, mccb, "post").result("working_memory")
    assert (working_memory.t, working_memory.based_on, working_memory.from_domain_score) == (
        46.5,
        ("mccb_working_memory",),
        True,
    )


def test_each_training_domain_is_suggested_once(mccb: BatterySet) -> None:
    scores = [
        t("hvlt_r", "total_recall", 41),
        t("bvmt_r", "total_recall", 30),
        t("letter_number_span", "correct", 38),
        t("msceit_managing_emotions", "branch_score", 20),  # social cognition: nothing to train
    ]
    profile = domain_profile(scores, mccb, "baseline")
    assert profile.training == (Domain.MEMORY,)
    assert len(profile.difficulties) == 4
    assert profile.strengths == () and profile.typical == ()
    assert profile.overall_t is None and profile.overall_band is None


def test_a_profile_without_scores(mccb: BatterySet) -> None:
    profile = domain_profile(POST, mccb, Timepoint.FOLLOW_UP)
    assert not profile.has_scores
    assert all(d.t is None and d.sentence is None for d in profile.domains)
    assert profile.training == () and profile.ignored == ()


def test_a_clinic_domain_gets_a_sentence_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "matrics.toml").write_text(
        (BATTERIES_DIR / "matrics.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "clinic.toml").write_text(CLINIC, encoding="utf-8")
    both = load_batteries(tmp_path)
    scores = [
        t("work_planning_task", "t_score", 30),
        z("stroop", "time", 0.6),
        t("cpt_ip", "d_prime", 50),
    ]
    profile = domain_profile(scores, both, "baseline")
    planning = profile.result("planning_at_work")
    assert (planning.t, planning.band) == (30.0, Band.WELL_BELOW)
    assert profile.difficulties == (
        "Planning at work takes more effort for you than for most people.",
    )
    assert profile.training == (Domain.PROBLEM_SOLVING, Domain.MEMORY)
    attention = profile.result("attention_vigilance")
    assert (attention.t, attention.based_on) == (53.0, ("stroop", "cpt_ip"))
    i18n.set_language("nb")
    again = domain_profile(scores, both, "baseline").result("planning_at_work")
    assert "Planlegging i jobb" in again.sentence  # type: ignore[operator]


def test_clean_scores_can_be_used_directly(mccb: BatterySet) -> None:
    clean = validate_score(
        ScoreDraft("matrics", "nab_mazes", "total", "post", "01.03.2026", "14", "43"),
        mccb,
        date(2026, 3, 2),
    )
    profile = domain_profile([clean], mccb, "post")
    assert profile.result("reasoning_problem_solving").t == 43.0


def test_an_unknown_standard_kind_is_a_programming_error(mccb: BatterySet) -> None:
    with pytest.raises(ValueError, match="standard kind 'IQ'"):
        domain_profile(
            [ScoreRecord("hvlt_r", "total_recall", "baseline", 100, "IQ")], mccb, "baseline"
        )


def test_profiles_for_the_timepoints_that_have_scores(mccb: BatterySet) -> None:
    profiles = domain_profiles([*BASELINE, *POST], mccb)
    assert list(profiles) == [Timepoint.BASELINE, Timepoint.POST]
    assert profiles[Timepoint.POST].result("speed_of_processing").t == 45.0


# --- before and after -------------------------------------------------------------------


def test_before_after(mccb: BatterySet) -> None:
    profiles = domain_profiles([*BASELINE, *POST], mccb)
    changes = before_after(profiles[Timepoint.BASELINE], profiles[Timepoint.POST])
    assert changes == (
        DomainChange("speed_of_processing", 40.0, 45.0, 5.0, Change.CLEARLY_BETTER),
        DomainChange("attention_vigilance", 34.0, 37.0, 3.0, Change.A_LITTLE_BETTER),
        DomainChange("working_memory", 45.5, 46.5, 1.0, Change.ABOUT_THE_SAME),
        DomainChange("verbal_learning", 58.0, 55.0, -3.0, Change.A_LITTLE_LOWER),
        DomainChange("visual_learning", None, 50.0, None, None),
        DomainChange("reasoning_problem_solving", 36.0, None, None, None),
        DomainChange("social_cognition", 55.0, 49.0, -6.0, Change.CLEARLY_LOWER),
    )
