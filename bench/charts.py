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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.forty_hours import forty_hours  # noqa: E402
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
    return forty_hours(EXERCISES)


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
