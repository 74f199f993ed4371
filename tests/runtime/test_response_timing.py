"""A response's recorded rt is its input event's arrival time minus input open, exactly.

The rig of ``bench/response_timing.py`` (a real BlockScene, TrialRunner, exercise view,
TrainingController and SQLite store) runs in the real ``App.run`` loop on the manual
clock's time, but through the loop's real-time branch, the one the program uses: the
loop waits on the event queue between frames and stamps each event as it leaves the
queue. ``pygame.event.wait`` is replaced by a stand-in that moves the manual clock
instead of sleeping, and hands over each scheduled answer at the exact nanosecond it was
due, which is never a frame boundary. So a runner or loop that took the response time
from the frame (its update or flip time) instead of the event's own stamp is off by a
fraction of a frame and fails here, as does one that counts from the wrong onset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pygame
import pytest

from bench.response_timing import TimingRig, right_answer_events
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.scenes.block import BlockScene
from cogtrain.runtime.trial_runner import Phase

TRIALS = 4
NS_PER_MS = 1_000_000


class QueueWaitClock:
    """The manual clock's time, as a clock ``App.run`` treats as real (it waits on the
    queue); :func:`fake_wait` moves it."""

    def __init__(self) -> None:
        self.manual = ManualClock()

    def now_ns(self) -> int:
        return self.manual.now_ns()

    def to_utc(self, t_ns: int) -> datetime:
        return self.manual.to_utc(t_ns)


@dataclass
class Due:
    trial_index: int
    onset_ns: int
    open_ns: int
    at_ns: int
    events: list[pygame.event.Event]
    delivered: bool = False


class Script:
    """Answers every trial right, at input open + an odd, growing number of ns."""

    def __init__(self) -> None:
        self.due: list[Due] = []

    def __call__(self, app: App) -> None:
        scene = app.top
        if not isinstance(scene, BlockScene) or scene.runner is None:
            return
        runner = scene.runner
        open_ns = runner.input_open_ns
        if runner.phase is not Phase.STIMULUS or open_ns is None:
            return
        if any(d.trial_index == runner.trial_index for d in self.due):
            return
        spec = runner.spec
        events = right_answer_events(app, scene)
        assert events, f"{scene.info.exercise_id}: a right answer needs input here"
        wait_ms = float(getattr(spec, "foreperiod_ms", 0.0) or 0.0)  # reaction's empty dock
        delay_ns = int((wait_ms + 150.0) * NS_PER_MS) + 7_654_321 * (runner.trial_index + 1) + 37
        at_ns = max(open_ns, app.clock.now_ns()) + delay_ns
        assert runner.onset_ns is not None
        self.due.append(Due(runner.trial_index, runner.onset_ns, open_ns, at_ns, events))


@pytest.fixture
def rig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TimingRig, Script]]:
    pygame.init()
    pygame.display.set_mode((800, 600))
    clock = QueueWaitClock()
    app = App(clock, fps=60)  # type: ignore[arg-type]
    script = Script()

    def fake_wait(timeout_ms: int = 0) -> pygame.event.Event:
        queued = pygame.event.poll()  # what is in SDL's queue already comes at once
        if queued.type != pygame.NOEVENT:
            return queued
        now = clock.now_ns()
        pending = [d for d in script.due if not d.delivered]
        if pending and pending[0].at_ns <= now + timeout_ms * NS_PER_MS:
            d = pending[0]
            d.delivered = True
            clock.manual.t_ns = max(now, d.at_ns)
            for e in d.events[1:]:  # the rest wait in the queue: taken at the same time
                pygame.event.post(e)
            return d.events[0]
        clock.manual.advance_ms(timeout_ms)
        return pygame.event.Event(pygame.NOEVENT)

    monkeypatch.setattr(pygame.event, "wait", fake_wait)
    rig = TimingRig(app, tmp_path)
    yield rig, script
    rig.close()
    pygame.quit()


@pytest.mark.parametrize(
    "exercise_id",
    [
        "reaction",  # one key; from level 3 a foreperiod with input open
        "match_fast",  # one key
        "symbol_coding",  # one key
        "position_span",  # clicks after a study phase (input_after_ms > 0)
    ],
)
def test_recorded_rt_is_event_stamp_minus_input_open(
    rig: tuple[TimingRig, Script], exercise_id: str
) -> None:
    timing, script = rig
    run = timing.start_block(exercise_id, TRIALS)
    timing.app.run(driver=script, max_frames=5_000)

    assert run.scene.result is not None, "the block did not end"
    assert [d.trial_index for d in script.due] == list(range(TRIALS))
    assert all(d.delivered for d in script.due)
    frame_ns = timing.app.frame_ns
    assert all((d.at_ns - d.open_ns) % frame_ns for d in script.due)  # off the frame grid
    stored = timing.stored_rt_ms(run)
    by_index = {r.index: r for r in run.records}
    for d in script.due:
        rec = by_index[d.trial_index]
        assert rec.correct, (exercise_id, d.trial_index, rec.response, rec.error_kind)
        known_ms = (d.at_ns - d.open_ns) / NS_PER_MS
        assert rec.rt_ms == pytest.approx(known_ms, abs=1e-6)
        assert stored[d.trial_index] == rec.rt_ms
        # The log's onset and response times (UTC, to the us) differ by the study phase
        # plus the rt: both come from the same clock readings.
        logged_ms = (rec.response_at - rec.onset_at) / timedelta(milliseconds=1)
        assert logged_ms == pytest.approx((d.at_ns - d.onset_ns) / NS_PER_MS, abs=0.002)
    if exercise_id == "position_span":  # rt counts from input open, not from onset
        assert all(d.open_ns - d.onset_ns > 100 * NS_PER_MS for d in script.due)
