"""The staff side's line about this PC's link to the clinic's server (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from cogtrain import i18n
from cogtrain.i18n import Msg
from cogtrain.staff.sync_notice import describe_sync


@dataclass
class State:
    server: str = "postgresql+psycopg://cogtrain@db.clinic:5432/cogtrain"
    online: bool = True
    pending: int = 0
    failed: int = 0
    oldest_pending_at: datetime | None = None


def at(moment: datetime) -> Msg:
    return Msg(f"{moment:%H:%M}")


@pytest.fixture(autouse=True)
def english() -> None:
    i18n.set_language("en")


def test_all_sent_is_a_quiet_ok_naming_the_server() -> None:
    n = describe_sync(State(), at)
    assert n.kind == "ok"
    assert "db.clinic:5432" in n.text and "All training from this PC is there" in n.text


def test_records_on_their_way() -> None:
    n = describe_sync(State(pending=1), at)
    assert (n.kind, str(n.text)) == (
        "sending",
        "Sending 1 training record from this PC to the clinic's server.",
    )
    assert "12 training records" in describe_sync(State(pending=12), at).text


def test_offline_says_since_when_how_many_and_that_they_are_safe() -> None:
    since = datetime(2026, 12, 3, 10, 42, tzinfo=UTC)
    n = describe_sync(State(online=False, pending=340, oldest_pending_at=since), at)
    assert n.kind == "offline"
    assert "since 10:42" in n.text
    assert "340 training records are kept safely on this PC" in n.text
    quiet = describe_sync(State(online=False), at)
    assert quiet.kind == "offline" and "goes on as usual" in quiet.text


def test_a_refusal_wins_over_everything_and_asks_for_it_support() -> None:
    n = describe_sync(State(online=False, pending=5, failed=2), at)
    assert n.kind == "refused"
    assert "refused 2 training records" in n.text and "IT support" in n.text


def test_norwegian() -> None:
    i18n.set_language("nb")
    n = describe_sync(State(online=False, pending=3, oldest_pending_at=datetime.now(UTC)), at)
    assert "3" in n.text and "server" in n.text.lower()
    assert "training" not in n.text  # translated, not the English msgid
