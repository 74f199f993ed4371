"""Every staff form field through the desk, generated: stored when valid, else a specific
refusal and the database exactly as it was.

The forms' own properties are in test_bad_input_properties.py; these go one step further,
through :class:`StaffDesk` as the screens and the command line call it, with a dump of
every table before and after each example. A refusal (FormErrors naming the fields, or
another CogtrainError with a message) must leave every row as it was; no other exception
may escape. Pasted control characters and the broken characters a non-UTF-8 command line
gives (lone surrogates) are part of what is typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import exercises
from cogtrain.assessment.scores import ScoreDraft
from cogtrain.errors import CogtrainError
from cogtrain.staff.desk import LoginFailed, StaffDesk, StaffSession
from cogtrain.staff.forms import (
    FormErrors,
    GoalDraft,
    NoteDraft,
    ParticipantDraft,
    RatingDraft,
    StaffUserDraft,
    unstorable_char,
    validate_note,
    validate_staff_user,
)
from cogtrain.storage.models import Base

EXERCISE_IDS = tuple(e.exercise_id for e in exercises.EXERCISES)
ADMIN_PW = "korrekt hest batteri"
KARI_PW = "lagerhylle-2026"
NILS_PW = "testbatteri-2026"

# What can reach a form field: typing, pasting, a command-line argument that was not UTF-8.
TYPED = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
    st.text(st.characters(), max_size=12),  # surrogates included
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "Kari\x1b[2J",
            "\udcff",
            "tekst\nmed linjeskift",
            "JMO-020",
            "jmo-020",
            "01019012345",
            "ola@nav.no",
            "05.01.2026",
            "31.02.2026",
            "2026-12-02",
            "nb",
            "en",
            "kari",
            "consultant",
            "jmo-standard",
            "2468",
            "1234",
            "+1",
            "−2",
            "3",
            "x" * 3000,
        ]
    ),
)
DESK_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    # One database per test (the desk fixture), compared before/after every example:
    # a fresh database per example would cost a migration each.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def dump(desk: StaffDesk) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with desk.store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
    return out


def assert_specific(err: CogtrainError | FormErrors) -> None:
    if isinstance(err, FormErrors):
        assert err.errors
        for e in err.errors:
            assert e.field.strip() and str(e.message).strip()
    else:
        assert err.message.strip()


def attempt(desk: StaffDesk, action: Callable[[], object]) -> object | None:
    """Run ``action``; on a refusal check it is specific and nothing stored changed."""
    before = dump(desk)
    try:
        return action()
    except (FormErrors, CogtrainError) as err:
        assert_specific(err)
        assert dump(desk) == before, "a refused form changed what was stored"
        return None


class Clinic:
    """The accounts and a participant every example works on (made once per test)."""

    def __init__(self, desk: StaffDesk) -> None:
        self.desk = desk
        desk.create_first_admin(StaffUserDraft("admin", "Anne", "admin", ADMIN_PW, ADMIN_PW))
        self.admin = desk.login("admin", ADMIN_PW)
        self.admin.add_user(StaffUserDraft("kari", "Kari", "consultant", KARI_PW, KARI_PW))
        self.admin.add_user(StaffUserDraft("nils", "Nils", "neuropsychologist", NILS_PW, NILS_PW))
        self.kari: StaffSession = desk.login("kari", KARI_PW)
        self.nils: StaffSession = desk.login("nils", NILS_PW)
        self.p = self.kari.create_participant(
            ParticipantDraft("JMO-001", "jmo-standard", "01.12.2026", "nb")
        )
        self.other = self.kari.create_participant(
            ParticipantDraft("JMO-002", "jmo-standard", "01.12.2026", "nb")
        )
        self.goal = self.kari.add_goal(self.p.id, GoalDraft("Holde fokus på lageret"))
        self.other_goal = self.kari.add_goal(self.other.id, GoalDraft("Møte presis"))


@pytest.fixture
def clinic(desk: StaffDesk, cheap_hashes: None) -> Clinic:
    return Clinic(desk)


@DESK_SETTINGS
@given(code=TYPED, plan=TYPED, start=TYPED, lang=TYPED, who=TYPED, pin=TYPED)
@example(code="JMO-030", plan="jmo-standard", start="01.12.2026", lang="nb", who="", pin="")
@example(code="\udcff", plan="jmo-standard", start="01.12.2026", lang="nb", who="", pin="")
@example(code="JMO-031", plan="x\x00", start="01.12.2026", lang="nb", who="", pin="")
def test_participant_create_and_edit_forms(
    clinic: Clinic, code: str, plan: str, start: str, lang: str, who: str, pin: str
) -> None:
    made = attempt(
        clinic.desk,
        lambda: clinic.kari.create_participant(ParticipantDraft(code, plan, start, lang, who, pin)),
    )
    if made is not None:
        assert unstorable_char(made.code) is None  # type: ignore[attr-defined]
    attempt(
        clinic.desk,
        lambda: clinic.kari.update_participant(
            clinic.p.id, ParticipantDraft("ignored", plan, start, lang, who, pin)
        ),
    )
    attempt(clinic.desk, lambda: clinic.kari.set_pin(clinic.p.id, pin))
    attempt(clinic.desk, lambda: clinic.admin.assign_consultant(clinic.other.id, who or None))


@DESK_SETTINGS
@given(
    text=TYPED,
    where=TYPED,
    domains=st.lists(st.one_of(TYPED, st.sampled_from(["memory", "attention"])), max_size=3),
    ids=st.lists(st.one_of(TYPED, st.sampled_from(EXERCISE_IDS)), max_size=3),
    when=TYPED,
)
@example(text="Holde\x00fokus", where="", domains=[], ids=[], when="")  # NUL: PostgreSQL refuses
@example(text="Holde fokus", where="på\nlageret", domains=["memory"], ids=[], when="")
def test_goal_forms(
    clinic: Clinic, text: str, where: str, domains: list[str], ids: list[str], when: str
) -> None:
    draft = GoalDraft(text, where, tuple(domains), tuple(ids), when)
    made = attempt(clinic.desk, lambda: clinic.kari.add_goal(clinic.p.id, draft))
    if made is not None:
        assert unstorable_char(made.text) is None  # type: ignore[attr-defined]
    goal = clinic.desk.records.goal(clinic.goal.id)
    attempt(clinic.desk, lambda: clinic.kari.edit_goal(goal.id, draft, version=goal.version))


GOAL_REFS = st.one_of(
    TYPED,
    st.uuids().map(str),
    st.sampled_from(["goal", "other", "goal-upper"]),
)


def _goal_ref(clinic: Clinic, ref: str) -> str:
    return {
        "goal": str(clinic.goal.id),
        "other": str(clinic.other_goal.id),
        "goal-upper": f"  {str(clinic.goal.id).upper()} ",
    }.get(ref, ref)


@DESK_SETTINGS
@given(goal=GOAL_REFS, value=st.one_of(TYPED, st.integers(-5, 5)), comment=TYPED, ex=TYPED)
@example(goal="not-a-uuid", value="1", comment="", ex="")  # was ValueError from uuid.UUID
@example(goal="other", value="1", comment="", ex="")  # someone else's goal: once stored
@example(goal="goal", value="1", comment="Kari\x1b[2J", ex="")
def test_rating_and_note_forms(
    clinic: Clinic, goal: str, value: str | int, comment: str, ex: str
) -> None:
    goal_id = _goal_ref(clinic, goal)
    rated = attempt(
        clinic.desk, lambda: clinic.kari.rate_goal(RatingDraft(goal_id, value, comment))
    )
    if rated is not None:
        assert rated.value in (-2, -1, 0, 1, 2)  # type: ignore[attr-defined]
    note = NoteDraft(comment, goal_id or None, ex or None)
    added = attempt(clinic.desk, lambda: clinic.kari.add_note(clinic.p.id, note))
    if added is not None:
        mine = {str(g.id) for g in clinic.desk.records.goals_of(clinic.p.id)}
        assert added.goal_id is None or str(added.goal_id) in mine  # type: ignore[attr-defined]
        validate_note(note, known_exercise_ids=EXERCISE_IDS)


@DESK_SETTINGS
@given(user=TYPED, name=TYPED, role=TYPED, pw=TYPED, again=TYPED)
@example(user="per.hansen", name="Per\udcff", role="consultant", pw=ADMIN_PW + "x", again="")
@example(user="per.hansen", name="Per", role="admin", pw="pass\udcffword1", again="pass\udcffword1")
@example(user="per.hansen", name="a\x00b", role="admin", pw=ADMIN_PW + "1", again=ADMIN_PW + "1")
def test_staff_account_and_password_forms(
    clinic: Clinic, user: str, name: str, role: str, pw: str, again: str
) -> None:
    if again == "":
        again = pw  # mostly the same twice, as people type it
    made = attempt(
        clinic.desk, lambda: clinic.admin.add_user(StaffUserDraft(user, name, role, pw, again))
    )
    if made is not None:
        validate_staff_user(StaffUserDraft(user + "x", name, role, pw, again))
        assert clinic.desk.login(made.username, pw).user.id == made.id  # type: ignore[attr-defined]
    kari = clinic.desk.records.user_by_username("kari")
    assert kari is not None
    attempt(clinic.desk, lambda: clinic.admin.reset_password(kari.id, pw, again))


@st.composite
def score_rows(draw: st.DrawFn) -> ScoreDraft:
    """A score form row: mostly what the form offers, sometimes anything typed."""
    pick = draw(st.sampled_from(["tmt_a:time", "bacs_symbol_coding:correct", "typed"]))
    instrument, _, measure = pick.partition(":")
    return ScoreDraft(
        battery_id=draw(st.one_of(st.just("matrics"), TYPED)),
        instrument_id=instrument if measure else draw(TYPED),
        measure_id=measure or draw(TYPED),
        timepoint=draw(st.one_of(st.just("baseline"), TYPED)),
        assessed_on=draw(st.one_of(st.just("01.12.2026"), TYPED)),
        raw=draw(st.one_of(st.integers(0, 120).map(str), TYPED)),
        standard=draw(st.one_of(st.just(""), st.integers(10, 90).map(str), TYPED)),
        comment=draw(st.one_of(st.just(""), TYPED)),
    )


@DESK_SETTINGS
@given(rows=st.lists(score_rows(), min_size=1, max_size=4))
def test_a_score_form_is_stored_whole_or_not_at_all(clinic: Clinic, rows: list[ScoreDraft]) -> None:
    before = len(clinic.desk.records.scores_of(clinic.p.id))
    stored = attempt(clinic.desk, lambda: clinic.nils.enter_scores(clinic.p.id, rows))
    after = len(clinic.desk.records.scores_of(clinic.p.id))
    assert after == before + (stored or 0)
    if stored is not None:
        assert stored == len(rows)


LOGIN_CHANGES = {"audit_event", "staff_user", "participant"}
"""What a failed log-in may change: its audit row, and the failed-attempt counters."""


@DESK_SETTINGS
@given(user=TYPED, pw=TYPED, code=TYPED, pin=TYPED)
@example(user="\udcff", pw="x", code="\udcff", pin="\udcff")  # once UnicodeEncodeError
@example(user="kari", pw="lagerhylle-2026\udcff", code="JMO-001", pin="\x00")
def test_log_ins_with_anything_typed_fail_cleanly(
    clinic: Clinic, user: str, pw: str, code: str, pin: str
) -> None:
    before = dump(clinic.desk)
    with pytest.raises(LoginFailed) as caught:
        clinic.desk.login(user, pw)
    assert caught.value.message.strip()
    with pytest.raises(LoginFailed):
        clinic.desk.participant_login(code, pin)
    after = dump(clinic.desk)
    for table in after:
        if table not in LOGIN_CHANGES:
            assert after[table] == before[table], table
    assert len(after["audit_event"]) == len(before["audit_event"]) + 2
    clinic.desk.unlock_from_command_line("kari")


@pytest.mark.parametrize("name", ["\udcff", "a\x00b", "", "x" * 500])
def test_unlocking_an_account_nobody_could_type_is_refused(clinic: Clinic, name: str) -> None:
    before = dump(clinic.desk)
    with pytest.raises(LoginFailed) as caught:
        clinic.desk.unlock_from_command_line(name)
    assert "no staff account" in caught.value.message
    caught.value.message.encode("utf-8")  # printable to a terminal
    assert dump(clinic.desk) == before


def test_a_note_cannot_hang_on_another_participants_goal(clinic: Clinic) -> None:
    before = dump(clinic.desk)
    with pytest.raises(FormErrors) as caught:
        clinic.kari.add_note(clinic.p.id, NoteDraft("Om jobben", str(clinic.other_goal.id)))
    assert caught.value.fields == ("goal_id",)
    assert dump(clinic.desk) == before
    with pytest.raises(FormErrors) as caught:
        clinic.kari.rate_goal(RatingDraft(str(uuid.uuid4())[:8], "1"))
    assert "goal_id" in caught.value.fields
