"""SQLite vs PostgreSQL in the same run: durable trial logging and the clinic overview.

Trial logging: ``Store.log_trial`` timed call by call (one commit per trial, durable on
return on both: WAL + synchronous=FULL, and synchronous_commit=on with fsync). The two
backends take turns in rounds, so disk noise hits both alike.

Clinic overview: the storage reads behind ``StaffSession.clinic_overview`` -- every
participant record with its consultant (``participant_records``) and every participant's
sessions with their active time (``session_days_by_participant``) -- on a clinic of
``--participants`` people with ``--sessions`` sessions of three blocks each, bulk-loaded
into both databases.

    .venv/bin/python bench/backends.py [--trials 300 --rounds 3 --participants 60 \\
        --sessions 80 --overview-runs 30] [--postgres-url URL]

The PostgreSQL server is ``--postgres-url`` or ``COGTRAIN_TEST_POSTGRES_URL``
(``tools/postgres_for_tests.sh start`` prints one); the benchmark works in a schema of
its own and drops it at the end. Without a server only SQLite is measured, and it says so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, make_url, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from cogtrain.storage.engine import describe, resolve_url  # noqa: E402
from cogtrain.storage.export_queries import bulk_load  # noqa: E402
from cogtrain.storage.store import Store  # noqa: E402
from cogtrain.training.block import TrialRecord  # noqa: E402
from cogtrain.training.staircase import Staircase  # noqa: E402

T0 = datetime(2026, 11, 24, tzinfo=UTC)


def record(i: int) -> TrialRecord:
    return TrialRecord(
        index=i,
        level=3,
        spec={"level": 3, "key": ["circle", "square", "triangle"], "target": i % 3},
        response={"answer": {"digit": 1 + i % 3, "via": "key"}, "timed_out": False},
        correct=i % 4 != 0,
        error_kind=None if i % 4 else "wrong_digit",
        rt_ms=812.345 + i,
        onset_at=T0 + timedelta(seconds=2 * i),
        response_at=T0 + timedelta(seconds=2 * i + 0.8),
        staircase_before=3.0,
        staircase_after=3.25,
    )


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A schema of the benchmark's own on the server; yields a URL that uses only it."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def fill_clinic(store: Store, n_participants: int, n_sessions: int) -> list[uuid.UUID]:
    people = [
        {
            "id": uuid.uuid4(),
            "code": f"BENCH-{i:04d}",
            "created_at": T0,
            "active": True,
            "plan_profile": "jmo-standard",
            "pin_failed_attempts": 0,
        }
        for i in range(n_participants)
    ]
    sessions: list[dict[str, Any]] = []
    blocks: list[dict[str, Any]] = []
    for p in people:
        for s in range(n_sessions):
            start = T0 + timedelta(days=s, minutes=len(sessions) % 600)
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
                    "break_ms": 0.0,
                    "n_interruptions": 0,
                }
            )
            for b in range(3):
                blocks.append(
                    {
                        "id": uuid.uuid4(),
                        "session_id": sid,
                        "exercise_id": "symbol_coding",
                        "is_practice": b == 0,
                        "seed": b,
                        "started_at": start + timedelta(minutes=10 * b),
                        "ended_at": start + timedelta(minutes=10 * b + 8),
                        "status": "completed",
                        "start_value": 1.0,
                        "start_level": 1,
                        "paused_ms": 0.0,
                        "instruction_ms": 0.0,
                        "active_ms": 480_000.0,
                    }
                )
    bulk_load(store, participants=people, sessions=sessions, blocks=blocks)
    return [p["id"] for p in people]


def overview_once(store: Store) -> float:
    """ms for the overview's reads: the records, then everyone's sessions in one query."""
    staff = store.staff
    t = time.perf_counter()
    recs = staff.participant_records()
    days = staff.session_days_by_participant([r.id for r in recs])
    ms = (time.perf_counter() - t) * 1000
    assert len(days) == len(recs)
    return ms


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def line(name: str, xs: list[float]) -> str:
    return (
        f"  {name:<11} n={len(xs):5d}  median={statistics.median(xs):8.3f} ms  "
        f"p95={pct(xs, 0.95):8.3f} ms  p99={pct(xs, 0.99):8.3f} ms  max={max(xs):8.3f} ms"
    )


def log_block(store: Store, session_id: uuid.UUID, n: int, out: list[float]) -> None:
    bid = store.start_block(
        session_id,
        exercise_id="symbol_coding",
        is_practice=False,
        seed=1,
        start=Staircase.start(1, 12).state(),
        start_level=1,
    )
    for i in range(n):
        rec = record(i)
        t = time.perf_counter()
        store.log_trial(bid, rec)
        out.append((time.perf_counter() - t) * 1000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=300, help="trials per block and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--participants", type=int, default=60)
    ap.add_argument("--sessions", type=int, default=80, help="sessions per participant")
    ap.add_argument("--overview-runs", type=int, default=30)
    ap.add_argument("--postgres-url", default=os.environ.get("COGTRAIN_TEST_POSTGRES_URL"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="cogtrain-bench-") as tmp:
        backends: list[tuple[str, Callable[[], Any]]] = [
            ("SQLite", lambda: _nullcontext(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"))
        ]
        if args.postgres_url:
            backends.append(("PostgreSQL", lambda: postgres_schema(args.postgres_url)))
        else:
            print(
                "PostgreSQL NOT MEASURED: no --postgres-url and no COGTRAIN_TEST_POSTGRES_URL "
                "(tools/postgres_for_tests.sh start prints one)."
            )
        run(args, backends)


@contextmanager
def _nullcontext(url: str) -> Iterator[str]:
    yield url


def run(args: argparse.Namespace, backends: list[tuple[str, Callable[[], Any]]]) -> None:
    from contextlib import ExitStack

    with ExitStack() as stack:
        stores: dict[str, Store] = {}
        for name, make in backends:
            url = stack.enter_context(make())
            store = Store.open(resolve_url(url))
            stack.callback(store.close)
            stores[name] = store
            print(f"{name}: {describe(store.url)}")

        log_ms: dict[str, list[float]] = {name: [] for name in stores}
        sessions = {}
        for name, store in stores.items():
            p = store.add_participant("BENCH-LOG")
            sessions[name] = store.start_session(p.id)
        for _ in range(args.rounds):
            for name, store in stores.items():
                log_block(store, sessions[name], args.trials, log_ms[name])
        print()
        print("Store.log_trial: one durable commit per trial")
        for name, xs in log_ms.items():
            print(line(name, xs))

        over_ms: dict[str, list[float]] = {name: [] for name in stores}
        for name, store in stores.items():
            t = time.perf_counter()
            fill_clinic(store, args.participants, args.sessions)
            print(f"  (filled {name} in {time.perf_counter() - t:.1f} s)", file=sys.stderr)
            overview_once(store)  # warm caches and the pool
        for _ in range(args.overview_runs):
            for name, store in stores.items():
                over_ms[name].append(overview_once(store))
        n_blocks = args.participants * args.sessions * 3
        print()
        print(
            f"clinic overview reads: {args.participants + 1} participants, "
            f"{args.participants * args.sessions + 1} sessions, {n_blocks} blocks"
        )
        for name, xs in over_ms.items():
            print(line(name, xs))


if __name__ == "__main__":
    main()
