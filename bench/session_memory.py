"""Memory over a long session: RSS after 1,000 and after 10,000 trials (goal: within 10 %).

    SDL_VIDEODRIVER=dummy .venv/bin/python bench/session_memory.py \
        [--trials 10000] [--fps 5] [--size 1024x768] [--tracemalloc]

One planned session, long enough for ``--trials`` trials, runs through the real program:
``ProgramFlow`` with the real composer, every exercise in the registry, instructions,
practice rounds, blocks run by the shared trial runner, end-of-block screens, reflection,
breaks, and every trial committed to a SQLite file by the store, exactly as in the
clinic. The scripted participant is the one the tests use
(``tests/support/session_player.py``): it answers through each exercise view's own input
events, three of four right.

The clock is the manual one the headless tests use, moving ``1/--fps`` s a frame. A
coarse frame only means fewer frames per trial (the runner times everything on that
clock), so ten thousand trials take minutes, not the ten hours they would take a person.

RSS is read from ``/proc/self/status`` after a ``gc.collect()``. With ``--tracemalloc``
the script also prints the allocation sites that grew most between the two points (the
leak to look at, if any).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pygame  # noqa: E402

from cogtrain import i18n  # noqa: E402
from cogtrain.runtime.app import App  # noqa: E402
from cogtrain.runtime.clock import ManualClock  # noqa: E402
from cogtrain.runtime.flow import ProgramFlow  # noqa: E402
from cogtrain.runtime.training_controller import TrainingController  # noqa: E402
from cogtrain.storage.engine import resolve_url  # noqa: E402
from cogtrain.storage.store import Store  # noqa: E402
from tests.support.session_player import SessionPlayer, short_plan  # noqa: E402

GOAL_RATIO = 1.10
FIRST_CHECKPOINT = 1_000
TRIALS_PER_MINUTE_LOW = 12  # a planned session gives at least this many (puzzles included)


def rss_kib() -> int:
    """Resident set size of this process (KiB), from /proc (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


@dataclasses.dataclass
class Checkpoint:
    trials: int
    rss_kib: int
    seconds: float


def run(trials: int, fps: int, size: tuple[int, int], trace: bool) -> list[Checkpoint]:
    i18n.set_language("nb")
    tmp = Path(tempfile.mkdtemp(prefix="cogtrain-memory-"))
    store = Store.open(resolve_url(f"sqlite:///{tmp / 'memory.sqlite3'}"))
    store.ensure_demo_participant()
    minutes = max(60, int(trials / TRIALS_PER_MINUTE_LOW) + 60)
    plan = short_plan(session_minutes=minutes, block_minutes=10)
    plan = dataclasses.replace(
        plan,
        warm_up_minutes=5,
        breaks=dataclasses.replace(plan.breaks, offer_every_minutes=30, break_minutes=3),
    )

    pygame.init()
    pygame.display.set_mode(size)
    app = App(ManualClock(), fps=fps)
    flow = ProgramFlow(app, store, plan_for=lambda p: plan, seed=11)
    checkpoints: list[Checkpoint] = []
    snapshots: list[tracemalloc.Snapshot] = []
    count = {"n": 0}
    t0 = time.perf_counter()
    original = TrainingController.record_trial
    marks = {FIRST_CHECKPOINT, trials} | set(range(2_000, trials, 1_000))

    def record_and_count(self, ctx, record):  # type: ignore[no-untyped-def]
        original(self, ctx, record)
        count["n"] += 1
        if count["n"] in marks:
            gc.collect()
            checkpoints.append(Checkpoint(count["n"], rss_kib(), time.perf_counter() - t0))
            cp = checkpoints[-1]
            print(f"  {cp.trials:>6} trials  RSS {cp.rss_kib / 1024:7.1f} MiB  {cp.seconds:6.0f} s")
            if trace and count["n"] in (FIRST_CHECKPOINT, trials):
                snapshots.append(tracemalloc.take_snapshot())
        if count["n"] >= trials:
            app.quit()

    TrainingController.record_trial = record_and_count  # type: ignore[method-assign]
    if trace:
        tracemalloc.start(12)
    player = SessionPlayer()
    try:
        flow.show_start()
        app.run(driver=player)
    finally:
        TrainingController.record_trial = original  # type: ignore[method-assign]
        pygame.quit()
        store.close()
    if count["n"] < trials:
        raise SystemExit(
            f"the session ended after {count['n']} trials, before {trials}: "
            "raise TRIALS_PER_MINUTE_LOW's session length"
        )
    if len(snapshots) == 2:
        print("\nallocation sites that grew most between 1,000 trials and the end:")
        for stat in snapshots[1].compare_to(snapshots[0], "traceback")[:8]:
            print(f"  +{stat.size_diff / 1024:9.1f} KiB  {stat.count_diff:+7d} blocks")
            for line in stat.traceback.format()[-6:]:
                print(f"      {line}")
    return checkpoints


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=10_000)
    ap.add_argument("--fps", type=int, default=5, help="manual-clock frames per second")
    ap.add_argument("--size", default="1024x768")
    ap.add_argument("--tracemalloc", action="store_true", help="where the growth comes from")
    args = ap.parse_args(argv)
    if args.trials <= FIRST_CHECKPOINT:
        ap.error(f"--trials must be above {FIRST_CHECKPOINT}")
    w, h = (int(x) for x in args.size.lower().split("x"))
    print(f"long session: {args.trials} trials, manual clock at {args.fps} fps, {w}x{h}")
    cps = run(args.trials, args.fps, (w, h), args.tracemalloc)
    first = next(c for c in cps if c.trials == FIRST_CHECKPOINT)
    last = cps[-1]
    ratio = last.rss_kib / first.rss_kib
    verdict = "PASS" if ratio <= GOAL_RATIO else "FAIL"
    print(
        f"\nRSS after {first.trials:,} trials: {first.rss_kib / 1024:.1f} MiB; after "
        f"{last.trials:,}: {last.rss_kib / 1024:.1f} MiB; ratio {ratio:.3f} {verdict} "
        f"(goal <= {GOAL_RATIO:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
