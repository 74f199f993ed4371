"""The research export vs a bare dump of the trial table, and its memory at N and 2N.

Builds a synthetic clinic of N participants x M trials (bulk inserts through the storage
layer, seconds rather than the hours of one durable commit per trial), then in the same
run times ``export_dataset`` against a bare ``sqlite3 -csv`` dump of the trial table
(the sqlite3 command when installed, else Python's sqlite3 module writing CSV), and
prints the export's peak RSS. Then the same for 2N participants: the export streams, so
its peak memory should stay flat while its time doubles.

The build and each export run in fresh processes started by a parent that imports
nothing of cogtrain: Linux keeps ``ru_maxrss`` across fork and exec, so a child started
by a big parent would report the parent's size as its own peak.

    .venv/bin/python bench/export.py [--participants 20] [--trials 5000] [--sessions 10]

Or on existing databases (e.g. synthetic clinics from bench/synthetic_clinic.py, whose
trials carry the real exercises' specs and responses), N and 2N given as two files:

    .venv/bin/python bench/export.py --clinic bench/.cache/clinic-p100-h40-s1-v2.sqlite3 \
        --clinic bench/.cache/clinic-p200-h40-s1-v2.sqlite3 [--workers auto --workers 0] [--zip]

Each row also gives the load average (1 min) just before the dump and just after the
export (the machine may be shared: a busy machine slows both), and the longest gap
between two progress reports: Cancel on the staff screen takes effect at the next one.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
TRIALS_PER_BLOCK = 30
SHAPES = ("circle", "square", "triangle", "cross", "star")


def peak_rss_mib() -> float:
    """Peak resident memory of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mib() -> float | None:
    """Resident memory now (Linux only; None elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def build(db: Path, n_participants: int, n_trials: int, n_sessions: int) -> None:
    """A clinic of ``n_participants`` with ``n_trials`` trials each over ``n_sessions``."""
    from cogtrain.storage.engine import resolve_url
    from cogtrain.storage.export_queries import bulk_load
    from cogtrain.storage.store import Store

    store = Store.open(resolve_url(f"sqlite:///{db}"))
    try:
        people = [
            {"id": uuid.uuid4(), "code": f"BENCH-{i:04d}", "created_at": T0, "active": True}
            for i in range(n_participants)
        ]
        sessions: list[dict[str, Any]] = []
        blocks: list[dict[str, Any]] = []
        per_session = max(1, n_trials // n_sessions)
        for p in people:
            left = n_trials
            for s in range(n_sessions):
                start = T0 + timedelta(days=2 * s, minutes=len(sessions) % 600)
                sid = uuid.uuid4()
                sessions.append(
                    {
                        "id": sid,
                        "participant_id": p["id"],
                        "started_at": start,
                        "ended_at": start + timedelta(minutes=45),
                        "status": "completed",
                        "end_reason": "finished",
                        "device": "bench",
                        "app_version": "bench",
                        "checkin_rested": 1 + s % 3,
                    }
                )
                count = left if s == n_sessions - 1 else min(left, per_session)
                left -= count
                for b in range(0, count, TRIALS_PER_BLOCK):
                    k = b // TRIALS_PER_BLOCK
                    blocks.append(
                        {
                            "id": uuid.uuid4(),
                            "session_id": sid,
                            "exercise_id": ("symbol_coding", "go_stop")[k % 2],
                            "is_practice": False,
                            "seed": k,
                            "started_at": start + timedelta(minutes=3 * k),
                            "ended_at": start + timedelta(minutes=3 * k + 2),
                            "status": "completed",
                            "start_value": 3.0,
                            "start_level": 3,
                            "end_value": 3.5,
                            "end_level": 3,
                            "active_ms": 120_000.0,
                            "n_trials": min(TRIALS_PER_BLOCK, count - b),
                            "n_correct": min(TRIALS_PER_BLOCK, count - b) - 3,
                            "_n": min(TRIALS_PER_BLOCK, count - b),
                        }
                    )

        def trial_rows() -> Iterator[dict[str, Any]]:
            for blk in blocks:
                for i in range(blk["_n"]):
                    onset = blk["started_at"] + timedelta(seconds=2 * i)
                    if blk["exercise_id"] == "symbol_coding":
                        spec = {"level": 3, "key": list(SHAPES), "target": i % 5}
                        spec["time_limit_ms"] = None
                        answer: dict[str, Any] = {"digit": 1 + i % 5}
                    else:
                        spec = {
                            "level": 3,
                            "stop": i % 4 == 0,
                            "stop_delay_ms": 250.0,
                            "time_limit_ms": 3000.0,
                            "product": ["jar", "white", "plain"],
                        }
                        answer = {"pressed": i % 4 != 0}
                    yield {
                        "id": uuid.uuid4(),
                        "block_id": blk["id"],
                        "idx": i,
                        "level": 3,
                        "spec": spec,
                        "response": {"answer": answer, "timed_out": False},
                        "correct": i % 10 != 0,
                        "error_kind": None if i % 10 else "wrong_digit",
                        "rt_ms": 612.25 + (i * 37) % 400,
                        "onset_at": onset,
                        "response_at": onset + timedelta(milliseconds=700),
                        "staircase_before": 3.0 + 0.01 * i,
                        "staircase_after": 3.01 + 0.01 * i,
                    }

        block_rows = [{k: v for k, v in b.items() if k != "_n"} for b in blocks]
        bulk_load(store, participants=people, sessions=sessions, blocks=block_rows)
        bulk_load(store, trials=trial_rows())
    finally:
        store.close()


def bare_dump(db: Path, target: Path) -> float:
    """Seconds for a plain CSV dump of the trial table: the floor any export stands on."""
    start = time.perf_counter()
    cli = shutil.which("sqlite3")
    if cli:
        with target.open("wb") as fh:
            subprocess.run([cli, "-csv", str(db), "SELECT * FROM trial"], stdout=fh, check=True)
    else:
        con = sqlite3.connect(db)
        with target.open("w", newline="") as fh:
            w = csv.writer(fh)
            for row in con.execute("SELECT * FROM trial"):
                w.writerow(row)
        con.close()
    return time.perf_counter() - start


def child_export(db: Path, out: Path, workers: int | None) -> None:
    """Run in a fresh process: one export, then its time and peak memory as JSON."""
    from cogtrain.export import export_dataset
    from cogtrain.storage.engine import resolve_url
    from cogtrain.storage.store import Store

    store = Store.open(resolve_url(f"sqlite:///{db}"))
    import exercises  # noqa: F401  (loaded before the baseline, as the CLI would)

    base = current_rss_mib() or peak_rss_mib()
    last = [0.0, 0.0]  # the previous report's time (0: none yet), the longest gap

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if last[0]:  # from the first report on: before it there is nothing to cancel
            last[1] = max(last[1], now - last[0])
        last[0] = now

    start = time.perf_counter()
    result = export_dataset(store, out, workers=workers, progress=progress)
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    store.close()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "trials": result.n_trials,
                "participants": result.n_participants,
                "rss_before": base,
                "rss_peak": peak_rss_mib(),
                "rss_worker_peak": children,
                "max_gap": last[1],
            }
        )
    )


def warm(db: Path) -> None:
    """Read the database file once, so that neither the dump nor the export pays for a
    cold page cache (whichever ran first would)."""
    with db.open("rb") as fh:
        while fh.read(16 << 20):
            pass


def measure(db: Path, tmp: Path, tag: str, workers: int | None, as_zip: bool) -> dict[str, Any]:
    """The bare dump and the export of one database, back to back, in fresh processes."""
    warm(db)
    load_before = os.getloadavg()[0]
    csv_path = tmp / f"trials-{tag}.csv"
    dump = bare_dump(db, csv_path)
    csv_path.unlink()
    out = tmp / (f"export-{tag}.zip" if as_zip else f"export-{tag}")
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child-export",
            str(db),
            str(out),
            "auto" if workers is None else str(workers),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    files = [out] if as_zip else [p for p in out.rglob("*") if p.is_file()]
    res.update(
        dump=dump,
        mib=sum(p.stat().st_size for p in files) / 2**20,
        load_before=load_before,
        load_after=os.getloadavg()[0],
    )
    return res


def run_size(
    tmp: Path, n: int, trials: int, sessions: int, workers: int | None, as_zip: bool
) -> dict[str, Any]:
    db = tmp / f"clinic-{n}.sqlite3"
    t = time.perf_counter()
    if not db.exists():  # built once, measured for each --workers
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child-build",
                str(db),
                str(n),
                str(trials),
                str(sessions),
            ],
            check=True,
        )
    built = time.perf_counter() - t
    res = measure(db, tmp, f"{n}-{workers}", workers, as_zip)
    res.update(build=built)
    return res


def workers_arg(text: str) -> int | None:
    if text == "auto":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--workers takes a number or auto, not {text!r}"
        ) from None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--participants", type=int, default=20)
    ap.add_argument("--trials", type=int, default=5000, help="trials per participant")
    ap.add_argument("--sessions", type=int, default=10, help="sessions per participant")
    ap.add_argument(
        "--clinic",
        type=Path,
        action="append",
        help="an existing SQLite clinic to export instead of building one (repeat it for "
        "the doubling check: N, then 2N)",
    )
    ap.add_argument("--zip", action="store_true", help="export to a .zip instead of a folder")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument(
        "--workers",
        type=workers_arg,
        action="append",
        help="export worker processes: auto (the export's own choice, the default) or a "
        "number (0 = none); repeat it to measure several",
    )
    ap.add_argument("--child-export", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--child-build", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_build:
        db, n, m, k = args.child_build
        build(Path(db), int(n), int(m), int(k))
        return
    if args.child_export:
        db, out, workers = args.child_export
        child_export(Path(db), Path(out), None if workers == "auto" else int(workers))
        return
    for clinic in args.clinic or ():
        if not clinic.is_file():
            ap.error(
                f"--clinic {clinic}: no such database file (build one with "
                "bench/synthetic_clinic.py or bench/scale.py)"
            )
    worker_counts = args.workers or [None]
    tmp = Path(tempfile.mkdtemp(prefix="cogtrain-bench-export-"))
    try:
        print(
            f"{'participants':>12} {'trials':>9} {'workers':>7} {'dump s':>7} {'export s':>9} "
            f"{'x dump':>7} {'trials/s':>9} {'MiB out':>8} {'RSS base':>9} {'RSS peak':>9} "
            f"{'worker peak':>11} {'max gap s':>9} {'load':>9}",
            flush=True,
        )
        for workers in worker_counts:
            sizes = args.clinic or [args.participants, 2 * args.participants]
            for i, size in enumerate(sizes):
                if isinstance(size, Path):
                    r = measure(size, tmp, f"{i}-{workers}", workers, args.zip)
                else:
                    r = run_size(tmp, size, args.trials, args.sessions, workers, args.zip)
                shown = "auto" if workers is None else str(workers)
                print(
                    f"{r['participants']:>12} {r['trials']:>9} {shown:>7} {r['dump']:>7.2f} "
                    f"{r['seconds']:>9.2f} {r['seconds'] / r['dump']:>7.2f} "
                    f"{r['trials'] / r['seconds']:>9.0f} {r['mib']:>8.1f} "
                    f"{r['rss_before']:>8.1f}M {r['rss_peak']:>8.1f}M "
                    f"{r['rss_worker_peak']:>10.1f}M {r['max_gap']:>9.2f} "
                    f"{r['load_before']:>4.2f}/{r['load_after']:<4.2f}",
                    flush=True,
                )
                if not args.keep:  # a 200-participant export is gigabytes
                    for leftover in tmp.glob("export-*"):
                        if leftover.is_dir():
                            shutil.rmtree(leftover)
                        else:
                            leftover.unlink()
        dump_how = "sqlite3 -csv" if shutil.which("sqlite3") else "Python sqlite3 + csv"
        print(
            f"dump = {dump_how} of the trial table. RSS base = the export process before "
            "exporting (cogtrain, SQLAlchemy, numpy loaded); RSS peak = its peak (getrusage); "
            "worker peak = the largest export worker process's peak (0 without workers); "
            "max gap = the longest time between two progress reports; load = 1-minute load "
            f"average before the dump / after the export ({os.cpu_count()} cores)."
        )
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
