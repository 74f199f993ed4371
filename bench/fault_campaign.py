"""The hard-kill campaign: SIGKILL scripted sessions at random moments, lose nothing.

A scripted participant (tests/support/autoplay_session.py: the real program flow, from
the start screen through check-in, instructions, practice, scored blocks, breaks and
reflections to the goodbye screen) trains in one database that every round reuses, as a
clinic PC keeps training in the same file. Each round starts the participant again and
kills it with SIGKILL after a random delay. After every kill:

- ``PRAGMA integrity_check`` is ``ok`` and ``PRAGMA foreign_key_check`` finds nothing;
- every trial whose ``ACKID`` line (printed after its commit returned) arrived before
  the kill is stored exactly once;
- the start-up recovery (``Store.open`` + ``recover_interrupted``, as the program's start
  does) marks the killed session ``interrupted``, closes its open block from the trials
  that were committed, and the session is offered for continuing
  (``resumable_session``) while it has planned blocks left;
- the next round continues that session rather than starting a new one, the blocks the
  recovery closed keep their active time (never counted again), and once the session is
  done every planned block's active time adds up to its planned minutes once (within a
  few seconds per cut; a block cut with less than a minute left counts as done, as
  ``training.resume`` decides).

Rounds run until ``--kills`` kills really happened (a round whose session finished first
is not a kill). The kill moments come from ``--seed``; what the child had reached at that
moment depends on the machine's speed, so a seed repeats the campaign's schedule, not
every interleaving. Children are forked from one process that has imported the program
already (``--spawn`` starts a fresh interpreter per round instead: slower, same checks),
and train at ``--fps`` in a small ``--size`` window, so a round costs about a second.

    .venv/bin/python bench/fault_campaign.py [--kills 200] [--seed 1] [--spawn] [--keep]

Prints the counts and exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

CHILD = ROOT / "tests" / "support" / "autoplay_session.py"
MIN_TRIAL_SLACK_MS = 5_000.0
"""The least a trial may add to a planned block's time (see :func:`_check_hours`)."""
FEEDBACK_MS = 2_000.0
"""Feedback and the pause between trials, on top of a trial's own onset-to-answer time."""
CHILD_TIMEOUT_S = 180.0  # generous: a loaded CI machine must not read as a hang


@dataclass(frozen=True)
class CampaignConfig:
    kills: int = 200
    seed: int = 1
    workdir: Path | None = None
    """Where the database and the children's log go (default: a new temporary folder)."""
    max_delay_s: float = 1.6
    """A round is killed after a delay drawn uniformly from [0, max_delay_s] seconds."""
    spawn: bool = False
    session_minutes: int = 5
    block_minutes: int = 2
    fps: int = 15
    size: str = "640x480"
    max_rounds: int | None = None
    """Give up after this many rounds (default: 3 x kills + 20)."""


@dataclass
class CampaignResult:
    rounds: int = 0
    kills: int = 0
    kills_mid_block: int = 0
    """Kills that left a scored block open (closed by the recovery from its trials)."""
    kills_elsewhere: int = 0
    """Kills at start-up, check-in, instructions, practice, breaks or reflections."""
    sessions_finished: int = 0
    sessions_resumed: int = 0
    trials_acknowledged: int = 0
    trials_found: int = 0
    trials_stored: int = 0
    duplicates: int = 0
    missing: int = 0
    integrity_failures: int = 0
    recovery_failures: int = 0
    resume_failures: int = 0
    hours_failures: int = 0
    child_failures: int = 0
    elapsed_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return (
            self.duplicates
            + self.missing
            + self.integrity_failures
            + self.recovery_failures
            + self.resume_failures
            + self.hours_failures
            + self.child_failures
        )

    def lines(self) -> list[str]:
        rows = [
            ("rounds", self.rounds),
            ("kills", self.kills),
            ("  mid-block (scored block open)", self.kills_mid_block),
            ("  elsewhere (start, check-in, instructions, practice, break)", self.kills_elsewhere),
            ("sessions finished", self.sessions_finished),
            ("sessions continued after a kill", self.sessions_resumed),
            ("trials acknowledged", self.trials_acknowledged),
            ("trials found (acknowledged and stored)", self.trials_found),
            ("trials stored in all", self.trials_stored),
            ("duplicates", self.duplicates),
            ("missing", self.missing),
            ("integrity failures", self.integrity_failures),
            ("recovery failures", self.recovery_failures),
            ("resume failures", self.resume_failures),
            ("hours failures", self.hours_failures),
            ("child failures", self.child_failures),
        ]
        out = [f"{name:<62} {value:>7}" for name, value in rows]
        per_kill = self.elapsed_s / self.kills if self.kills else float("nan")
        out.append(f"{'elapsed':<62} {self.elapsed_s:>6.1f}s ({per_kill:.2f} s per kill)")
        out.extend(f"PROBLEM: {p}" for p in self.problems[:40])
        out.append("RESULT: " + ("PASS" if self.failures == 0 else "FAIL"))
        return out


# -- the children ---------------------------------------------------------------------


class _Run:
    """One started child: its pid and the lines it printed, as they arrive."""

    def __init__(self, pid: int, lines: queue.Queue[str | None], wait: Callable[[], int]) -> None:
        self.pid = pid
        self.lines = lines
        self._wait = wait

    def wait(self) -> int:
        return self._wait()


def _pump(stream, out: queue.Queue[str | None]) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        out.put(line.rstrip("\n"))
    out.put(None)


class _Spawner:
    """A fresh interpreter per round (``--spawn``)."""

    def __init__(self, log_path: Path) -> None:
        self._log = log_path.open("a")

    def start(self, argv: list[str]) -> _Run:
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), *argv],
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        return _Run(proc.pid, lines, lambda: proc.wait(timeout=CHILD_TIMEOUT_S))

    def close(self) -> None:
        self._log.close()


class _Forker:
    """One process that imported the program once and forks a child per round.

    It reads a JSON argv per line on stdin, forks, prints ``PID <pid>``, and
    ``EXIT <code>`` when that child has ended (``-9`` after SIGKILL). The children
    write their ``ACKID`` lines to the same pipe."""

    def __init__(self, log_path: Path) -> None:
        self._log = log_path.open("a")
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        self._proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=env,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(self._proc.stdout, self._lines), daemon=True).start()
        if self._next(timeout=120) != "READY":
            raise RuntimeError(f"the forking helper did not start; see {log_path}")

    def _next(self, timeout: float) -> str | None:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def start(self, argv: list[str]) -> _Run:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(argv) + "\n")
        self._proc.stdin.flush()
        early: list[str] = []
        while True:
            line = self._next(timeout=CHILD_TIMEOUT_S)
            if line is None:
                raise RuntimeError("the forking helper stopped")
            if line.startswith("PID "):
                pid = int(line.split()[1])
                break
            early.append(line)  # the child may print before the helper names it
        child_lines: queue.Queue[str | None] = queue.Queue()
        for line in early:
            child_lines.put(line)
        exit_code: dict[str, int] = {}

        def relay() -> None:
            while True:
                line = self._next(timeout=CHILD_TIMEOUT_S * 2)
                if line is None:
                    exit_code["code"] = 99
                    child_lines.put(None)
                    return
                if line.startswith("EXIT "):
                    exit_code["code"] = int(line.split()[1])
                    child_lines.put(None)
                    return
                child_lines.put(line)

        relayer = threading.Thread(target=relay, daemon=True)
        relayer.start()

        def wait() -> int:
            relayer.join(timeout=CHILD_TIMEOUT_S)
            if relayer.is_alive():
                raise TimeoutError("the child did not end")
            return exit_code["code"]

        return _Run(pid, child_lines, wait)

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


def _zygote() -> int:
    """The forking helper (see :class:`_Forker`)."""
    from tests.support import autoplay_session

    print("READY", flush=True)
    for line in sys.stdin:
        argv = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the child: one program run, then out without cleanup handlers
            code = 70
            try:
                code = autoplay_session.main(argv)
            except BaseException:  # noqa: BLE001 - reported on stderr, exit code says it
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(f"PID {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"EXIT {os.waitstatus_to_exitcode(status)}", flush=True)
    return 0


# -- what the database says -----------------------------------------------------------


@contextmanager
def _raw(db: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection for the checks, always closed again: the campaign must hold no
    connection (and so no lock) while a child trains."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        yield conn
    finally:
        conn.close()


def _integrity(db: Path) -> list[str]:
    with _raw(db) as c:
        result = [r[0] for r in c.execute("PRAGMA integrity_check")]
        fk = c.execute("PRAGMA foreign_key_check").fetchall()
    problems = [] if result == ["ok"] else [f"integrity_check: {result[:3]}"]
    if fk:
        problems.append(f"foreign_key_check: {fk[:3]}")
    return problems


def _latest_time(db: Path) -> datetime:
    """The latest time any run stored: the next run's manual clock starts after it."""
    with _raw(db) as c:
        row = c.execute(
            "select max(x) from ("
            " select max(started_at) x from training_session"
            " union all select max(ended_at) from training_session"
            " union all select max(started_at) from block"
            " union all select max(ended_at) from block"
            " union all select max(response_at) from trial)"
        ).fetchone()
    if row is None or row[0] is None:
        return datetime.now(UTC)
    return max(datetime.fromisoformat(row[0]).replace(tzinfo=UTC), datetime.now(UTC))


def _count_acked(db: Path, acks: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    with _raw(db) as c:
        c.execute("create temp table acked (block_id text, idx integer)")
        c.executemany("insert into acked values (?, ?)", acks)
        rows = c.execute(
            "select a.block_id, a.idx, count(t.id) from acked a left join trial t"
            " on t.block_id = a.block_id and t.idx = a.idx group by a.block_id, a.idx"
        ).fetchall()
    return {(b, i): n for b, i, n in rows}


def _all_duplicates(db: Path) -> int:
    with _raw(db) as c:
        return int(
            c.execute(
                "select count(*) from (select 1 from trial group by block_id, idx"
                " having count(*) > 1)"
            ).fetchone()[0]
        )


def _active_sessions(db: Path) -> list[str]:
    with _raw(db) as c:
        return [r[0] for r in c.execute("select id from training_session where status='active'")]


# -- the campaign ---------------------------------------------------------------------


@dataclass
class _Pending:
    """A recovered session the next round should continue."""

    session_id: uuid.UUID
    n_interruptions: int
    blocks: dict[uuid.UUID, tuple[str, float | None, int | None]]
    """The recovered blocks as they were: status, active_ms, n_trials."""


def _block_facts(store, session_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return {b.id: (b.status, b.active_ms, b.n_trials) for b in store.blocks_of_session(session_id)}


def _check_hours(store, session_id: uuid.UUID, result: CampaignResult) -> None:  # type: ignore[no-untyped-def]
    """Every planned block's active time adds up to its planned minutes, once."""
    from cogtrain.training.resume import MIN_REMAINING_MINUTES, plan_from_json

    raw = store.session_plan_of(session_id)
    if raw is None:
        return
    plan = plan_from_json(raw)
    blocks = [b for b in store.blocks_of_session(session_id) if not b.is_practice]
    for i, planned in enumerate(plan.blocks):
        rows = [b for b in blocks if b.plan_index == i]
        total = sum(float(b.active_ms or 0.0) for b in rows)
        cuts = sum(1 for b in rows if b.status == "interrupted")
        low = planned.target_ms - MIN_REMAINING_MINUTES * 60_000.0
        if rows and rows[-1].status == "completed":
            low = planned.target_ms - 1_000.0  # ended normally: it trained all that was left
        # A block ends when its time is up and the trial on screen is answered, so it may
        # run one trial over; each cut may add one more (the trial lost at the kill is
        # trained again). Anything beyond that would be time counted twice.
        trial_ms = max(
            [MIN_TRIAL_SLACK_MS]
            + [
                (t.response_at - t.onset_at).total_seconds() * 1000.0 + FEEDBACK_MS
                for b in rows
                for t in store.trials_of_block(b.id)
                if t.response_at is not None and t.onset_at is not None
            ]
        )
        high = planned.target_ms + trial_ms * (1 + cuts)
        if not rows or not low <= total <= high:
            result.hours_failures += 1
            result.problems.append(
                f"session {session_id}: planned block {i} ({planned.target_ms / 1000:.0f} s) "
                f"has {total / 1000:.1f} s in {len(rows)} block(s), {cuts} cut"
            )


def _after_round(
    store,  # type: ignore[no-untyped-def]
    db: Path,
    acks: list[tuple[str, int]],
    killed: bool,
    pending: _Pending | None,
    checked: set[uuid.UUID],
    result: CampaignResult,
) -> _Pending | None:
    """Check one round; return the session the next round should continue (if any)."""
    from cogtrain.runtime.flow import _local_midnight
    from cogtrain.training.resume import blocks_to_do, plan_from_json

    for problem in _integrity(db):
        result.integrity_failures += 1
        result.problems.append(f"round {result.rounds}: {problem}")

    counts = _count_acked(db, acks)
    result.trials_acknowledged += len(acks)
    result.trials_found += sum(1 for n in counts.values() if n >= 1)
    missing = [k for k, n in counts.items() if n == 0]
    result.missing += len(missing)
    result.duplicates += sum(n - 1 for n in counts.values() if n > 1)
    if missing:
        result.problems.append(f"round {result.rounds}: acknowledged, not stored: {missing[:5]}")

    participants = store.participants()
    if not participants:  # killed before the first start had made the demo participant
        store.recover_interrupted()
        if killed:
            result.kills_elsewhere += 1
        return pending
    [participant] = participants
    sessions = store.sessions_of(participant.id)

    # The session the previous round recovered: continued (not replaced), and the blocks
    # the recovery closed left exactly as they were.
    if pending is not None:
        now_blocks = _block_facts(store, pending.session_id)
        changed = {k: v for k, v in pending.blocks.items() if now_blocks.get(k) != v}
        if changed:
            result.hours_failures += 1
            result.problems.append(
                f"session {pending.session_id}: recovered blocks changed on resume: {changed}"
            )
        row = store.session(pending.session_id)
        later = [s for s in sessions if s.started_at > row.started_at]
        if row.n_interruptions == pending.n_interruptions + 1:
            result.sessions_resumed += 1
            pending = None
        elif row.n_interruptions != pending.n_interruptions or later:
            result.resume_failures += 1
            result.problems.append(
                f"session {pending.session_id} was not continued "
                f"(interruptions {pending.n_interruptions} -> {row.n_interruptions}, "
                f"{len(later)} newer session(s))"
            )
            pending = None
        # else: the round was killed before it got to continue; try again next round

    active_before = _active_sessions(db)
    if len(active_before) > 1:
        result.recovery_failures += 1
        result.problems.append(f"round {result.rounds}: {len(active_before)} active sessions")
    report = store.recover_interrupted()
    if {s.hex for s in report.interrupted_sessions} != set(active_before):
        result.recovery_failures += 1
        result.problems.append(
            f"round {result.rounds}: recovery marked {report.interrupted_sessions}, "
            f"active were {active_before}"
        )
    if _active_sessions(db):
        result.recovery_failures += 1
        result.problems.append(f"round {result.rounds}: sessions still active after recovery")
    if not killed and report.interrupted_sessions:
        result.recovery_failures += 1
        result.problems.append(f"round {result.rounds}: a finished run left an open session")

    open_scored = False
    for block_id in report.interrupted_blocks:
        stored = store.trials_of_block(block_id)
        row = next(
            b
            for s in report.interrupted_sessions
            for b in store.blocks_of_session(s)
            if b.id == block_id
        )
        open_scored = open_scored or not row.is_practice
        if row.status != "interrupted" or row.n_trials != len(stored):
            result.recovery_failures += 1
            result.problems.append(
                f"block {block_id}: recovered as {row.status} with {row.n_trials} trials, "
                f"{len(stored)} stored"
            )
    if killed:
        if open_scored:
            result.kills_mid_block += 1
        else:
            result.kills_elsewhere += 1

    for s in store.sessions_of(participant.id):
        if s.id in checked or s.status == "active":
            continue
        raw = store.session_plan_of(s.id)
        todo = blocks_to_do(plan_from_json(raw), store.blocks_done(s.id)) if raw else ()
        if s.status == "interrupted" and todo:
            continue  # still to be continued
        checked.add(s.id)
        if raw is not None:
            result.sessions_finished += 1
            _check_hours(store, s.id, result)

    for sid in report.interrupted_sessions:
        raw = store.session_plan_of(sid)
        if raw is None:
            continue  # killed before the session had its plan: it is not offered again
        if not blocks_to_do(plan_from_json(raw), store.blocks_done(sid)):
            continue  # every planned block done: nothing to continue
        found = store.resumable_session(participant.id, since=_local_midnight())
        if found is None or found.session_id != sid:
            result.resume_failures += 1
            result.problems.append(f"session {sid}: recovered but not offered for continuing")
            continue
        pending = _Pending(sid, store.session(sid).n_interruptions, _block_facts(store, sid))
    return pending


def _play_round(starter: _Spawner | _Forker, argv: list[str], delay_s: float):  # type: ignore[no-untyped-def]
    """Start one child, SIGKILL it after ``delay_s`` (unless it ended first); return the
    trials it acknowledged and its exit code (``-9`` when killed)."""
    run = starter.start(argv)
    deadline = time.monotonic() + delay_s
    acks: list[tuple[str, int]] = []

    def take(line: str | None) -> bool:
        if line is not None and line.startswith("ACKID "):
            _, block_hex, idx, _plan = line.split()
            acks.append((block_hex, int(idx)))
        return line is None

    ended = False
    while not ended:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            ended = take(run.lines.get(timeout=left))
        except queue.Empty:
            break
    if not ended:
        with suppress(ProcessLookupError):  # it may end at that very moment
            os.kill(run.pid, signal.SIGKILL)
    code = run.wait()
    while not ended:  # lines already in the pipe were acknowledged before the kill
        ended = take(run.lines.get(timeout=CHILD_TIMEOUT_S))
    return acks, code


def run_campaign(
    config: CampaignConfig, *, progress: Callable[[str], None] | None = None
) -> CampaignResult:
    """Run the campaign (see the module docstring) and return its counts."""
    import numpy as np

    from cogtrain.storage.engine import StorageError, resolve_url
    from cogtrain.storage.store import Store

    rng = np.random.default_rng(config.seed)
    workdir = config.workdir or Path(tempfile.mkdtemp(prefix="cogtrain-faults-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "campaign.sqlite3"
    url = f"sqlite:///{db}"
    result = CampaignResult()
    started = time.monotonic()
    starter = (_Spawner if config.spawn else _Forker)(workdir / "children.log")
    pending: _Pending | None = None
    checked: set[uuid.UUID] = set()
    max_rounds = config.max_rounds or 3 * config.kills + 20
    try:
        while result.kills < config.kills and result.rounds < max_rounds:
            result.rounds += 1
            clock_start = _latest_time(db) + timedelta(seconds=1) if db.exists() else None
            argv = [
                url,
                "--ack-ids",
                "--session-minutes",
                str(config.session_minutes),
                "--block-minutes",
                str(config.block_minutes),
                "--fps",
                str(config.fps),
                "--size",
                config.size,
            ]
            if clock_start is not None:
                argv += ["--clock-start-utc", clock_start.isoformat()]
            delay_s = float(rng.uniform(0.0, config.max_delay_s))
            acks, code = _play_round(starter, argv, delay_s)
            killed = code == -signal.SIGKILL
            if not killed and code != 0:
                result.child_failures += 1
                result.problems.append(
                    f"round {result.rounds}: child exited {code}; see {workdir}/children.log"
                )
            result.kills += int(killed)
            try:
                store = Store.open(resolve_url(url))  # the next start: open and recover
            except StorageError as exc:
                result.integrity_failures += 1
                result.problems.append(f"round {result.rounds}: cannot open: {exc.message}")
                break
            try:
                pending = _after_round(store, db, acks, killed, pending, checked, result)
            finally:
                store.close()
            if progress is not None and result.rounds % 10 == 0:
                progress(
                    f"round {result.rounds}: {result.kills} kills, "
                    f"{result.trials_acknowledged} trials acknowledged, "
                    f"{result.failures} failures"
                )
        result.trials_stored = _stored_trials(db)
        result.duplicates += _all_duplicates(db)
    finally:
        starter.close()
        result.elapsed_s = time.monotonic() - started
    if result.kills < config.kills:
        result.child_failures += 1
        result.problems.append(f"only {result.kills} kills in {result.rounds} rounds")
    return result


def _stored_trials(db: Path) -> int:
    with _raw(db) as c:
        return int(c.execute("select count(*) from trial").fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:] == ["--zygote"]:
        return _zygote()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=200, help="kills to make (default 200)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-delay", type=float, default=1.6, help="seconds (default 1.6)")
    ap.add_argument("--spawn", action="store_true", help="a fresh interpreter per round")
    ap.add_argument("--fps", type=int, default=15)
    ap.add_argument("--size", default="640x480")
    ap.add_argument("--workdir", type=Path, default=None, help="folder for the database")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args(argv)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cogtrain-faults-"))
    config = CampaignConfig(
        kills=args.kills,
        seed=args.seed,
        workdir=workdir,
        max_delay_s=args.max_delay,
        spawn=args.spawn,
        fps=args.fps,
        size=args.size,
    )
    print(
        f"fault campaign: seed {config.seed}, {config.kills} kills "
        f"({'spawn' if config.spawn else 'fork'}), database {workdir / 'campaign.sqlite3'}",
        flush=True,
    )
    result = run_campaign(config, progress=lambda s: print(s, flush=True))
    for line in result.lines():
        print(line)
    if not args.keep and args.workdir is None and result.failures == 0:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    elif args.keep or result.failures:
        print(f"database kept in {workdir}")
    return 0 if result.failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
