"""Reading instructions is training time; a pause during them is not."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

import exercises
from cogtrain.i18n import _
from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.scenes.instructions import InstructionsScene
from cogtrain.runtime.scenes.message import MessageScene


@pytest.fixture
def app() -> App:
    pygame.init()
    pygame.display.set_mode((1024, 768))
    yield App(ManualClock())
    pygame.quit()


def test_instruction_time_excludes_pauses(app: App) -> None:
    info = exercises.get("symbol_coding")
    view = exercises.load_view_class(info)()
    example = info.rules.new_trial(1, np.random.default_rng(0), ())
    done: list[float] = []
    scene = InstructionsScene(
        _(info.title),
        [_(p) for p in info.instructions],
        view,
        example,
        on_done=lambda: done.append(scene.active_ms(app.clock.now_ns())),
        make_pause=lambda: MessageScene(_("Pause"), [], []),
    )
    app.reset_to(scene)
    clock: ManualClock = app.clock  # type: ignore[assignment]
    clock.advance_ms(1000)
    app.pause()
    clock.advance_ms(5000)
    assert scene.active_ms(clock.now_ns()) == pytest.approx(1000)  # paused: not counting
    app.resume()
    clock.advance_ms(500.25)
    scene.on_done()
    assert done == [pytest.approx(1500.25)]


def test_block_counter_names_the_task_on_screen() -> None:
    from cogtrain.runtime.scenes.block import BlockScene
    from cogtrain.training.block import BlockConfig

    def scene(config: BlockConfig, practice: bool) -> BlockScene:
        info = exercises.get("symbol_coding")
        return BlockScene(
            None,  # type: ignore[arg-type]  (the counter needs no controller)
            info,
            None,  # type: ignore[arg-type]
            config,
            practice=practice,
            on_done=lambda r: None,
            make_pause=lambda: None,  # type: ignore[arg-type,return-value]
        )

    counted = scene(BlockConfig(max_trials=30, practice_trials=4), practice=False)
    assert counted.counter_text(0, False) == "Oppgave 1 av 30"
    assert counted.counter_text(1, True) == "Oppgave 1 av 30"  # feedback on task 1
    assert counted.counter_text(1, False) == "Oppgave 2 av 30"
    assert counted.counter_text(30, True) == "Oppgave 30 av 30"
    timed = scene(BlockConfig(max_trials=100_000, show_trial_count=False), practice=False)
    assert timed.counter_text(41, False) == "Oppgave 42"
    practice = scene(BlockConfig(max_trials=100_000, show_trial_count=False), practice=True)
    assert practice.counter_text(2, True) == "Oppgave 2 av 4"
