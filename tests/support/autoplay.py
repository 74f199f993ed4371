"""A scripted participant, run as a separate process by the crash tests and benchmarks.

    python tests/support/autoplay.py DB_URL [--trials N] [--realtime]

Opens the store like the program does, picks the first participant, skips the
instructions and practice, and answers every trial (mostly right) through the view's own
input events. After each trial is committed it prints ``ACK <block_index> <trial_index>``
and flushes, so a parent process knows exactly which trials had been acknowledged when it
kills this one.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from cogtrain import i18n  # noqa: E402
from cogtrain.runtime.app import App  # noqa: E402
from cogtrain.runtime.clock import ManualClock, MonotonicClock  # noqa: E402
from cogtrain.runtime.flow import ProgramFlow  # noqa: E402
from cogtrain.runtime.scenes.block import BlockScene  # noqa: E402
from cogtrain.runtime.scenes.block_end import BlockEndScene  # noqa: E402
from cogtrain.runtime.training_controller import TrainingController  # noqa: E402
from cogtrain.storage.engine import resolve_url  # noqa: E402
from cogtrain.storage.store import Store  # noqa: E402
from cogtrain.training.block import BlockConfig  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("db_url")
    ap.add_argument("--trials", type=int, default=1000, help="trials per block")
    ap.add_argument("--blocks", type=int, default=1000)
    ap.add_argument("--realtime", action="store_true", help="real clock instead of manual")
    args = ap.parse_args()

    i18n.set_language("nb")
    store = Store.open(resolve_url(args.db_url))
    store.recover_interrupted()
    store.ensure_demo_participant()
    block_no = {"n": -1}
    original = TrainingController.record_trial

    def record_and_ack(self, ctx, record):  # type: ignore[no-untyped-def]
        original(self, ctx, record)
        if not ctx.is_practice:
            print(f"ACK {block_no['n']} {record.index}", flush=True)

    TrainingController.record_trial = record_and_ack  # type: ignore[method-assign]

    pygame.init()
    pygame.display.set_mode((1024, 768))
    app = App(MonotonicClock() if args.realtime else ManualClock())
    flow = ProgramFlow(
        app,
        store,
        exercise_id="symbol_coding",
        block_config=BlockConfig(max_trials=args.trials, max_active_ms=1e12),
    )
    participant = store.participants()[0]
    flow.pick(participant)
    rng = np.random.default_rng(0)
    n = {"answered": 0, "last": None}

    def start_block() -> None:
        block_no["n"] += 1
        if block_no["n"] >= args.blocks:
            app.quit()
            return
        flow.block()

    def driver(app: App) -> None:
        top = app.top
        if isinstance(top, BlockEndScene):
            start_block()
            return
        if not isinstance(top, BlockScene):
            return
        runner = top.runner
        if runner is None or not runner.accepting_input or n["last"] == id(runner.spec):
            return
        n["last"] = id(runner.spec)
        ok = n["answered"] % 5 != 4
        n["answered"] += 1
        rules = top.info.rules
        resp = rules.correct_response(runner.spec) if ok else rules.error_response(runner.spec, rng)
        for e in top.view.events_for(resp, runner.spec, top.content_rect(app.surface), app.theme):
            pygame.event.post(e)

    start_block()
    app.run(driver=driver)
    pygame.quit()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
