"""Bad input, generated: a specific error every time, never a traceback, nothing stored.

Property-based (hypothesis): whatever is typed into a staff form or written into a
profile file, the answer is either a clean value or the form's own error listing which
field was wrong and why; a refused participant form leaves the database as it was.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exercises
from cogtrain.staff.codes import check_code, normalise_code
from cogtrain.staff.desk import StaffDesk
from cogtrain.staff.forms import (
    FormErrors,
    GoalDraft,
    NoteDraft,
    ParticipantDraft,
    RatingDraft,
    StaffUserDraft,
    validate_goal,
    validate_note,
    validate_participant,
    validate_rating,
    validate_staff_user,
)
from cogtrain.storage.engine import StorageError
from cogtrain.training.plans import PlanError, load_profile

EXERCISE_IDS = tuple(e.exercise_id for e in exercises.EXERCISES)
# Anything a keyboard, a paste or a mangled file can produce, Norwegian letters included.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60
) | st.sampled_from(
    ["", " ", "JMO-014", "01019012345", "ola@nav.no", "31.12.1999", "æøå", "-1", "2,5", "\x00"]
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TODAY = date(2026, 12, 2)


def _specific(err: FormErrors) -> None:
    assert err.errors, "a refusal names at least one field"
    for e in err.errors:
        assert e.field and str(e.message).strip()


@FAST
@given(TEXT)
def test_a_code_is_accepted_clean_or_refused_with_a_reason(raw: str) -> None:
    problem = check_code(raw)
    if problem is None:
        code = normalise_code(raw)
        assert re.fullmatch(r"[A-Z0-9_-]{3,32}", code)
        assert not re.search(r"\d{11}", re.sub(r"[\s._-]", "", code))
        assert "@" not in code
    else:
        assert str(problem.message).strip() and problem.rule


@FAST
@given(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT)
def test_participant_form(code: str, plan: str, start: str, lang: str, who: str, pin: str) -> None:
    try:
        clean = validate_participant(
            ParticipantDraft(code, plan, start, lang, who, pin),
            known_profiles=("jmo-standard",),
            known_consultants=("kari",),
        )
    except FormErrors as err:
        _specific(err)
    else:
        assert check_code(clean.code) is None and clean.plan_profile == "jmo-standard"


@FAST
@given(TEXT, TEXT, st.lists(TEXT, max_size=3), st.lists(TEXT, max_size=3), TEXT)
def test_goal_form(text: str, where: str, domains: list[str], ids: list[str], when: str) -> None:
    try:
        clean = validate_goal(
            GoalDraft(text, where, tuple(domains), tuple(ids), when),
            known_exercise_ids=EXERCISE_IDS,
            today=TODAY,
        )
    except FormErrors as err:
        _specific(err)
    else:
        assert 3 <= len(clean.text) <= 300
        assert clean.target_date is None or clean.target_date >= TODAY


@FAST
@given(TEXT, st.one_of(TEXT, st.integers(-10, 10)), TEXT)
def test_rating_and_note_forms(goal: str, value: str | int, comment: str) -> None:
    try:
        clean = validate_rating(RatingDraft(goal or "g", value, comment))
    except FormErrors as err:
        _specific(err)
    else:
        assert clean.value in (-2, -1, 0, 1, 2)
    try:
        validate_note(NoteDraft(comment), known_exercise_ids=EXERCISE_IDS)
    except FormErrors as err:
        _specific(err)


@FAST
@given(TEXT, TEXT, TEXT, TEXT, TEXT)
def test_staff_account_form(user: str, name: str, role: str, pw: str, again: str) -> None:
    try:
        clean = validate_staff_user(StaffUserDraft(user, name, role, pw, again))
    except FormErrors as err:
        _specific(err)
    else:
        assert len(clean.password) >= 10 and clean.username == clean.username.lower()


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(code=TEXT, start=TEXT, pin=TEXT)
def test_a_refused_participant_changes_nothing_stored(
    desk: StaffDesk, cheap_hashes: None, code: str, start: str, pin: str
) -> None:
    from cogtrain.staff.forms import StaffUserDraft as U

    if desk.needs_first_admin():
        desk.create_first_admin(
            U("admin", "Anne", "admin", "korrekt hest batteri", "korrekt hest batteri")
        )
        admin = desk.login("admin", "korrekt hest batteri")
        admin.add_user(U("kari", "Kari", "consultant", "lagerhylle-2026", "lagerhylle-2026"))
    kari = desk.login("kari", "lagerhylle-2026")
    before = desk.records.participant_records(include_inactive=True)
    try:
        kari.create_participant(ParticipantDraft(code, "jmo-standard", start, "nb", pin=pin))
    except (FormErrors, StorageError):
        assert desk.records.participant_records(include_inactive=True) == before
    else:
        assert len(desk.records.participant_records(include_inactive=True)) == len(before) + 1


PROFILE = (Path(__file__).resolve().parents[2] / "profiles" / "jmo-standard.toml").read_text(
    encoding="utf-8"
)


@FAST
@given(st.integers(0, len(PROFILE)), st.integers(0, 40), TEXT)
def test_a_mangled_profile_file_gives_a_plan_error(
    tmp_path_factory: pytest.TempPathFactory, at: int, cut: int, junk: str
) -> None:
    text = PROFILE[:at] + junk + PROFILE[at + cut :]
    path = tmp_path_factory.mktemp("p") / "mangled.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        plan = load_profile(path, EXERCISE_IDS)
    except PlanError as err:
        assert str(err).strip() and "mangled.toml" in str(err)
    else:
        tomllib.loads(text)  # it parsed, and the plan is whole
        assert plan.total_hours > 0 and plan.training_days


# -- characters that cannot be stored or shown ----------------------------------------------

VALID_DRAFTS = {
    "participant": (
        ParticipantDraft("JMO-014", "jmo-standard", "01.12.2026", "nb", "kari", "2468"),
        lambda d: validate_participant(
            d, known_profiles=("jmo-standard",), known_consultants=("kari",)
        ),
        (),
    ),
    "goal": (
        GoalDraft("Holde fokus", "På lageret", ("memory",), ("symbol_coding",), "05.12.2026"),
        lambda d: validate_goal(d, known_exercise_ids=EXERCISE_IDS, today=TODAY),
        ("workplace_situation",),
    ),
    "note": (
        NoteDraft("Brukte lista hele uka.", None, "symbol_coding"),
        lambda d: validate_note(d, known_exercise_ids=EXERCISE_IDS),
        ("text",),
    ),
    "rating": (RatingDraft("g1", "+1", "Bra uke"), validate_rating, ("comment",)),
    "staff": (
        StaffUserDraft("per.h", "Per H", "consultant", "lagerhylle-2026", "lagerhylle-2026"),
        validate_staff_user,
        (),
    ),
}
BAD_CHARS = st.one_of(
    st.characters(categories=("Cc",)),
    st.characters(categories=("Cs",)),
)


@FAST
@given(
    form=st.sampled_from(sorted(VALID_DRAFTS)),
    data=st.data(),
    bad=BAD_CHARS,
)
def test_a_control_or_broken_character_is_refused_in_the_field_it_is_in(
    form: str, data: st.DataObject, bad: str
) -> None:
    """Pasted NULs and escapes, and the lone surrogates of a non-UTF-8 argument: refused
    in exactly the field they are in (line breaks only where a text has several lines),
    never quoted back raw, and never stored (PostgreSQL refuses NUL; SQLite cannot
    encode a surrogate)."""
    from dataclasses import fields, replace

    draft, validate, multiline = VALID_DRAFTS[form]
    validate(draft)  # the unchanged draft passes
    text_fields = [f.name for f in fields(draft) if isinstance(getattr(draft, f.name), str)]
    name = data.draw(st.sampled_from(text_fields), label="field")
    at = data.draw(st.integers(0, len(getattr(draft, name))), label="at")
    value = getattr(draft, name)
    changed = replace(draft, **{name: value[:at] + bad + value[at:]})
    kept = getattr(changed, name)
    if "password" not in name:  # every other field is stripped before it is used
        kept = kept.strip()
    if bad not in kept or (name in multiline and bad in "\n\r\t"):
        validate(changed)
        return
    with pytest.raises(FormErrors) as caught:
        validate(changed)
    assert name in caught.value.fields
    for e in caught.value.errors:
        if "password" not in e.field:
            assert bad not in str(e.message) or bad == " "


@pytest.mark.parametrize(
    "password", ["lagerhylle-2026\t", "lager\x00hylle-2026", "lager\udcffhylle"]
)
def test_a_password_nobody_can_type_at_the_log_in_is_refused(password: str) -> None:
    """A surrogate could not even be hashed (argon2 encodes UTF-8): was a traceback."""
    with pytest.raises(FormErrors) as caught:
        validate_staff_user(StaffUserDraft("per.h", "Per H", "consultant", password, password))
    assert caught.value.fields == ("password",)
    assert password not in str(caught.value)
