"""Which stores one run of the program works on, decided once at start.

- A PC with its own SQLite file: one :class:`Store` for everything.
- A PC on the clinic's shared server (PostgreSQL): training goes through this PC's
  :class:`~cogtrain.storage.journal.TrainingJournal` (never waits for the network), the
  staff side works on the server's own store. If the server cannot be reached at start,
  the program still starts when this PC has trained before (its journal holds the
  participants who trained here), so they can train; the staff side connects when the
  server is back. A PC that has never trained against that server has nothing to train
  with, and is told so with the server's address (never its password) and what to check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from cogtrain.storage.engine import DatabaseUnreachableError, describe
from cogtrain.storage.journal import TrainingJournal
from cogtrain.storage.store import Store

log = logging.getLogger(__name__)


@dataclass
class ProgramStores:
    training: Store | TrainingJournal
    """Where the participant's training reads and writes."""
    server: Store | None
    """The staff side's store; None while a shared server has not been reached."""
    journal: TrainingJournal | None
    url: URL
    open_store: Callable[[URL], Store] = Store.open

    def connect_server(self) -> Store:
        """The staff side's store, connecting now if the server was away at start.
        Raises :class:`DatabaseUnreachableError` while it still is."""
        if self.server is None:
            self.server = self.open_store(self.url)
        return self.server

    def close(self) -> None:
        """Close everything; the journal first sends what it can (briefly)."""
        if self.journal is not None:
            self.journal.close()
            if self.server is not None:
                self.server.close()
        else:
            self.training.close()


def open_program_stores(
    url: URL,
    *,
    journal_path: Path | None = None,
    open_store: Callable[[URL], Store] = Store.open,
) -> ProgramStores:
    """Open what this run needs for ``url`` (see the module docstring)."""
    if url.get_backend_name() == "sqlite":
        store = open_store(url)
        return ProgramStores(store, store, None, url, open_store)
    journal = TrainingJournal.open(url, journal_path, open_server=open_store)
    try:
        server: Store | None = open_store(url)
    except DatabaseUnreachableError as exc:
        if not journal.local.participants(active_only=False):
            journal.close(flush_timeout_s=0)
            raise DatabaseUnreachableError(
                exc.message,
                hint=f"{exc.hint} This PC has not trained against this server before, so "
                "it has no records of its own to train with until the server answers.",
            ) from exc
        log.warning(
            "the server %s cannot be reached; training on this PC's journal until it can",
            describe(url),
        )
        server = None
    except BaseException:
        journal.close(flush_timeout_s=0)
        raise
    return ProgramStores(journal, server, journal, url, open_store)
