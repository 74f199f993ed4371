"""Per-frame work for every registered exercise, under SDL's dummy driver.

Per frame the App measures event handling + update + draw (the flip and the wait for the
next frame are excluded: those are the display's time, not ours). Each exercise in
``exercises.EXERCISES`` runs as a scored block through the real program flow, answered
through the view's own input events by a scripted participant, mostly right, and every
trial is committed to a real SQLite file as in the program, so commit frames count too.
When a block ends, the next one starts, until the frame budget is spent.

    SDL_VIDEODRIVER=dummy .venv/bin/python bench/frame_time.py
        [--frames 3000] [--size 1024x768] [--lang nb] [--exercise ID ...] [--profile ID]

Prints one row per exercise: frames measured, trials answered, p50 / p95 / p99 / max ms,
PASS or FAIL against the goal p99 <= 4 ms, and what was on screen in the slowest frame.
``--profile ID`` runs that exercise again under cProfile and prints where the time of
its frames went (slowest first), to find out why an exercise misses the goal.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pygame  # noqa: E402

import exercises  # noqa: E402
from cogtrain import i18n  # noqa: E402
from cogtrain.runtime.app import App  # noqa: E402
from cogtrain.runtime.clock import ManualClock  # noqa: E402
from cogtrain.runtime.flow import ProgramFlow  # noqa: E402
from cogtrain.runtime.scenes.block import BlockScene  # noqa: E402
from cogtrain.runtime.scenes.block_end import BlockEndScene  # noqa: E402
from cogtrain.storage.engine import resolve_url  # noqa: E402
from cogtrain.storage.store import Store  # noqa: E402
from cogtrain.training.block import BlockConfig  # noqa: E402

GOAL_P99_MS = 4.0


@dataclass
class Run:
    exercise_id: str
    work_ms: list[float]  # one entry per measured frame
    screens: list[str]  # what was on screen in that frame
    trials: int


def _screen(app: App) -> str:
    top = app.top
    if isinstance(top, BlockScene) and top.runner is not None:
        return f"trial:{top.runner.phase.value}"
    return type(top).__name__ if top is not None else "-"


def measure(exercise_id: str, frames: int, size: tuple[int, int], tmp: Path) -> Run:
    store = Store.open(resolve_url(f"sqlite:///{tmp / (exercise_id + '.sqlite3')}"))
    store.ensure_demo_participant()
    pygame.display.set_mode(size)
    app = App(ManualClock())
    flow = ProgramFlow(
        app,
        store,
        exercise_id=exercise_id,
        block_config=BlockConfig(max_trials=10_000, max_active_ms=1e12),
    )
    flow.pick(store.participants()[0])
    flow.block()
    rng = np.random.default_rng(0)
    state = {"n": 0, "last": None}
    screens: list[str] = []

    def driver(app: App) -> None:
        top = app.top
        if isinstance(top, BlockEndScene):
            flow.block()
        elif isinstance(top, BlockScene) and top.runner is not None:
            r = top.runner
            if r.accepting_input and state["last"] != id(r.spec):
                state["last"] = id(r.spec)
                ok = state["n"] % 5 != 4
                state["n"] += 1
                resp = (
                    top.info.rules.correct_response(r.spec)
                    if ok
                    else top.info.rules.error_response(r.spec, rng)
                )
                rect = top.content_rect(app.surface)
                for e in top.view.events_for(resp, r.spec, rect, app.theme):
                    pygame.event.post(e)
        screens.append(_screen(app))

    app.stats.enabled = True
    app.stats.work_ns.clear()
    app.run(driver=driver, max_frames=frames)
    store.close()
    work = [ns / 1e6 for ns in app.stats.work_ns]
    n = min(len(work), len(screens))
    return Run(exercise_id, work[:n], screens[:n], int(state["n"]))


def profile(exercise_id: str, frames: int, size: tuple[int, int], top: int = 25) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        prof = cProfile.Profile()
        prof.enable()
        measure(exercise_id, frames, size, Path(tmp))
        prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=3000, help="frames per exercise")
    ap.add_argument("--size", default="1024x768")
    ap.add_argument("--lang", default="nb", choices=i18n.SUPPORTED_LANGUAGES)
    ap.add_argument("--exercise", action="append", help="only these (repeatable)")
    ap.add_argument("--profile", metavar="ID", help="also profile this exercise")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    i18n.set_language(args.lang)
    pygame.display.init()
    pygame.font.init()
    ids = args.exercise or [e.exercise_id for e in exercises.EXERCISES]
    print(
        f"per-frame work (events + update + draw; flip and frame wait excluded), "
        f"{args.frames} frames per exercise, {size[0]}x{size[1]}, {args.lang}, "
        f"SDL video driver {os.environ.get('SDL_VIDEODRIVER')}"
    )
    header = (
        f"{'exercise':<18} {'frames':>6} {'trials':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'max ms':>7}  {'p99<=4':<6}  slowest frame"
    )
    print(header)
    print("-" * len(header))
    worst, failed = 0.0, []
    with tempfile.TemporaryDirectory() as tmp:
        for ex in ids:
            run = measure(ex, args.frames, size, Path(tmp))
            work = np.array(run.work_ms)
            p50, p95, p99 = np.percentile(work, [50, 95, 99])
            slow = int(work.argmax())
            verdict = "PASS" if p99 <= GOAL_P99_MS else "FAIL"
            if verdict == "FAIL":
                failed.append(ex)
            worst = max(worst, p99)
            print(
                f"{ex:<18} {len(work):>6} {run.trials:>6} {p50:7.3f} {p95:7.3f} "
                f"{p99:7.3f} {work.max():7.3f}  {verdict:<6}  #{slow} {run.screens[slow]}"
            )
    print("-" * len(header))
    print(f"worst p99: {worst:.3f} ms; goal p99 <= {GOAL_P99_MS:g} ms: ", end="")
    print(f"FAIL ({', '.join(failed)})" if failed else f"PASS for all {len(ids)} exercises")
    if args.profile:
        print(f"\nprofile of {args.profile} ({args.frames} frames), by own time:")
        print(profile(args.profile, args.frames, size))
    pygame.quit()


if __name__ == "__main__":
    main()
