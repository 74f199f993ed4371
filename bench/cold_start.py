"""Cold start: from launching the program to its first drawn screen.

Runs ``cogtrain --exit-after-frames 1`` as a fresh process (a new interpreter each time,
so imports, catalogue compilation, database opening and migration all count) with the
dummy video driver, first on an empty data folder (creates and migrates the database and
the demo participant), then on the existing database.

    .venv/bin/python bench/cold_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COGTRAIN = Path(sys.executable).with_name("cogtrain")


def once(db: Path) -> float:
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="dummy",
        SDL_AUDIODRIVER="dummy",
        COGTRAIN_DATABASE_URL=f"sqlite:///{db}",
    )
    t = time.perf_counter()
    out = subprocess.run(
        [str(COGTRAIN), "--exit-after-frames", "1"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - t
    assert "frames drawn: 1" in out.stdout, out.stdout + out.stderr
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    fresh, existing = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "cogtrain.sqlite3"
            fresh.append(once(db))
            existing.append(once(db))
    print("cold start to first drawn screen (process launch to exit after frame 1)")
    for name, xs in (("new database", fresh), ("existing database", existing)):
        print(
            f"{name:<18} median {statistics.median(xs):.3f} s  max {max(xs):.3f} s  "
            f"(n={len(xs)}, goal <= 2 s)"
        )


if __name__ == "__main__":
    main()
