"""Which staff screen comes after which, and who is logged in.

The nav holds the one :class:`~cogtrain.staff.desk.StaffSession` (or none), builds each
screen with what it needs, and hands over to the participant's side when a consultant
starts a participant's training. Logging out (by the button or after a quiet spell)
always returns to the participant start screen, so a record is never left on screen.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from cogtrain.i18n import Msg
from cogtrain.runtime.app import App
from cogtrain.staff.desk import StaffDesk, StaffSession
from cogtrain.staff.roles import Role
from cogtrain.staff.sync_notice import SyncNotice, SyncState, describe_sync
from cogtrain.storage.staff_records import GoalRow
from cogtrain.storage.store import ParticipantInfo


class StaffNav:
    def __init__(
        self,
        app: App,
        desk: StaffDesk,
        *,
        on_start_training: Callable[[ParticipantInfo], None],
        on_exit: Callable[[Msg | None], None],
        sync_status: Callable[[], SyncState] | None = None,
    ) -> None:
        self.app = app
        self.desk = desk
        self.session: StaffSession | None = None
        self.on_start_training = on_start_training
        self.on_exit = on_exit
        self.sync_status = sync_status
        self._sync_cache: tuple[float, SyncNotice] | None = None

    # -- the link to the clinic's server ----------------------------------------------

    SYNC_REFRESH_S = 2.0
    """How often the staff screens ask the journal how it is doing (it reads a table)."""

    def sync_notice(self) -> SyncNotice | None:
        """The line about this PC's link to the shared server; None on a PC with its own
        database (nothing to tell)."""
        if self.sync_status is None:
            return None
        now = time.monotonic()
        if self._sync_cache is None or now - self._sync_cache[0] > self.SYNC_REFRESH_S:
            from cogtrain.runtime.staff.dates import date_time

            self._sync_cache = (now, describe_sync(self.sync_status(), date_time))
        return self._sync_cache[1]

    # -- who is here ----------------------------------------------------------------

    def touch(self) -> None:
        if self.session is not None:
            self.session.touch()

    def idle_seconds(self) -> float:
        return 0.0 if self.session is None else self.session.idle_for()

    def start(self) -> None:
        """First run: create the admin account; afterwards: log in."""
        from cogtrain.runtime.staff.login import FirstAdminScene, LoginScene

        if self.desk.needs_first_admin():
            self.app.reset_to(FirstAdminScene(self))
        else:
            self.app.reset_to(LoginScene(self))

    def logged_in(self, session: StaffSession) -> None:
        self.session = session
        self.home()

    def logout(self, *, reason: str = "user") -> None:
        from cogtrain.i18n import _

        if self.session is not None:
            self.session.logout(reason=reason)
        self.session = None
        note = (
            _("You were logged out after 10 minutes without activity.")
            if reason == "idle"
            else None
        )
        self.on_exit(note)

    def leave(self) -> None:
        """Back to the participant start screen without logging in (first-run screens)."""
        self.on_exit(None)

    # -- screens --------------------------------------------------------------------

    def home(self) -> None:
        from cogtrain.runtime.staff.overview import OverviewScene

        self.app.reset_to(OverviewScene(self))

    def participant(self, participant_id: uuid.UUID) -> None:
        from cogtrain.runtime.staff.progress import ParticipantScene

        self.app.reset_to(ParticipantScene(self, participant_id))

    def participant_form(self, participant_id: uuid.UUID | None = None) -> None:
        from cogtrain.runtime.staff.participant_form import ParticipantFormScene

        self.app.reset_to(ParticipantFormScene(self, participant_id))

    def goals(self, participant_id: uuid.UUID) -> None:
        from cogtrain.runtime.staff.goals import GoalsScene

        self.app.reset_to(GoalsScene(self, participant_id))

    def goal_form(self, participant_id: uuid.UUID, goal: GoalRow | None = None) -> None:
        from cogtrain.runtime.staff.goals import GoalFormScene

        self.app.reset_to(GoalFormScene(self, participant_id, goal))

    def rating_form(self, goal: GoalRow) -> None:
        from cogtrain.runtime.staff.goals import RatingFormScene

        self.app.reset_to(RatingFormScene(self, goal))

    def note_form(self, participant_id: uuid.UUID) -> None:
        from cogtrain.runtime.staff.goals import NoteFormScene

        self.app.reset_to(NoteFormScene(self, participant_id))

    def assessments(self, participant_id: uuid.UUID) -> None:
        from cogtrain.runtime.staff.assessments import AssessmentScene

        self.app.reset_to(AssessmentScene(self, participant_id))

    def score_form(self, participant_id: uuid.UUID) -> None:
        from cogtrain.runtime.staff.assessments import ScoreFormScene

        self.app.reset_to(ScoreFormScene(self, participant_id))

    def accounts(self) -> None:
        from cogtrain.runtime.staff.accounts import AccountsScene

        self.app.reset_to(AccountsScene(self))

    def user_form(self) -> None:
        from cogtrain.runtime.staff.accounts import UserFormScene

        self.app.reset_to(UserFormScene(self))

    def audit_log(self) -> None:
        from cogtrain.runtime.staff.accounts import AuditLogScene

        self.app.reset_to(AuditLogScene(self))

    def start_training(self, participant_id: uuid.UUID) -> bool:
        """Hand the PC to the participant: log the staff member out, start their training."""
        assert self.session is not None
        info = self.session.start_training_for(participant_id)
        self.session.logout(reason="start_training")
        self.session = None
        self.on_start_training(info)
        return True

    @property
    def is_admin(self) -> bool:
        return self.session is not None and self.session.user.role is Role.ADMIN
