"""The hand-made 40-hour history the chart and report benchmarks share.

48 sessions of 50 minutes (Mondays and Thursdays from 2 September 2024), one block per
exercise per session with slowly rising levels, three goals (one archived) rated every
fortnight, a check-in per session. ``rating_comment`` is written on every fourth rating.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from cogtrain.reports.progress_data import BlockFact, GoalFact, RatingFact, SessionFact

FIRST = datetime(2024, 9, 2, 8, 0, tzinfo=UTC)


def forty_hours(
    exercises: Sequence[tuple[str, str]], *, rating_comment: str | None = None
) -> tuple[list[SessionFact], list[BlockFact], list[GoalFact], list[RatingFact]]:
    """Sessions, blocks, goals and ratings for ``exercises`` as ``(id, domain)`` pairs."""
    sessions: list[SessionFact] = []
    blocks: list[BlockFact] = []
    for i in range(48):
        started = FIRST + timedelta(days=7 * (i // 2) + 3 * (i % 2))
        sid = f"s{i:02d}"
        sessions.append(SessionFact(sid, started, 50 * 60_000.0, 1 + i % 3, 1 + (i * 2) % 3))
        for j, (exercise, domain) in enumerate(exercises):
            level = 1 + (i * (j + 2)) // 9
            blocks.append(BlockFact(sid, started, exercise, domain, False, level, 600_000.0))
    goals = [
        GoalFact("g1", "Huske avtaler og beskjeder på jobben"),
        GoalFact("g2", "Holde fokus i møter"),
        GoalFact("g3", "Bli tryggere på å ta ordet", archived=True),
    ]
    ratings = [
        RatingFact(
            g.goal_id,
            date(2024, 9, 2) + timedelta(days=14 * k),
            max(-2, min(2, k // 2 - 2 + n)),
            comment=rating_comment if k % 4 == 3 else None,
        )
        for n, g in enumerate(goals)
        for k in range(12)
    ]
    return sessions, blocks, goals, ratings
