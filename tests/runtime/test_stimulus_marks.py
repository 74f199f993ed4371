"""Stimulus marks: a parcel after its wait, a stop sign after its delay, stamped at the
flip that first showed it, through the real block scene, runner, view and store.

Before marks, the reaction exercise's reaction time was read as ``rt_ms`` minus the
planned ``foreperiod_ms``; but the parcel is only drawn on the first frame at or after
the planned time, so that overstated every reaction time by up to one refresh (16.8 ms
median on a 60 Hz screen). And the onset frame was drawn with no time at all, which
views take for a still picture: a stop sign showed for one frame at the start of every
stop trial, whatever its delay.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pygame
import pytest

from bench.response_timing import TimingRig, right_answer_events
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.scenes.block import BlockScene
from cogtrain.runtime.trial_runner import Phase, RunnerLimits, TrialRunner
from cogtrain.training.exercise import ExerciseRules
from cogtrain.training.staircase import Staircase

NS_PER_MS = 1_000_000


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[TimingRig]:
    pygame.init()
    pygame.display.set_mode((1024, 768))
    rig = TimingRig(App(ManualClock(), fps=60), tmp_path)
    yield rig
    rig.close()
    pygame.quit()


def _start_at_level(rig: TimingRig, level: int) -> None:
    """Begin blocks at ``level`` (as a participant who has trained up to it)."""

    def at_level(rules: ExerciseRules) -> Any:
        start = Staircase.start(rules.min_level, rules.max_level).state()
        return dataclasses.replace(start, value=float(level))

    rig.controller.current_state = at_level  # type: ignore[method-assign]


class PressAfterMark:
    """Presses the right key ``frames_after`` frames after ``mark`` was stamped (and
    records when), or at once where the trial has no such mark to wait for."""

    def __init__(self, mark: str, frames_after: int) -> None:
        self.mark = mark
        self.frames_after = frames_after
        self.pressed_ns: dict[int, int] = {}
        self.mark_seen_ns: dict[int, int] = {}

    def __call__(self, app: App) -> None:
        scene = app.top
        if not isinstance(scene, BlockScene) or scene.runner is None:
            return
        runner: TrialRunner = scene.runner
        i = runner.trial_index
        if runner.phase is not Phase.STIMULUS or i in self.pressed_ns:
            return
        at = runner.marks_ns.get(self.mark)
        if at is None:
            return
        self.mark_seen_ns.setdefault(i, at)
        if app.clock.now_ns() < at + self.frames_after * app.frame_ns:
            return
        for e in right_answer_events(app, scene):
            pygame.event.post(e)
        self.pressed_ns[i] = app.clock.now_ns()  # the manual clock stamps events now


def test_reaction_time_counts_from_the_flip_that_showed_the_parcel(rig: TimingRig) -> None:
    _start_at_level(rig, 6)  # two doors, a wait of 500-2000 ms with input open
    run = rig.start_block("reaction", 6)
    press = PressAfterMark("target", frames_after=20)
    rig.app.run(driver=press, max_frames=20_000)

    assert run.scene.result is not None, "the block did not end"
    frame_ms = rig.app.frame_ns / NS_PER_MS
    stored = rig.store.trials_of_block(run.ctx.block_id)
    assert len(stored) == 6
    for t in stored:
        shown = t.shown_ms["target"]
        planned = t.spec["foreperiod_ms"]
        assert planned <= shown < planned + frame_ms, (planned, shown)
        assert t.correct
        # The time from the parcel to the press is the frames waited, exactly; the old
        # reading (rt minus the planned wait) is off by the parcel's lateness.
        assert t.rt_ms - shown == pytest.approx(20 * frame_ms, abs=1e-6)
        assert t.index in press.pressed_ns
    late = [t.shown_ms["target"] - t.spec["foreperiod_ms"] for t in stored]
    assert any(d > 1.0 for d in late), "the planned waits all fell on frames: a weak test"


def test_the_stop_sign_is_stamped_when_shown_and_never_flashes_at_onset(
    rig: TimingRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exercises.go_stop import view as go_stop_view

    _start_at_level(rig, 8)  # stop signs come after a delay
    drawn: list[tuple[bool, float | None, bool]] = []
    real = go_stop_view.GoStopView._draw_item

    def spy(self, surface, theme, lay, spec, stop_shown):  # type: ignore[no-untyped-def]
        drawn.append((spec.stop, self._elapsed, stop_shown))
        return real(self, surface, theme, lay, spec, stop_shown)

    monkeypatch.setattr(go_stop_view.GoStopView, "_draw_item", spy)
    run = rig.start_block("go_stop", 24)
    pressed: set[int] = set()

    def scan_go_items(app: App) -> None:  # go: scan at once; stop: wait it out
        scene = app.top
        if not isinstance(scene, BlockScene) or scene.runner is None:
            return
        runner = scene.runner
        if not runner.accepting_input or runner.trial_index in pressed or runner.spec.stop:
            return
        pressed.add(runner.trial_index)
        for e in right_answer_events(app, scene):
            pygame.event.post(e)

    rig.app.run(driver=scan_go_items, max_frames=40_000)
    assert run.scene.result is not None, "the block did not end"
    frame_ms = rig.app.frame_ns / NS_PER_MS
    stored = rig.store.trials_of_block(run.ctx.block_id)
    stops = [t for t in stored if t.spec["stop"]]
    assert stops and len(stops) < len(stored), "need both stop and go trials"
    for t in stored:
        shown = t.shown_ms
        if not t.spec["stop"]:
            assert shown == {}
            continue
        delay = t.spec["stop_delay_ms"]
        assert delay <= shown["stop_signal"] < delay + frame_ms, (delay, shown)
    # Every frame of a trial was drawn with its time since onset, and a stop sign only
    # from its delay on: none at the onset frame of a delayed stop trial.
    assert all(elapsed is not None for _stop, elapsed, _shown in drawn)
    assert not any(shown for stop, _elapsed, shown in drawn if not stop)
    assert any(stop and not shown for stop, _elapsed, shown in drawn)


def test_a_view_drawing_a_mark_its_rules_do_not_declare_is_a_programming_error() -> None:
    import numpy as np

    import exercises

    info = exercises.get("match_fast")
    clock = ManualClock()
    runner = TrialRunner(
        info.rules,
        np.random.default_rng(1),
        clock,
        limits=RunnerLimits(max_trials=1, max_active_ms=60_000.0),
        on_trial_end=lambda _r, _o: None,
        fixed_level=1,
    )
    clock.advance_ms(info.rules.timing.gap_ms)
    runner.update(clock.now_ns())
    with pytest.raises(ValueError, match="do not declare"):
        runner.stimulus_drawn(("target",))
