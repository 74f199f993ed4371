"""Durable trial logging through cogtrain's Store vs a bare sqlite3 INSERT + COMMIT.

Both use the same file system, WAL mode and synchronous=FULL, the same table layout
(copied from the migrated cogtrain schema) and the same row contents. Each trial is its
own transaction, committed (fsync'd) before the next, as in the program. The two are
interleaved in rounds so that disk noise hits both alike.

    SDL_VIDEODRIVER=dummy .venv/bin/python bench/trial_logging.py [--trials 400]
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cogtrain.storage.engine import resolve_url  # noqa: E402
from cogtrain.storage.store import Store  # noqa: E402
from cogtrain.training.block import TrialRecord  # noqa: E402
from cogtrain.training.staircase import Staircase  # noqa: E402

T0 = datetime(2026, 11, 24, tzinfo=UTC)


def record(i: int) -> TrialRecord:
    return TrialRecord(
        index=i,
        level=3,
        spec={
            "level": 3,
            "key": ["circle", "square", "triangle", "cross", "star"],
            "target": i % 5,
            "time_limit_ms": None,
        },
        response={"answer": {"digit": 1 + i % 5, "via": "key"}, "timed_out": False},
        correct=True,
        error_kind=None,
        rt_ms=812.345 + i,
        onset_at=T0 + timedelta(seconds=2 * i),
        response_at=T0 + timedelta(seconds=2 * i + 0.8),
        staircase_before=3.0,
        staircase_after=3.25,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=4)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cogtrain-bench-"))
    store = Store.open(resolve_url(f"sqlite:///{tmp / 'cogtrain.sqlite3'}"))
    p = store.add_participant("BENCH-01")
    sid = store.start_session(p.id)

    raw_path = tmp / "bare.sqlite3"
    raw = sqlite3.connect(raw_path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA foreign_keys=ON")
    with sqlite3.connect(tmp / "cogtrain.sqlite3") as src:
        ddl = src.execute("select sql from sqlite_master where name='trial'").fetchone()[0]
    # Same table, minus the foreign key (the bare file has no block table).
    raw.execute(re.sub(r",\s*CONSTRAINT fk_trial_block_id_block[^,]*\)", "", ddl))
    block_raw = uuid.uuid4().hex

    store_ms: list[float] = []
    bare_ms: list[float] = []
    idx = 0
    for _ in range(args.rounds):
        bid = store.start_block(
            sid,
            exercise_id="symbol_coding",
            is_practice=False,
            seed=1,
            start=Staircase.start(1, 12).state(),
            start_level=1,
        )
        for i in range(args.trials):
            rec = record(i)
            t = time.perf_counter()
            store.log_trial(bid, rec)
            store_ms.append((time.perf_counter() - t) * 1000)

            t = time.perf_counter()
            raw.execute("BEGIN")
            raw.execute(
                "INSERT INTO trial (id, block_id, idx, level, spec, response, correct, "
                "error_kind, rt_ms, onset_at, response_at, staircase_before, staircase_after) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    uuid.uuid4().hex,
                    block_raw,
                    idx,
                    rec.level,
                    json.dumps(rec.spec),
                    json.dumps(rec.response),
                    1,
                    None,
                    rec.rt_ms,
                    rec.onset_at.replace(tzinfo=None).isoformat(" "),
                    rec.response_at.replace(tzinfo=None).isoformat(" "),
                    rec.staircase_before,
                    rec.staircase_after,
                ),
            )
            raw.execute("COMMIT")
            bare_ms.append((time.perf_counter() - t) * 1000)
            idx += 1
    store.close()
    raw.close()

    def row(name: str, xs: list[float]) -> str:
        xs_sorted = sorted(xs)
        p95 = xs_sorted[int(0.95 * (len(xs) - 1))]
        return (
            f"{name:<22} n={len(xs):5d}  mean={statistics.fmean(xs):7.3f} ms  "
            f"median={statistics.median(xs):7.3f} ms  p95={p95:7.3f} ms"
        )

    print("durable trial logging (WAL, synchronous=FULL, one commit per trial)")
    print(row("cogtrain Store", store_ms))
    print(row("bare sqlite3", bare_ms))
    ratio_mean = statistics.fmean(store_ms) / statistics.fmean(bare_ms)
    ratio_median = statistics.median(store_ms) / statistics.median(bare_ms)
    print(f"ratio store/bare: mean {ratio_mean:.2f}x, median {ratio_median:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
