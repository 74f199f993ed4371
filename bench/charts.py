"""Render time of the consultant's progress charts.

Builds a full 40-hour history by hand (48 sessions of 50 minutes, Mondays and
Thursdays, five exercises in four domains, three goals rated every fortnight, a
check-in per session), then renders each chart ``--runs`` times at ``--size`` and prints
the mean and the slowest render in ms. The first render of the process (font loading,
matplotlib's caches) is done once before timing and printed apart: the screen pays it
once, on its first chart.

    .venv/bin/python bench/charts.py [--runs 20] [--size 1200x500] [--lang nb]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cogtrain import i18n  # noqa: E402
from cogtrain.reports import charts  # noqa: E402
from cogtrain.reports.progress_data import (  # noqa: E402
    BlockFact,
    GoalFact,
    RatingFact,
    SessionFact,
    checkin_trend,
    level_curves,
    rating_history,
)

EXERCISES = [
    ("nback", "memory"),
    ("span", "memory"),
    ("stroop", "attention"),
    ("sorting", "problem_solving"),
    ("symbols", "processing_speed"),
]


def history() -> tuple[list[SessionFact], list[BlockFact], list[GoalFact], list[RatingFact]]:
    first = datetime(2024, 9, 2, 8, 0, tzinfo=UTC)
    sessions: list[SessionFact] = []
    blocks: list[BlockFact] = []
    for i in range(48):
        started = first + timedelta(days=7 * (i // 2) + 3 * (i % 2))
        sid = f"s{i:02d}"
        sessions.append(SessionFact(sid, started, 50 * 60_000.0, 1 + i % 3, 1 + (i * 2) % 3))
        for j, (exercise, domain) in enumerate(EXERCISES):
            level = 1 + (i * (j + 2)) // 9
            blocks.append(BlockFact(sid, started, exercise, domain, False, level, 600_000.0))
    goals = [
        GoalFact("g1", "Huske avtaler og beskjeder på jobben"),
        GoalFact("g2", "Holde fokus i møter"),
        GoalFact("g3", "Bli tryggere på å ta ordet", archived=True),
    ]
    ratings = [
        RatingFact(
            g.goal_id, date(2024, 9, 2) + timedelta(days=14 * k), max(-2, min(2, k // 2 - 2 + n))
        )
        for n, g in enumerate(goals)
        for k in range(12)
    ]
    return sessions, blocks, goals, ratings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--size", default="1200x500")
    ap.add_argument("--lang", default="nb", choices=i18n.SUPPORTED_LANGUAGES)
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    i18n.set_language(args.lang)

    sessions, blocks, goals, ratings = history()
    domains = level_curves(blocks, by="domain")
    exercises = level_curves(blocks, by="exercise")
    goal_history = rating_history(goals, ratings)
    trend = checkin_trend(sessions)
    jobs: dict[str, Callable[[], charts.ChartImage]] = {
        "level_chart (4 domains)": lambda: charts.level_chart(
            domains, charts.domain_labels(), (w, h)
        ),
        "level_chart (5 exercises)": lambda: charts.level_chart(exercises, {}, (w, h)),
        "ratings_chart (3 goals)": lambda: charts.ratings_chart(goal_history, (w, h)),
        "checkin_chart (24 weeks)": lambda: charts.checkin_chart(trend, (w, h)),
        "empty chart": lambda: charts.level_chart({}, {}, (w, h)),
        "render_png (checkin)": lambda: charts.render_png(charts.checkin_chart(trend, (w, h))),
    }

    t = time.perf_counter()
    jobs["level_chart (4 domains)"]()
    print(f"first render (fonts, caches): {(time.perf_counter() - t) * 1000:.0f} ms")
    print(f"{w}x{h}, {args.runs} renders each, lang {args.lang}")
    print(f"{'chart':<28}{'mean ms':>10}{'max ms':>10}")
    for name, job in jobs.items():
        times = []
        for _run in range(args.runs):
            t = time.perf_counter()
            job()
            times.append((time.perf_counter() - t) * 1000)
        print(f"{name:<28}{statistics.fmean(times):>10.1f}{max(times):>10.1f}")


if __name__ == "__main__":
    main()
