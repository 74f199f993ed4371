"""What comes after what: start → instructions → practice → block → end of block → …

The flow builds each screen with the data it needs and decides the next one. Screens
call back into the flow; the flow calls the controller, which calls the store.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import exercises
from cogtrain.errors import CogtrainError
from cogtrain.i18n import _, data, number
from cogtrain.runtime.app import App
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.scene import Scene
from cogtrain.runtime.scenes.block import BlockScene
from cogtrain.runtime.scenes.block_end import BlockEndScene
from cogtrain.runtime.scenes.checkin import rested_scene, stressed_scene
from cogtrain.runtime.scenes.instructions import InstructionsScene
from cogtrain.runtime.scenes.message import MessageScene
from cogtrain.runtime.scenes.pause import PauseScene
from cogtrain.runtime.scenes.reflection import StrategyScene, TransferScene
from cogtrain.runtime.scenes.start import StartScene
from cogtrain.runtime.training_controller import BlockResult, TrainingController
from cogtrain.runtime.widgets import Button
from cogtrain.storage.store import ParticipantInfo, Store
from cogtrain.training.block import BlockConfig
from cogtrain.training.checkin import CheckIn
from cogtrain.training.reflection import Reflection

DEFAULT_EXERCISE = "symbol_coding"
EXAMPLE_SEED = 20261124  # instruction pictures are the same every time


class ProgramFlow:
    """Drives the participant screens for one program run."""

    def __init__(
        self,
        app: App,
        store: Store,
        *,
        exercise_id: str = DEFAULT_EXERCISE,
        block_config: BlockConfig | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.info = exercises.get(exercise_id)
        self.block_config = block_config or BlockConfig()
        self.controller: TrainingController | None = None
        self._checkin_rested: int | None = None
        self._level_for_example = 1
        self.app.error_handler = self.show_error

    def _view(self) -> ExerciseView:
        return exercises.load_view_class(self.info)()

    # -- screens ----------------------------------------------------------------------

    def show_start(self) -> None:
        self.app.reset_to(StartScene(self.store.participants(), self.pick, self.app.quit))

    def pick(self, participant: ParticipantInfo) -> None:
        self.controller = TrainingController(self.store, participant)
        # The level is read before the session starts, so a damaged level state stops
        # here with a message instead of half-way into a block.
        state = self.controller.current_state(self.info.rules)
        self.controller.start_session()
        self.app.quit_hooks.append(self._window_closed)
        self._level_for_example = int(state.value)
        self.app.replace(rested_scene(self._rested, self.make_pause))

    def _rested(self, value: int | None) -> None:
        self._checkin_rested = value
        self.app.replace(stressed_scene(self._stressed, self.make_pause))

    def _stressed(self, value: int | None) -> None:
        assert self.controller is not None
        self.controller.save_checkin(CheckIn(self._checkin_rested, value))
        self.instructions()

    def instructions(self) -> None:
        rules = self.info.rules
        level = max(rules.min_level, min(rules.max_level, self._level_for_example))
        example = rules.new_trial(level, np.random.default_rng(EXAMPLE_SEED), ())
        self.app.replace(
            InstructionsScene(
                _(self.info.title),
                [_(p) for p in self.info.instructions],
                self._view(),
                example,
                on_done=self.practice,
                make_pause=self.make_pause,
            )
        )

    def practice(self) -> None:
        self.app.replace(self._block_scene(practice=True, on_done=self.after_practice))

    def after_practice(self, result: BlockResult) -> None:
        self.app.replace(
            MessageScene(
                _("The practice round is done"),
                [
                    _("Now the training starts. The tasks adjust to you as you go."),
                    _("Press Esc at any time to take a pause."),
                ],
                [Button(_("Start"), self.block)],
            )
        )

    def block(self) -> None:
        self.app.replace(self._block_scene(practice=False, on_done=self.block_end))

    def _block_scene(self, *, practice: bool, on_done) -> BlockScene:  # type: ignore[no-untyped-def]
        assert self.controller is not None
        return BlockScene(
            self.controller,
            self.info,
            self._view(),
            self.block_config,
            practice=practice,
            on_done=on_done,
            make_pause=self.make_pause,
        )

    def block_end(self, result: BlockResult) -> None:
        self.app.replace(BlockEndScene(result, on_next=lambda: self.ask_strategies(result)))

    def ask_strategies(self, result: BlockResult) -> None:
        self.app.replace(
            StrategyScene(
                on_next=lambda chosen: self.ask_transfer(result, chosen), make_pause=self.make_pause
            )
        )

    def ask_transfer(self, result: BlockResult, chosen: tuple[str, ...]) -> None:
        def save_then(next_step: Callable[[], None]) -> Callable[[str], None]:
            def go(note: str) -> None:
                assert self.controller is not None
                self.controller.save_reflection(result.row.id, Reflection.make(chosen, note))
                next_step()

            return go

        self.app.replace(
            TransferScene(
                on_again=save_then(self.block),
                on_finish=save_then(self.finish),
                make_pause=self.make_pause,
            )
        )

    def make_pause(self) -> Scene:
        return PauseScene(on_resume=self.app.resume, on_end_session=self.end_from_pause)

    def end_from_pause(self) -> None:
        self.app.pop()  # the pause screen
        scene = self.app.top
        if isinstance(scene, BlockScene):
            scene.end_early(self.app.clock.now_ns())
        self.finish()

    def finish(self) -> None:
        """End the session and say goodbye, showing the time trained today."""
        assert self.controller is not None
        self.controller.end_session("finished")
        self._forget_close_hook()
        t = self.controller.time_trained()
        self.app.reset_to(
            MessageScene(
                _("The session is finished. Thank you for today!"),
                [
                    _("You trained {minutes} minutes today.").format(
                        minutes=number(t.today_minutes)
                    ),
                    _("In all you have trained {hours} of {target} hours.").format(
                        hours=number(t.total_hours, decimals=1), target=number(t.target_hours)
                    ),
                ],
                [Button(_("Back to the start"), self.show_start)],
                muted_from=1,
            )
        )
        self.controller = None

    def show_error(self, exc: CogtrainError) -> None:
        """A calm screen for a problem staff must solve; what was saved stays saved."""
        self._forget_close_hook()
        self.controller = None
        paragraphs = [
            _("Something stopped the training. What you did is saved."),
            _("Please ask your work consultant for help and show them this:"),
            data(exc.message),
        ]
        if exc.hint:
            paragraphs.append(data(exc.hint))
        self.app.reset_to(
            MessageScene(
                _("The training cannot go on right now"),
                paragraphs,
                [Button(_("Close cogtrain"), self.app.quit)],
                muted_from=2,
            )
        )

    # -- closing ----------------------------------------------------------------------

    def _window_closed(self) -> None:
        if self.controller is not None:
            self.controller.end_session("window_closed")

    def _forget_close_hook(self) -> None:
        if self._window_closed in self.app.quit_hooks:
            self.app.quit_hooks.remove(self._window_closed)
