"""Cancel reaches the export in every step, not only while trials are written.

The staff screen runs the export as a :class:`BackgroundTask`; Cancel makes the task's
progress callback raise :class:`Cancelled`, so a step that never calls it (packing the
zip, writing the tidy tables) could not be stopped. These tests stop the export inside
those steps and check that nothing is left behind: no zip, no temporary folder or file,
no key file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from cogtrain.export import bids, export_dataset
from cogtrain.runtime.staff.background import BackgroundTask, Cancelled, TaskState
from cogtrain.storage.store import Store
from tests.export.test_bids_export import Clinic, build_clinic


@pytest.fixture
def clinic(store: Store, monkeypatch: pytest.MonkeyPatch) -> Clinic:
    return build_clinic(store, monkeypatch)


class Phase:
    """Marks which step of the export is running, by wrapping the step's function."""

    def __init__(self) -> None:
        self.name = ""
        self.calls: list[tuple[str, int, int]] = []

    def wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.name = name
            try:
                return real(*args, **kwargs)
            finally:
                self.name = ""

        return wrapped

    def progress(self, done: int, total: int) -> None:
        self.calls.append((self.name, done, total))

    def during(self, name: str) -> list[tuple[int, int]]:
        return [(d, t) for n, d, t in self.calls if n == name]


@pytest.fixture
def phase(monkeypatch: pytest.MonkeyPatch) -> Iterator[Phase]:
    p = Phase()
    monkeypatch.setattr(bids, "_zip_folder", p.wrap("zip", bids._zip_folder))
    real_tidy = bids._DatasetWriter._tidy_tables

    @contextmanager
    def tidy_tables(writer: Any) -> Iterator[Callable[..., None]]:
        with real_tidy(writer) as add:
            yield p.wrap("tidy", add)

    monkeypatch.setattr(bids._DatasetWriter, "_tidy_tables", tidy_tables)
    yield p


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_cancel_while_the_zip_is_packed_leaves_nothing(
    store: Store, clinic: Clinic, tmp_path: Path, phase: Phase
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    key = tmp_path / "key.tsv"
    seen_partial: list[list[str]] = []

    def work(report: Callable[[int, int], None]) -> bids.ExportResult:
        def progress(done: int, total: int) -> None:
            phase.progress(done, total)
            if len(phase.during("zip")) == 4:  # part-way through the files
                seen_partial.append(leftovers(folder))
                task.cancel()
            report(done, total)

        return export_dataset(store, folder / "export.zip", key_file=key, progress=progress)

    task: BackgroundTask[bids.ExportResult] = BackgroundTask(work, name="export-test")
    task.start()
    assert task.wait(60)
    status = task.poll()
    assert status.state is TaskState.CANCELLED, status.error
    assert isinstance(status.error, Cancelled)
    # it really stopped inside the zip step: the half-written zip and the source folder
    # existed when Cancel was pressed, and the key file was already in place
    assert seen_partial and any(".export.zip.partial-" in n for n in seen_partial[0])
    assert len(phase.during("zip")) == 4  # the report after Cancel raised: no more came
    assert leftovers(folder) == []
    assert not key.exists()
    assert not [n for n in leftovers(tmp_path) if ".partial-" in n or n == "key.tsv"]


def test_packing_reports_progress_for_every_file_and_chunk(
    store: Store, clinic: Clinic, tmp_path: Path, phase: Phase, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunk = 512
    monkeypatch.setattr(bids, "COPY_CHUNK", chunk)
    plain = tmp_path / "plain"
    export_dataset(store, plain)
    sizes = [p.stat().st_size for p in plain.rglob("*") if p.is_file()]
    result = export_dataset(store, tmp_path / "export.zip", progress=phase.progress)
    during = phase.during("zip")
    # one report before each file and one after each chunk of it
    assert len(during) >= len(sizes) + sum(math.ceil(s / chunk) for s in sizes)
    assert set(during) == {(result.n_trials, result.n_trials)}  # all trials are written
    assert phase.calls[-1][1:] == (result.n_trials, result.n_trials)


@pytest.mark.parametrize("workers", [0, 2])
def test_cancel_while_the_tidy_tables_are_written_leaves_nothing(
    store: Store, clinic: Clinic, tmp_path: Path, phase: Phase, workers: int
) -> None:
    """Also with worker processes still writing trial files: they are stopped before
    the folder is removed."""
    folder = tmp_path / "out"
    folder.mkdir()

    def progress(done: int, total: int) -> None:
        phase.progress(done, total)
        if len(phase.during("tidy")) == 6:  # the second participant's tables
            raise Cancelled()

    with pytest.raises(Cancelled):
        export_dataset(store, folder / "export", progress=progress, workers=workers)
    assert leftovers(folder) == []


def test_the_tidy_tables_report_progress_for_every_participant(
    store: Store, clinic: Clinic, tmp_path: Path, phase: Phase
) -> None:
    result = export_dataset(store, tmp_path / "export", progress=phase.progress)
    during = phase.during("tidy")
    tables = 4  # blocks, level states, goal ratings, assessments (no notes by default)
    assert len(during) >= tables * result.n_participants
    done = [d for _, d, _ in phase.calls]
    assert done == sorted(done) and {t for _, _, t in phase.calls} == {result.n_trials}
