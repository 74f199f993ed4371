"""Scale: the staff screens' data on a clinic of N and of 2N participants.

    .venv/bin/python bench/scale.py --participants N [--hours 40] [--seed 1]
        [--cache DIR] [--repeat 7] [--sql] [--breakdown]

Builds (or reuses, from ``bench/.cache``) synthetic clinics of N and 2N participants
(``bench/synthetic_clinic.py``) and prints, for each:

* the progress screen's data for one participant through the calls the staff progress
  screen makes (``StaffSession.open_participant`` + ``StaffSession.progress``; goal
  <= 50 ms). The participant is ``JMO-0001``, whose training is the same in both clinics;
* the clinic overview through the overview screen's calls
  (``StaffSession.participants`` + ``StaffSession.clinic_overview``; goal <= 500 ms),
  for a neuropsychologist, who sees every participant;
* the database size per participant-hour of training (MB: the pages in use, WAL
  included, over the active training hours in the blocks) and per trial (bytes); with
  ``--breakdown`` the MB of each table and index (SQLite's ``dbstat``);

Times are wall-clock (first call on a freshly opened store, then median and max of
``--repeat`` more) and the median CPU time of the process, which is the figure to
compare between runs on a machine other work shares.

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
    """The database's pages in use (page_count - freelist_count, WAL included), in MB."""
    progress_first_ms: float
    progress_median_ms: float
    progress_max_ms: float
    progress_cpu_ms: float
    overview_first_ms: float
    overview_median_ms: float
    overview_max_ms: float
    overview_cpu_ms: float
    overview_rows: int
    statements: list[Statement]
    tables_mb: dict[str, float] = field(default_factory=dict)

    @property
    def mb_per_participant_hour(self) -> float:
        return self.megabytes / self.participant_hours

    @property
    def bytes_per_trial(self) -> float:
        return self.megabytes * 1e6 / self.trials if self.trials else 0.0


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """(median, max, median CPU time of this process) of ``repeat`` calls, in ms.

    The CPU time is the figure to compare between runs on a shared machine: the wall
    time also counts the time other processes had the cores.
    """
    runs, cpu = [], []
    for _i in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(runs), max(runs), statistics.median(cpu)


def _megabytes(store: Store) -> float:
    """Pages in use, WAL included: the file's own size lags until a checkpoint."""
    with store.engine.connect() as c:
        size = c.exec_driver_sql("PRAGMA page_size").scalar_one()
        pages = c.exec_driver_sql("PRAGMA page_count").scalar_one()
        free = c.exec_driver_sql("PRAGMA freelist_count").scalar_one()
    return (int(pages) - int(free)) * int(size) / 1e6


def table_megabytes(path: Path) -> dict[str, float]:
    """MB per table and index (SQLite's ``dbstat``; reads every page, so on request)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
    except sqlite3.OperationalError:  # an SQLite built without dbstat
        return {}
    finally:
        conn.close()
    return {str(n): float(b) / 1e6 for n, b in rows}


def _counts(store: Store) -> tuple[int, int, int, float]:
    with store.engine.connect() as c:
        trials = c.execute(text("SELECT count(*) FROM trial")).scalar_one()
        blocks = c.execute(text("SELECT count(*) FROM block")).scalar_one()
        sessions = c.execute(text("SELECT count(*) FROM training_session")).scalar_one()
        ms = c.execute(text("SELECT coalesce(sum(active_ms), 0) FROM block")).scalar_one()
    return int(trials), int(blocks), int(sessions), float(ms) / 3_600_000.0


def measure(path: Path, repeat: int, breakdown: bool = False) -> Figures:
    store = Store.open(make_url(f"sqlite:///{path}"))  # migrates an older cached clinic
    try:
        megabytes = _megabytes(store)
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

        # The first call of each (on a store just opened: SQLite's page cache is cold,
        # the OS's usually warm) is what a staff member waits for on opening the screen;
        # it is also the one whose statements are captured.
        capture = Capture()
        event.listen(store.engine, "before_cursor_execute", capture)
        try:
            capture.path = "progress"
            t0 = time.perf_counter()
            progress_screen()
            p_first = (time.perf_counter() - t0) * 1000
            capture.path = "overview"
            t0 = time.perf_counter()
            overview_screen()
            o_first = (time.perf_counter() - t0) * 1000
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
            progress_first_ms=p_first,
            progress_median_ms=p[0],
            progress_max_ms=p[1],
            progress_cpu_ms=p[2],
            overview_first_ms=o_first,
            overview_median_ms=o[0],
            overview_max_ms=o[1],
            overview_cpu_ms=o[2],
            overview_rows=len(rows),
            statements=capture.statements,
            tables_mb=table_megabytes(path) if breakdown else {},
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
    ap.add_argument(
        "--breakdown", action="store_true", help="MB per table and index (reads every page)"
    )
    args = ap.parse_args(argv)
    if args.participants < 1 or args.repeat < 1:
        ap.error("--participants and --repeat must be at least 1")

    figures: list[Figures] = []
    paths: list[Path] = []
    for n in (args.participants, 2 * args.participants):
        path = ensure_clinic(args.cache, sc.ClinicSpec(n, args.hours, args.seed))
        paths.append(path)
        figures.append(measure(path, args.repeat, args.breakdown))

    print()
    print(
        f"{'participants':>12} {'trials':>11} {'blocks':>9} {'p-hours':>8} {'MB':>8} "
        f"{'MB/p-h':>7} {'B/trial':>7} "
        f"{'progress ms (first/med/max/cpu)':>32} {'overview ms (first/med/max/cpu)':>32}"
    )
    for f in figures:
        print(
            f"{f.participants:>12} {f.trials:>11,} {f.blocks:>9,} {f.participant_hours:>8,.0f} "
            f"{f.megabytes:>8,.0f} {f.mb_per_participant_hour:>7.3f} {f.bytes_per_trial:>7.0f} "
            f"{f.progress_first_ms:>8.1f} {f.progress_median_ms:>7.1f} {f.progress_max_ms:>7.1f} "
            f"{f.progress_cpu_ms:>7.1f} "
            f"{f.overview_first_ms:>8.1f} {f.overview_median_ms:>7.1f} {f.overview_max_ms:>7.1f} "
            f"{f.overview_cpu_ms:>7.1f}"
        )
    print("(MB: pages in use, WAL included; p-hours: active training hours; cpu: median")
    print(" CPU time of this process, the figure to compare on a shared machine)")
    for f in figures:
        if f.tables_mb:
            top = sorted(f.tables_mb.items(), key=lambda kv: -kv[1])[:6]
            print(
                f"  N={f.participants} MB by table/index: "
                + ", ".join(f"{name} {mb:,.0f}" for name, mb in top)
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
    print(f"  overview (cpu)     {_ratio(a.overview_cpu_ms, b.overview_cpu_ms)}")
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
