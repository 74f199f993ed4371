"""What a run of the program opens (cogtrain/storage/program_stores.py)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from cogtrain.storage.engine import DatabaseUnreachableError, resolve_url
from cogtrain.storage.journal import TrainingJournal
from cogtrain.storage.program_stores import open_program_stores

pytestmark = pytest.mark.sqlite_only


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_sqlite_is_one_store_for_everything(tmp_path: Path) -> None:
    st = open_program_stores(resolve_url(f"sqlite:///{tmp_path / 'c.sqlite3'}"))
    try:
        assert st.journal is None and st.training is st.server
        assert st.connect_server() is st.server
    finally:
        st.close()


def test_no_server_and_no_journal_is_a_clear_refusal_without_the_password(
    tmp_path: Path,
) -> None:
    port = closed_port()
    url = resolve_url(f"postgresql+psycopg://trener:hemmelig-passord@127.0.0.1:{port}/klinikk")
    with pytest.raises(DatabaseUnreachableError) as err:
        open_program_stores(url, journal_path=tmp_path / "journal.sqlite3")
    text = f"{err.value.message} {err.value.hint}"
    assert f"127.0.0.1:{port}" in text and "klinikk" in text
    assert "hemmelig" not in text
    assert "has not trained against this server before" in text
    assert "server is running" in text  # what to check


def test_a_pc_that_has_trained_before_starts_on_its_journal(tmp_path: Path) -> None:
    port = closed_port()
    url = resolve_url(f"postgresql+psycopg://trener:pw@127.0.0.1:{port}/klinikk")
    path = tmp_path / "journal.sqlite3"
    earlier = TrainingJournal.open(url, path, start=False)
    earlier.local.add_participant("JMO-301")  # as prepare_participant left it
    earlier.close(flush_timeout_s=0)

    st = open_program_stores(url, journal_path=path)
    try:
        assert st.server is None and st.journal is st.training
        assert [p.code for p in st.training.participants()] == ["JMO-301"]
        with pytest.raises(DatabaseUnreachableError):
            st.connect_server()  # still away; tried again each time it is needed
    finally:
        st.close()
