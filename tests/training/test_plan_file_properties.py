"""Profile and override files, generated: a usable plan or a PlanError naming file and key.

Staff edit profiles by hand. Whatever a file holds (a value of the wrong kind, a number
out of range, NaN, a 70-digit integer, a misspelt or unknown key, control characters,
bytes that are not UTF-8), loading it gives either a plan whose every value is inside
the documented limits, or a :class:`PlanError` that names the file and the key and says
what is allowed; never another exception.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import exercises
from cogtrain.training import plans
from cogtrain.training.exercise import Domain
from cogtrain.training.plans import (
    PlanError,
    load_overrides,
    load_profile,
    parse_overrides,
    parse_plan,
    plan_to_dict,
    read_overrides_file,
    with_overrides,
)
from tests.support.mutations import ODD_VALUE, invalid_utf8, mutated, to_toml

KNOWN = tuple(e.exercise_id for e in exercises.EXERCISES)
PROFILE_FILE = plans.PROFILES_DIR / "jmo-standard.toml"
PROFILE_TEXT = PROFILE_FILE.read_text(encoding="utf-8")
PROFILE = tomllib.loads(PROFILE_TEXT)
OVERRIDE = {
    "session_minutes": 45,
    "sessions_per_week": 2,
    "training_days": ["tuesday", "friday"],
    "exclude": ["go_stop"],
    "warm_up": "",
}
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    # Each example writes one small file into a folder made once per test.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def assert_specific(err: PlanError, source: str) -> None:
    """A refusal a person can act on: the file, the key, the problem, what is allowed."""
    text = str(err)
    assert err.source == source and source in text
    assert err.key.strip() and err.problem.strip() and err.allowed.strip()
    assert err.hint.strip()
    assert len(err.message) < 2000, "the message quotes a bounded part of the value"


def assert_usable(plan: plans.TrainingPlan) -> None:
    """Every value inside the documented limits, and the plan survives a round trip."""
    lo, hi = plans.TOTAL_HOURS_RANGE
    assert math.isfinite(plan.total_hours) and lo <= plan.total_hours <= hi
    assert len(plan.training_days) == plan.sessions_per_week
    assert list(plan.training_days) == sorted(set(plan.training_days))
    assert all(1 <= d <= 7 for d in plan.training_days)
    assert plan.block_minutes <= plan.session_minutes - plan.warm_up_minutes
    assert plan.hard_day.block_minutes < plan.block_minutes
    assert plan.hard_day.offer_break_every_minutes < plan.breaks.offer_every_minutes
    assert set(plan.domain_order) == set(Domain)
    assert all(math.isfinite(w) and w >= 0 for w in plan.weights.values())
    assert sum(plan.weights.values()) > 0
    assert plan.warm_up is None or plan.allows(plan.warm_up)
    assert any(plan.allows(e) for e in KNOWN)
    for text in (plan.name_nb, plan.name_en, plan.description_nb, plan.description_en):
        assert "\x00" not in text and not any(c in text for c in "\x1b\x7f")
    again = parse_plan(
        plan_to_dict(plan), source=plan.source, profile_id=plan.profile_id, known_exercise_ids=KNOWN
    )
    assert again == plan


def _load(folder: Path, data: bytes) -> None:
    path = folder / "edited.toml"
    path.write_bytes(data)
    try:
        plan = load_profile(path, KNOWN)
    except PlanError as err:
        assert_specific(err, str(path))
    else:
        assert_usable(plan)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("profiles")


@SETTINGS
@given(data=mutated(PROFILE))
@example(data={**PROFILE, "total_hours": 10**30})
@example(data={**PROFILE, "total_hours": 10**400})  # too big for a float: once OverflowError
@example(data={**PROFILE, "weights": {"attention": 10**400}})
@example(data={**PROFILE, "name": {"nb": "JMO\x00", "en": "JMO"}})  # NUL breaks the font
@example(data={**PROFILE, "description": {"nb": "\x1b[2J", "en": ""}})
@example(data={**PROFILE, "session_minutes": "x" * 5000})  # the message stays short
def test_a_mutated_profile_is_usable_or_refused_by_key(folder: Path, data: dict) -> None:
    _load(folder, to_toml(data).encode("utf-8"))


@SETTINGS
@given(at=st.integers(0, len(PROFILE_TEXT)), cut=st.integers(0, 30), junk=st.text(max_size=8))
def test_a_cut_or_garbled_profile_file_is_refused_by_file(
    folder: Path, at: int, cut: int, junk: str
) -> None:
    text = PROFILE_TEXT[:at] + junk + PROFILE_TEXT[at + cut :]
    _load(folder, text.encode("utf-8", errors="surrogatepass"))


@pytest.mark.parametrize("raw", [b'warm_up = "r\xe5"\n', b"session_minutes = " + b"4" * 5000])
def test_an_override_file_that_cannot_be_read_is_refused_by_file(folder: Path, raw: bytes) -> None:
    """What ``cogtrain plan set --overrides`` reads (see the xfails in test_cli_properties)."""
    path = folder / "P-08.toml"
    path.write_bytes(raw)
    with pytest.raises(PlanError) as caught:
        read_overrides_file(path)
    assert_specific(caught.value, str(path))


def test_a_number_with_thousands_of_digits_is_refused_by_file(folder: Path) -> None:
    """tomllib lets Python's int-digit limit through as a bare ValueError (was a traceback)."""
    path = folder / "digits.toml"
    path.write_text(PROFILE_TEXT.replace("total_hours = 40", "total_hours = " + "4" * 5000))
    with pytest.raises(PlanError) as caught:
        load_profile(path, KNOWN)
    assert_specific(caught.value, str(path))


@SETTINGS
@given(data=invalid_utf8(PROFILE_TEXT))
def test_a_profile_that_is_not_utf8_is_refused(folder: Path, data: bytes) -> None:
    path = folder / "latin1.toml"
    path.write_bytes(data)
    with pytest.raises(PlanError) as caught:
        load_profile(path, KNOWN)
    assert_specific(caught.value, str(path))
    assert "UTF-8" in caught.value.problem


@SETTINGS
@given(
    data=st.one_of(mutated(OVERRIDE), st.dictionaries(st.sampled_from(list(OVERRIDE)), ODD_VALUE))
)
@example(data={"session_minutes": 10**400})
@example(data={"training_days": ["MONDAY", "Monday"]})
def test_overrides_are_usable_over_the_profile_or_refused(folder: Path, data: dict) -> None:
    """The same from a participant's override file (``cogtrain plan set --overrides``) and
    from the stored copy in the database (a dict straight from JSON)."""
    base = load_profile(PROFILE_FILE, KNOWN)
    path = folder / "P-07.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    try:
        load_overrides(path, KNOWN)
    except PlanError as err:
        assert_specific(err, str(path))
    assert read_overrides_file(path).keys() == data.keys()
    try:
        plan = with_overrides(base, data, source="P-07 (database)", known_exercise_ids=KNOWN)
    except PlanError as err:
        assert err.source.startswith("P-07 (database)")
        assert err.key.strip() and err.allowed.strip() and err.hint.strip()
    else:
        assert_usable(plan)
        parse_overrides(data, source="again", known_exercise_ids=KNOWN)  # it did pass


@given(data=ODD_VALUE.filter(lambda v: not isinstance(v, dict)))
@settings(max_examples=60, deadline=None)
def test_a_profile_that_is_not_a_table_is_refused(data: object) -> None:
    """A stored plan snapshot or override that JSON turned into a list or a number."""
    with pytest.raises(PlanError) as caught:
        parse_plan(data, source="snapshot", profile_id="x", known_exercise_ids=KNOWN)  # type: ignore[arg-type]
    assert_specific(caught.value, "snapshot")
