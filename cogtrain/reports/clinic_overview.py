"""One row per participant for the clinic overview: who is on track, who to call.

The overview exists so a consultant can see at a glance which participants have missed
two planned sessions in a row (a sign to get in touch) without opening each one. The
warning and the next session come straight from
:func:`~cogtrain.training.attendance.attendance_report`, so the overview and the
participant's own progress screen can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from cogtrain.reports.progress_data import (
    DEFAULT_TZ,
    PlanFacts,
    SessionFact,
    sessions_done,
)
from cogtrain.training.attendance import attendance_report


@dataclass(frozen=True)
class OverviewRow:
    """One participant in the clinic overview."""

    participant_code: str
    consultant: str
    hours_done: float
    """Active hours in all."""
    last_session_day: date | None
    """The local day of the last session with active time."""
    sessions_this_month: int
    """Sessions with active time in today's calendar month."""
    planned_this_month: int
    """Planned days of today's month from its first day up to and including today."""
    missed_two_in_a_row: bool
    next_session: date | None


def overview_row(
    code: str,
    consultant: str,
    plan: PlanFacts,
    sessions: Sequence[SessionFact],
    today: date,
    tz: tzinfo = DEFAULT_TZ,
) -> OverviewRow:
    """The overview row of one participant.

    "This month" compares like with like: sessions done in the month so far against the
    days planned in it so far (today included, as in the expected hours), so the row
    does not look behind on the 3rd for days that have not come yet. No days are
    planned before the plan's start or after the target hours were reached.
    """
    done = sessions_done(sessions, tz)
    report = attendance_report(plan.training_days, plan.start, done, today, plan.target_hours)
    month_start = today.replace(day=1)
    attended = [s.day for s in done if s.attended]
    planned = {d for w in report.weeks for d in w.planned_dates if month_start <= d <= today}
    return OverviewRow(
        participant_code=code,
        consultant=consultant,
        hours_done=report.time.total_hours,
        last_session_day=max(attended, default=None),
        sessions_this_month=sum(1 for d in attended if month_start <= d <= today),
        planned_this_month=len(planned),
        missed_two_in_a_row=report.two_missed_in_a_row,
        next_session=report.next_session,
    )


def sort_overview(rows: Iterable[OverviewRow]) -> tuple[OverviewRow, ...]:
    """Participants to get in touch with first, then by code (case-insensitive)."""
    return tuple(
        sorted(
            rows,
            key=lambda r: (
                not r.missed_two_in_a_row,
                r.participant_code.casefold(),
                r.participant_code,
            ),
        )
    )
