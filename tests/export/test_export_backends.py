"""The same clinic exported from SQLite and from PostgreSQL gives the same bytes.

The export reads SQLite through its fast path (stored text straight from the driver) and
PostgreSQL through SQLAlchemy's types (JSONB, timestamptz), so this is where a
difference in how the two keep JSON, times, floats or row order would show.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cogtrain.export import export_dataset
from cogtrain.storage.engine import resolve_url
from cogtrain.storage.store import Store
from cogtrain.training.block import TrialRecord
from cogtrain.training.staircase import Staircase
from tests.export.test_bids_export import T0, build_clinic

pytestmark = pytest.mark.postgres


def awkward_trials(store: Store) -> None:
    """A participant whose trials hold what JSONB and timestamptz might change: key
    order, floats that do not round-trip in few digits, unicode, nesting, nulls,
    microsecond times, big integers."""
    rng = np.random.default_rng(20261207)
    p = store.add_participant("JMO-ÆØÅ1")
    sid = store.start_session(p.id, now=T0 + timedelta(days=9, microseconds=654321))
    sc = Staircase.start(1, 12)
    bid = store.start_block(
        sid,
        exercise_id="symbol_coding",
        is_practice=False,
        seed=2**53 + 1,
        start=sc.state(),
        start_level=1,
        now=T0 + timedelta(days=9, seconds=1, microseconds=1),
    )
    for i in range(40):
        x = float(rng.random())
        onset = T0 + timedelta(days=9, seconds=2 + 2 * i, microseconds=int(rng.integers(0, 10**6)))
        store.log_trial(
            bid,
            TrialRecord(
                index=i,
                level=1 + i % 3,
                spec={
                    "z": [x, 0.1 + 0.2, 1e-7, 2**40, None],
                    "a": {"ø": "blåbær", "n": i, "deep": {"y": [True, False]}},
                    "key": ["circle", "square"][i % 2],
                    "level": 1,
                },
                response={"timed_out": i % 5 == 0, "answer": {"digit": i % 10, "t": x * 1000}},
                correct=i % 3 != 0,
                error_kind=None if i % 3 else "wrong_digit",
                rt_ms=None if i % 5 == 0 else 400.0 + x * 812.3456789,
                onset_at=onset,
                response_at=onset + timedelta(microseconds=int(rng.integers(1, 2 * 10**6))),
                staircase_before=1.0 + x,
                staircase_after=1.0 + x / 3,
            ),
        )
    store.end_block(
        bid,
        status="completed",
        active_ms=81_234.567891,
        participant_id=p.id,
        end_state=sc.state(),
        end_level=1,
        now=T0 + timedelta(days=9, minutes=3),
    )
    store.end_session(sid, reason="finished", now=T0 + timedelta(days=9, minutes=4))


def hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def exports(store: Store, monkeypatch: pytest.MonkeyPatch, out: Path) -> dict[str, Any]:
    build_clinic(store, monkeypatch)
    awkward_trials(store)
    out.mkdir()
    got: dict[str, Any] = {}
    full = {"include_free_text": True, "include_dates": True}
    for name, flags in (("plain", {}), ("full", full)):
        export_dataset(store, out / name, **flags)
        got[name] = hashes(out / name)
        export_dataset(store, out / f"{name}.zip", **flags)
        got[f"{name}.zip"] = hashlib.sha256((out / f"{name}.zip").read_bytes()).hexdigest()
    return got


def test_sqlite_and_postgres_exports_are_byte_identical(
    postgres_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lite = Store.open(resolve_url(f"sqlite:///{tmp_path / 'clinic.sqlite3'}"))
    try:
        from_sqlite = exports(lite, monkeypatch, tmp_path / "sqlite")
    finally:
        lite.close()
    with postgres_server.fresh_schema() as url:
        pg = Store.open(resolve_url(url))
        try:
            from_postgres = exports(pg, monkeypatch, tmp_path / "postgres")
        finally:
            pg.close()
    assert len(from_sqlite["plain"]) > 20  # a real dataset, not two empty folders
    beh = [f for f in from_sqlite["full"] if f.endswith("_beh.tsv")]
    assert any("sub-003" in f or "sub-004" in f for f in beh)
    for name in from_sqlite:
        assert from_postgres[name] == from_sqlite[name], name
