"""The whole participant flow, driven by synthetic events through the real loop."""

from __future__ import annotations

from collections.abc import Callable

import pygame
import pytest

from cogtrain.runtime.app import App
from cogtrain.runtime.clock import ManualClock
from cogtrain.runtime.flow import ProgramFlow
from cogtrain.runtime.scenes.block import BlockScene
from cogtrain.runtime.scenes.block_end import BlockEndScene
from cogtrain.runtime.scenes.checkin import ChoiceCardsScene
from cogtrain.runtime.scenes.instructions import InstructionsScene
from cogtrain.runtime.scenes.message import MessageScene
from cogtrain.runtime.scenes.pause import PauseScene
from cogtrain.runtime.scenes.reflection import StrategyScene, TransferScene
from cogtrain.runtime.scenes.start import StartScene
from cogtrain.storage.store import Store
from cogtrain.training.block import BlockConfig
from cogtrain.training.checkin import CheckIn
from cogtrain.training.staircase import Staircase

FRAME_MS = 1000 / 60


def key(k: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))


@pytest.fixture
def app() -> App:
    pygame.init()
    pygame.display.set_mode((1024, 768))
    yield App(ManualClock())
    pygame.quit()


class Script:
    """Plays the participant: answers, pauses once, then ends the session."""

    def __init__(
        self,
        answers: Callable[[int], bool],
        pause_at: int | None = 4,
        pause_frames: int = 90,
        quit_at: int | None = None,
    ) -> None:
        self.answers = answers
        self.pause_at = pause_at
        self.pause_frames = pause_frames
        self.quit_at = quit_at
        self.n_scored = 0
        self.paused_for = 0
        self.pauses = 0
        self.seen: list[str] = []
        self.checked_in = False
        self.given: list[bool] = []
        self.note = "Når jeg plukker ordre på lageret, særlig på tirsdager!"

    def __call__(self, app: App) -> None:
        top = app.top
        name = type(top).__name__
        if not self.seen or self.seen[-1] != name:
            self.seen.append(name)
        if isinstance(top, (StartScene, InstructionsScene)):
            key(pygame.K_RETURN)
        elif isinstance(top, ChoiceCardsScene):  # check-in: rested 3, then skip stress
            if self.seen.count("ChoiceCardsScene") == 1 and not self.checked_in:
                key(pygame.K_3)
                self.checked_in = True
            else:
                key(pygame.K_DOWN)
                key(pygame.K_RETURN)
        elif isinstance(top, PauseScene):
            self.paused_for += 1
            if self.paused_for >= self.pause_frames:
                key(pygame.K_RETURN)
        elif isinstance(top, BlockScene):
            runner = top.runner
            if runner is None or not runner.accepting_input:
                return
            if not top.practice:
                if self.quit_at is not None and self.n_scored == self.quit_at:
                    pygame.event.post(pygame.event.Event(pygame.QUIT))
                    return
                if (
                    self.pause_at is not None
                    and self.n_scored == self.pause_at
                    and self.pauses == 0
                ):
                    self.pauses = 1
                    key(pygame.K_ESCAPE)
                    return
            ok = self.answers(self.n_scored) if not top.practice else True
            digit = runner.spec.correct_digit if ok else (runner.spec.correct_digit % 3) + 1
            key(getattr(pygame, f"K_{digit}"))
            if not top.practice:
                self.n_scored += 1
                self.given.append(ok)
        elif isinstance(top, BlockEndScene):
            key(pygame.K_RETURN)  # "Next"
        elif isinstance(top, StrategyScene):
            key(pygame.K_RETURN)  # toggle "Say it aloud" (focused first)
            key(pygame.K_RIGHT)
            key(pygame.K_RIGHT)
            key(pygame.K_RETURN)  # toggle "Check twice"
            for _ in range(3):
                key(pygame.K_UP)  # wraps round to "Next"
            key(pygame.K_RETURN)
        elif isinstance(top, TransferScene):
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=self.note))
            key(pygame.K_BACKSPACE)
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="."))
            key(pygame.K_TAB)  # leave the field; focus "Train another round"
            key(pygame.K_RIGHT)  # "End the session"
            key(pygame.K_RETURN)
        elif isinstance(top, MessageScene):
            if self.seen.count("MessageScene") >= 2 and "BlockEndScene" in self.seen:
                app.running = False  # the goodbye screen: done
            else:
                key(pygame.K_RETURN)


def run_flow(app: App, store: Store, script: Script, max_frames: int = 20000) -> ProgramFlow:
    store.ensure_demo_participant()
    flow = ProgramFlow(
        app,
        store,
        exercise_id="symbol_coding",
        block_config=BlockConfig(max_trials=10, practice_trials=3),
    )
    flow.show_start()
    app.run(driver=script, max_frames=max_frames)
    return flow


def test_whole_flow_start_practice_block_pause_resume_end(app: App, store: Store) -> None:
    pattern = [True, True, True, False, True, True, True, True, True, True]
    script = Script(lambda i: pattern[i])
    run_flow(app, store, script)
    assert script.seen[:7] == [
        "StartScene",
        "ChoiceCardsScene",
        "InstructionsScene",
        "BlockScene",
        "MessageScene",
        "BlockScene",
        "PauseScene",
    ]
    assert "BlockEndScene" in script.seen

    [p] = store.participants()
    [session] = store.sessions_of(p.id)
    assert (session.status, session.end_reason) == ("completed", "finished")
    assert store.checkin_of(session.id) == CheckIn(rested=3, stressed=None)
    practice, block = store.blocks_of_session(session.id)
    assert practice.is_practice and practice.n_trials == 3 and practice.status == "completed"
    assert not block.is_practice and block.status == "completed"
    assert block.n_trials == 10 and block.n_correct == 9

    trials = store.trials_of_block(block.id)
    assert [t.correct for t in trials] == pattern
    # The response arrives one frame after the flip that showed the stimulus.
    assert all(t.rt_ms == pytest.approx(FRAME_MS, abs=1e-6) for t in trials)
    assert all(t.response_at > t.onset_at for t in trials)

    # The staircase followed the answers and carries over to the next block.
    sc = Staircase.start(1, 12)
    for ok in pattern:
        sc.update(ok)
    assert [t.staircase_after for t in trials] == sc.values[1:] + [sc.value]
    assert store.load_level_state(p.id, "symbol_coding").value == pytest.approx(sc.value)
    assert block.end_level == sc.level

    # The reflection after the block is stored with it, Norwegian letters intact.
    reflection = store.reflection_of(block.id)
    assert reflection.strategies == ("say_aloud", "check_twice")
    assert reflection.transfer_note == "Når jeg plukker ordre på lageret, særlig på tirsdager."

    # The pause is stored and not counted as training time.
    assert block.paused_ms == pytest.approx(90 * FRAME_MS, abs=3 * FRAME_MS)
    assert practice.active_ms > 0 and block.active_ms > 0


def test_next_block_starts_where_the_last_ended(app: App, store: Store) -> None:
    run_flow(app, store, Script(lambda i: True, pause_at=None))
    [p] = store.participants()
    first_end = store.load_level_state(p.id, "symbol_coding")
    assert first_end.value == pytest.approx(1 + 10 * 0.25)
    pygame.display.set_mode((1024, 768))
    app2 = App(ManualClock())
    run_flow(app2, store, Script(lambda i: True, pause_at=None))
    second = store.sessions_of(p.id)[-1]
    _practice, block = store.blocks_of_session(second.id)
    assert block.start_level == 3  # floor(3.5)
    assert store.trials_of_block(block.id)[0].staircase_before == pytest.approx(first_end.value)


def test_closing_the_window_mid_block_asks_nothing_and_loses_nothing(
    app: App, store: Store
) -> None:
    script = Script(lambda i: True, pause_at=None, quit_at=6)
    run_flow(app, store, script)
    assert not app.running
    [p] = store.participants()
    [session] = store.sessions_of(p.id)
    assert (session.status, session.end_reason) == ("completed", "window_closed")
    _practice, block = store.blocks_of_session(session.id)
    assert block.status == "closed" and block.n_trials == 6
    assert store.load_level_state(p.id, "symbol_coding").value == pytest.approx(1 + 6 * 0.25)


def test_esc_pauses_instructions_and_end_session_from_pause(app: App, store: Store) -> None:
    store.ensure_demo_participant()
    flow = ProgramFlow(app, store, exercise_id="symbol_coding")
    flow.show_start()
    key(pygame.K_RETURN)
    app.run(max_frames=2)
    assert isinstance(app.top, ChoiceCardsScene)  # check-in; Esc pauses here too
    key(pygame.K_ESCAPE)
    app.run(max_frames=3)
    assert isinstance(app.top, PauseScene)
    key(pygame.K_RETURN)  # continue
    app.run(max_frames=4)
    assert isinstance(app.top, ChoiceCardsScene)
    key(pygame.K_1)  # tired
    key(pygame.K_3)  # stressed
    app.run(max_frames=5)
    assert isinstance(app.top, InstructionsScene)
    key(pygame.K_ESCAPE)
    app.run(max_frames=4)
    assert isinstance(app.top, PauseScene)
    key(pygame.K_RIGHT)  # focus "End the session"
    key(pygame.K_RETURN)
    app.run(max_frames=6)
    assert isinstance(app.top, MessageScene) and not isinstance(app.top, PauseScene)
    [p] = store.participants()
    [session] = store.sessions_of(p.id)
    assert session.end_reason == "finished" and store.blocks_of_session(session.id) == []
    assert store.checkin_of(session.id) == CheckIn(rested=1, stressed=3)


def test_english_flow_draws_english(app: App, store: Store) -> None:
    from cogtrain import i18n

    i18n.set_language("en")
    store.ensure_demo_participant()
    flow = ProgramFlow(app, store, exercise_id="symbol_coding")
    flow.show_start()
    app.run(max_frames=1)
    drawn = {k[0] for k in app.theme._text_cache}
    assert {
        "Welcome",
        "You can try the training with the demo participant.",
        "Try the demo training",
    } <= drawn
    assert "Velkommen" not in drawn
