"""A scripted participant training a whole (short) planned session, as a child process.

    python tests/support/autoplay_session.py DB_URL [--start-over]

Starts like the program (recovers interrupted sessions, creates the demo participant),
picks the first participant, continues an interrupted session when offered (unless
``--start-over``) and trains the short plan of ``session_player.short_plan`` to its end.
Prints ``ACK <plan_index> <trial_index>`` after each scored trial is committed, and
``DONE`` when the goodbye screen shows.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pygame  # noqa: E402

from cogtrain import i18n  # noqa: E402
from cogtrain.runtime.app import App  # noqa: E402
from cogtrain.runtime.clock import ManualClock  # noqa: E402
from cogtrain.runtime.flow import ProgramFlow  # noqa: E402
from cogtrain.runtime.training_controller import TrainingController  # noqa: E402
from cogtrain.storage.engine import resolve_url  # noqa: E402
from cogtrain.storage.store import Store  # noqa: E402
from cogtrain.training.block import BlockConfig  # noqa: E402
from tests.support.session_player import SessionPlayer, short_plan  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("db_url")
    ap.add_argument("--start-over", action="store_true")
    ap.add_argument("--session-minutes", type=int, default=3)
    ap.add_argument("--block-minutes", type=int, default=1)
    ap.add_argument(
        "--clock-ahead-s",
        type=float,
        default=0.0,
        help="start the manual clock this far after now (a later start of the program)",
    )
    args = ap.parse_args()

    i18n.set_language("nb")
    store = Store.open(resolve_url(args.db_url))
    store.recover_interrupted()
    store.ensure_demo_participant()
    original = TrainingController.record_trial
    plan_index: dict[int, int | None] = {}

    def record_and_ack(self, ctx, record):  # type: ignore[no-untyped-def]
        original(self, ctx, record)
        if not ctx.is_practice:
            print(f"ACK {plan_index.get(id(ctx))} {record.index}", flush=True)

    original_begin = TrainingController.begin_block

    def begin_and_note(self, rules, *, practice, plan_index_=None, **kw):  # type: ignore[no-untyped-def]
        ctx = original_begin(self, rules, practice=practice, **kw)
        plan_index[id(ctx)] = kw.get("plan_index")
        return ctx

    TrainingController.record_trial = record_and_ack  # type: ignore[method-assign]
    TrainingController.begin_block = begin_and_note  # type: ignore[method-assign]

    pygame.init()
    pygame.display.set_mode((1024, 768))
    app = App(ManualClock(start_utc=datetime.now(UTC) + timedelta(seconds=args.clock_ahead_s)))
    plan = short_plan(session_minutes=args.session_minutes, block_minutes=args.block_minutes)
    flow = ProgramFlow(
        app, store, plan_for=lambda p: plan, seed=3, block_config=BlockConfig(practice_trials=2)
    )
    player = SessionPlayer(resume=not args.start_over)
    flow.show_start()
    app.run(driver=player, max_frames=200_000)
    if player.finished_lines is not None:
        print("DONE", flush=True)
    pygame.quit()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
