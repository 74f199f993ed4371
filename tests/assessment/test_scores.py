"""Assessment scores: cleaned values, or every problem at once, each naming its field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from cogtrain import i18n
from cogtrain.assessment.batteries import BatterySet, StandardKind, load_batteries, parse_battery
from cogtrain.assessment.scores import (
    CleanScore,
    FormErrors,
    ScoreDraft,
    Timepoint,
    parse_number,
    timepoint_label,
    validate_score,
)
from cogtrain.i18n import Msg

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    i18n.set_language("en")
    yield


@pytest.fixture(scope="module")
def batteries() -> BatterySet:
    loaded = load_batteries()
    z_battery = parse_battery(
        {
            "id": "zed",
            "name": {"nb": "Zed", "en": "Zed"},
            "instruments": [
                {
                    "id": "z_test",
                    "domain": "attention_vigilance",
                    "name": {"nb": "Z-test", "en": "Z test"},
                    "measures": [
                        {
                            "id": "z",
                            "name": {"nb": "z", "en": "z"},
                            "kind": "standard",
                            "standard": "z",
                        }
                    ],
                }
            ],
        },
        source="zed.toml",
        loaded=loaded.batteries,
    )
    return BatterySet((*loaded.batteries, z_battery), ())


def draft(**changes: Any) -> ScoreDraft:
    base = ScoreDraft(
        battery_id="matrics",
        instrument_id="hvlt_r",
        measure_id="total_recall",
        timepoint="baseline",
        assessed_on="05.01.2026",
        raw="24",
        standard="45",
    )
    return replace(base, **changes)


def errors_of(d: ScoreDraft, batteries: BatterySet) -> dict[str, list[str]]:
    with pytest.raises(FormErrors) as err:
        validate_score(d, batteries, TODAY)
    out: dict[str, list[str]] = {}
    for e in err.value.errors:
        assert isinstance(e.message, Msg)
        out.setdefault(e.field, []).append(str(e.message))
    return out


# --- timepoints and numbers -------------------------------------------------------------


def test_timepoints_and_their_labels() -> None:
    assert [t.value for t in Timepoint] == ["baseline", "post", "follow_up"]
    assert [t.label for t in Timepoint] == ["Before training", "After training", "Follow-up"]
    assert timepoint_label("post") == "After training"
    assert isinstance(Timepoint.POST.label, Msg)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12,5", 12.5), ("12.5", 12.5), (" 36 ", 36.0), ("-0,5", -0.5), ("\u22121,2", -1.2)],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "12,", ",5", "1 234", "1.234,5", "12a", "nan", "1e3"])
def test_parse_number_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


# --- good scores ------------------------------------------------------------------------


def test_a_good_score_is_cleaned(batteries: BatterySet) -> None:
    clean = validate_score(draft(comment="  Tired that day. "), batteries, TODAY)
    assert clean == CleanScore(
        battery_id="matrics",
        instrument_id="hvlt_r",
        measure_id="total_recall",
        timepoint=Timepoint.BASELINE,
        assessed_on=date(2026, 1, 5),
        raw_value=24.0,
        standard_value=45.0,
        standard_kind=StandardKind.T,
        comment="Tired that day.",
    )


def test_decimal_comma_iso_date_and_written_timepoint(batteries: BatterySet) -> None:
    clean = validate_score(
        draft(
            instrument_id=" tmt_a ",
            measure_id="time",
            timepoint="Follow-up",
            assessed_on="2026-03-02",
            raw="32,4",
            standard="",
        ),
        batteries,
        TODAY,
    )
    assert (clean.timepoint, clean.assessed_on, clean.raw_value) == (
        Timepoint.FOLLOW_UP,
        TODAY,
        32.4,
    )
    assert (clean.standard_value, clean.standard_kind, clean.comment) == (None, None, None)


def test_only_a_standard_score_and_a_whole_number_written_with_decimals(
    batteries: BatterySet,
) -> None:
    only_t = validate_score(draft(raw="", standard="38,5"), batteries, TODAY)
    assert (only_t.raw_value, only_t.standard_value, only_t.standard_kind) == (None, 38.5, "T")
    assert validate_score(draft(raw="36,0"), batteries, TODAY).raw_value == 36.0
    composite = validate_score(
        draft(instrument_id="mccb_overall_composite", measure_id="t_score", raw=""),
        batteries,
        TODAY,
    )
    assert (composite.standard_value, composite.standard_kind) == (45.0, StandardKind.T)


def test_a_z_score(batteries: BatterySet) -> None:
    clean = validate_score(
        draft(battery_id="zed", instrument_id="z_test", measure_id="z", raw="", standard="-1,3"),
        batteries,
        TODAY,
    )
    assert (clean.battery_id, clean.standard_value, clean.standard_kind) == (
        "zed",
        -1.3,
        StandardKind.Z,
    )


# --- problems ---------------------------------------------------------------------------


def test_every_problem_at_once(batteries: BatterySet) -> None:
    bad = draft(
        timepoint="before",
        assessed_on="2026-02-30",
        raw="41",
        standard="85",
        comment="x" * 1001,
    )
    assert errors_of(bad, batteries) == {
        "timepoint": ["Choose the timepoint: before training, after training or follow-up."],
        "assessed_on": [
            "The assessment date 2026-02-30 does not exist. Check the day and the month."
        ],
        "raw": [
            "The HVLT-R total recall 41 is above the highest possible 36 words. "
            "Check the score sheet."
        ],
        "standard": [
            "The T score 85 is outside 20 to 80. Check that it is a T score and not a raw score."
        ],
        "comment": [
            "The comment has 1001 characters; the most is 1000. Shorten it, or write the rest "
            "in a note."
        ],
    }


def test_the_fields_come_in_form_order(batteries: BatterySet) -> None:
    with pytest.raises(FormErrors) as err:
        validate_score(
            draft(timepoint="", assessed_on="", raw="x", standard="y", comment="x" * 1001),
            batteries,
            TODAY,
        )
    assert err.value.fields == ("timepoint", "assessed_on", "raw", "standard", "comment")


def test_unknown_and_empty_battery(batteries: BatterySet) -> None:
    assert errors_of(draft(battery_id="mccb"), batteries) == {
        "battery_id": ['There is no battery called "mccb". Choose one of: matrics, zed.']
    }
    assert errors_of(draft(battery_id=" "), batteries) == {
        "battery_id": ["Choose the battery: matrics, zed."]
    }


def test_unknown_and_empty_instrument_say_which_exist(batteries: BatterySet) -> None:
    tests = (
        "bacs_symbol_coding, bvmt_r, category_fluency, cpt_ip, hvlt_r, letter_number_span, "
        "mccb_overall_composite, mccb_speed_of_processing, mccb_working_memory, "
        "msceit_managing_emotions, nab_mazes, tmt_a, wms3_spatial_span"
    )
    assert errors_of(draft(instrument_id="hvlt"), batteries) == {
        "instrument_id": [
            'The MATRICS Consensus Cognitive Battery (MCCB) has no test called "hvlt". '
            f"Choose one of: {tests}."
        ]
    }
    assert errors_of(draft(instrument_id="z_test"), batteries)["instrument_id"][0].startswith(
        'The MATRICS Consensus Cognitive Battery (MCCB) has no test called "z_test".'
    )
    assert errors_of(draft(instrument_id=""), batteries) == {
        "instrument_id": [
            f"Choose the test from the MATRICS Consensus Cognitive Battery (MCCB): {tests}."
        ]
    }


def test_unknown_and_empty_measure_say_which_exist(batteries: BatterySet) -> None:
    assert errors_of(draft(measure_id="total"), batteries) == {
        "measure_id": [
            'The HVLT-R has no measure called "total". Choose one of: delayed_recall, total_recall.'
        ]
    }
    assert errors_of(draft(measure_id="", raw="999", standard="999"), batteries) == {
        "measure_id": ["Choose what was measured on the HVLT-R: delayed_recall, total_recall."]
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the assessment date, for example 05.01.2026."),
        (
            "5 jan 2026",
            'The assessment date "5 jan 2026" is not written as a date. Write it as dd.mm.yyyy, '
            "for example 05.01.2026.",
        ),
        (
            "31.04.2026",
            "The assessment date 31.04.2026 does not exist. Check the day and the month.",
        ),
        (
            "03.03.2026",
            "The assessment date 03.03.2026 is after today. Enter the day the test was done.",
        ),
    ],
)
def test_assessment_date_rules(batteries: BatterySet, typed: str, message: str) -> None:
    assert errors_of(draft(assessed_on=typed), batteries) == {"assessed_on": [message]}


def test_the_assessment_may_be_today(batteries: BatterySet) -> None:
    assert validate_score(draft(assessed_on="2.3.2026"), batteries, TODAY).assessed_on == TODAY


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"raw": "24,5"},
            "The HVLT-R total recall is a whole number, not 24,5. Check the score sheet.",
        ),
        (
            {"raw": "-1"},
            "The HVLT-R total recall -1 is below the lowest possible 0 words. Check the score "
            "sheet.",
        ),
        (
            {"raw": "tjuefire"},
            'The HVLT-R total recall "tjuefire" is not a number. Write digits, for example 12.5.',
        ),
        (
            {"instrument_id": "tmt_a", "measure_id": "time", "raw": "0,5"},
            "The TMT-A time 0,5 is below the lowest possible 1 second. Check the score sheet.",
        ),
        (
            {"instrument_id": "tmt_a", "measure_id": "time", "raw": "312"},
            "The TMT-A time 312 is above the highest possible 300 seconds. Check the score sheet.",
        ),
        (
            {"instrument_id": "cpt_ip", "measure_id": "d_prime", "raw": "5,2"},
            "The CPT-IP mean d′ (2, 3 and 4 digits) 5,2 is above the highest possible 5. Check "
            "the score sheet.",
        ),
        (
            {"instrument_id": "mccb_overall_composite", "measure_id": "t_score", "raw": "3"},
            "The MCCB overall composite T score has no raw score. Leave the raw score empty and "
            "enter the T score.",
        ),
    ],
)
def test_raw_value_rules(batteries: BatterySet, changes: dict[str, str], message: str) -> None:
    assert errors_of(draft(**changes), batteries) == {"raw": [message]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"standard": "19,5"},
            "The T score 19,5 is outside 20 to 80. Check that it is a T score and not a raw score.",
        ),
        ({"standard": "fem"}, 'The T score "fem" is not a number. Write digits, for example 45.'),
        (
            {"measure_id": "delayed_recall", "raw": "8", "standard": "50"},
            "The HVLT-R delayed recall has no standardised score. Leave the standard score empty.",
        ),
        (
            {
                "battery_id": "zed",
                "instrument_id": "z_test",
                "measure_id": "z",
                "raw": "",
                "standard": "3,5",
            },
            "The z score 3,5 is outside -3 to 3. Check that it is a z score and not a raw score.",
        ),
        (
            {
                "battery_id": "zed",
                "instrument_id": "z_test",
                "measure_id": "z",
                "raw": "",
                "standard": "minus en",
            },
            'The z score "minus en" is not a number. Write digits, for example -0.5.',
        ),
    ],
)
def test_standard_value_rules(batteries: BatterySet, changes: dict[str, str], message: str) -> None:
    assert errors_of(draft(**changes), batteries) == {"standard": [message]}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {},
            "raw",
            "Enter the raw score for the HVLT-R total recall, its T score, or both.",
        ),
        (
            {"measure_id": "delayed_recall"},
            "raw",
            "Enter the raw score for the HVLT-R delayed recall.",
        ),
        (
            {"instrument_id": "mccb_working_memory", "measure_id": "t_score"},
            "standard",
            "Enter the T score for the MCCB working memory T score.",
        ),
    ],
)
def test_a_raw_or_a_standard_score_is_needed(
    batteries: BatterySet, changes: dict[str, str], field: str, message: str
) -> None:
    assert errors_of(draft(raw=" ", standard="", **changes), batteries) == {field: [message]}


def test_the_comment_may_have_1000_characters(batteries: BatterySet) -> None:
    assert validate_score(draft(comment="x" * 1000), batteries, TODAY).comment == "x" * 1000


def test_messages_are_translated_when_a_catalogue_has_them(batteries: BatterySet) -> None:
    """The comment rule's sentence is shared with the staff forms, so nb already has it."""
    i18n.set_language("nb")
    with pytest.raises(FormErrors) as err:
        validate_score(draft(comment="x" * 1001), batteries, TODAY)
    assert err.value.messages_for("comment") != (
        "The comment has 1001 characters; the most is 1000. Shorten it, or write the rest "
        "in a note.",
    )


def test_today_must_be_a_date_and_drafts_hold_text(batteries: BatterySet) -> None:
    with pytest.raises(TypeError):
        validate_score(draft(), batteries, datetime(2026, 3, 2, 12, 0))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        validate_score(draft(raw=24), batteries, TODAY)  # type: ignore[arg-type]
