"""Slow staff actions (the research export, a PDF report) on a worker thread.

One pygame loop owns the window: the worker never touches pygame or a widget. It only
runs ``work(report)``, where ``report(done, total)`` stores the latest progress under a
lock, and the scene reads that with :meth:`BackgroundTask.poll` once a frame. Stopping
is cooperative: :meth:`BackgroundTask.cancel` sets a flag and the worker's next
``report`` call raises :class:`Cancelled`, so the work unwinds through its own clean-up
(the export removes its temporary folder and files) instead of being killed half-way.

This module is plain threading; it knows nothing of the export or the screens.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from cogtrain.errors import StoppedOnRequest

T = TypeVar("T")

Report = Callable[[int, int], None]


class Cancelled(StoppedOnRequest):
    """Raised inside the worker, from ``report``, once the staff member asked to stop.

    A :class:`~cogtrain.errors.StoppedOnRequest`, so code that audits actions (the
    desk's export) records the attempt as stopped, and cleans up as after a failure."""

    def __init__(self) -> None:
        super().__init__(
            "Stopped by the staff member before it finished.", hint="Nothing was saved."
        )


class TaskState(Enum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class TaskStatus(Generic[T]):
    """What the worker has got to, as the UI thread sees it in one frame."""

    state: TaskState
    done: int = 0
    total: int = 0
    result: T | None = None
    error: BaseException | None = None
    # Asked to stop, but the work finished before it next reported (the result stands).
    cancel_requested: bool = False

    @property
    def fraction(self) -> float:
        """0..1 of the work done; 0 while the total is not known yet."""
        return 0.0 if self.total <= 0 else max(0.0, min(1.0, self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.state in (TaskState.DONE, TaskState.FAILED, TaskState.CANCELLED)


class BackgroundTask(Generic[T]):
    """``work(report)`` on its own thread, with progress, cancel, result and error.

    The thread is not a daemon: a window that closes mid-task cancels it and waits
    (:meth:`stop`), so an export is never cut off between two of its files.
    """

    def __init__(self, work: Callable[[Report], T], *, name: str = "cogtrain-task") -> None:
        self._work = work
        self._name = name
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = TaskState.NOT_STARTED
        self._done = 0
        self._total = 0
        self._result: T | None = None
        self._error: BaseException | None = None

    # -- the UI thread's side ------------------------------------------------------------

    def start(self) -> BackgroundTask[T]:
        with self._lock:
            if self._state is not TaskState.NOT_STARTED:
                raise RuntimeError(f"The task {self._name!r} was already started.")
            self._state = TaskState.RUNNING
        self._thread = threading.Thread(target=self._run, name=self._name)
        self._thread.start()
        return self

    def poll(self) -> TaskStatus[T]:
        """The latest progress and, once finished, the result or the error."""
        with self._lock:
            return TaskStatus(
                self._state,
                self._done,
                self._total,
                self._result,
                self._error,
                self._cancel.is_set(),
            )

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report; returns at once."""
        self._cancel.set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the worker to end; True when it has (or never started)."""
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def stop(self, timeout_s: float | None = None) -> bool:
        """Cancel and wait: what a screen does when it must go away mid-task."""
        self.cancel()
        return self.wait(timeout_s)

    @property
    def running(self) -> bool:
        with self._lock:
            return self._state is TaskState.RUNNING

    # -- the worker's side ---------------------------------------------------------------

    def _report(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = int(done), int(total)
        if self._cancel.is_set():
            raise Cancelled()

    def _run(self) -> None:
        try:
            result = self._work(self._report)
        except Cancelled as exc:
            self._finish(TaskState.CANCELLED, error=exc)
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread, which decides
            self._finish(TaskState.FAILED, error=exc)
        else:
            self._finish(TaskState.DONE, result=result)

    def _finish(
        self, state: TaskState, *, result: T | None = None, error: BaseException | None = None
    ) -> None:
        with self._lock:
            self._state, self._result, self._error = state, result, error
