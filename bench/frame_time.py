"""Per-frame work while exercises run, under SDL's dummy driver.

Per frame the App measures event handling + update + draw (the flip and the wait for the
next frame are excluded: those are the display's time, not ours). Trials are answered
through each view's own input events by a scripted participant, mostly right, and every
trial is committed to a real SQLite file as in the program, so commit frames count too.

    SDL_VIDEODRIVER=dummy .venv/bin/python bench/frame_time.py [--frames 3000] [--size 1920x1080]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
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


def measure(exercise_id: str, frames: int, size: tuple[int, int], tmp: Path) -> list[float]:
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

    def driver(app: App) -> None:
        top = app.top
        if isinstance(top, BlockEndScene):
            flow.block()
            return
        if not isinstance(top, BlockScene) or top.runner is None:
            return
        r = top.runner
        if not r.accepting_input or state["last"] == id(r.spec):
            return
        state["last"] = id(r.spec)
        ok = state["n"] % 5 != 4
        state["n"] += 1
        resp = (
            top.info.rules.correct_response(r.spec)
            if ok
            else top.info.rules.error_response(r.spec, rng)
        )
        for e in top.view.events_for(resp, r.spec, top.content_rect(app.surface), app.theme):
            pygame.event.post(e)

    app.stats.enabled = True
    app.run(driver=driver, max_frames=frames)
    store.close()
    return [ns / 1e6 for ns in app.stats.work_ns], state["n"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=3000)
    ap.add_argument("--size", default="1024x768")
    ap.add_argument("--exercise", action="append", help="only these (repeatable)")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    i18n.set_language("nb")
    pygame.display.init()
    pygame.font.init()
    ids = args.exercise or [e.exercise_id for e in exercises.EXERCISES]
    print(f"per-frame work (events + update + draw), {args.frames} frames, {size[0]}x{size[1]}")
    print(
        f"{'exercise':<20} {'trials':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8}  goal p99 <= 4 ms"
    )
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for ex in ids:
            work, trials = measure(ex, args.frames, size, Path(tmp))
            p50, p95, p99 = np.percentile(work, [50, 95, 99])
            worst = max(worst, p99)
            ok = "ok" if p99 <= 4.0 else "OVER"
            print(f"{ex:<20} {trials:>6} {p50:8.3f} {p95:8.3f} {p99:8.3f} {max(work):8.3f}  {ok}")
    print(f"worst p99: {worst:.3f} ms")
    pygame.quit()


if __name__ == "__main__":
    main()
