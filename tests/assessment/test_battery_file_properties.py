"""Battery files and the score form, generated: usable, or refused with file/field and why.

A clinic adds its own tests by writing a TOML file by hand. Whatever it holds, loading
the folder gives batteries whose every measure has sane limits, and one
:class:`BatteryError` per refused file naming that file and the key; never another
exception, and a good file still loads when its neighbour is broken. Whatever a
neuropsychologist types into the score form is a clean score inside the measure's limits
or a :class:`FormErrors` naming each wrong field.
"""

from __future__ import annotations

import math
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, find, given, settings
from hypothesis import strategies as st

from cogtrain.assessment.batteries import (
    BATTERIES_DIR,
    ID_MAX,
    STANDARD_RANGES,
    BatteryError,
    InstrumentRole,
    load_batteries,
    load_battery,
)
from cogtrain.assessment.scores import ScoreDraft, Timepoint, validate_score
from cogtrain.staff.forms import FormErrors
from tests.support.mutations import ODD_TEXT, invalid_utf8, mutated, to_toml

MATRICS_TEXT = (BATTERIES_DIR / "matrics.toml").read_text(encoding="utf-8")
MATRICS = tomllib.loads(MATRICS_TEXT)
CLINIC = {
    "id": "clinic_extra",
    "name": {"nb": "Klinikkens tester", "en": "Clinic tests"},
    "instruments": [
        {
            "id": "stroop_colour_word",
            "domain": "attention_vigilance",  # from matrics.toml
            "name": {"nb": "Stroop farge–ord", "en": "Stroop colour–word"},
            "measures": [
                {
                    "id": "time",
                    "name": {"nb": "tid", "en": "time"},
                    "kind": "raw",
                    "unit": "seconds",
                    "min": 1,
                    "max": 600,
                    "integer": False,
                    "direction": "lower_is_better",
                    "standard": "T",
                }
            ],
        }
    ],
}
BATTERIES = load_batteries()
TODAY = date(2026, 12, 2)
SETTINGS = settings(
    max_examples=80,
    deadline=None,
    # One folder per test, rewritten by each example: cheaper than a folder per example.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
_ID = re.compile(r"[a-z][a-z0-9_]*")


def assert_specific(err: BatteryError, source: str) -> None:
    assert err.source == source and source in str(err)
    assert err.key.strip() and err.problem.strip() and err.allowed.strip() and err.hint.strip()
    assert len(err.message) < 2000


def assert_usable(battery_set) -> None:  # type: ignore[no-untyped-def]
    """What the score form and the feedback rely on: ids, limits and a score per test."""
    ids = [*battery_set.ids, *battery_set.domain_ids, *battery_set.instrument_ids]
    assert len(ids) == len(set(ids)), "ids are unique in the whole folder"
    for some_id in ids:
        assert _ID.fullmatch(some_id) and len(some_id) <= ID_MAX
    for inst in battery_set.instruments:
        assert inst.domain_id is None or inst.domain_id in battery_set.domain_ids
        assert inst.score_measure.standard is not None
        for m in inst.measures:
            assert m.name_nb.strip() and m.name_en.strip()
            if m.takes_raw:
                assert m.minimum is not None and m.maximum is not None
                assert math.isfinite(m.minimum) and math.isfinite(m.maximum)
                assert m.minimum < m.maximum
                assert m.unit and m.direction is not None
        for text in (inst.name_nb, inst.name_en, inst.short_nb, inst.short_en):
            assert text.strip() and "\x00" not in text
    overall = [i for i in battery_set.instruments if i.role is InstrumentRole.COMPOSITE]
    assert len({i.battery_id for i in overall}) == len(overall)


def _write(folder: Path, name: str, data: bytes) -> Path:
    for old in folder.glob("*.toml"):
        old.unlink()
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("batteries")


def _check_folder(folder: Path, mutated_path: Path) -> None:
    result = load_batteries(folder)
    assert_usable(result)
    for err in result.errors:
        assert isinstance(err, BatteryError)
        assert_specific(err, err.source)
        assert Path(err.source).parent == folder
    loaded = {b.source for b in result.batteries}
    refused = {e.source for e in result.errors}
    assert loaded.isdisjoint(refused) and len(loaded | refused) == 2
    try:
        load_battery(mutated_path)
    except BatteryError as err:
        assert_specific(err, str(mutated_path))


@SETTINGS
@given(data=mutated(MATRICS))
@example(data={**MATRICS, "instruments": [{**MATRICS["instruments"][0], "id": "x" * 65}]})
@example(data={**MATRICS, "name": {"nb": "MCCB\x00", "en": "MCCB"}})
def test_a_mutated_battery_file_loads_or_is_refused_by_key(folder: Path, data: dict) -> None:
    path = _write(folder, "matrics.toml", to_toml(data).encode("utf-8"))
    (folder / "clinic-extra.toml").write_text(to_toml(CLINIC), encoding="utf-8")
    _check_folder(folder, path)


@SETTINGS
@given(data=mutated(CLINIC))
@example(
    data={
        **CLINIC,
        "instruments": [
            {
                **CLINIC["instruments"][0],
                "measures": [{**CLINIC["instruments"][0]["measures"][0], "max": 10**400}],
            }
        ],
    }
)
def test_a_clinics_own_file_loads_or_is_refused_and_the_mccb_still_loads(
    folder: Path, data: dict
) -> None:
    path = _write(folder, "clinic-extra.toml", to_toml(data).encode("utf-8"))
    (folder / "matrics.toml").write_text(MATRICS_TEXT, encoding="utf-8")
    _check_folder(folder, path)
    assert "matrics" in load_batteries(folder).ids


@SETTINGS
@given(at=st.integers(0, len(MATRICS_TEXT)), cut=st.integers(0, 40), junk=st.text(max_size=8))
@example(at=0, cut=0, junk="x = " + "7" * 5000 + "\n")  # tomllib's ValueError: once a traceback
def test_a_cut_or_garbled_battery_file_is_refused_by_file(
    folder: Path, at: int, cut: int, junk: str
) -> None:
    text = MATRICS_TEXT[:at] + junk + MATRICS_TEXT[at + cut :]
    path = _write(folder, "matrics.toml", text.encode("utf-8", errors="surrogatepass"))
    (folder / "clinic-extra.toml").write_text(to_toml(CLINIC), encoding="utf-8")
    _check_folder(folder, path)


@SETTINGS
@given(data=invalid_utf8(MATRICS_TEXT[:3000]))
def test_a_battery_file_that_is_not_utf8_is_refused(folder: Path, data: bytes) -> None:
    path = _write(folder, "matrics.toml", data)
    with pytest.raises(BatteryError) as caught:
        load_battery(path)
    assert_specific(caught.value, str(path))


# -- the score form ---------------------------------------------------------------------

MEASURES = [
    (i.battery_id, i.instrument_id, m.measure_id) for i in BATTERIES.instruments for m in i.measures
]
NUMBER_TEXT = st.one_of(
    ODD_TEXT,
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(-1000, 1000).map(lambda v: f"{v:.2f}".replace(".", ",")),
    st.sampled_from(["", "12,5", "−2", "1.234,5", "1e3", "0x10", "½", "٣", "50", "-3", "80,0001"]),
)
DATE_TEXT = st.one_of(
    ODD_TEXT,
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    st.dates().map(date.isoformat),
    st.sampled_from(["31.02.2026", "02.12.2026", "03.12.2026", "1.1.0001", "2026-13-01"]),
)


def _valid_number(draw: st.DrawFn, low: float, high: float, integer: bool) -> str:
    if integer:
        return str(draw(st.integers(int(low), int(high))))
    value = draw(st.floats(low, high))
    return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", draw(st.sampled_from([",", "."])))


@st.composite
def score_drafts(draw: st.DrawFn) -> ScoreDraft:
    """A score form: each field mostly what the form offers, sometimes anything typed, so
    that whole forms pass often enough to check what is accepted too."""
    battery, instrument_id, measure_id = draw(st.sampled_from(MEASURES))
    measure = BATTERIES.instrument(instrument_id).measure(measure_id)

    def field(valid: st.SearchStrategy[str], odd: st.SearchStrategy[str] = ODD_TEXT) -> str:
        return draw(valid) if draw(st.integers(0, 5)) else draw(odd)

    raw = standard = st.just("")
    if measure.takes_raw:
        assert measure.minimum is not None and measure.maximum is not None
        raw = st.just(_valid_number(draw, measure.minimum, measure.maximum, measure.integer))
    if measure.standard is not None:
        low, high = STANDARD_RANGES[measure.standard]
        standard = st.sampled_from(["", _valid_number(draw, low, high, False)])
    return ScoreDraft(
        battery_id=field(st.just(battery)),
        instrument_id=field(st.just(instrument_id)),
        measure_id=field(st.just(measure_id)),
        timepoint=field(st.sampled_from([t.value for t in Timepoint])),
        assessed_on=field(st.sampled_from(["01.12.2026", "2026-12-02", "5.1.2026"]), DATE_TEXT),
        raw=field(raw, NUMBER_TEXT),
        standard=field(standard, NUMBER_TEXT),
        comment=field(st.sampled_from(["", "Testet på formiddagen.", "Linje 1\nLinje 2"])),
    )


FIELDS = set(ScoreDraft.__dataclass_fields__)


@settings(max_examples=300, deadline=None)
@given(draft=score_drafts())
@example(  # NUL in the comment: PostgreSQL refuses it, so the form does
    draft=ScoreDraft("matrics", "tmt_a", "time", "baseline", "01.12.2026", "42", "", "a\x00b")
)
def test_a_typed_score_is_clean_or_refused_field_by_field(draft: ScoreDraft) -> None:
    try:
        clean = validate_score(draft, BATTERIES, TODAY)
    except FormErrors as err:
        assert err.errors
        for e in err.errors:
            assert e.field in FIELDS and str(e.message).strip()
        return

    measure = BATTERIES.instrument(clean.instrument_id).measure(clean.measure_id)
    assert clean.assessed_on <= TODAY
    assert clean.raw_value is not None or clean.standard_value is not None
    if clean.raw_value is not None:
        assert measure.takes_raw and math.isfinite(clean.raw_value)
        assert measure.minimum <= clean.raw_value <= measure.maximum  # type: ignore[operator]
        assert not measure.integer or clean.raw_value == int(clean.raw_value)
    if clean.standard_value is not None:
        low, high = STANDARD_RANGES[measure.standard]  # type: ignore[index]
        assert low <= clean.standard_value <= high and clean.standard_kind == measure.standard
    assert clean.comment is None or "\x00" not in clean.comment


def test_the_score_generator_also_makes_forms_that_pass() -> None:
    """Guards the generator: a property that only ever sees refusals proves little."""

    def accepted(draft: ScoreDraft) -> bool:
        try:
            validate_score(draft, BATTERIES, TODAY)
        except FormErrors:
            return False
        return bool(draft.raw and draft.standard)

    find(score_drafts(), accepted, settings=settings(max_examples=300, database=None))
