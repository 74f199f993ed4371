"""Scale: the staff screens' data on a clinic of N and of 2N participants.

    .venv/bin/python bench/scale.py --participants N [--hours 40] [--seed 1]
        [--cache DIR] [--repeat 7]

Builds (or reuses, from ``bench/.cache``) synthetic clinics of N and 2N participants
(``bench/synthetic_clinic.py``) and prints, for each:

* the progress screen's data for one participant through the calls the staff progress
  screen makes (``StaffSession.open_participant`` + ``StaffSession.progress``; goal
  <= 50 ms). The participant is ``JMO-0001``, whose training is the same in both clinics;
* the clinic overview through the overview screen's calls
  (``StaffSession.participants`` + ``StaffSession.clinic_overview``; goal <= 500 ms),
  for a neuropsychologist, who sees every participant;
* the database size per participant-hour of training (MB);

then how each grows when the clinic doubles (the screen paths must grow with blocks or
participants, never with trials), and every SQL statement the two screen paths ran with
its ``EXPLAIN QUERY PLAN``, its own time, and a mark on any that reads the trial table
or scans a whole table.

The staff desk writes an audit row for every view, as in the clinic: each run adds a
few rows to the cached databases' audit log and nothing else.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, make_url, text  # noqa: E402

from bench import synthetic_clinic as sc  # noqa: E402
from cogtrain.staff.desk import LOCAL_TZ, StaffDesk, StaffSession  # noqa: E402
from cogtrain.storage.store import Store  # noqa: E402

PROGRESS_GOAL_MS = 50.0
OVERVIEW_GOAL_MS = 500.0
DEFAULT_CACHE = Path(__file__).resolve().parent / ".cache"
VIEWER = "nevropsykolog1"
PARTICIPANT = "JMO-0001"


def clinic_path(cache: Path, spec: sc.ClinicSpec) -> Path:
    return cache / (
        f"clinic-p{spec.participants}-h{spec.hours:g}-s{spec.seed}-v{sc.GENERATOR_VERSION}.sqlite3"
    )


def ensure_clinic(cache: Path, spec: sc.ClinicSpec, log: Callable[[str], None] = print) -> Path:
    """The cached clinic for ``spec``, built first when missing or half-built."""
    path = clinic_path(cache, spec)
    meta = Path(f"{path}.json")
    if path.exists() and meta.exists():
        saved = json.loads(meta.read_text())
        if (
            saved.get("generator_version") == sc.GENERATOR_VERSION
            and saved.get("seed") == spec.seed
        ):
            log(f"using cached clinic {path} (seed {spec.seed})")
            return path
    for suffix in ("", "-wal", "-shm", ".json"):  # a build cut off half-way
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    sc.build_clinic(path, spec, log=log)
    return path


@dataclass
class Statement:
    sql: str
    params: Any
    path: str  # which screen path ran it


@dataclass
class Capture:
    """The SQL statements a screen path runs (SQLAlchemy's cursor events)."""

    path: str = ""
    statements: list[Statement] = field(default_factory=list)

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if self.path:
            self.statements.append(Statement(statement, parameters, self.path))


@dataclass
class Figures:
    participants: int
    trials: int
    blocks: int
    sessions: int
    participant_hours: float
    megabytes: float
    progress_first_ms: float
    progress_median_ms: float
    progress_max_ms: float
    overview_first_ms: float
    overview_median_ms: float
    overview_max_ms: float
    overview_rows: int
    statements: list[Statement]

    @property
    def mb_per_participant_hour(self) -> float:
        return self.megabytes / self.participant_hours


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """(first call, median of the next ``repeat``, max of those) in ms."""
    t0 = time.perf_counter()
    fn()
    first = (time.perf_counter() - t0) * 1000
    runs = []
    for _i in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return first, statistics.median(runs), max(runs)


def _counts(store: Store) -> tuple[int, int, int, float]:
    with store.engine.connect() as c:
        trials = c.execute(text("SELECT count(*) FROM trial")).scalar_one()
        blocks = c.execute(text("SELECT count(*) FROM block")).scalar_one()
        sessions = c.execute(text("SELECT count(*) FROM training_session")).scalar_one()
        ms = c.execute(text("SELECT coalesce(sum(active_ms), 0) FROM block")).scalar_one()
    return int(trials), int(blocks), int(sessions), float(ms) / 3_600_000.0


def measure(path: Path, repeat: int) -> Figures:
    megabytes = (
        sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
        / 1e6
    )
    store = Store.open(make_url(f"sqlite:///{path}"))
    try:
        trials, blocks, sessions, hours = _counts(store)
        now = datetime.combine(sc.CLINIC_TODAY, dtime(12), LOCAL_TZ).astimezone(UTC)
        desk = StaffDesk.with_exercises(store, now=lambda: now)
        staff: StaffSession = desk.login(VIEWER, sc.STAFF_PASSWORD)
        rec = store.staff.participant_by_code(PARTICIPANT)
        assert rec is not None, f"{PARTICIPANT} is missing from {path}"
        pid = rec.id

        def progress_screen() -> None:  # what the progress screen's _load calls
            staff.open_participant(pid)
            staff.progress(pid)

        rows: list[Any] = []

        def overview_screen() -> None:  # what the overview screen calls
            staff.participants(include_inactive=True)
            rows[:] = staff.clinic_overview()

        capture = Capture()
        event.listen(store.engine, "before_cursor_execute", capture)
        try:
            capture.path = "progress"
            progress_screen()
            capture.path = "overview"
            overview_screen()
            capture.path = ""
        finally:
            event.remove(store.engine, "before_cursor_execute", capture)
        p = _timed(progress_screen, repeat)
        o = _timed(overview_screen, repeat)
        return Figures(
            participants=len(store.participants(active_only=False)),
            trials=trials,
            blocks=blocks,
            sessions=sessions,
            participant_hours=hours,
            megabytes=megabytes,
            progress_first_ms=p[0],
            progress_median_ms=p[1],
            progress_max_ms=p[2],
            overview_first_ms=o[0],
            overview_median_ms=o[1],
            overview_max_ms=o[2],
            overview_rows=len(rows),
            statements=capture.statements,
        )
    finally:
        store.close()


def explain(path: Path, statements: list[Statement], repeat: int) -> list[dict[str, Any]]:
    """Each SELECT's query plan and its own time (executed and fetched, median)."""
    out = []
    store = Store.open(make_url(f"sqlite:///{path}"))
    try:
        with store.engine.connect() as conn:
            for st in statements:
                if not st.sql.lstrip().upper().startswith("SELECT"):
                    out.append({"path": st.path, "sql": st.sql, "plan": [], "ms": None})
                    continue
                plan = [
                    str(r[-1])
                    for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + st.sql, st.params)
                ]
                runs = []
                for _i in range(max(1, repeat)):
                    t0 = time.perf_counter()
                    conn.exec_driver_sql(st.sql, st.params).fetchall()
                    runs.append((time.perf_counter() - t0) * 1000)
                out.append(
                    {"path": st.path, "sql": st.sql, "plan": plan, "ms": statistics.median(runs)}
                )
    finally:
        store.close()
    return out


def _flags(plan: list[str]) -> list[str]:
    flags = []
    for line in plan:
        words = line.split()
        if "trial" in words:
            flags.append("READS TRIAL")
        if words[:1] == ["SCAN"] and "USING" not in words:
            flags.append(f"FULL SCAN of {words[1]}")
        if "TEMP" in words and "B-TREE" in words:
            flags.append("temp b-tree (sort)")
    return sorted(set(flags))


def _ratio(a: float, b: float) -> str:
    return f"{b / a:5.2f}x" if a else "  n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=20, help="N (the second clinic is 2N)")
    ap.add_argument("--hours", type=float, default=40.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--repeat", type=int, default=7, help="timed calls after the first")
    ap.add_argument("--sql", action="store_true", help="print every statement's full SQL")
    args = ap.parse_args(argv)
    if args.participants < 1 or args.repeat < 1:
        ap.error("--participants and --repeat must be at least 1")

    figures: list[Figures] = []
    paths: list[Path] = []
    for n in (args.participants, 2 * args.participants):
        path = ensure_clinic(args.cache, sc.ClinicSpec(n, args.hours, args.seed))
        paths.append(path)
        figures.append(measure(path, args.repeat))

    print()
    print(
        f"{'participants':>12} {'trials':>11} {'blocks':>9} {'MB':>8} {'MB/p-h':>7} "
        f"{'progress ms (first/med/max)':>28} {'overview ms (first/med/max)':>28}"
    )
    for f in figures:
        print(
            f"{f.participants:>12} {f.trials:>11,} {f.blocks:>9,} {f.megabytes:>8,.0f} "
            f"{f.mb_per_participant_hour:>7.3f} "
            f"{f.progress_first_ms:>10.1f} {f.progress_median_ms:>7.1f} {f.progress_max_ms:>8.1f} "
            f"{f.overview_first_ms:>11.1f} {f.overview_median_ms:>7.1f} {f.overview_max_ms:>8.1f}"
        )
    a, b = figures
    print()
    print(f"when the clinic doubles ({a.participants} -> {b.participants} participants):")
    print(f"  trials             {_ratio(a.trials, b.trials)}")
    print(f"  blocks             {_ratio(a.blocks, b.blocks)}")
    print(
        f"  progress (median)  {_ratio(a.progress_median_ms, b.progress_median_ms)}"
        f"   (same participant in both: should stay ~1x)"
    )
    print(
        f"  overview (median)  {_ratio(a.overview_median_ms, b.overview_median_ms)}"
        f"   (grows with participants: ~2x)"
    )
    print(f"  MB per p-hour      {_ratio(a.mb_per_participant_hour, b.mb_per_participant_hour)}")
    print()
    for f in figures:
        p_ok = "PASS" if f.progress_median_ms <= PROGRESS_GOAL_MS else "FAIL"
        o_ok = "PASS" if f.overview_median_ms <= OVERVIEW_GOAL_MS else "FAIL"
        print(
            f"N={f.participants}: progress {f.progress_median_ms:.1f} ms {p_ok} "
            f"(goal <= {PROGRESS_GOAL_MS:g}); overview {f.overview_median_ms:.1f} ms {o_ok} "
            f"(goal <= {OVERVIEW_GOAL_MS:g}; {f.overview_rows} rows)"
        )

    print()
    print(f"screen queries on the {b.participants}-participant clinic (EXPLAIN QUERY PLAN):")
    reads_trial = False
    for q in explain(paths[1], b.statements, args.repeat):
        sql = " ".join(q["sql"].split())
        head = sql if args.sql or len(sql) <= 110 else sql[:107] + "..."
        flags = _flags(q["plan"])
        reads_trial |= "READS TRIAL" in flags
        ms = "" if q["ms"] is None else f"{q['ms']:7.2f} ms"
        print(f"[{q['path']}] {ms}  {head}")
        for line in q["plan"]:
            print(f"      {line}")
        if flags:
            print(f"      !! {', '.join(flags)}")
    print()
    print(
        "screen paths read the trial table: "
        + (
            "YES (they grow with trials)"
            if reads_trial
            else "no (they grow with blocks/participants)"
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
