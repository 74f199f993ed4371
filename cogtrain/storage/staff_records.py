"""Staff-side records: accounts, participant records, goals, ratings, notes, audit log.

The same rules as :mod:`cogtrain.storage.store`: plain dataclasses in and out, SQL only
here, every write one short transaction. Each change is written together with its audit
row (an :class:`AuditEntry`) in that one transaction, so the log can never miss a change
and a failed change leaves no audit row claiming it happened. Who may do what is decided
before these methods are called (:mod:`cogtrain.staff.desk`); this layer only keeps
records and refuses what would break them (a duplicate code, a stale edit).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cogtrain.storage.engine import StorageError
from cogtrain.storage.models import (
    AssessmentScore,
    AuditEvent,
    Block,
    Goal,
    GoalRating,
    Note,
    Participant,
    StaffUser,
    TrainingSession,
)

if TYPE_CHECKING:
    from cogtrain.storage.store import Store


def storable_detail(value: Any) -> Any:
    """``value`` (an audit detail: dicts, lists, text, numbers) with every text that a
    JSON column cannot hold on both backends written out as escapes.

    A refused export's message quotes the path that was typed, and a path that was not
    UTF-8 holds lone surrogates (``\\udcff``); PostgreSQL's JSONB refuses those and NUL
    even when escaped, so the audit row, the one record that the attempt happened, would
    fail with it. Escaping keeps the row and shows what was typed (as ``\\udcff``).
    """
    if isinstance(value, str):
        if any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in value):
            return (
                value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
            )
        return value
    if isinstance(value, dict):
        return {storable_detail(k): storable_detail(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable_detail(v) for v in value]
    return value


class DuplicateError(StorageError):
    """A record with the same unique name already exists; nothing was stored."""


class StaleRecordError(StorageError):
    """Someone else changed the record since it was opened; nothing was stored."""


class NotFoundError(StorageError):
    """The record asked for does not exist (or no longer does)."""


@dataclass(frozen=True)
class AuditEntry:
    """What to write to the audit log with a change (or alone, for a view or a login)."""

    actor_id: uuid.UUID | None
    actor_name: str
    action: str
    outcome: str = "ok"
    participant_id: uuid.UUID | None = None
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class StaffUserRow:
    id: uuid.UUID
    username: str
    display_name: str
    role: str
    active: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None
    password_hash: str = field(repr=False)


@dataclass(frozen=True)
class ParticipantRecord:
    id: uuid.UUID
    code: str
    active: bool
    language: str | None
    plan_profile: str
    plan_overrides: dict[str, Any] | None
    consultant_id: uuid.UUID | None
    consultant_name: str | None
    start_date: date | None
    has_pin: bool
    created_at: datetime
    deactivated_at: datetime | None


@dataclass(frozen=True)
class ParticipantChanges:
    """Fields of a participant record a form may change (None = leave as it is)."""

    plan_profile: str | None = None
    start_date: date | None = None
    language: str | None = None
    pin_hash: str | None = field(default=None, repr=False)  # a new PIN (argon2id)


@dataclass(frozen=True)
class GoalRow:
    id: uuid.UUID
    participant_id: uuid.UUID
    text: str
    workplace_situation: str | None
    domains: tuple[str, ...]
    exercise_ids: tuple[str, ...]
    target_date: date | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    version: int

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class GoalFields:
    text: str
    workplace_situation: str | None
    domains: tuple[str, ...]
    exercise_ids: tuple[str, ...]
    target_date: date | None


@dataclass(frozen=True)
class RatingRow:
    id: uuid.UUID
    goal_id: uuid.UUID
    rated_on: date
    value: int
    comment: str | None
    rated_by_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class NoteRow:
    """A note; ``source`` is ``staff`` or ``participant`` (the answer after a block)."""

    id: uuid.UUID
    written_at: datetime
    author_name: str | None
    text: str
    goal_id: uuid.UUID | None
    exercise_id: str | None
    source: str


@dataclass(frozen=True)
class ScoreFields:
    """One assessment score as validated (cogtrain.assessment.scores.CleanScore)."""

    timepoint: str
    assessed_on: date
    battery_id: str
    instrument_id: str
    measure_id: str
    raw_value: float | None
    standard_value: float | None
    standard_kind: str | None
    comment: str | None


@dataclass(frozen=True)
class ScoreRow:
    id: uuid.UUID
    participant_id: uuid.UUID
    fields: ScoreFields
    entered_by_name: str | None
    entered_at: datetime
    version: int


@dataclass(frozen=True)
class SessionProgressRow:
    """One session for the progress screen: its start, active time and check-in."""

    session_id: uuid.UUID
    started_at: datetime
    active_ms: float
    checkin_rested: int | None
    checkin_stressed: int | None


@dataclass(frozen=True)
class BlockProgressRow:
    session_id: uuid.UUID
    session_started_at: datetime
    exercise_id: str
    is_practice: bool
    end_level: int | None
    active_ms: float


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor_name: str
    action: str
    outcome: str
    participant_code: str | None
    detail: dict[str, Any] | None
    device: str


class StaffRecords:
    """Staff-side reads and writes on a :class:`~cogtrain.storage.store.Store`'s database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- audit -----------------------------------------------------------------------

    def _audit(self, s: Session, entry: AuditEntry, now: datetime) -> None:
        from cogtrain.storage.store import this_device

        s.add(
            AuditEvent(
                at=now,
                actor_id=entry.actor_id,
                actor_name=entry.actor_name[:80],
                action=entry.action,
                outcome=entry.outcome,
                participant_id=entry.participant_id,
                detail=storable_detail(entry.detail),
                device=this_device(),
            )
        )

    def audit(self, entry: AuditEntry, *, now: datetime) -> None:
        """Write one audit row on its own (a view, a login, a denied action)."""
        with self._store._tx() as s:
            self._audit(s, entry, now)

    def audit_log(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        participant_id: uuid.UUID | None = None,
        until: datetime | None = None,
    ) -> list[AuditRow]:
        """Newest first. ``until`` pins the pages to the log as it was when first read,
        so rows written meanwhile (the viewing itself) do not shift later pages."""

        def q(s: Session) -> list[AuditRow]:
            stmt = (
                select(AuditEvent, Participant.code)
                .outerjoin(Participant, Participant.id == AuditEvent.participant_id)
                .order_by(AuditEvent.at.desc(), AuditEvent.id)
                .limit(limit)
                .offset(offset)
            )
            if participant_id is not None:
                stmt = stmt.where(AuditEvent.participant_id == participant_id)
            if until is not None:
                stmt = stmt.where(AuditEvent.at <= until)
            return [
                AuditRow(e.at, e.actor_name, e.action, e.outcome, code, e.detail, e.device)
                for e, code in s.execute(stmt)
            ]

        return self._store._read(q)

    def audit_count(self) -> int:
        return self._store._read(
            lambda s: int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)
        )

    # -- staff accounts --------------------------------------------------------------

    def count_users(self) -> int:
        return self._store._read(
            lambda s: int(s.scalar(select(func.count()).select_from(StaffUser)) or 0)
        )

    def add_user(
        self,
        *,
        username: str,
        display_name: str,
        role: str,
        password_hash: str,
        audit: AuditEntry,
        now: datetime,
    ) -> StaffUserRow:
        with self._store._tx() as s:
            if s.scalar(select(StaffUser.id).where(StaffUser.username == username)):
                raise DuplicateError(
                    f"There is already a staff account called {username!r}.",
                    hint="Choose another user name. Nothing was saved.",
                )
            u = StaffUser(
                username=username,
                display_name=display_name,
                role=role,
                password_hash=password_hash,
                active=True,
                failed_attempts=0,
                created_at=now,
            )
            s.add(u)
            _flush_unique(
                s,
                DuplicateError(
                    f"There is already a staff account called {username!r}.",
                    hint="Choose another user name. Nothing was saved.",
                ),
            )
            self._audit(s, _with_detail(audit, {"username": username, "role": role}), now)
            return _user_row(u)

    def user_by_username(self, username: str) -> StaffUserRow | None:
        def q(s: Session) -> StaffUserRow | None:
            u = s.scalar(select(StaffUser).where(StaffUser.username == username))
            return _user_row(u) if u else None

        return self._store._read(q)

    def user(self, user_id: uuid.UUID) -> StaffUserRow:
        def q(s: Session) -> StaffUserRow:
            u = s.get(StaffUser, user_id)
            if u is None:
                raise NotFoundError("That staff account no longer exists.", hint="Reload.")
            return _user_row(u)

        return self._store._read(q)

    def users(self) -> list[StaffUserRow]:
        return self._store._read(
            lambda s: [
                _user_row(u) for u in s.scalars(select(StaffUser).order_by(StaffUser.username))
            ]
        )

    def record_login(
        self,
        user_id: uuid.UUID,
        *,
        failed_attempts: int,
        locked_until: datetime | None,
        success: bool,
        audit: AuditEntry,
        now: datetime,
        new_password_hash: str | None = None,
    ) -> None:
        """Store the outcome of a login attempt (counter, lock, last login) with its audit row."""
        with self._store._tx() as s:
            u = s.get_one(StaffUser, user_id)
            u.failed_attempts = failed_attempts
            u.locked_until = locked_until
            if success:
                u.last_login_at = now
            if new_password_hash:
                u.password_hash = new_password_hash
            self._audit(s, audit, now)

    def update_user(
        self,
        user_id: uuid.UUID,
        *,
        audit: AuditEntry,
        now: datetime,
        active: bool | None = None,
        password_hash: str | None = None,
        unlock: bool = False,
        role: str | None = None,
    ) -> StaffUserRow:
        with self._store._tx() as s:
            u = s.get(StaffUser, user_id)
            if u is None:
                raise NotFoundError("That staff account no longer exists.", hint="Reload.")
            if active is not None:
                u.active = active
            if password_hash is not None:
                u.password_hash = password_hash
            if role is not None:
                u.role = role
            if unlock or password_hash is not None:
                u.failed_attempts = 0
                u.locked_until = None
            self._audit(s, audit, now)
            s.flush()
            return _user_row(u)

    # -- participant records ---------------------------------------------------------

    def participant_records(
        self, *, consultant_id: uuid.UUID | None = None, include_inactive: bool = False
    ) -> list[ParticipantRecord]:
        def q(s: Session) -> list[ParticipantRecord]:
            stmt = (
                select(Participant, StaffUser.display_name)
                .outerjoin(StaffUser, StaffUser.id == Participant.consultant_id)
                .order_by(Participant.code)
            )
            if consultant_id is not None:
                stmt = stmt.where(Participant.consultant_id == consultant_id)
            if not include_inactive:
                stmt = stmt.where(Participant.active.is_(True))
            return [_participant_record(p, name) for p, name in s.execute(stmt)]

        return self._store._read(q)

    def participant_record(self, participant_id: uuid.UUID) -> ParticipantRecord:
        def q(s: Session) -> ParticipantRecord:
            p = s.get(Participant, participant_id)
            if p is None:
                raise NotFoundError("That participant no longer exists.", hint="Reload the list.")
            return _participant_record(p, _consultant_name(s, p.consultant_id))

        return self._store._read(q)

    def participant_by_code(self, code: str) -> ParticipantRecord | None:
        def q(s: Session) -> ParticipantRecord | None:
            p = s.scalar(select(Participant).where(Participant.code == code))
            if p is None:
                return None
            return _participant_record(p, _consultant_name(s, p.consultant_id))

        return self._store._read(q)

    def create_participant(
        self,
        *,
        code: str,
        consultant_id: uuid.UUID | None,
        plan_profile: str,
        start_date: date | None,
        language: str | None,
        pin_hash: str | None,
        audit: AuditEntry,
        now: datetime,
    ) -> ParticipantRecord:
        with self._store._tx() as s:
            if s.scalar(select(Participant.id).where(Participant.code == code)):
                raise DuplicateError(
                    f"A participant with the code {code} already exists.",
                    hint="Choose another code. Nothing was saved.",
                )
            p = Participant(
                code=code,
                created_at=now,
                active=True,
                language=language,
                plan_profile=plan_profile,
                consultant_id=consultant_id,
                start_date=start_date,
                pin_hash=pin_hash,
                pin_failed_attempts=0,
            )
            s.add(p)
            _flush_unique(
                s,
                DuplicateError(
                    f"A participant with the code {code} already exists.",
                    hint="Choose another code. Nothing was saved.",
                ),
            )
            self._audit(s, _for_participant(audit, p.id, {"code": code}), now)
            return _participant_record(p, _consultant_name(s, consultant_id))

    def update_participant(
        self,
        participant_id: uuid.UUID,
        changes: ParticipantChanges,
        *,
        audit: AuditEntry,
        now: datetime,
    ) -> ParticipantRecord:
        with self._store._tx() as s:
            p = _participant(s, participant_id)
            changed: dict[str, Any] = {}
            if changes.plan_profile is not None and changes.plan_profile != p.plan_profile:
                changed["plan_profile"] = changes.plan_profile
                p.plan_profile = changes.plan_profile
            if changes.start_date is not None and changes.start_date != p.start_date:
                changed["start_date"] = changes.start_date.isoformat()
                p.start_date = changes.start_date
            if changes.language is not None and changes.language != p.language:
                changed["language"] = changes.language
                p.language = changes.language
            if changes.pin_hash is not None:
                changed["pin"] = True
                p.pin_hash = changes.pin_hash
                p.pin_failed_attempts = 0
                p.pin_locked_until = None
            self._audit(s, _for_participant(audit, p.id, {"changed": sorted(changed)}), now)
            s.flush()
            return _participant_record(p, _consultant_name(s, p.consultant_id))

    def assign_consultant(
        self,
        participant_id: uuid.UUID,
        consultant_id: uuid.UUID | None,
        *,
        audit: AuditEntry,
        now: datetime,
    ) -> None:
        with self._store._tx() as s:
            p = _participant(s, participant_id)
            if consultant_id is not None:
                u = s.get(StaffUser, consultant_id)
                if u is None or u.role != "consultant" or not u.active:
                    raise NotFoundError(
                        "Only an active work consultant's account can be assigned.",
                        hint="Choose a work consultant from the list. Nothing was saved.",
                    )
            p.consultant_id = consultant_id
            detail = {"consultant_id": str(consultant_id) if consultant_id else None}
            self._audit(s, _for_participant(audit, p.id, detail), now)

    def set_participant_active(
        self, participant_id: uuid.UUID, active: bool, *, audit: AuditEntry, now: datetime
    ) -> None:
        """Deactivate (or reactivate). Training data is never deleted."""
        with self._store._tx() as s:
            p = _participant(s, participant_id)
            p.active = active
            p.deactivated_at = None if active else now
            self._audit(s, _for_participant(audit, p.id, {"active": active}), now)

    def set_pin(
        self,
        participant_id: uuid.UUID,
        pin_hash: str | None,
        *,
        audit: AuditEntry,
        now: datetime,
    ) -> None:
        with self._store._tx() as s:
            p = _participant(s, participant_id)
            p.pin_hash = pin_hash
            p.pin_failed_attempts = 0
            p.pin_locked_until = None
            self._audit(s, _for_participant(audit, p.id, None), now)

    def pin_state(self, participant_id: uuid.UUID) -> tuple[str | None, int, datetime | None]:
        """The PIN hash, failed attempts and lock of a participant (for the PIN check)."""

        def q(s: Session) -> tuple[str | None, int, datetime | None]:
            p = _participant(s, participant_id)
            return p.pin_hash, int(p.pin_failed_attempts or 0), p.pin_locked_until

        return self._store._read(q)

    def record_pin_attempt(
        self,
        participant_id: uuid.UUID,
        *,
        failed_attempts: int,
        locked_until: datetime | None,
        audit: AuditEntry,
        now: datetime,
    ) -> None:
        with self._store._tx() as s:
            p = _participant(s, participant_id)
            p.pin_failed_attempts = failed_attempts
            p.pin_locked_until = locked_until
            self._audit(s, audit, now)

    # -- goals and ratings -----------------------------------------------------------

    def add_goal(
        self, participant_id: uuid.UUID, fields: GoalFields, *, audit: AuditEntry, now: datetime
    ) -> GoalRow:
        with self._store._tx() as s:
            _participant(s, participant_id)
            g = Goal(
                participant_id=participant_id,
                text=fields.text,
                workplace_situation=fields.workplace_situation,
                domains=list(fields.domains),
                exercise_ids=list(fields.exercise_ids),
                target_date=fields.target_date,
                created_at=now,
                created_by=audit.actor_id,
                updated_at=now,
                version=1,
            )
            s.add(g)
            s.flush()
            self._audit(s, _for_participant(audit, participant_id, {"goal_id": str(g.id)}), now)
            return _goal_row(g)

    def update_goal(
        self,
        goal_id: uuid.UUID,
        fields: GoalFields,
        *,
        expected_version: int,
        audit: AuditEntry,
        now: datetime,
    ) -> GoalRow:
        """Change a goal, unless someone else changed it since it was read."""
        with self._store._tx() as s:
            g = _versioned_update(
                s,
                Goal,
                goal_id,
                expected_version,
                {
                    "text": fields.text,
                    "workplace_situation": fields.workplace_situation,
                    "domains": list(fields.domains),
                    "exercise_ids": list(fields.exercise_ids),
                    "target_date": fields.target_date,
                    "updated_at": now,
                },
            )
            detail = {"goal_id": str(g.id), "version": g.version}
            self._audit(s, _for_participant(audit, g.participant_id, detail), now)
            s.flush()
            return _goal_row(g)

    def set_goal_archived(
        self,
        goal_id: uuid.UUID,
        archived: bool,
        *,
        expected_version: int,
        audit: AuditEntry,
        now: datetime,
    ) -> GoalRow:
        with self._store._tx() as s:
            g = _versioned_update(
                s,
                Goal,
                goal_id,
                expected_version,
                {"archived_at": now if archived else None, "updated_at": now},
            )
            detail = {"goal_id": str(g.id), "archived": archived}
            self._audit(s, _for_participant(audit, g.participant_id, detail), now)
            s.flush()
            return _goal_row(g)

    def goal(self, goal_id: uuid.UUID) -> GoalRow:
        return self._store._read(lambda s: _goal_row(_goal(s, goal_id)))

    def goals_of(
        self, participant_id: uuid.UUID, *, include_archived: bool = True
    ) -> list[GoalRow]:
        def q(s: Session) -> list[GoalRow]:
            stmt = (
                select(Goal)
                .where(Goal.participant_id == participant_id)
                .order_by(Goal.created_at, Goal.id)
            )
            if not include_archived:
                stmt = stmt.where(Goal.archived_at.is_(None))
            return [_goal_row(g) for g in s.scalars(stmt)]

        return self._store._read(q)

    def add_rating(
        self,
        goal_id: uuid.UUID,
        *,
        rated_on: date,
        value: int,
        comment: str | None,
        audit: AuditEntry,
        now: datetime,
    ) -> RatingRow:
        with self._store._tx() as s:
            g = _goal(s, goal_id)
            r = GoalRating(
                goal_id=goal_id,
                rated_on=rated_on,
                value=value,
                comment=comment,
                rated_by=audit.actor_id,
                created_at=now,
            )
            s.add(r)
            s.flush()
            detail = {"goal_id": str(goal_id), "value": value}
            self._audit(s, _for_participant(audit, g.participant_id, detail), now)
            return RatingRow(r.id, goal_id, rated_on, value, comment, audit.actor_name, now)

    def ratings_of(self, participant_id: uuid.UUID) -> list[RatingRow]:
        def q(s: Session) -> list[RatingRow]:
            stmt = (
                select(GoalRating, StaffUser.display_name)
                .join(Goal, Goal.id == GoalRating.goal_id)
                .outerjoin(StaffUser, StaffUser.id == GoalRating.rated_by)
                .where(Goal.participant_id == participant_id)
                .order_by(GoalRating.rated_on, GoalRating.created_at, GoalRating.id)
            )
            return [
                RatingRow(r.id, r.goal_id, r.rated_on, r.value, r.comment, name, r.created_at)
                for r, name in s.execute(stmt)
            ]

        return self._store._read(q)

    # -- assessment scores -------------------------------------------------------------

    def add_score(
        self, participant_id: uuid.UUID, fields: ScoreFields, *, audit: AuditEntry, now: datetime
    ) -> ScoreRow:
        with self._store._tx() as s:
            _participant(s, participant_id)
            a = AssessmentScore(
                participant_id=participant_id,
                entered_by=audit.actor_id,
                entered_at=now,
                version=1,
                **_score_columns(fields),
            )
            s.add(a)
            s.flush()
            detail = {
                "score_id": str(a.id),
                "measure": f"{fields.instrument_id}.{fields.measure_id}",
            }
            self._audit(s, _for_participant(audit, participant_id, detail), now)
            return _score_row(a, audit.actor_name)

    def update_score(
        self,
        score_id: uuid.UUID,
        fields: ScoreFields,
        *,
        expected_version: int,
        audit: AuditEntry,
        now: datetime,
    ) -> ScoreRow:
        """Correct a score, unless someone else changed it since it was read."""
        with self._store._tx() as s:
            a = _versioned_update(
                s, AssessmentScore, score_id, expected_version, _score_columns(fields)
            )
            detail = {"score_id": str(a.id), "version": a.version}
            self._audit(s, _for_participant(audit, a.participant_id, detail), now)
            s.flush()
            return _score_row(a, audit.actor_name)

    def score_by_id(self, score_id: uuid.UUID) -> list[ScoreRow]:
        """The score with this id (a list of one, or empty when it is gone)."""

        def q(s: Session) -> list[ScoreRow]:
            stmt = (
                select(AssessmentScore, StaffUser.display_name)
                .outerjoin(StaffUser, StaffUser.id == AssessmentScore.entered_by)
                .where(AssessmentScore.id == score_id)
            )
            return [_score_row(a, name) for a, name in s.execute(stmt)]

        return self._store._read(q)

    def scores_of(self, participant_id: uuid.UUID) -> list[ScoreRow]:
        def q(s: Session) -> list[ScoreRow]:
            stmt = (
                select(AssessmentScore, StaffUser.display_name)
                .outerjoin(StaffUser, StaffUser.id == AssessmentScore.entered_by)
                .where(AssessmentScore.participant_id == participant_id)
                .order_by(
                    AssessmentScore.assessed_on,
                    AssessmentScore.instrument_id,
                    AssessmentScore.measure_id,
                    AssessmentScore.id,
                )
            )
            return [_score_row(a, name) for a, name in s.execute(stmt)]

        return self._store._read(q)

    # -- training history for the progress screens ------------------------------------

    def session_progress(self, participant_id: uuid.UUID) -> list[SessionProgressRow]:
        """Every session of the participant with its summed active block time, oldest first."""

        def q(s: Session) -> list[SessionProgressRow]:
            rows = s.execute(
                select(
                    TrainingSession.id,
                    TrainingSession.started_at,
                    func.coalesce(func.sum(Block.active_ms), 0.0),
                    TrainingSession.checkin_rested,
                    TrainingSession.checkin_stressed,
                )
                .outerjoin(Block, Block.session_id == TrainingSession.id)
                .where(TrainingSession.participant_id == participant_id)
                .group_by(TrainingSession.id)
                .order_by(TrainingSession.started_at, TrainingSession.id)
            )
            return [SessionProgressRow(i, t, float(ms), r, st) for i, t, ms, r, st in rows]

        return self._store._read(q)

    def block_progress(self, participant_id: uuid.UUID) -> list[BlockProgressRow]:
        """Every block of the participant (session order, then block order)."""

        def q(s: Session) -> list[BlockProgressRow]:
            rows = s.execute(
                select(
                    Block.session_id,
                    TrainingSession.started_at,
                    Block.exercise_id,
                    Block.is_practice,
                    Block.end_level,
                    func.coalesce(Block.active_ms, 0.0),
                )
                .join(TrainingSession, TrainingSession.id == Block.session_id)
                .where(TrainingSession.participant_id == participant_id)
                .order_by(TrainingSession.started_at, Block.started_at, Block.id)
            )
            return [
                BlockProgressRow(sid, t, ex, bool(pr), lvl, float(ms))
                for sid, t, ex, pr, lvl, ms in rows
            ]

        return self._store._read(q)

    def session_days_by_participant(
        self, participant_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[datetime, float]]]:
        """For the clinic overview: each participant's sessions (start, active ms) in one query."""

        def q(s: Session) -> dict[uuid.UUID, list[tuple[datetime, float]]]:
            out: dict[uuid.UUID, list[tuple[datetime, float]]] = {p: [] for p in participant_ids}
            if not participant_ids:
                return out
            # A correlated sum per session, not a join + GROUP BY: each sum is read from
            # the covering index block(session_id, active_ms) alone, and no temporary
            # grouping table is built (about half the time at 200 participants).
            active_ms = (
                select(func.coalesce(func.sum(Block.active_ms), 0.0))
                .where(Block.session_id == TrainingSession.id)
                .correlate(TrainingSession)
                .scalar_subquery()
            )
            rows = s.execute(
                select(TrainingSession.participant_id, TrainingSession.started_at, active_ms)
                .where(TrainingSession.participant_id.in_(participant_ids))
                .order_by(TrainingSession.started_at, TrainingSession.id)
            )
            for pid, t, ms in rows:
                out[pid].append((t, float(ms)))
            return out

        return self._store._read(q)

    # -- notes -----------------------------------------------------------------------

    def add_note(
        self,
        participant_id: uuid.UUID,
        *,
        text: str,
        goal_id: uuid.UUID | None,
        exercise_id: str | None,
        audit: AuditEntry,
        now: datetime,
    ) -> NoteRow:
        with self._store._tx() as s:
            _participant(s, participant_id)
            if goal_id is not None:
                g = s.get(Goal, goal_id)
                if g is None or g.participant_id != participant_id:
                    raise NotFoundError(
                        "The goal this note was linked to does not belong to this participant.",
                        hint="Choose one of the participant's goals. Nothing was saved.",
                    )
            n = Note(
                participant_id=participant_id,
                written_at=now,
                author_id=audit.actor_id,
                text=text,
                goal_id=goal_id,
                exercise_id=exercise_id,
            )
            s.add(n)
            s.flush()
            self._audit(s, _for_participant(audit, participant_id, {"note_id": str(n.id)}), now)
            return NoteRow(n.id, now, audit.actor_name, text, goal_id, exercise_id, "staff")

    def notes_of(self, participant_id: uuid.UUID) -> list[NoteRow]:
        """Staff notes and the participant's own answers after blocks, newest first."""

        def q(s: Session) -> list[NoteRow]:
            out: list[NoteRow] = []
            staff = (
                select(Note, StaffUser.display_name)
                .outerjoin(StaffUser, StaffUser.id == Note.author_id)
                .where(Note.participant_id == participant_id)
            )
            for n, name in s.execute(staff):
                out.append(
                    NoteRow(n.id, n.written_at, name, n.text, n.goal_id, n.exercise_id, "staff")
                )
            answers = (
                select(
                    Block.id,
                    Block.ended_at,
                    Block.started_at,
                    Block.exercise_id,
                    Block.transfer_note,
                )
                .join(TrainingSession, TrainingSession.id == Block.session_id)
                .where(
                    TrainingSession.participant_id == participant_id,
                    Block.transfer_note.is_not(None),
                    Block.transfer_note != "",
                )
            )
            for bid, ended, started, ex, text in s.execute(answers):
                out.append(NoteRow(bid, ended or started, None, text, None, ex, "participant"))
            out.sort(key=lambda n: (n.written_at, str(n.id)), reverse=True)
            return out

        return self._store._read(q)


# -- helpers ------------------------------------------------------------------------


def _with_detail(entry: AuditEntry, detail: dict[str, Any] | None) -> AuditEntry:
    merged = dict(entry.detail or {})
    merged.update(detail or {})
    return AuditEntry(
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.outcome,
        entry.participant_id,
        merged or None,
    )


def _for_participant(
    entry: AuditEntry, participant_id: uuid.UUID, detail: dict[str, Any] | None
) -> AuditEntry:
    e = _with_detail(entry, detail)
    return AuditEntry(e.actor_id, e.actor_name, e.action, e.outcome, participant_id, e.detail)


def _score_columns(f: ScoreFields) -> dict[str, Any]:
    return {
        "timepoint": f.timepoint,
        "assessed_on": f.assessed_on,
        "battery_id": f.battery_id,
        "instrument_id": f.instrument_id,
        "measure_id": f.measure_id,
        "raw_value": f.raw_value,
        "standard_value": f.standard_value,
        "standard_kind": f.standard_kind,
        "comment": f.comment,
    }


def _score_row(a: AssessmentScore, entered_by_name: str | None) -> ScoreRow:
    fields = ScoreFields(
        a.timepoint,
        a.assessed_on,
        a.battery_id,
        a.instrument_id,
        a.measure_id,
        a.raw_value,
        a.standard_value,
        a.standard_kind,
        a.comment,
    )
    return ScoreRow(a.id, a.participant_id, fields, entered_by_name, a.entered_at, a.version)


def _consultant_name(s: Session, consultant_id: uuid.UUID | None) -> str | None:
    """The display name of a participant's consultant (None when none is assigned)."""
    u = s.get(StaffUser, consultant_id) if consultant_id is not None else None
    return u.display_name if u is not None else None


def _participant(s: Session, participant_id: uuid.UUID) -> Participant:
    p = s.get(Participant, participant_id)
    if p is None:
        raise NotFoundError("That participant no longer exists.", hint="Reload the list.")
    return p


def _goal(s: Session, goal_id: uuid.UUID) -> Goal:
    g = s.get(Goal, goal_id)
    if g is None:
        raise NotFoundError("That goal no longer exists.", hint="Reload the participant.")
    return g


_STALE: dict[type, tuple[str, str]] = {
    Goal: (
        "This goal was changed by someone else after you opened it.",
        "Reload the goal to see the new version, then make your change again. Nothing was saved.",
    ),
    AssessmentScore: (
        "This score was changed by someone else after you opened it.",
        "Reload to see the new value, then make your change again. Nothing was saved.",
    ),
}
_GONE: dict[type, tuple[str, str]] = {
    Goal: ("That goal no longer exists.", "Reload the participant."),
    AssessmentScore: ("That score no longer exists.", "Reload the assessment."),
}

V = TypeVar("V", Goal, AssessmentScore)


def _versioned_update(
    s: Session, model: type[V], row_id: uuid.UUID, expected_version: int, values: dict[str, Any]
) -> V:
    """Change a versioned row only if it is still at ``expected_version``, in one statement.

    ``UPDATE ... SET version = version + 1 WHERE id = :id AND version = :v``: the check
    and the write are one step in the database, so two staff saving the same record at
    once cannot both pass a check made in Python. Under PostgreSQL's READ COMMITTED the
    second UPDATE waits for the first to commit, then sees the new version and matches
    no row; under SQLite the second writer waits for the lock and does the same. That
    one gets :class:`StaleRecordError`; nothing of theirs is stored."""
    result = s.execute(
        update(model)
        .where(model.id == row_id, model.version == expected_version)
        .values(version=model.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    row = s.get(model, row_id, populate_existing=True)
    if row is None:
        message, hint = _GONE[model]
        raise NotFoundError(message, hint=hint)
    if result.rowcount != 1:
        message, hint = _STALE[model]
        raise StaleRecordError(message, hint=hint)
    return row


def _flush_unique(s: Session, duplicate: DuplicateError) -> None:
    """Flush a new row; a unique key taken meanwhile (another PC, the same moment)
    is the same :class:`DuplicateError` as the check before it."""
    try:
        s.flush()
    except IntegrityError as exc:
        orig = getattr(exc, "orig", None)
        if getattr(orig, "sqlstate", None) == "23505" or "unique" in str(orig).lower():
            raise duplicate from exc
        raise


def _user_row(u: StaffUser) -> StaffUserRow:
    return StaffUserRow(
        u.id,
        u.username,
        u.display_name,
        u.role,
        bool(u.active),
        int(u.failed_attempts or 0),
        u.locked_until,
        u.created_at,
        u.last_login_at,
        u.password_hash,
    )


def _participant_record(p: Participant, consultant_name: str | None) -> ParticipantRecord:
    return ParticipantRecord(
        id=p.id,
        code=p.code,
        active=bool(p.active),
        language=p.language,
        plan_profile=p.plan_profile or "jmo-standard",
        plan_overrides=dict(p.plan_overrides) if p.plan_overrides else None,
        consultant_id=p.consultant_id,
        consultant_name=consultant_name,
        start_date=p.start_date,
        has_pin=p.pin_hash is not None,
        created_at=p.created_at,
        deactivated_at=p.deactivated_at,
    )


def _goal_row(g: Goal) -> GoalRow:
    return GoalRow(
        id=g.id,
        participant_id=g.participant_id,
        text=g.text,
        workplace_situation=g.workplace_situation,
        domains=tuple(g.domains or ()),
        exercise_ids=tuple(g.exercise_ids or ()),
        target_date=g.target_date,
        created_at=g.created_at,
        updated_at=g.updated_at,
        archived_at=g.archived_at,
        version=g.version,
    )
