"""Assessment batteries: the shipped MCCB file, every refusal, folders with several files."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cogtrain import i18n
from cogtrain.assessment.batteries import (
    BATTERIES_DIR,
    STANDARD_RANGES,
    BatteryError,
    Direction,
    InstrumentRole,
    MeasureKind,
    StandardKind,
    amount,
    load_batteries,
    load_battery,
    parse_battery,
    show_number,
    to_t,
)
from cogtrain.errors import CogtrainError
from cogtrain.training.exercise import Domain

ROOT = Path(__file__).resolve().parent.parent.parent
MATRICS = BATTERIES_DIR / "matrics.toml"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    i18n.set_language("en")
    yield


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


CLINIC = """
id = "clinic_extra"
name = { nb = "Klinikkens tester", en = "Clinic tests" }

[[domains]]
id = "planning_at_work"
name = { nb = "Planlegging i jobb", en = "Planning at work" }
trains = ["problem_solving", "memory"]

[[instruments]]
id = "stroop"
domain = "attention_vigilance"
name = { nb = "Stroop farge–ord", en = "Stroop colour–word" }

[[instruments.measures]]
id = "time"
name = { nb = "tid", en = "time" }
kind = "raw"
unit = "seconds"
min = 1
max = 600
integer = false
direction = "lower_is_better"
standard = "z"

[[instruments]]
id = "work_planning_task"
domain = "planning_at_work"
name = { nb = "Planleggingsoppgave", en = "Planning task" }

[[instruments.measures]]
id = "t_score"
name = { nb = "T-skår", en = "T score" }
kind = "standard"
standard = "T"
"""


def minimal(**changes: Any) -> dict[str, Any]:
    """A small valid battery as parsed TOML; ``changes`` replace top-level keys."""
    data: dict[str, Any] = {
        "id": "mini",
        "name": {"nb": "Mini", "en": "Mini"},
        "domains": [{"id": "dom", "name": {"nb": "Dom", "en": "Dom"}, "trains": ["attention"]}],
        "instruments": [
            {
                "id": "test_a",
                "domain": "dom",
                "name": {"nb": "Test A", "en": "Test A"},
                "measures": [
                    {
                        "id": "correct",
                        "name": {"nb": "riktige", "en": "correct"},
                        "kind": "raw",
                        "unit": "correct",
                        "min": 0,
                        "max": 20,
                        "integer": True,
                        "direction": "higher_is_better",
                        "standard": "T",
                    }
                ],
            }
        ],
    }
    data.update(changes)
    return data


def measure(**changes: Any) -> dict[str, Any]:
    m = dict(minimal()["instruments"][0]["measures"][0])
    m.update(changes)
    return {k: v for k, v in m.items() if v is not None}


def with_measure(**changes: Any) -> dict[str, Any]:
    data = minimal()
    data["instruments"][0]["measures"] = [measure(**changes)]
    return data


def refusal(data: Any) -> BatteryError:
    with pytest.raises(BatteryError) as err:
        parse_battery(data, source="x.toml")
    return err.value


# --- the shipped MCCB -------------------------------------------------------------------


def test_batteries_dir_is_at_the_repository_root() -> None:
    assert BATTERIES_DIR == ROOT / "batteries"
    assert MATRICS.is_file()


def test_shipped_folder_loads_without_errors() -> None:
    loaded = load_batteries()
    assert loaded.errors == ()
    assert loaded.ids == ("matrics",)


def test_matrics_has_the_seven_mccb_domains_and_their_training_domains() -> None:
    mccb = load_battery(MATRICS)
    assert mccb.battery_id == "matrics"
    assert mccb.name("en") == "MATRICS Consensus Cognitive Battery (MCCB)"
    assert [(d.domain_id, d.name("en"), d.trains) for d in mccb.domains] == [
        ("speed_of_processing", "Speed of processing", (Domain.PROCESSING_SPEED,)),
        ("attention_vigilance", "Attention/vigilance", (Domain.ATTENTION,)),
        ("working_memory", "Working memory", (Domain.MEMORY,)),
        ("verbal_learning", "Verbal learning", (Domain.MEMORY,)),
        ("visual_learning", "Visual learning", (Domain.MEMORY,)),
        ("reasoning_problem_solving", "Reasoning and problem solving", (Domain.PROBLEM_SOLVING,)),
        ("social_cognition", "Social cognition", ()),
    ]
    assert mccb.domains[6].name("nb") == "Sosial kognisjon"


def test_matrics_has_the_ten_mccb_tests_in_their_domains() -> None:
    mccb = load_battery(MATRICS)
    tests = [i for i in mccb.instruments if i.role is InstrumentRole.TEST]
    assert [(i.instrument_id, i.name("en"), i.domain_id) for i in tests] == [
        ("tmt_a", "Trail Making Test Part A", "speed_of_processing"),
        (
            "bacs_symbol_coding",
            "Brief Assessment of Cognition in Schizophrenia (BACS) Symbol Coding",
            "speed_of_processing",
        ),
        ("category_fluency", "Category Fluency: Animal Naming", "speed_of_processing"),
        (
            "cpt_ip",
            "Continuous Performance Test – Identical Pairs (CPT-IP)",
            "attention_vigilance",
        ),
        (
            "wms3_spatial_span",
            "Wechsler Memory Scale 3rd ed. (WMS-III) Spatial Span",
            "working_memory",
        ),
        ("letter_number_span", "Letter–Number Span", "working_memory"),
        ("hvlt_r", "Hopkins Verbal Learning Test – Revised (HVLT-R)", "verbal_learning"),
        ("bvmt_r", "Brief Visuospatial Memory Test – Revised (BVMT-R)", "visual_learning"),
        (
            "nab_mazes",
            "Neuropsychological Assessment Battery (NAB) Mazes",
            "reasoning_problem_solving",
        ),
        (
            "msceit_managing_emotions",
            "Mayer–Salovey–Caruso Emotional Intelligence Test (MSCEIT) Managing Emotions",
            "social_cognition",
        ),
    ]
    for test in tests:
        assert test.battery_id == "matrics"
        assert test.name("nb") and test.short("nb") and test.short("en")
        score = test.score_measure
        assert score.kind is MeasureKind.RAW and score.standard is StandardKind.T
        assert score.unit and score.minimum is not None and score.maximum is not None
        assert score.minimum < score.maximum and score.direction is not None


def test_matrics_measures_have_plausible_entry_limits() -> None:
    mccb = load_battery(MATRICS)
    tmt = mccb.instrument("tmt_a").measure("time")
    assert (tmt.unit, tmt.minimum, tmt.maximum, tmt.integer) == ("seconds", 1, 300, False)
    assert tmt.direction is Direction.LOWER_IS_BETTER
    hvlt = mccb.instrument("hvlt_r")
    assert hvlt.short("en") == "HVLT-R" and hvlt.score_measure_id == "total_recall"
    total = hvlt.measure("total_recall")
    assert (total.name("en"), total.unit, total.minimum, total.maximum, total.integer) == (
        "total recall",
        "words",
        0,
        36,
        True,
    )
    assert total.direction is Direction.HIGHER_IS_BETTER
    delayed = hvlt.measure("delayed_recall")
    assert (delayed.maximum, delayed.standard) == (12, None)
    cpt = mccb.instrument("cpt_ip").measure("d_prime")
    assert (cpt.unit, cpt.integer) == ("none", False)
    assert mccb.instrument("bacs_symbol_coding").measure("correct").maximum == 110


def test_matrics_composites_are_optional_t_scores() -> None:
    mccb = load_battery(MATRICS)
    composites = [i for i in mccb.instruments if i.role is not InstrumentRole.TEST]
    assert [(c.instrument_id, c.role, c.domain_id) for c in composites] == [
        ("mccb_speed_of_processing", InstrumentRole.DOMAIN_SCORE, "speed_of_processing"),
        ("mccb_working_memory", InstrumentRole.DOMAIN_SCORE, "working_memory"),
        ("mccb_overall_composite", InstrumentRole.COMPOSITE, None),
    ]
    for c in composites:
        (m,) = c.measures
        assert (m.measure_id, m.kind, m.standard, m.name("en")) == (
            "t_score",
            MeasureKind.STANDARD,
            StandardKind.T,
            "T score",
        )
        assert c.score_measure_id == "t_score" and m.standard_range == (20.0, 80.0)


def test_matrics_header_says_cogtrain_stores_scores_and_limits_are_not_norms() -> None:
    header = MATRICS.read_text(encoding="utf-8").split("\nid =")[0]
    assert "does not administer" in header
    assert "sanity limits" in header and "not norms" in header


# --- lookups and helpers ----------------------------------------------------------------


def test_lookups_across_the_set_and_their_errors() -> None:
    loaded = load_batteries()
    assert loaded.get("matrics").battery_id == "matrics"
    assert loaded.instrument("nab_mazes").domain_id == "reasoning_problem_solving"
    assert loaded.domain("social_cognition").trains == ()
    assert [i.instrument_id for i in loaded.instruments_in("working_memory")] == [
        "wms3_spatial_span",
        "letter_number_span",
        "mccb_working_memory",
    ]
    with pytest.raises(BatteryError) as err:
        loaded.get("mccb")
    assert (err.value.key, err.value.problem, err.value.allowed) == (
        "battery_id",
        "no battery 'mccb'",
        "one of: matrics",
    )
    with pytest.raises(BatteryError) as err:
        loaded.instrument("hvlt")
    assert err.value.problem == "no instrument 'hvlt'" and "hvlt_r" in err.value.allowed
    with pytest.raises(BatteryError) as err:
        loaded.domain("memory")
    assert err.value.problem == "no domain 'memory'"
    with pytest.raises(BatteryError) as err:
        loaded.instrument("hvlt_r").measure("total")
    assert err.value.allowed == "one of: total_recall, delayed_recall"
    assert isinstance(err.value, CogtrainError)


def test_to_t() -> None:
    assert to_t(45, "T") == 45.0
    assert to_t(1.2, StandardKind.Z) == 62.0
    assert to_t(-0.3, "z") == 47.0
    assert to_t(-1.5, "z") == 35.0
    assert STANDARD_RANGES == {StandardKind.T: (20.0, 80.0), StandardKind.Z: (-3.0, 3.0)}
    with pytest.raises(ValueError):
        to_t(1.0, "IQ")


def test_amounts_and_numbers_in_both_languages() -> None:
    assert amount("words", 36) == "36 words"
    assert amount("seconds", 1) == "1 second"
    assert amount("seconds", 2.5) == "2.5 seconds"
    assert amount("correct", 110) == "110 correct"
    assert amount("points", 1) == "1 point"
    assert amount("errors", 0) == "0 errors"
    assert amount("none", -1) == "-1"
    assert show_number(-0.25) == "-0.25"
    i18n.set_language("nb")
    assert show_number(4.5) == "4,5"
    assert show_number(36) == "36"


# --- refusals ---------------------------------------------------------------------------


def test_the_minimal_battery_is_valid() -> None:
    battery = parse_battery(minimal(), source="x.toml")
    assert battery.instrument("test_a").score_measure_id == "correct"
    assert battery.description("en") == ""


@pytest.mark.parametrize(
    ("data", "key", "problem", "allowed"),
    [
        (["a"], "(whole file)", "is a list", "a TOML table of keys"),
        (
            minimal(nmae={}),
            "nmae",
            "unknown key 'nmae' (did you mean 'name'?)",
            "keys id, name, description, domains, instruments, composites",
        ),
        (
            {k: v for k, v in minimal().items() if k != "id"},
            "id",
            "is missing",
            "a snake_case id not used by another battery file",
        ),
        (
            minimal(id="MCCB-1"),
            "id",
            "'MCCB-1' is not a valid id",
            "snake_case text: a-z, digits and _, starting with a letter, at most 64 characters",
        ),
        (minimal(id="a" * 65), "id", f"{'a' * 65!r} is not a valid id", None),
        (minimal(name={"nb": "Mini"}), "name.en", "is missing", "non-empty text in quotes"),
        (minimal(name={"nb": "Mini", "en": " "}), "name.en", "is empty", None),
        (minimal(domains={"id": "x"}), "domains", "is a table", "[[domains]] entries (tables)"),
        (
            minimal(domains=[{"id": "dom", "name": {"nb": "D", "en": "D"}}]),
            "domains.dom.trains",
            "is missing",
            "a list of distinct training domains from attention, memory, problem_solving, "
            "processing_speed, or []",
        ),
        (
            minimal(domains=[{"id": "dom", "name": {"nb": "D", "en": "D"}, "trains": ["speed"]}]),
            "domains.dom.trains",
            "'speed' is not a training domain",
            None,
        ),
        (
            minimal(
                domains=[
                    {"id": "dom", "name": {"nb": "D", "en": "D"}, "trains": []},
                    {"id": "dom", "name": {"nb": "D", "en": "D"}, "trains": []},
                ]
            ),
            "domains[2].id",
            "domain 'dom' is listed twice",
            None,
        ),
        (
            minimal(instruments=[{**minimal()["instruments"][0], "domain": "memory"}]),
            "instruments.test_a.domain",
            "unknown domain 'memory'",
            "a domain id from dom",
        ),
        (
            minimal(instruments=[{**minimal()["instruments"][0], "measures": []}]),
            "instruments.test_a.measures",
            "is a list (or empty)",
            "at least one [[instruments.test_a.measures]] entry",
        ),
        (
            minimal(instruments=[minimal()["instruments"][0], minimal()["instruments"][0]]),
            "instruments[2].id",
            "instrument 'test_a' is listed twice",
            "a snake_case id used once in all battery files",
        ),
        (
            with_measure(unit="litres"),
            "instruments.test_a.measures.correct.unit",
            "'litres' is not allowed",
            'one of "seconds", "correct", "words", "points", "errors", "none"',
        ),
        (
            with_measure(kind="score"),
            "instruments.test_a.measures.correct.kind",
            "'score' is not allowed",
            'one of "raw", "standard"',
        ),
        (
            with_measure(direction=None),
            "instruments.test_a.measures.correct.direction",
            "is missing",
            "one of higher_is_better, lower_is_better",
        ),
        (
            with_measure(max=12.5),
            "instruments.test_a.measures.correct.max",
            "12.5 is a decimal number",
            "a whole number from -100000 to 100000 (integer = true)",
        ),
        (
            with_measure(min=20, max=20),
            "instruments.test_a.measures.correct.max",
            "20 is not above min = 20",
            "a max above min",
        ),
        (
            with_measure(integer="yes"),
            "instruments.test_a.measures.correct.integer",
            "'yes' is text",
            "true or false",
        ),
        (
            with_measure(standard="IQ"),
            "instruments.test_a.measures.correct.standard",
            "'IQ' is not allowed",
            'one of "T", "z"',
        ),
        (
            with_measure(kind="standard"),
            "instruments.test_a.measures.correct.unit",
            'is not used by a kind = "standard" measure (its range is fixed by T or z)',
            'unit only on kind = "raw" measures',
        ),
        (
            with_measure(
                kind="standard",
                unit=None,
                min=None,
                max=None,
                integer=None,
                direction=None,
                standard=None,
            ),
            "instruments.test_a.measures.correct.standard",
            "is missing",
            'for kind = "standard": "T" or "z"',
        ),
        (
            with_measure(standard=None),
            "instruments.test_a.measures",
            "none has a standardised score",
            'at least one measure with standard = "T" or "z"',
        ),
        (
            with_measure(mx=3),
            "instruments.test_a.measures[1].mx",
            "unknown key 'mx' (did you mean 'max'?)",
            None,
        ),
        (
            minimal(instruments=[{**minimal()["instruments"][0], "score": "total"}]),
            "instruments.test_a.score",
            "'total' is not one of its measures with a standardised score",
            "one of correct",
        ),
        (
            minimal(
                composites=[
                    {"id": "all_a", "name": {"nb": "A", "en": "A"}, "standard": "T"},
                    {"id": "all_b", "name": {"nb": "B", "en": "B"}, "standard": "T"},
                ]
            ),
            "composites.all_b.domain",
            "is missing, and the battery already has an overall composite",
            "a domain (for a domain score), or one overall composite per file",
        ),
        (
            minimal(
                composites=[
                    {"id": "d_a", "domain": "dom", "name": {"nb": "A", "en": "A"}, "standard": "T"},
                    {"id": "d_b", "domain": "dom", "name": {"nb": "B", "en": "B"}, "standard": "z"},
                ]
            ),
            "composites.d_b.domain",
            "domain 'dom' already has a domain score ('d_a')",
            "one composite per domain",
        ),
        (
            minimal(composites=[{"id": "c", "name": {"nb": "C", "en": "C"}}]),
            "composites.c.standard",
            "is missing",
            '"T" or "z"',
        ),
    ],
)
def test_refusals_name_key_problem_and_what_is_allowed(
    data: Any, key: str, problem: str, allowed: str | None
) -> None:
    err = refusal(data)
    assert (err.source, err.key, err.problem) == ("x.toml", key, problem)
    if allowed is not None:
        assert err.allowed == allowed
    assert str(err).startswith(f"x.toml: {key}: {problem}. Allowed: ")


def test_a_z_composite_gets_a_z_score_measure() -> None:
    data = minimal(composites=[{"id": "c", "name": {"nb": "C", "en": "C"}, "standard": "z"}])
    (m,) = parse_battery(data, source="x.toml").instrument("c").measures
    assert (m.measure_id, m.standard, m.name("nb")) == ("z_score", StandardKind.Z, "z-skår")


# --- folders ----------------------------------------------------------------------------


def test_missing_folder_is_one_error(tmp_path: Path) -> None:
    loaded = load_batteries(tmp_path / "nope")
    assert loaded.batteries == ()
    (err,) = loaded.errors
    assert (err.key, err.problem) == ("(folder)", "does not exist")


def test_a_second_file_loads_and_may_use_the_mccb_domains(tmp_path: Path) -> None:
    write(tmp_path, "matrics.toml", MATRICS.read_text(encoding="utf-8"))
    write(tmp_path, "clinic-extra.toml", CLINIC)  # sorts before matrics.toml
    loaded = load_batteries(tmp_path)
    assert loaded.errors == ()
    assert loaded.ids == ("clinic_extra", "matrics")
    stroop = loaded.instrument("stroop")
    assert (stroop.battery_id, stroop.domain_id, stroop.score_measure_id) == (
        "clinic_extra",
        "attention_vigilance",
        "time",
    )
    assert stroop.short("en") == "Stroop colour–word"  # no short name: the name
    assert [i.instrument_id for i in loaded.instruments_in("attention_vigilance")] == [
        "stroop",
        "cpt_ip",
    ]
    assert loaded.domain_ids[0] == "planning_at_work"
    assert loaded.domain("planning_at_work").trains == (Domain.PROBLEM_SOLVING, Domain.MEMORY)
    assert loaded.instrument("work_planning_task").score_measure.kind is MeasureKind.STANDARD


def test_a_duplicate_instrument_id_across_files_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "matrics.toml", MATRICS.read_text(encoding="utf-8"))
    clash = CLINIC.replace('id = "stroop"', 'id = "hvlt_r"')
    path = write(tmp_path, "zz-clinic.toml", clash)
    loaded = load_batteries(tmp_path)
    assert loaded.ids == ("matrics",)
    (err,) = loaded.errors
    assert (err.source, err.key, err.problem, err.allowed) == (
        str(path),
        "instruments[1].id",
        f"instrument 'hvlt_r' is already defined in {tmp_path / 'matrics.toml'}",
        "a snake_case id used once in all battery files",
    )


def test_duplicate_battery_and_domain_ids_across_files_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", CLINIC)
    write(tmp_path, "b.toml", CLINIC.replace('id = "stroop"', 'id = "stroop_2"'))
    c_text = CLINIC.replace('"clinic_extra"', '"clinic_c"').replace('"stroop"', '"s3"')
    write(tmp_path, "c.toml", c_text.replace('"work_planning_task"', '"w3"'))
    write(tmp_path, "matrics.toml", MATRICS.read_text(encoding="utf-8"))
    loaded = load_batteries(tmp_path)
    assert loaded.ids == ("clinic_extra", "matrics")
    assert [(Path(e.source).name, e.key, e.problem) for e in loaded.errors] == [
        ("b.toml", "id", f"battery 'clinic_extra' is already defined in {tmp_path / 'a.toml'}"),
        (
            "c.toml",
            "domains[1].id",
            f"domain 'planning_at_work' is already defined in {tmp_path / 'a.toml'}",
        ),
    ]


def test_a_bad_file_does_not_stop_the_others_and_its_dependants_are_refused(
    tmp_path: Path,
) -> None:
    """The clinic file uses matrics' domains; when matrics is refused, so is the clinic file."""
    write(tmp_path, "clinic.toml", CLINIC)
    broken = MATRICS.read_text(encoding="utf-8").replace("max = 36", "max = 0", 1)
    write(tmp_path, "matrics.toml", broken)
    write(tmp_path, "other.toml", 'id = "other"\nname = { nb = "A", en = "A" }\n')
    write(tmp_path, "bad.toml", "id = \n")
    loaded = load_batteries(tmp_path)
    assert loaded.ids == ("other",)
    assert [(Path(e.source).name, e.key) for e in loaded.errors] == [
        ("bad.toml", "(whole file)"),
        ("clinic.toml", "instruments.stroop.domain"),
        ("matrics.toml", "instruments.hvlt_r.measures.total_recall.max"),
    ]
    clinic_err = loaded.errors[1]
    assert clinic_err.problem == "unknown domain 'attention_vigilance'"
    assert clinic_err.allowed == "a domain id from planning_at_work"
    assert loaded.errors[0].problem.startswith("is not valid TOML")


def test_files_that_are_not_utf8_are_refused(tmp_path: Path) -> None:
    (tmp_path / "latin1.toml").write_bytes('id = "a"\n# bl\xe5\n'.encode("latin-1"))
    (err,) = load_batteries(tmp_path).errors
    assert (err.key, err.problem, err.allowed) == (
        "(whole file)",
        "is not UTF-8 text",
        "a UTF-8 TOML file",
    )


# --- layering ---------------------------------------------------------------------------


def test_assessment_imports_no_pygame_and_no_database() -> None:
    code = (
        "import sys, cogtrain.assessment.batteries, cogtrain.assessment.scores, "
        "cogtrain.assessment.feedback;"
        "bad=[m for m in ('pygame','sqlalchemy','cogtrain.storage','cogtrain.runtime') "
        "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
