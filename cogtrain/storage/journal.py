"""Training on a shared server that may drop away: a local journal, sent exactly once.

A clinic on PostgreSQL keeps one set of records on its server, but a participant in the
middle of a session must never notice the network. So on a training PC every training
write (session, check-in, block, trial, pause, break, reflection, block end, session
end, crash recovery) goes first into a local SQLite database on that PC, the *journal*:

- The journal is a full cogtrain database (same models, same migrations) holding this
  PC's own training plus a copy of what it needs from the server for the participant
  who trains (their participant row with PIN, levels, sessions and blocks; see
  :meth:`TrainingJournal.prepare_participant`). The training screens read from it, so a
  session never waits for the network and reads back what it just wrote.
- Each write is applied to the journal and recorded there as one :class:`JournalOp`
  row (the :class:`Store` method and its arguments) *in the same local transaction*
  (:meth:`Store.write_hook`), with SQLite's WAL and ``synchronous=FULL``: when the call
  returns, the change is on this PC's disk, power cut or not.
- A sender thread replays the operations in order on the server. Each is applied in
  one server transaction together with an :class:`AppliedOp` marker carrying its id;
  an operation whose marker is already there is skipped. So an operation is applied
  exactly once even when the reply to a commit is lost and it is sent again. Only
  then is it marked sent in the journal.
- A participant who logs in while the server is away has their code and PIN checked
  against this PC's copy (:class:`OfflineStaffRecords`); that log-in, or the failed
  try, goes into the journal's audit log *and* is journaled, so the server's audit log
  gets it too, marked ``offline``. The PIN counters stay this PC's: the server's lock
  and count are its own, and are not overwritten by a copy that may be older.
- While the server cannot be reached the sender retries every ``retry_s`` seconds;
  the participant sees nothing. :meth:`TrainingJournal.status` gives the staff screens
  a calm account: how many records wait, since when, and why.

Ids (sessions, blocks, trials) are made on the PC, so a row has the same id in the
journal and on the server, and the operations can name rows that the server has not
seen yet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from cogtrain.paths import user_data_dir
from cogtrain.storage import journal_codec
from cogtrain.storage.engine import StorageError, describe, resolve_url
from cogtrain.storage.models import (
    AppliedOp,
    Block,
    JournalOp,
    LevelState,
    Participant,
    TrainingSession,
)
from cogtrain.storage.staff_records import AuditEntry, StaffRecords
from cogtrain.storage.store import (
    BlockRow,
    RecoveryReport,
    Store,
    this_device,
    utcnow,
)
from cogtrain.training.block import TrialRecord
from cogtrain.training.checkin import CheckIn
from cogtrain.training.reflection import Reflection
from cogtrain.training.staircase import StaircaseState

log = logging.getLogger(__name__)

RETRY_S = 2.0
"""Seconds between attempts to reach the server while it is away."""
KEEP_SENT = timedelta(days=7)
"""Sent operations are kept this long in the journal (for support), then removed."""
BATCH = 500

JOURNALED = frozenset(
    {
        "start_session",
        "end_session",
        "set_session_plan",
        "add_break",
        "reopen_session",
        "save_checkin",
        "start_block",
        "log_trial",
        "add_pause",
        "end_block",
        "save_reflection",
        "recover_interrupted",
        "staff.audit",
    }
)
"""The :class:`Store` writes a training PC makes; only these are ever replayed (a dotted
name is a method of one of the store's parts: ``staff.audit`` is ``store.staff.audit``)."""


@dataclass(frozen=True)
class JournalStatus:
    """What the staff side is told about this PC's journal."""

    server: str
    """The server's URL, without its password."""
    online: bool
    pending: int
    """Training records on this PC that the server does not have yet."""
    failed: int
    """Records the server refused (kept in the journal; see ``last_error``)."""
    oldest_pending_at: datetime | None
    last_error: str | None


def journal_path_for(server_url: URL) -> Path:
    """Where this PC keeps its journal for ``server_url`` (one journal per server, so
    pointing a PC at another server never mixes their records)."""
    digest = hashlib.sha256(describe(server_url).encode()).hexdigest()[:16]
    return user_data_dir() / "journal" / f"journal-{digest}.sqlite3"


class _Offline(Exception):
    """The server cannot be reached now; try again later."""


def _is_connection_problem(exc: BaseException) -> bool:
    """Whether an error means "the server is away" (rather than "it refused this")."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, (OperationalError, InterfaceError)):
            return True
        if isinstance(cur, DBAPIError) and cur.connection_invalidated:
            return True
        if isinstance(cur, (ConnectionError, TimeoutError)):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


class TrainingJournal:
    """The training side's store on a PC that trains against a shared server.

    It offers the :class:`Store` methods the training screens use: the writes in
    :data:`JOURNALED` go through the journal (see the module docstring), the reads come
    from the journal's own database. Staff screens use :attr:`server` directly."""

    def __init__(
        self,
        local: Store,
        server_url: URL,
        *,
        open_server: Callable[[URL], Store] = Store.open,
        retry_s: float = RETRY_S,
        start: bool = True,
    ) -> None:
        self.local = local
        self.server_url = server_url
        self._open_server = open_server
        self.retry_s = retry_s
        self._server: Store | None = None
        self._server_lock = threading.Lock()
        self._online = False
        self._last_error: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None
        if start:
            self.start()

    @classmethod
    def open(
        cls, server_url: URL, journal_path: Path | None = None, **kwargs: Any
    ) -> TrainingJournal:
        """Open (or create) this PC's journal for ``server_url`` and start sending."""
        path = journal_path or journal_path_for(server_url)
        local = Store.open(resolve_url(f"sqlite:///{path}"))
        return cls(local, server_url, **kwargs)

    # -- the sender --------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cogtrain-journal", daemon=True)
            self._thread.start()

    def close(self, *, flush_timeout_s: float = 5.0) -> None:
        """Send what can be sent within ``flush_timeout_s``, then stop. What is left
        stays in the journal and is sent on the next start."""
        if self._thread is not None:
            self.flush(timeout_s=flush_timeout_s)
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=flush_timeout_s + 30)
            self._thread = None
        with self._server_lock:
            if self._server is not None:
                self._server.close()
                self._server = None
        self.local.close()

    def flush(self, *, timeout_s: float = 10.0) -> bool:
        """Wait until every operation has been sent (True) or ``timeout_s`` passed."""
        if self._thread is None:
            return self.send_now()
        deadline = timeout_s
        step = 0.02
        waited = 0.0
        while waited < deadline:
            if self._pending_count() == 0:
                return True
            self._idle.clear()
            self._wake.set()
            self._idle.wait(step)
            waited += step
            step = min(step * 2, 0.2)
        return self._pending_count() == 0

    def send_now(self) -> bool:
        """Try once, on this thread, to send everything (tests and ``cogtrain db``)."""
        try:
            self._send_all()
        except _Offline:
            return False
        return self._pending_count() == 0

    @property
    def server(self) -> Store | None:
        """The server's store when it has been reached, for the staff screens."""
        return self._server

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._send_all()
                wait_s = 30.0
            except _Offline:
                wait_s = self.retry_s
            except Exception:  # never let the sender die: training goes on regardless
                log.exception("the journal sender failed; it will try again")
                wait_s = self.retry_s
            self._idle.set()
            self._wake.wait(wait_s)
            self._wake.clear()

    def _connect(self) -> Store:
        with self._server_lock:
            if self._server is None:
                try:
                    self._server = self._open_server(self.server_url)
                except StorageError as exc:
                    self._went_offline(exc)
                    raise _Offline(str(exc)) from exc
            return self._server

    def _went_offline(self, exc: BaseException) -> None:
        if self._online or self._last_error is None:
            log.warning(
                "server %s unreachable; training continues on the journal: %s",
                describe(self.server_url),
                str(exc).splitlines()[0][:200],
            )
        self._online = False
        self._last_error = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__

    def _send_all(self) -> None:
        server = self._connect()
        while True:
            ops = self._pending_ops(BATCH)
            if not ops:
                break
            for op in ops:
                self._send(server, op)
        if not self._online:
            log.info("server %s reachable again; the journal is sent", describe(self.server_url))
        self._online = True
        self._last_error = None
        self._prune()

    def _send(self, server: Store, op: JournalOp) -> None:
        """Apply one operation on the server exactly once, then mark it sent here."""
        try:
            with Session(server.engine) as s:
                done = s.get(AppliedOp, op.op_id) is not None
            if not done:
                args = journal_codec.decode(op.args)
                method: Any = server
                for part in op.method.split("."):
                    method = getattr(method, part)

                def marker(executor: Any) -> None:
                    executor.execute(
                        insert(AppliedOp).values(
                            op_id=op.op_id, device=this_device(), applied_at=utcnow()
                        )
                    )

                with server.write_hook(marker):
                    method(**args)
        except (StorageError, SQLAlchemyError, OSError) as exc:
            if _is_connection_problem(exc):
                self._went_offline(exc)
                raise _Offline(str(exc)) from exc
            self._mark(op.seq, failed=str(exc)[:2000])
            log.error("the server refused journal operation %s (%s): %s", op.seq, op.method, exc)
            return
        self._mark(op.seq, failed=None)

    # -- journal rows ------------------------------------------------------------------

    @contextmanager
    def _journaled(self, method: str, args: dict[str, Any]) -> Iterator[None]:
        """Apply a write to the journal's database together with its operation row."""
        assert method in JOURNALED
        row = {
            "op_id": uuid.uuid4(),
            "method": method,
            "args": journal_codec.encode(args),
            "created_at": utcnow(),
        }
        written: list[bool] = []

        def add_row(executor: Any) -> None:
            assert not written, f"{method} wrote more than one transaction"
            executor.execute(insert(JournalOp).values(**row))
            written.append(True)

        with self.local.write_hook(add_row):
            yield
        assert written, f"{method} wrote nothing, so nothing was journaled"
        self._wake.set()

    def _pending_ops(self, limit: int) -> list[JournalOp]:
        with Session(self.local.engine, expire_on_commit=False) as s:
            return list(
                s.scalars(
                    select(JournalOp)
                    .where(JournalOp.sent_at.is_(None), JournalOp.failed.is_(None))
                    .order_by(JournalOp.seq)
                    .limit(limit)
                )
            )

    def _pending_count(self) -> int:
        with Session(self.local.engine) as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(JournalOp)
                    .where(JournalOp.sent_at.is_(None), JournalOp.failed.is_(None))
                )
                or 0
            )

    def _mark(self, seq: int, *, failed: str | None) -> None:
        values: dict[str, Any] = {"failed": failed} if failed else {"sent_at": utcnow()}
        with Session(self.local.engine) as s, s.begin():
            s.execute(update(JournalOp).where(JournalOp.seq == seq).values(**values))

    def _prune(self) -> None:
        with Session(self.local.engine) as s, s.begin():
            s.execute(delete(JournalOp).where(JournalOp.sent_at < utcnow() - KEEP_SENT))

    def status(self) -> JournalStatus:
        with Session(self.local.engine) as s:
            waiting = JournalOp.sent_at.is_(None) & JournalOp.failed.is_(None)
            pending, oldest = s.execute(
                select(func.count(), func.min(JournalOp.created_at)).where(waiting)
            ).one()
            failed = s.scalar(
                select(func.count()).select_from(JournalOp).where(JournalOp.failed.is_not(None))
            )
        return JournalStatus(
            server=describe(self.server_url),
            online=self._online,
            pending=int(pending or 0),
            failed=int(failed or 0),
            oldest_pending_at=oldest,
            last_error=self._last_error,
        )

    # -- what the journal needs from the server ----------------------------------------

    def prepare_participant(self, participant_id: uuid.UUID) -> bool:
        """Copy the participant's records the training screens read (participant row
        and PIN, levels, sessions, blocks; never trials or staff data) from the server
        into the journal. Done only when the journal has nothing waiting, so a fresher
        local record is never overwritten by an older server copy. False when the
        server cannot be reached or records are waiting: training goes on with what
        the journal already has."""
        if not self._online and self._last_error is not None:
            return False  # known to be away: the sender keeps trying; nobody waits here
        if not self.flush(timeout_s=3.0):
            return False
        try:
            server = self._connect()
            with Session(server.engine) as s:
                p = s.get(Participant, participant_id)
                if p is None:
                    return False
                rows = {
                    Participant: [_columns(p, exclude={"consultant_id"})],
                    TrainingSession: [
                        _columns(x)
                        for x in s.scalars(
                            select(TrainingSession).where(
                                TrainingSession.participant_id == participant_id
                            )
                        )
                    ],
                    LevelState: [
                        _columns(x)
                        for x in s.scalars(
                            select(LevelState).where(LevelState.participant_id == participant_id)
                        )
                    ],
                }
                rows[Block] = [
                    _columns(x)
                    for x in s.scalars(
                        select(Block)
                        .join(TrainingSession)
                        .where(TrainingSession.participant_id == participant_id)
                    )
                ]
        except (StorageError, SQLAlchemyError) as exc:
            if _is_connection_problem(exc) or isinstance(exc, StorageError):
                self._went_offline(exc)
                return False
            raise
        with Session(self.local.engine) as s, s.begin():
            for model in (Participant, TrainingSession, Block, LevelState):
                for values in rows[model]:
                    keys = [c.name for c in model.__table__.primary_key.columns]
                    stmt = sqlite_insert(model).values(**values)
                    stmt = stmt.on_conflict_do_update(
                        index_elements=keys,
                        set_={k: v for k, v in values.items() if k not in keys},
                    )
                    s.execute(stmt)
        return True

    # -- writes (journaled) ------------------------------------------------------------

    def start_session(
        self,
        participant_id: uuid.UUID,
        *,
        now: datetime | None = None,
        plan: dict[str, Any] | None = None,
        session_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        args = {
            "participant_id": participant_id,
            "now": now or utcnow(),
            "plan": plan,
            "session_id": session_id or uuid.uuid4(),
        }
        with self._journaled("start_session", args):
            return self.local.start_session(**args)

    def end_session(
        self, session_id: uuid.UUID, *, reason: str, now: datetime | None = None
    ) -> None:
        args = {"session_id": session_id, "reason": reason, "now": now or utcnow()}
        with self._journaled("end_session", args):
            self.local.end_session(**args)

    def set_session_plan(self, session_id: uuid.UUID, plan: dict[str, Any]) -> None:
        args = {"session_id": session_id, "plan": plan}
        with self._journaled("set_session_plan", args):
            self.local.set_session_plan(**args)

    def add_break(self, session_id: uuid.UUID, break_ms: float) -> None:
        args = {"session_id": session_id, "break_ms": break_ms}
        with self._journaled("add_break", args):
            self.local.add_break(**args)

    def reopen_session(self, session_id: uuid.UUID) -> None:
        args = {"session_id": session_id}
        with self._journaled("reopen_session", args):
            self.local.reopen_session(**args)

    def save_checkin(self, session_id: uuid.UUID, checkin: CheckIn) -> None:
        args = {"session_id": session_id, "checkin": checkin}
        with self._journaled("save_checkin", args):
            self.local.save_checkin(**args)

    def start_block(
        self,
        session_id: uuid.UUID,
        *,
        exercise_id: str,
        is_practice: bool,
        seed: int,
        start: StaircaseState,
        start_level: int,
        plan_index: int | None = None,
        instruction_ms: float = 0.0,
        now: datetime | None = None,
        block_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        args = {
            "session_id": session_id,
            "exercise_id": exercise_id,
            "is_practice": is_practice,
            "seed": seed,
            "start": start,
            "start_level": start_level,
            "plan_index": plan_index,
            "instruction_ms": instruction_ms,
            "now": now or utcnow(),
            "block_id": block_id or uuid.uuid4(),
        }
        with self._journaled("start_block", args):
            return self.local.start_block(**args)

    def log_trial(
        self, block_id: uuid.UUID, rec: TrialRecord, *, trial_id: uuid.UUID | None = None
    ) -> None:
        args = {"block_id": block_id, "rec": rec, "trial_id": trial_id or uuid.uuid4()}
        with self._journaled("log_trial", args):
            self.local.log_trial(**args)

    def add_pause(self, block_id: uuid.UUID, paused_ms: float) -> None:
        args = {"block_id": block_id, "paused_ms": paused_ms}
        with self._journaled("add_pause", args):
            self.local.add_pause(**args)

    def end_block(
        self,
        block_id: uuid.UUID,
        *,
        status: str,
        active_ms: float,
        participant_id: uuid.UUID,
        end_state: StaircaseState | None,
        end_level: int | None,
        now: datetime | None = None,
    ) -> BlockRow:
        args = {
            "block_id": block_id,
            "status": status,
            "active_ms": active_ms,
            "participant_id": participant_id,
            "end_state": end_state,
            "end_level": end_level,
            "now": now or utcnow(),
        }
        with self._journaled("end_block", args):
            return self.local.end_block(**args)

    def save_reflection(self, block_id: uuid.UUID, reflection: Reflection) -> None:
        args = {"block_id": block_id, "reflection": reflection}
        with self._journaled("save_reflection", args):
            self.local.save_reflection(**args)

    def recover_interrupted(self, *, now: datetime | None = None) -> RecoveryReport:
        args = {"now": now or utcnow()}
        with self._journaled("recover_interrupted", args):
            return self.local.recover_interrupted(**args)

    def offline_staff_records(self) -> OfflineStaffRecords:
        """The journal's staff records, for a participant log-in while the server is away."""
        return OfflineStaffRecords(self)

    def _journaled_audit(self, entry: AuditEntry, now: datetime) -> Any:
        return self._journaled("staff.audit", {"entry": entry, "now": now})

    # -- reads (from the journal's database) -------------------------------------------

    def __getattr__(self, name: str) -> Any:
        """Reads the training screens make (levels, hours, the session to continue...)
        come from the journal's database; a write not in :data:`JOURNALED` is refused,
        so nothing can be written here that the server would never get."""
        if name.startswith("_"):
            raise AttributeError(name)
        if name in _READS:
            return getattr(self.local, name)
        raise AttributeError(
            f"{name!r} is not a training read or journaled write; staff changes go to "
            "the server's store (TrainingJournal.server)"
        )


_READS = frozenset(
    {
        "participants",
        "resumable_session",
        "blocks_done",
        "training_facts",
        "session_days",
        "checkin_of",
        "session",
        "sessions_of",
        "session_plan_of",
        "load_level_state",
        "reflection_of",
        "blocks_of_session",
        "trials_of_block",
        "active_ms_of",
        "url",
        "engine",
    }
)


class OfflineStaffRecords:
    """The journal's :class:`StaffRecords` as the participant log-in uses them while the
    server is away (see the module docstring): each audit row it writes is marked
    ``offline`` and journaled in the same local transaction, so it reaches the server's
    audit log once the server is back. Reads (the participant by code, the PIN state)
    come from the journal's copy."""

    def __init__(self, journal: TrainingJournal) -> None:
        self._journal = journal
        self._local: StaffRecords = journal.local.staff

    @staticmethod
    def _marked(entry: AuditEntry) -> AuditEntry:
        return dataclasses.replace(entry, detail={**(entry.detail or {}), "offline": True})

    def audit(self, entry: AuditEntry, *, now: datetime) -> None:
        entry = self._marked(entry)
        with self._journal._journaled_audit(entry, now):
            self._local.audit(entry, now=now)

    def record_pin_attempt(
        self,
        participant_id: uuid.UUID,
        *,
        failed_attempts: int,
        locked_until: datetime | None,
        audit: AuditEntry,
        now: datetime,
    ) -> None:
        audit = self._marked(audit)
        with self._journal._journaled_audit(audit, now):
            self._local.record_pin_attempt(
                participant_id,
                failed_attempts=failed_attempts,
                locked_until=locked_until,
                audit=audit,
                now=now,
            )

    def __getattr__(self, name: str) -> Any:
        if name in ("participant_by_code", "pin_state"):
            return getattr(self._local, name)
        raise AttributeError(
            f"{name!r}: only the participant log-in works on the journal's staff records"
        )


def _columns(row: Any, exclude: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in exclude}
