"""What the staff side is told about this PC's link to the clinic's shared server.

On a PC that trains against a shared server, training writes go to a local journal
first and are sent on by themselves (:mod:`cogtrain.storage.journal`). Staff need to
know when records are waiting, and why, without alarm: the records are safe on the PC,
and nothing has to be done unless the server refuses something. The participant is
never shown any of this.

Pure: it turns the journal's status (anything with the :class:`SyncState` attributes)
into one line of text and a kind the screen colours by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from cogtrain.i18n import Msg, _, data, ngettext

SyncKind = Literal["ok", "sending", "offline", "refused"]


class SyncState(Protocol):
    """The parts of :class:`cogtrain.storage.journal.JournalStatus` read here."""

    server: str
    online: bool
    pending: int
    failed: int
    oldest_pending_at: datetime | None


@dataclass(frozen=True)
class SyncNotice:
    kind: SyncKind
    text: Msg


def describe_sync(state: SyncState, moment: Callable[[datetime], Msg]) -> SyncNotice:
    """One calm line for the staff screens; ``moment`` formats a time the local way."""
    if state.failed:
        return SyncNotice(
            "refused",
            ngettext(
                "The clinic's server refused {n} training record from this PC. It is kept "
                "safely on this PC. Ask IT support to look at the cogtrain log.",
                "The clinic's server refused {n} training records from this PC. They are "
                "kept safely on this PC. Ask IT support to look at the cogtrain log.",
                state.failed,
            ).format(n=state.failed),
        )
    if not state.online:
        if state.pending:
            since = moment(state.oldest_pending_at) if state.oldest_pending_at else data("?")
            return SyncNotice(
                "offline",
                ngettext(
                    "No connection to the clinic's server since {since}. Training goes on "
                    "as usual: {n} training record is kept safely on this PC and is sent "
                    "by itself when the connection is back.",
                    "No connection to the clinic's server since {since}. Training goes on "
                    "as usual: {n} training records are kept safely on this PC and are "
                    "sent by themselves when the connection is back.",
                    state.pending,
                ).format(n=state.pending, since=since),
            )
        return SyncNotice(
            "offline",
            _(
                "No connection to the clinic's server right now. Training on this PC goes "
                "on as usual and is sent by itself when the connection is back."
            ),
        )
    if state.pending:
        return SyncNotice(
            "sending",
            ngettext(
                "Sending {n} training record from this PC to the clinic's server.",
                "Sending {n} training records from this PC to the clinic's server.",
                state.pending,
            ).format(n=state.pending),
        )
    text = _("Connected to the clinic's server ({server}). All training from this PC is there.")
    return SyncNotice("ok", text.format(server=data(state.server)))
