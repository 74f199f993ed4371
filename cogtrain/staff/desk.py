"""The staff desk: the one door every staff action goes through.

Each action is checked against the role table (:mod:`cogtrain.staff.roles`), validated
(:mod:`cogtrain.staff.forms`), carried out by the storage layer, and written to the audit
log: a change in the same transaction as its audit row; a view, a login and a refusal as a
row of their own. The screens and the command line call only this, so no screen can
forget a check or an audit row, and the rules are tested once, without a window.

A denied action raises :class:`AccessDenied` with the role table's reason; a form that does
not validate raises :class:`~cogtrain.staff.forms.FormErrors` listing every problem.
Either way nothing is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cogtrain.assessment.batteries import BatterySet, load_batteries
from cogtrain.assessment.feedback import (
    DomainChange,
    DomainProfile,
    compare_with_baseline,
    domain_profiles,
)
from cogtrain.assessment.scores import CleanScore, ScoreDraft, Timepoint, validate_score
from cogtrain.errors import CogtrainError, StoppedOnRequest

if TYPE_CHECKING:
    from cogtrain.export import ExportResult
from cogtrain.i18n import _, current_language
from cogtrain.reports.clinic_overview import OverviewRow, overview_row, sort_overview
from cogtrain.reports.progress_data import (
    BlockFact,
    GoalFact,
    NoteFact,
    PlanFacts,
    ProgressScreenData,
    RatingFact,
    SessionFact,
    progress_screen,
)
from cogtrain.staff import forms
from cogtrain.staff.passwords import (
    LoginState,
    after_failure,
    after_success,
    hash_secret,
    is_locked,
    needs_rehash,
    verify_secret,
)
from cogtrain.staff.roles import Action, Role, decide
from cogtrain.storage.staff_records import (
    AuditEntry,
    AuditRow,
    GoalFields,
    GoalRow,
    NoteRow,
    ParticipantChanges,
    ParticipantRecord,
    RatingRow,
    ScoreFields,
    ScoreRow,
    StaffUserRow,
)
from cogtrain.storage.store import ParticipantInfo, Store
from cogtrain.training.plans import (
    PlanError,
    ProfileSet,
    TrainingPlan,
    with_overrides,
)

LOCAL_TZ = ZoneInfo("Europe/Oslo")
PARTICIPANT_ACTOR = "participant"
COMMAND_LINE_ACTOR = "command line"


class AccessDenied(CogtrainError):
    """The role table does not allow this; ``message`` is its translated reason."""


class LoginFailed(CogtrainError):
    """Wrong name or password, a locked or a deactivated account (the message says which)."""


@dataclass(frozen=True)
class Feedback:
    """What the feedback view shows: the scores, a profile per timepoint, the changes."""

    profiles: dict[Timepoint, DomainProfile]
    changes: tuple[DomainChange, ...]
    later: Timepoint | None  # what the changes compare with the baseline
    rows: tuple[ScoreRow, ...]  # the scores it was worked out from


@dataclass(frozen=True)
class OverviewEntry:
    """One line of the clinic overview, with the record and plan it was worked out from."""

    record: ParticipantRecord
    row: OverviewRow
    plan: PlanFacts


@dataclass(frozen=True)
class StaffIdentity:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role


def _utcnow() -> datetime:
    return datetime.now(UTC)


class StaffDesk:
    """Logs staff in and hands out :class:`StaffSession` objects; PIN start for participants."""

    def __init__(
        self,
        store: Store,
        *,
        profiles: ProfileSet,
        exercise_domains: dict[str, str],
        now: Callable[[], datetime] = _utcnow,
        tz: tzinfo = LOCAL_TZ,
        batteries: BatterySet | None = None,
        exercise_titles: dict[str, str] | None = None,
        records: Any = None,
    ) -> None:
        self.store = store
        self._batteries = batteries
        self.exercise_titles = dict(exercise_titles or {})  # id -> title msgid
        # ``records``: the store's own staff records, or (for a participant log-in on a
        # training PC whose server is away) the journal's, which pass the audit on.
        self.records = store.staff if records is None else records
        self.profiles = profiles
        self.exercise_domains = dict(exercise_domains)
        self.now = now
        self.tz = tz

    @classmethod
    def with_exercises(
        cls,
        store: Store,
        *,
        profiles: ProfileSet | None = None,
        now: Callable[[], datetime] = _utcnow,
        records: Any = None,
    ) -> StaffDesk:
        """The desk for the program's own exercise registry (and profiles, by default):
        what the program, the command line and the screenshots all need."""
        import exercises
        from cogtrain.training.plans import load_profiles

        if profiles is None:
            profiles = load_profiles(
                known_exercise_ids=[e.exercise_id for e in exercises.EXERCISES]
            )
        return cls(
            store,
            profiles=profiles,
            exercise_domains=exercise_domains(exercises.EXERCISES),
            exercise_titles={e.exercise_id: e.title for e in exercises.EXERCISES},
            now=now,
            records=records,
        )

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    @property
    def batteries(self) -> BatterySet:
        """The assessment batteries (``batteries/*.toml``), loaded when first needed."""
        if self._batteries is None:
            self._batteries = load_batteries()
        return self._batteries

    # -- accounts --------------------------------------------------------------------

    def needs_first_admin(self) -> bool:
        """True until the first staff account exists (first run)."""
        return self.records.count_users() == 0

    def create_first_admin(self, draft: forms.StaffUserDraft) -> StaffIdentity:
        """Create the first admin account; refused once any account exists."""
        if not self.needs_first_admin():
            raise AccessDenied(
                str(_("An admin account already exists. Ask an admin to make your account."))
            )
        return self._add_user(
            draft,
            lambda clean: AuditEntry(None, clean.username, "user_create_first_admin"),
            first_admin=True,
        )

    def add_user_from_command_line(self, draft: forms.StaffUserDraft) -> StaffIdentity:
        """``cogtrain user add``: whoever may run commands on the database's PC is trusted
        like an admin (they can read the file anyway); the audit log says so."""
        return self._add_user(draft, lambda _c: AuditEntry(None, COMMAND_LINE_ACTOR, "user_create"))

    def _add_user(
        self,
        draft: forms.StaffUserDraft,
        audit: Callable[[forms.CleanStaffUser], AuditEntry],
        *,
        first_admin: bool = False,
    ) -> StaffIdentity:
        """Validate an account form (a taken name is one of its problems) and store it.

        The one place every new account goes through: the first admin, an admin's
        form, and ``cogtrain user add`` differ only in who the audit row names."""
        clean = forms.validate_staff_user(
            draft, existing_usernames=tuple(u.username for u in self.records.users())
        )
        if first_admin and clean.role is not Role.ADMIN:
            raise AccessDenied(str(_("The first account must be an admin account.")))
        row = self.records.add_user(
            username=clean.username,
            display_name=clean.display_name,
            role=clean.role.value,
            password_hash=hash_secret(clean.password),
            audit=audit(clean),
            now=self.now(),
        )
        return _identity(row)

    def unlock_from_command_line(self, username: str) -> None:
        """``cogtrain user unlock``: clear the lock and the failed-login count."""
        name = username.strip().lower()
        row = None if forms.unstorable_char(name) else self.records.user_by_username(name)
        if row is None:
            raise LoginFailed(
                f"There is no staff account called {_printable(username)!r}.",
                hint="`cogtrain user list` shows the accounts.",
            )
        self.records.update_user(
            row.id,
            unlock=True,
            audit=AuditEntry(
                None, COMMAND_LINE_ACTOR, "user_unlock", detail={"username": row.username}
            ),
            now=self.now(),
        )

    def login(self, username: str, password: str) -> StaffSession:
        """Check a name and password; five failures in a row lock the account for a while."""
        now = self.now()
        name = username.strip().lower()
        row = None if forms.unstorable_char(name) else self.records.user_by_username(name)
        if row is None:
            name = _printable(name)  # audited as typed, but never a NUL or a surrogate
            self.records.audit(
                AuditEntry(None, name or "?", "login", "failed", detail={"why": "unknown_user"}),
                now=now,
            )
            raise LoginFailed(str(_("The user name or the password is not right. Try again.")))
        state = LoginState(row.failed_attempts, row.locked_until)
        if is_locked(state, now):
            self.records.audit(
                AuditEntry(row.id, row.username, "login", "failed", detail={"why": "locked"}),
                now=now,
            )
            local = row.locked_until.astimezone(self.tz) if row.locked_until else now
            raise LoginFailed(
                str(
                    _(
                        "This account is locked after too many wrong passwords. Try again "
                        "after {time}, or ask an admin to unlock it."
                    ).format(time=local.strftime("%H:%M"))
                )
            )
        if not row.active:
            self.records.audit(
                AuditEntry(row.id, row.username, "login", "failed", detail={"why": "inactive"}),
                now=now,
            )
            raise LoginFailed(
                str(_("This account has been switched off. Ask an admin if you need it again."))
            )
        if not verify_secret(row.password_hash, password):
            new_state = after_failure(state, now)
            self.records.record_login(
                row.id,
                failed_attempts=new_state.failed_attempts,
                locked_until=new_state.locked_until,
                success=False,
                audit=AuditEntry(
                    row.id,
                    row.username,
                    "login",
                    "failed",
                    detail={"why": "wrong_password", "locked": new_state.locked_until is not None},
                ),
                now=now,
            )
            if new_state.locked_until is not None:
                raise LoginFailed(
                    str(
                        _(
                            "Too many wrong passwords: the account is locked until {time}. "
                            "An admin can unlock it sooner."
                        ).format(time=new_state.locked_until.astimezone(self.tz).strftime("%H:%M"))
                    )
                )
            raise LoginFailed(str(_("The user name or the password is not right. Try again.")))
        ok = after_success(state)
        self.records.record_login(
            row.id,
            failed_attempts=ok.failed_attempts,
            locked_until=ok.locked_until,
            success=True,
            audit=AuditEntry(row.id, row.username, "login"),
            now=now,
            new_password_hash=hash_secret(password) if needs_rehash(row.password_hash) else None,
        )
        return StaffSession(self, _identity(row))

    # -- participants start their own training ---------------------------------------

    def participant_login(self, code: str, pin: str) -> ParticipantInfo:
        """A participant starts their own training with their code and PIN.

        The same lockout as staff accounts. The message never says whether the code
        exists, so the start screen cannot be used to find out who trains here.
        """
        from cogtrain.staff.codes import normalise_code

        now = self.now()
        wrong = _("The code or the PIN is not right. Try again, or ask your work consultant.")
        code = normalise_code(code)
        rec = None if forms.unstorable_char(code) else self.records.participant_by_code(code)
        if rec is None or not rec.active or not rec.has_pin:
            self.records.audit(
                AuditEntry(None, PARTICIPANT_ACTOR, "participant_login", "failed"), now=now
            )
            raise LoginFailed(str(wrong))
        pin_hash, failed, locked_until = self.records.pin_state(rec.id)
        state = LoginState(failed, locked_until)
        audit = AuditEntry(None, PARTICIPANT_ACTOR, "participant_login", participant_id=rec.id)
        if is_locked(state, now):
            self.records.audit(_outcome(audit, "failed", {"why": "locked"}), now=now)
            raise LoginFailed(
                str(_("Too many tries for now. Ask your work consultant to start your training."))
            )
        if pin_hash is None or not verify_secret(pin_hash, pin):
            new = after_failure(state, now)
            self.records.record_pin_attempt(
                rec.id,
                failed_attempts=new.failed_attempts,
                locked_until=new.locked_until,
                audit=_outcome(audit, "failed", {"why": "wrong_pin"}),
                now=now,
            )
            raise LoginFailed(str(wrong))
        ok = after_success(state)
        self.records.record_pin_attempt(
            rec.id,
            failed_attempts=ok.failed_attempts,
            locked_until=ok.locked_until,
            audit=audit,
            now=now,
        )
        return _info(rec)


class StaffSession:
    """One logged-in staff member. Every method checks the role table and audits."""

    def __init__(self, desk: StaffDesk, user: StaffIdentity) -> None:
        self.desk = desk
        self.user = user
        self.records = desk.records
        self.last_activity = desk.now()
        self.open = True

    # -- session housekeeping --------------------------------------------------------

    def touch(self, now: datetime | None = None) -> None:
        self.last_activity = now or self.desk.now()

    def idle_for(self, now: datetime | None = None) -> float:
        """Seconds since the last key press or click on a staff screen."""
        return ((now or self.desk.now()) - self.last_activity).total_seconds()

    def logout(self, *, reason: str = "user") -> None:
        if not self.open:
            return
        self.open = False
        self._audit_alone("logout", detail={"reason": reason})

    # -- the checks ------------------------------------------------------------------

    def _entry(self, action: str, participant_id: uuid.UUID | None = None) -> AuditEntry:
        return AuditEntry(self.user.id, self.user.username, action, participant_id=participant_id)

    def _audit_alone(
        self,
        action: str,
        *,
        outcome: str = "ok",
        participant_id: uuid.UUID | None = None,
        detail: dict | None = None,
    ) -> None:
        self.records.audit(
            AuditEntry(self.user.id, self.user.username, action, outcome, participant_id, detail),
            now=self.desk.now(),
        )

    def can(self, action: Action, participant: ParticipantRecord | None = None) -> bool:
        own = None if participant is None else participant.consultant_id == self.user.id
        return decide(self.user.role, action, own=own).allowed

    def _require(self, action: Action, participant: ParticipantRecord | None = None) -> None:
        if not self.open:
            raise AccessDenied(str(_("You have been logged out. Log in again.")))
        own = None if participant is None else participant.consultant_id == self.user.id
        decision = decide(self.user.role, action, own=own)
        if not decision.allowed:
            self._audit_alone(
                action.value,
                outcome="denied",
                participant_id=participant.id if participant else None,
            )
            raise AccessDenied(str(decision.reason or _("You may not do this.")))

    def _participant(self, participant_id: uuid.UUID) -> ParticipantRecord:
        return self.records.participant_record(participant_id)

    # -- participants ----------------------------------------------------------------

    def participants(self, *, include_inactive: bool = False) -> list[ParticipantRecord]:
        """The participants this user may see: a consultant only their own."""
        self._require(Action.PARTICIPANT_LIST)
        if self.user.role is Role.CONSULTANT:
            return self.records.participant_records(
                consultant_id=self.user.id, include_inactive=include_inactive
            )
        return self.records.participant_records(include_inactive=include_inactive)

    def open_participant(self, participant_id: uuid.UUID) -> ParticipantRecord:
        """Open one participant's record (audited as a view)."""
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_VIEW, rec)
        self._audit_alone("participant_view", participant_id=rec.id)
        return rec

    def create_participant(self, draft: forms.ParticipantDraft) -> ParticipantRecord:
        self._require(Action.PARTICIPANT_CREATE)
        clean = forms.validate_participant(
            draft,
            known_profiles=self.desk.profiles.ids,
            known_consultants=self._consultant_names(),
            existing_codes=tuple(
                r.code for r in self.records.participant_records(include_inactive=True)
            ),
        )
        consultant_id = self._consultant_id(clean.consultant_username)
        if self.user.role is Role.CONSULTANT:
            consultant_id = self.user.id  # a consultant's new participant is their own
        return self.records.create_participant(
            code=clean.code,
            consultant_id=consultant_id,
            plan_profile=clean.plan_profile,
            start_date=clean.start_date,
            language=clean.language,
            pin_hash=hash_secret(clean.pin) if clean.pin else None,
            audit=self._entry("participant_create"),
            now=self.desk.now(),
        )

    def update_participant(
        self, participant_id: uuid.UUID, draft: forms.ParticipantDraft
    ) -> ParticipantRecord:
        """Save the edit form: plan, start date, language, and a new PIN if one was typed.

        Everything is validated first and written in one transaction (with one audit row
        that names the changed fields), so a bad PIN leaves the plan unchanged too.
        """
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_EDIT, rec)
        clean = forms.validate_participant(
            forms.ParticipantDraft(
                code=rec.code,
                plan_profile=draft.plan_profile,
                start_date=draft.start_date,
                language=draft.language,
                consultant_username=draft.consultant_username,
                pin=draft.pin,
            ),
            known_profiles=self.desk.profiles.ids,
            known_consultants=self._consultant_names(),
        )
        if clean.pin:
            self._require(Action.PARTICIPANT_SET_PIN, rec)
        return self.records.update_participant(
            rec.id,
            ParticipantChanges(
                plan_profile=clean.plan_profile,
                start_date=clean.start_date,
                language=clean.language,
                pin_hash=hash_secret(clean.pin) if clean.pin else None,
            ),
            audit=self._entry("participant_edit"),
            now=self.desk.now(),
        )

    def set_pin(self, participant_id: uuid.UUID, pin: str) -> None:
        from cogtrain.staff.passwords import pin_problem

        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_SET_PIN, rec)
        problem = pin_problem(pin)
        if problem is not None:
            raise forms.FormErrors((forms.FieldError("pin", problem),))
        self.records.set_pin(
            rec.id, hash_secret(pin), audit=self._entry("participant_set_pin"), now=self.desk.now()
        )

    def set_participant_active(self, participant_id: uuid.UUID, active: bool) -> None:
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_DEACTIVATE, rec)
        action = "participant_reactivate" if active else "participant_deactivate"
        self.records.set_participant_active(
            rec.id, active, audit=self._entry(action), now=self.desk.now()
        )

    def assign_consultant(self, participant_id: uuid.UUID, username: str | None) -> None:
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_ASSIGN_CONSULTANT, rec)
        consultant_id = self._consultant_id(username) if username else None
        if username and consultant_id is None:
            raise forms.FormErrors(
                (
                    forms.FieldError(
                        "consultant",
                        _("There is no active work consultant called {name}.").format(
                            name=username
                        ),
                    ),
                )
            )
        self.records.assign_consultant(
            rec.id, consultant_id, audit=self._entry("participant_assign"), now=self.desk.now()
        )

    def start_training_for(self, participant_id: uuid.UUID) -> ParticipantInfo:
        """A consultant starts the participant's training on this PC (audited)."""
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_START_TRAINING, rec)
        if not rec.active:
            raise AccessDenied(
                str(_("This participant has been deactivated. Reactivate them to train."))
            )
        self._audit_alone("participant_start_training", participant_id=rec.id)
        return _info(rec)

    def _consultant_names(self) -> tuple[str, ...]:
        return tuple(
            u.username for u in self.records.users() if u.role == Role.CONSULTANT.value and u.active
        )

    def _consultant_id(self, username: str | None) -> uuid.UUID | None:
        if not username or forms.unstorable_char(username):
            return None
        row = self.records.user_by_username(username)
        if row is None or row.role != Role.CONSULTANT.value or not row.active:
            return None
        return row.id

    # -- goals, ratings, notes -------------------------------------------------------

    def goals(self, participant_id: uuid.UUID) -> list[GoalRow]:
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_VIEW, rec)
        return self.records.goals_of(rec.id)

    def add_goal(self, participant_id: uuid.UUID, draft: forms.GoalDraft) -> GoalRow:
        rec = self._participant(participant_id)
        self._require(Action.GOAL_EDIT, rec)
        clean = self._clean_goal(draft)
        return self.records.add_goal(
            rec.id, _goal_fields(clean), audit=self._entry("goal_create"), now=self.desk.now()
        )

    def edit_goal(self, goal_id: uuid.UUID, draft: forms.GoalDraft, *, version: int) -> GoalRow:
        goal = self.records.goal(goal_id)
        rec = self._participant(goal.participant_id)
        self._require(Action.GOAL_EDIT, rec)
        clean = self._clean_goal(draft, existing_target=goal.target_date)
        return self.records.update_goal(
            goal_id,
            _goal_fields(clean),
            expected_version=version,
            audit=self._entry("goal_edit"),
            now=self.desk.now(),
        )

    def archive_goal(self, goal_id: uuid.UUID, *, version: int, archived: bool = True) -> GoalRow:
        goal = self.records.goal(goal_id)
        rec = self._participant(goal.participant_id)
        self._require(Action.GOAL_EDIT, rec)
        return self.records.set_goal_archived(
            goal_id,
            archived,
            expected_version=version,
            audit=self._entry("goal_archive" if archived else "goal_restore"),
            now=self.desk.now(),
        )

    def rate_goal(self, draft: forms.RatingDraft) -> RatingRow:
        goal_id = _goal_uuid(draft.goal_id)
        if goal_id is None:
            forms.validate_rating(draft, known_goal_ids=())  # names the field, and any other
        assert goal_id is not None
        goal = self.records.goal(goal_id)
        rec = self._participant(goal.participant_id)
        self._require(Action.GOAL_RATE, rec)
        clean = forms.validate_rating(draft)
        return self.records.add_rating(
            goal_id,
            rated_on=self.desk.today(),
            value=clean.value,
            comment=clean.comment or None,
            audit=self._entry("goal_rate"),
            now=self.desk.now(),
        )

    def ratings(self, participant_id: uuid.UUID) -> list[RatingRow]:
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_VIEW, rec)
        return self.records.ratings_of(rec.id)

    def add_note(self, participant_id: uuid.UUID, draft: forms.NoteDraft) -> NoteRow:
        rec = self._participant(participant_id)
        self._require(Action.NOTE_ADD, rec)
        clean = forms.validate_note(
            draft,
            known_exercise_ids=tuple(self.desk.exercise_domains),
            # Only this participant's goals: a note must never hang on someone else's.
            known_goal_ids={str(g.id) for g in self.records.goals_of(rec.id)},
        )
        goal_id = _goal_uuid(clean.goal_id)
        return self.records.add_note(
            rec.id,
            text=clean.text,
            goal_id=goal_id,
            exercise_id=clean.exercise_id,
            audit=self._entry("note_add"),
            now=self.desk.now(),
        )

    def notes(self, participant_id: uuid.UUID) -> list[NoteRow]:
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_VIEW, rec)
        return self.records.notes_of(rec.id)

    def _clean_goal(
        self, draft: forms.GoalDraft, *, existing_target: date | None = None
    ) -> forms.CleanGoal:
        # An old goal keeps a target date that has passed; only a new or changed date
        # must be today or later.
        today = self.desk.today()
        if existing_target is not None and existing_target < today:
            today = existing_target
        return forms.validate_goal(
            draft, known_exercise_ids=tuple(self.desk.exercise_domains), today=today
        )

    # -- assessments ----------------------------------------------------------------

    def enter_score(self, participant_id: uuid.UUID, draft: ScoreDraft) -> ScoreRow:
        """A neuropsychologist enters one score (checked against its battery first)."""
        rec = self._participant(participant_id)
        self._require(Action.ASSESSMENT_ENTER, rec)
        clean = validate_score(draft, self.desk.batteries, self.desk.today())
        return self.records.add_score(
            rec.id, _score_fields(clean), audit=self._entry("assessment_enter"), now=self.desk.now()
        )

    def enter_scores(self, participant_id: uuid.UUID, drafts: Sequence[ScoreDraft]) -> int:
        """A whole form of scores: every one is checked before any is stored.

        Problems are listed for all rows at once, each field named ``row:field``."""
        rec = self._participant(participant_id)
        self._require(Action.ASSESSMENT_ENTER, rec)
        cleaned: list[ScoreFields] = []
        problems: list[forms.FieldError] = []
        for i, draft in enumerate(drafts):
            try:
                cleaned.append(
                    _score_fields(validate_score(draft, self.desk.batteries, self.desk.today()))
                )
            except forms.FormErrors as exc:
                problems.extend(forms.FieldError(f"{i}:{e.field}", e.message) for e in exc.errors)
        if problems:
            raise forms.FormErrors(tuple(problems))
        now = self.desk.now()
        for fields in cleaned:
            self.records.add_score(rec.id, fields, audit=self._entry("assessment_enter"), now=now)
        return len(cleaned)

    def correct_score(self, score_id: uuid.UUID, draft: ScoreDraft, *, version: int) -> ScoreRow:
        found = self.records.score_by_id(score_id)
        row = found[0] if found else None
        if row is None:
            from cogtrain.storage.staff_records import NotFoundError

            raise NotFoundError("That score no longer exists.", hint="Reload the assessment.")
        rec = self._participant(row.participant_id)
        self._require(Action.ASSESSMENT_ENTER, rec)
        clean = validate_score(draft, self.desk.batteries, self.desk.today())
        return self.records.update_score(
            score_id,
            _score_fields(clean),
            expected_version=version,
            audit=self._entry("assessment_correct"),
            now=self.desk.now(),
        )

    def scores(self, participant_id: uuid.UUID) -> list[ScoreRow]:
        """The participant's assessment scores (audited as a view)."""
        rec = self._participant(participant_id)
        self._require(Action.ASSESSMENT_VIEW, rec)
        self._audit_alone("assessment_view", participant_id=rec.id)
        return self.records.scores_of(rec.id)

    def feedback(self, participant_id: uuid.UUID) -> Feedback:
        """The domain profile per timepoint, and before/after once post results exist."""
        rows = self.scores(participant_id)  # the one audited read
        profiles = domain_profiles([r.fields for r in rows], self.desk.batteries)
        later, changes = compare_with_baseline(profiles)
        return Feedback(profiles, changes, later, tuple(rows))

    # -- the de-identified export ----------------------------------------------------

    def export(
        self,
        out: Path,
        *,
        participant_codes: Sequence[str] | None = None,
        include_free_text: bool = False,
        include_dates: bool = False,
        key_file: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ExportResult:
        """Write the de-identified BIDS dataset; audited with who, when and for whom.

        One row for the export as a whole and one per participant exported, so a
        participant's own audit trail shows that their data left the program."""
        from cogtrain.export import export_dataset

        self._require(Action.EXPORT_DATA)
        flags = {"free_text": include_free_text, "dates": include_dates}
        try:
            result = export_dataset(
                self.desk.store,
                out,
                participant_codes=participant_codes,
                include_free_text=include_free_text,
                include_dates=include_dates,
                key_file=key_file,
                progress=progress,
            )
        except StoppedOnRequest as exc:
            self._audit_alone(
                "export_data", outcome="stopped", detail={**flags, "why": exc.message[:200]}
            )
            raise
        except CogtrainError as exc:
            self._audit_alone(
                "export_data", outcome="failed", detail={**flags, "why": exc.message[:200]}
            )
            raise
        except BaseException as exc:
            # Stopped on purpose (Cancel on the staff screen, Ctrl+C): nothing was
            # written, but the attempt is still in the audit log.
            self._audit_alone(
                "export_data", outcome="stopped", detail={**flags, "why": type(exc).__name__}
            )
            raise
        detail = {**flags, "path": str(result.path), "n_trials": result.n_trials}
        self._audit_alone(
            "export_data", detail={**detail, "participants": len(result.participant_ids)}
        )
        for pid in result.participant_ids:
            self._audit_alone("export_data", participant_id=pid, detail=detail)
        return result

    # -- the printable progress report ----------------------------------------------

    def report(
        self,
        participant_id: uuid.UUID,
        *,
        pdf: bool = True,
        include_notes: bool = False,
        language: str | None = None,
    ) -> bytes:
        """The participant's progress report (PDF or self-contained HTML), audited.

        Notes are free text about the participant and are printed only when asked for;
        the assessment section appears when this user may see the assessment."""
        from cogtrain.reports.report import (
            AssessmentSummaryRow,
            ReportInput,
            render_html,
            render_pdf,
        )

        rec = self._participant(participant_id)
        self._require(Action.REPORT_PRINT, rec)
        data = self.progress(rec.id)
        rows: list[AssessmentSummaryRow] = []
        if self.can(Action.ASSESSMENT_VIEW, rec):
            lang = language or current_language()
            for change in self.feedback(rec.id).changes:
                try:
                    name = self.desk.batteries.domain(change.domain_id).name(lang)
                except CogtrainError:
                    name = change.domain_id
                words = str(change.word.label) if change.word is not None else ""
                rows.append(AssessmentSummaryRow(name, change.baseline_t, change.post_t, words))
        plan = self.plan_of(rec)
        inp = ReportInput(
            code=rec.code,
            plan_name=plan.name(language or current_language()) if plan else rec.plan_profile,
            today=self.desk.today(),
            progress=data,
            exercise_titles=self.desk.exercise_titles,
            notes=tuple(data.notes) if include_notes else (),
            assessment=tuple(rows),
            language=language,
        )
        out = render_pdf(inp) if pdf else render_html(inp)
        self._audit_alone(
            "report_print",
            participant_id=rec.id,
            detail={"format": "pdf" if pdf else "html", "notes": include_notes},
        )
        return out

    # -- the progress screen and the clinic overview ----------------------------------

    def plan_of(self, rec: ParticipantRecord) -> TrainingPlan | None:
        """The participant's plan with their overrides; None when the profile is gone."""
        try:
            return with_overrides(
                self.desk.profiles.get(rec.plan_profile),
                rec.plan_overrides,
                source=f"{rec.code} (database)",
                known_exercise_ids=tuple(self.desk.exercise_domains),
            )
        except PlanError:
            return None

    def plan_facts(self, rec: ParticipantRecord) -> PlanFacts:
        plan = self.plan_of(rec)
        start = rec.start_date or rec.created_at.astimezone(self.desk.tz).date()
        if plan is None:
            return PlanFacts((1, 4), start, 60.0, 40.0)
        return PlanFacts(
            tuple(plan.training_days), start, float(plan.session_minutes), float(plan.total_hours)
        )

    def progress(self, participant_id: uuid.UUID) -> ProgressScreenData:
        """Everything the consultant's progress screen shows (audited as a view)."""
        rec = self._participant(participant_id)
        self._require(Action.PARTICIPANT_VIEW, rec)
        self._audit_alone("progress_view", participant_id=rec.id)
        domains = self.desk.exercise_domains
        sessions = [
            SessionFact(
                str(r.session_id), r.started_at, r.active_ms, r.checkin_rested, r.checkin_stressed
            )
            for r in self.records.session_progress(rec.id)
        ]
        blocks = [
            BlockFact(
                str(b.session_id),
                b.session_started_at,
                b.exercise_id,
                domains.get(b.exercise_id, "other"),
                b.is_practice,
                b.end_level,
                b.active_ms,
            )
            for b in self.records.block_progress(rec.id)
        ]
        goals = [GoalFact(str(g.id), g.text, g.archived) for g in self.records.goals_of(rec.id)]
        ratings = [
            RatingFact(str(r.goal_id), r.rated_on, r.value, r.comment)
            for r in self.records.ratings_of(rec.id)
        ]
        notes = [
            NoteFact(
                str(n.id),
                n.written_at,
                n.author_name or "",
                n.text,
                str(n.goal_id) if n.goal_id else None,
                n.exercise_id,
                n.source,
            )
            for n in self.records.notes_of(rec.id)
        ]
        return progress_screen(
            self.plan_facts(rec),
            sessions,
            blocks,
            goals,
            ratings,
            notes,
            self.desk.today(),
            self.desk.tz,
        )

    def clinic_overview(self) -> list[OverviewEntry]:
        """Every participant this user may see, with hours, last session and a flag.

        Flagged participants first (``sort_overview``). Each entry keeps the record and
        the plan it was worked out from, so a screen needs no second read."""
        recs = self.participants()
        days = self.records.session_days_by_participant([r.id for r in recs])
        today = self.desk.today()
        entries: dict[str, OverviewEntry] = {}
        for r in recs:
            plan = self.plan_facts(r)
            sessions = [
                SessionFact(f"{r.id}:{i}", t, ms, None, None)
                for i, (t, ms) in enumerate(days[r.id])
            ]
            row = overview_row(r.code, r.consultant_name or "", plan, sessions, today, self.desk.tz)
            entries[r.code] = OverviewEntry(r, row, plan)
        self._audit_alone("clinic_overview_view", detail={"participants": len(entries)})
        return [
            entries[row.participant_code] for row in sort_overview(e.row for e in entries.values())
        ]

    # -- accounts and the audit log (admins) -----------------------------------------

    def users(self) -> list[StaffUserRow]:
        self._require(Action.USER_MANAGE)
        return self.records.users()

    def add_user(self, draft: forms.StaffUserDraft) -> StaffIdentity:
        self._require(Action.USER_MANAGE)
        return self.desk._add_user(draft, lambda _c: self._entry("user_create"))

    def unlock_user(self, user_id: uuid.UUID) -> None:
        self._require(Action.USER_MANAGE)
        self.records.update_user(
            user_id, unlock=True, audit=self._entry("user_unlock"), now=self.desk.now()
        )

    def set_user_active(self, user_id: uuid.UUID, active: bool) -> None:
        self._require(Action.USER_MANAGE)
        if user_id == self.user.id and not active:
            raise AccessDenied(str(_("You cannot switch off your own account.")))
        self.records.update_user(
            user_id,
            active=active,
            audit=self._entry("user_reactivate" if active else "user_deactivate"),
            now=self.desk.now(),
        )

    def reset_password(self, user_id: uuid.UUID, password: str, password_again: str) -> None:
        from cogtrain.staff.passwords import password_problem

        self._require(Action.USER_MANAGE)
        target = self.records.user(user_id)
        errors: list[forms.FieldError] = []
        problem = password_problem(password, username=target.username)
        if problem is not None:
            errors.append(forms.FieldError("password", problem))
        elif password != password_again:
            errors.append(
                forms.FieldError("password_again", _("The two passwords are not the same."))
            )
        if errors:
            raise forms.FormErrors(tuple(errors))
        self.records.update_user(
            user_id,
            password_hash=hash_secret(password),
            audit=self._entry("user_reset_password"),
            now=self.desk.now(),
        )

    def audit_log(
        self, *, limit: int = 200, offset: int = 0, until: datetime | None = None
    ) -> list[AuditRow]:
        self._require(Action.AUDIT_VIEW)
        rows = self.records.audit_log(limit=limit, offset=offset, until=until)
        self._audit_alone("audit_log_view", detail={"offset": offset})
        return rows


# -- helpers ------------------------------------------------------------------------


def _printable(text: str) -> str:
    """``text`` with control and broken characters escaped (``\\x00``, ``\\udcff``), cut
    to 64 characters: how a name nobody could have typed is audited and shown."""
    if forms.unstorable_char(text) is None:
        return text[:64]
    return repr(text)[1:-1][:64]


def _goal_uuid(raw: object) -> uuid.UUID | None:
    """A goal id from a form (a UUID as text); ``None`` when it is not one."""
    try:
        return uuid.UUID(str(raw).strip())
    except ValueError:
        return None


def _identity(row: StaffUserRow) -> StaffIdentity:
    return StaffIdentity(row.id, row.username, row.display_name, Role(row.role))


def _info(rec: ParticipantRecord) -> ParticipantInfo:
    return ParticipantInfo(rec.id, rec.code, rec.language, rec.plan_profile, rec.plan_overrides)


def _outcome(entry: AuditEntry, outcome: str, detail: dict) -> AuditEntry:
    return AuditEntry(
        entry.actor_id, entry.actor_name, entry.action, outcome, entry.participant_id, detail
    )


def _score_fields(clean: CleanScore) -> ScoreFields:
    return ScoreFields(
        timepoint=str(clean.timepoint),
        assessed_on=clean.assessed_on,
        battery_id=clean.battery_id,
        instrument_id=clean.instrument_id,
        measure_id=clean.measure_id,
        raw_value=clean.raw_value,
        standard_value=clean.standard_value,
        standard_kind=str(clean.standard_kind) if clean.standard_kind else None,
        comment=clean.comment,
    )


def _goal_fields(clean: forms.CleanGoal) -> GoalFields:
    return GoalFields(
        text=clean.text,
        workplace_situation=clean.workplace_situation or None,
        domains=tuple(clean.domains),
        exercise_ids=tuple(clean.exercise_ids),
        target_date=clean.target_date,
    )


def exercise_domains(exercise_infos: Sequence[object]) -> dict[str, str]:
    """``{exercise_id: domain}`` from the exercise registry (what the desk needs to know)."""
    return {e.exercise_id: str(e.domain) for e in exercise_infos}  # type: ignore[attr-defined]
