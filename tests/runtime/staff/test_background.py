"""BackgroundTask: work on a worker thread, progress polled, cooperative cancel."""

from __future__ import annotations

import threading

import pytest

from cogtrain.errors import CogtrainError
from cogtrain.runtime.staff.background import BackgroundTask, Cancelled, Report, TaskState


def _wait_finished(task: BackgroundTask) -> None:  # type: ignore[type-arg]
    assert task.wait(10)


def test_progress_is_seen_by_the_polling_thread_and_the_result_arrives() -> None:
    step = threading.Event()
    seen = threading.Event()

    def work(report: Report) -> str:
        report(3, 10)
        seen.set()
        assert step.wait(10)
        report(10, 10)
        return "saved"

    task = BackgroundTask(work).start()
    assert seen.wait(10)
    mid = task.poll()
    assert mid.state is TaskState.RUNNING and (mid.done, mid.total) == (3, 10)
    assert mid.fraction == pytest.approx(0.3) and not mid.finished and task.running
    step.set()
    _wait_finished(task)
    end = task.poll()
    assert end.state is TaskState.DONE and end.result == "saved" and end.fraction == 1.0
    assert end.error is None and not end.cancel_requested and not task.running


def test_cancel_raises_cancelled_at_the_next_report_and_clean_up_runs() -> None:
    reported = threading.Event()
    go_on = threading.Event()
    cleaned: list[bool] = []

    def work(report: Report) -> None:
        try:
            report(1, 5)
            reported.set()
            assert go_on.wait(10)
            report(2, 5)  # raises: the staff member pressed Cancel meanwhile
            raise AssertionError("not reached")
        finally:
            cleaned.append(True)

    task = BackgroundTask(work).start()
    assert reported.wait(10)
    task.cancel()
    go_on.set()
    _wait_finished(task)
    status = task.poll()
    assert status.state is TaskState.CANCELLED and isinstance(status.error, Cancelled)
    assert status.cancel_requested and cleaned == [True]
    assert isinstance(status.error, CogtrainError)  # audited like any unfinished action


def test_work_that_finishes_before_it_reports_again_keeps_its_result() -> None:
    go_on = threading.Event()

    def work(report: Report) -> int:
        assert go_on.wait(10)
        return 42

    task = BackgroundTask(work).start()
    task.cancel()
    go_on.set()
    _wait_finished(task)
    status = task.poll()
    assert status.state is TaskState.DONE and status.result == 42 and status.cancel_requested


def test_an_error_in_the_work_is_handed_over_not_raised_in_the_worker() -> None:
    def work(report: Report) -> None:
        raise CogtrainError("The disk is full.", hint="Free some space.")

    task = BackgroundTask(work).start()
    _wait_finished(task)
    status = task.poll()
    assert status.state is TaskState.FAILED and status.finished
    assert isinstance(status.error, CogtrainError) and status.error.hint == "Free some space."


def test_stop_cancels_and_waits_and_a_task_runs_once() -> None:
    started = threading.Event()

    def work(report: Report) -> None:
        started.set()
        while True:
            report(0, 0)  # a long loop that reports often

    task = BackgroundTask(work, name="cogtrain-test").start()
    assert started.wait(10)
    assert task.stop(10)
    assert task.poll().state is TaskState.CANCELLED
    assert not [t for t in threading.enumerate() if t.name == "cogtrain-test"]
    with pytest.raises(RuntimeError, match="already started"):
        task.start()


def test_a_task_not_started_is_not_running_and_waits_for_nothing() -> None:
    task = BackgroundTask(lambda report: None)
    assert task.poll().state is TaskState.NOT_STARTED and not task.running
    assert task.wait(0) and task.poll().fraction == 0.0
