"""A scripted participant training a whole (short) planned session, as a child process.

    python tests/support/autoplay_session.py DB_URL [--start-over]

Starts like the program (recovers interrupted sessions, creates the demo participant),
picks the first participant, continues an interrupted session when offered (unless
``--start-over``) and trains the short plan of ``session_player.short_plan`` to its end.
Prints ``ACK <plan_index> <trial_index>`` after each scored trial is committed, and
``DONE`` when the goodbye screen shows.

For the fault campaign (bench/fault_campaign.py), which reuses one database over many
runs: ``--ack-ids`` prints ``ACKID <block_id_hex> <trial_index> <plan_index>`` instead,
so an acknowledged trial is named exactly; ``--clock-start-utc`` starts the manual clock
after what an earlier run stored; ``--fps`` and ``--size`` make the frames cheaper (fewer,
smaller frames for the same minutes of training). :func:`main` takes ``argv``, so a
forked process can run it without a new interpreter.
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


def main(argv: list[str] | None = None) -> int:
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
    ap.add_argument(
        "--clock-start-utc",
        type=datetime.fromisoformat,
        default=None,
        help="start the manual clock at this aware ISO time (overrides --clock-ahead-s)",
    )
    ap.add_argument("--ack-ids", action="store_true", help="ACKID <block> <trial> <plan>")
    ap.add_argument("--fps", type=int, default=None, help="frames per manual second")
    ap.add_argument("--size", default="1024x768", help="window size WxH")
    args = ap.parse_args(argv)

    i18n.set_language("nb")
    store = Store.open(resolve_url(args.db_url))
    store.recover_interrupted()
    store.ensure_demo_participant()
    original = TrainingController.record_trial
    plan_index: dict[int, int | None] = {}

    def record_and_ack(self, ctx, record):  # type: ignore[no-untyped-def]
        original(self, ctx, record)
        if ctx.is_practice:
            return
        if args.ack_ids:
            print(f"ACKID {ctx.block_id.hex} {record.index} {plan_index.get(id(ctx))}", flush=True)
        else:
            print(f"ACK {plan_index.get(id(ctx))} {record.index}", flush=True)

    original_begin = TrainingController.begin_block

    def begin_and_note(self, rules, *, practice, plan_index_=None, **kw):  # type: ignore[no-untyped-def]
        ctx = original_begin(self, rules, practice=practice, **kw)
        plan_index[id(ctx)] = kw.get("plan_index")
        return ctx

    TrainingController.record_trial = record_and_ack  # type: ignore[method-assign]
    TrainingController.begin_block = begin_and_note  # type: ignore[method-assign]

    pygame.init()
    width, height = (int(v) for v in args.size.lower().split("x"))
    pygame.display.set_mode((width, height))
    start_utc = args.clock_start_utc or datetime.now(UTC) + timedelta(seconds=args.clock_ahead_s)
    clock = ManualClock(start_utc=start_utc)
    app = App(clock) if args.fps is None else App(clock, fps=args.fps)
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
