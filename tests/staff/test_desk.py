"""The staff desk on a real database: checks, audit rows, lockout, round trips."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from cogtrain import i18n
from cogtrain.staff.desk import AccessDenied, LoginFailed, StaffDesk
from cogtrain.staff.forms import (
    FormErrors,
    GoalDraft,
    NoteDraft,
    ParticipantDraft,
    RatingDraft,
    StaffUserDraft,
)
from cogtrain.storage.staff_records import StaleRecordError
from cogtrain.storage.store import Store
from tests.support.staff import DeskClock

ADMIN_PW = "korrekt hest batteri"
KARI_PW = "lagerhylle-2026"
NILS_PW = "nevro-psyk-2026"
OLA_PW = "annen-konsulent-1"


@pytest.fixture(autouse=True)
def english() -> None:
    """The messages are matched in English here (the nb catalogue is tested elsewhere)."""
    i18n.set_language("en")


pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def clock(desk_now: DeskClock) -> DeskClock:
    return desk_now


@pytest.fixture
def clinic(desk: StaffDesk):  # type: ignore[no-untyped-def]
    desk.create_first_admin(StaffUserDraft("admin", "Anne Admin", "admin", ADMIN_PW, ADMIN_PW))
    admin = desk.login("admin", ADMIN_PW)
    admin.add_user(StaffUserDraft("kari", "Kari Konsulent", "consultant", KARI_PW, KARI_PW))
    admin.add_user(StaffUserDraft("ola", "Ola Konsulent", "consultant", OLA_PW, OLA_PW))
    admin.add_user(StaffUserDraft("nils", "Nils Nevro", "neuropsychologist", NILS_PW, NILS_PW))
    kari = desk.login("kari", KARI_PW)
    p = kari.create_participant(ParticipantDraft("JMO-014", "jmo-standard", "02.11.2026", "nb"))
    return admin, kari, p


def actions(desk: StaffDesk) -> list[tuple[str, str, str, str | None]]:
    """The audit log oldest first, as (who, action, outcome, participant code)."""
    rows = desk.records.audit_log(limit=1000)
    return [(r.actor_name, r.action, r.outcome, r.participant_code) for r in reversed(rows)]


def test_first_admin_only_once(desk: StaffDesk) -> None:
    assert desk.needs_first_admin()
    desk.create_first_admin(StaffUserDraft("admin", "Anne", "admin", ADMIN_PW, ADMIN_PW))
    assert not desk.needs_first_admin()
    with pytest.raises(AccessDenied):
        desk.create_first_admin(StaffUserDraft("eve", "Eve", "admin", ADMIN_PW, ADMIN_PW))
    assert [u.username for u in desk.records.users()] == ["admin"]


def test_first_account_must_be_admin(desk: StaffDesk) -> None:
    with pytest.raises(AccessDenied):
        desk.create_first_admin(StaffUserDraft("kari", "Kari", "consultant", KARI_PW, KARI_PW))
    assert desk.needs_first_admin()


def test_password_is_stored_only_as_argon2id(desk: StaffDesk, store: Store) -> None:
    desk.create_first_admin(StaffUserDraft("admin", "Anne", "admin", ADMIN_PW, ADMIN_PW))
    row = store.staff.user_by_username("admin")
    assert row is not None
    assert row.password_hash.startswith("$argon2id$")
    assert ADMIN_PW not in row.password_hash
    assert ADMIN_PW not in repr(row)


def test_lockout_after_five_wrong_passwords_and_unlock_later(
    desk: StaffDesk, clinic, clock: DeskClock
) -> None:  # type: ignore[no-untyped-def]
    for _i in range(4):
        with pytest.raises(LoginFailed, match="not right"):
            desk.login("kari", "wrong password!")
    with pytest.raises(LoginFailed, match="locked"):
        desk.login("kari", "wrong password!")
    # Even the right password is refused while locked.
    with pytest.raises(LoginFailed, match="locked"):
        desk.login("kari", KARI_PW)
    clock.advance(minutes=16)
    assert desk.login("kari", KARI_PW).user.username == "kari"
    log = [a for a in actions(desk) if a[0] == "kari" and a[1] == "login"]
    assert [a[2] for a in log] == ["ok"] + ["failed"] * 6 + ["ok"]


def test_admin_can_unlock_a_locked_account(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    admin, _kari, _p = clinic
    for _i in range(5):
        with pytest.raises(LoginFailed):
            desk.login("kari", "wrong password!")
    kari_row = desk.records.user_by_username("kari")
    assert kari_row is not None and kari_row.locked_until is not None
    admin.unlock_user(kari_row.id)
    assert desk.login("kari", KARI_PW).user.display_name == "Kari Konsulent"


def test_unknown_user_and_switched_off_account(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    admin, _kari, _p = clinic
    with pytest.raises(LoginFailed, match="not right"):
        desk.login("nobody", "whatever-it-is")
    ola = desk.records.user_by_username("ola")
    assert ola is not None
    admin.set_user_active(ola.id, False)
    with pytest.raises(LoginFailed, match="switched off"):
        desk.login("ola", OLA_PW)
    assert ("nobody", "login", "failed", None) in actions(desk)


def test_consultant_sees_only_own_participants(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    ola = desk.login("ola", OLA_PW)
    ola.create_participant(ParticipantDraft("JMO-020", "jmo-standard", "01.12.2026", "nb"))
    assert [r.code for r in kari.participants()] == ["JMO-014"]
    assert [r.code for r in ola.participants()] == ["JMO-020"]
    nils = desk.login("nils", NILS_PW)
    assert [r.code for r in nils.participants()] == ["JMO-014", "JMO-020"]
    with pytest.raises(AccessDenied):
        ola.open_participant(p.id)
    with pytest.raises(AccessDenied):
        ola.add_goal(p.id, GoalDraft("Holde oversikt over ordre"))
    assert ("ola", "participant_view", "denied", "JMO-014") in actions(desk)
    assert ("ola", "goal_edit", "denied", "JMO-014") in actions(desk)
    assert desk.records.goals_of(p.id) == []


def test_admin_does_not_open_training_data(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    admin, _kari, p = clinic
    with pytest.raises(AccessDenied, match="[Aa]dmin"):
        admin.progress(p.id)
    with pytest.raises(AccessDenied):
        admin.notes(p.id)
    assert [r.code for r in admin.participants()] == ["JMO-014"]


def test_consultant_cannot_manage_accounts_or_read_audit(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, _p = clinic
    with pytest.raises(AccessDenied):
        kari.users()
    with pytest.raises(AccessDenied):
        kari.audit_log()
    with pytest.raises(AccessDenied):
        kari.add_user(StaffUserDraft("eve", "Eve", "admin", ADMIN_PW, ADMIN_PW))
    assert desk.records.user_by_username("eve") is None


def test_new_participant_of_a_consultant_is_theirs(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    kari_row = desk.records.user_by_username("kari")
    assert kari_row is not None
    assert p.consultant_id == kari_row.id
    assert p.start_date == date(2026, 11, 2)
    assert not p.has_pin


def test_identifying_codes_are_refused_and_nothing_is_stored(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, _p = clinic
    for code in ("01019012345", "ola@example.no", "010190"):
        with pytest.raises(FormErrors):
            kari.create_participant(ParticipantDraft(code, "jmo-standard", "01.12.2026", "nb"))
    assert [r.code for r in kari.participants()] == ["JMO-014"]


def test_duplicate_code_is_refused(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, _p = clinic
    with pytest.raises(Exception, match="JMO-014"):
        kari.create_participant(ParticipantDraft("jmo-014", "jmo-standard", "01.12.2026", "nb"))
    assert len(desk.records.participant_records(include_inactive=True)) == 1


def test_edit_with_a_bad_pin_changes_nothing(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    with pytest.raises(FormErrors) as err:
        kari.update_participant(
            p.id, ParticipantDraft(p.code, "short-sessions", "01.12.2026", "en", pin="1111")
        )
    assert "pin" in err.value.fields
    rec = desk.records.participant_record(p.id)
    assert (rec.plan_profile, rec.start_date, rec.language, rec.has_pin) == (
        "jmo-standard",
        date(2026, 11, 2),
        "nb",
        False,
    )
    kari.update_participant(
        p.id, ParticipantDraft(p.code, "short-sessions", "01.12.2026", "en", pin="2580")
    )
    rec = desk.records.participant_record(p.id)
    assert (rec.plan_profile, rec.start_date, rec.language, rec.has_pin) == (
        "short-sessions",
        date(2026, 12, 1),
        "en",
        True,
    )
    last = desk.records.audit_log(limit=1)[0]
    assert (last.action, last.detail) == (
        "participant_edit",
        {"changed": ["language", "pin", "plan_profile", "start_date"]},
    )


def test_participant_pin_login_and_lockout(desk: StaffDesk, clinic, clock: DeskClock) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    with pytest.raises(LoginFailed):  # no PIN yet
        desk.participant_login("JMO-014", "2580")
    kari.set_pin(p.id, "2580")
    assert desk.participant_login(" jmo-014 ", "2580").id == p.id
    for _i in range(5):
        with pytest.raises(LoginFailed):
            desk.participant_login("JMO-014", "0000")
    with pytest.raises(LoginFailed, match="work consultant"):
        desk.participant_login("JMO-014", "2580")
    clock.advance(minutes=16)
    assert desk.participant_login("JMO-014", "2580").code == "JMO-014"
    # The same message whether the code exists or not: the screen reveals no codes.
    with pytest.raises(LoginFailed) as unknown:
        desk.participant_login("JMO-999", "2580")
    with pytest.raises(LoginFailed) as wrong:
        desk.participant_login("JMO-014", "9999")
    assert unknown.value.message == wrong.value.message


def test_goal_rating_note_round_trip(desk: StaffDesk, clinic, clock: DeskClock) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    g = kari.add_goal(
        p.id,
        GoalDraft(
            "Holde oversikt over ordre på lageret",
            "Plukker ordre på lageret, tre dager i uka",
            ("memory", "attention"),
            ("symbol_coding",),
            "01.03.2027",
        ),
    )
    assert (g.text, g.domains, g.exercise_ids, g.target_date, g.version) == (
        "Holde oversikt over ordre på lageret",
        ("memory", "attention"),
        ("symbol_coding",),
        date(2027, 3, 1),
        1,
    )
    kari.rate_goal(RatingDraft(str(g.id), "-1", "Utgangspunkt"))
    clock.advance(days=14)
    kari.rate_goal(RatingDraft(str(g.id), 1, ""))
    ratings = kari.ratings(p.id)
    assert [(r.rated_on, r.value, r.comment, r.rated_by_name) for r in ratings] == [
        (date(2026, 12, 2), -1, "Utgangspunkt", "Kari Konsulent"),
        (date(2026, 12, 16), 1, None, "Kari Konsulent"),
    ]
    kari.add_note(p.id, NoteDraft("Brukte grupperingsstrategien i dag", str(g.id)))
    notes = kari.notes(p.id)
    assert [(n.text, n.goal_id, n.author_name, n.source) for n in notes] == [
        ("Brukte grupperingsstrategien i dag", g.id, "Kari Konsulent", "staff")
    ]
    data = kari.progress(p.id)
    assert data.goals[0].latest_value == 1
    assert data.goals[0].change == 2
    assert data.notes[0].text == "Brukte grupperingsstrategien i dag"


def test_rating_out_of_scale_is_refused(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    g = kari.add_goal(p.id, GoalDraft("Komme presis på jobb"))
    for bad in ("3", "-3", "en", ""):
        with pytest.raises(FormErrors):
            kari.rate_goal(RatingDraft(str(g.id), bad))
    assert kari.ratings(p.id) == []


def test_stale_goal_edit_is_refused(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    g = kari.add_goal(p.id, GoalDraft("Komme presis på jobb"))
    kari.edit_goal(g.id, GoalDraft("Komme presis på jobb hver dag"), version=g.version)
    with pytest.raises(StaleRecordError, match="someone else"):
        kari.edit_goal(g.id, GoalDraft("Gammel tekst"), version=g.version)
    assert desk.records.goal(g.id).text == "Komme presis på jobb hver dag"
    assert desk.records.goal(g.id).version == 2


def test_archived_goals_are_kept(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    g = kari.add_goal(p.id, GoalDraft("Komme presis på jobb"))
    kari.rate_goal(RatingDraft(str(g.id), 0))
    archived = kari.archive_goal(g.id, version=g.version)
    assert archived.archived
    assert [x.id for x in kari.goals(p.id)] == [g.id]
    assert len(kari.ratings(p.id)) == 1
    restored = kari.archive_goal(g.id, version=archived.version, archived=False)
    assert not restored.archived


def test_deactivate_keeps_training_data_and_blocks_training(
    desk: StaffDesk, store: Store, clinic
) -> None:  # type: ignore[no-untyped-def]
    admin, kari, p = clinic
    sid = store.start_session(p.id)
    admin.set_participant_active(p.id, False)
    assert kari.participants() == []
    assert [r.code for r in kari.participants(include_inactive=True)] == ["JMO-014"]
    assert [s.id for s in store.sessions_of(p.id)] == [sid]
    with pytest.raises(AccessDenied):
        kari.start_training_for(p.id)
    admin.set_participant_active(p.id, True)
    assert kari.start_training_for(p.id).code == "JMO-014"


def test_assign_consultant_moves_the_participant(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    admin, kari, p = clinic
    ola = desk.login("ola", OLA_PW)
    admin.assign_consultant(p.id, "ola")
    assert kari.participants() == []
    assert [r.code for r in ola.participants()] == ["JMO-014"]
    with pytest.raises(FormErrors):
        admin.assign_consultant(p.id, "nils")  # a neuropsychologist is not a consultant
    assert [r.code for r in ola.participants()] == ["JMO-014"]


def test_every_audited_action_writes_its_row(desk: StaffDesk, store: Store, clinic) -> None:  # type: ignore[no-untyped-def]
    admin, kari, p = clinic
    kari.open_participant(p.id)
    kari.progress(p.id)
    kari.clinic_overview()
    g = kari.add_goal(p.id, GoalDraft("Komme presis på jobb"))
    kari.edit_goal(g.id, GoalDraft("Komme presis på jobb hver dag"), version=1)
    kari.rate_goal(RatingDraft(str(g.id), 0))
    kari.add_note(p.id, NoteDraft("Bra uke"))
    kari.set_pin(p.id, "2580")
    kari.start_training_for(p.id)
    kari.logout()
    got = [(who, act, out) for who, act, out, _code in actions(desk)]
    assert got == [
        ("admin", "user_create_first_admin", "ok"),
        ("admin", "login", "ok"),
        ("admin", "user_create", "ok"),
        ("admin", "user_create", "ok"),
        ("admin", "user_create", "ok"),
        ("kari", "login", "ok"),
        ("kari", "participant_create", "ok"),
        ("kari", "participant_view", "ok"),
        ("kari", "progress_view", "ok"),
        ("kari", "clinic_overview_view", "ok"),
        ("kari", "goal_create", "ok"),
        ("kari", "goal_edit", "ok"),
        ("kari", "goal_rate", "ok"),
        ("kari", "note_add", "ok"),
        ("kari", "participant_set_pin", "ok"),
        ("kari", "participant_start_training", "ok"),
        ("kari", "logout", "ok"),
    ]
    # Nothing secret in the log.
    for row in desk.records.audit_log(limit=1000):
        text = repr(row)
        assert KARI_PW not in text and "2580" not in text
    assert admin.audit_log(limit=5)[0].action == "logout"


def test_logged_out_session_can_do_nothing(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, p = clinic
    kari.logout()
    with pytest.raises(AccessDenied, match="logged out"):
        kari.open_participant(p.id)


def test_idle_time_counts_from_the_last_activity(desk: StaffDesk, clinic, clock: DeskClock) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, _p = clinic
    clock.advance(minutes=4)
    assert kari.idle_for() == pytest.approx(240, abs=0.001)
    kari.touch()
    clock.advance(seconds=30)
    assert kari.idle_for() == pytest.approx(30, abs=0.001)


def test_unknown_goal_gives_a_clear_error(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    _admin, kari, _p = clinic
    with pytest.raises(Exception, match="no longer exists"):
        kari.rate_goal(RatingDraft(str(uuid.uuid4()), 1))


def test_assessment_scores_are_entered_by_a_neuropsychologist(desk: StaffDesk, clinic) -> None:  # type: ignore[no-untyped-def]
    from cogtrain.assessment.scores import ScoreDraft

    _admin, kari, p = clinic
    nils = desk.login("nils", NILS_PW)
    rows = [
        ScoreDraft("matrics", "hvlt_r", "total_recall", "baseline", "30.11.2026", "24", "43"),
        ScoreDraft("matrics", "tmt_a", "time", "baseline", "30.11.2026", "38,5", "47"),
    ]
    with pytest.raises(AccessDenied):
        kari.enter_scores(p.id, rows)  # a consultant reads, does not enter
    bad = [*rows, ScoreDraft("matrics", "hvlt_r", "total_recall", "baseline", "30.11.2026", "41")]
    with pytest.raises(FormErrors) as err:
        nils.enter_scores(p.id, bad)
    assert list(err.value.fields) == ["2:raw"]  # only the third row, only its raw score
    assert desk.records.scores_of(p.id) == []  # all or nothing
    assert nils.enter_scores(p.id, rows) == 2
    stored = kari.scores(p.id)
    assert [
        (r.fields.instrument_id, r.fields.raw_value, r.fields.standard_value) for r in stored
    ] == [
        ("hvlt_r", 24.0, 43.0),
        ("tmt_a", 38.5, 47.0),
    ]
    fixed = nils.correct_score(
        stored[0].id,
        ScoreDraft("matrics", "hvlt_r", "total_recall", "baseline", "30.11.2026", "25", "44"),
        version=stored[0].version,
    )
    assert (fixed.fields.raw_value, fixed.version) == (25.0, 2)
    feedback = kari.feedback(p.id)
    assert list(feedback.profiles) == ["baseline"] and feedback.changes == ()
    admin_session = desk.login("admin", ADMIN_PW)
    with pytest.raises(AccessDenied):
        admin_session.scores(p.id)
    log = [(a[0], a[1], a[2]) for a in actions(desk) if a[1].startswith("assessment")]
    assert log[:3] == [
        ("kari", "assessment_enter", "denied"),
        ("nils", "assessment_enter", "ok"),
        ("nils", "assessment_enter", "ok"),
    ]
    assert ("nils", "assessment_correct", "ok") in log
    assert ("kari", "assessment_view", "ok") in log
    assert ("admin", "assessment_view", "denied") in log
