"""A block of one exercise, run by the shared trial runner.

The scene draws what the runner's phase calls for and passes input to the exercise
view; the runner times and scores, the controller stores each trial as it ends.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from cogtrain.i18n import Msg, _, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.scenes.layout import draw_footer_hint, margins
from cogtrain.runtime.text import draw_line, draw_paragraph
from cogtrain.runtime.training_controller import BlockContext, BlockResult, TrainingController
from cogtrain.runtime.trial_runner import Phase, RunnerLimits, TrialRunner
from cogtrain.training.block import BlockConfig, TrialRecord
from cogtrain.training.exercise import ExerciseInfo, Outcome


class BlockScene(Scene):
    pausable = True

    def __init__(
        self,
        controller: TrainingController,
        info: ExerciseInfo,
        view: ExerciseView,
        config: BlockConfig,
        *,
        practice: bool,
        on_done: Callable[[BlockResult], None],
        make_pause: Callable[[], Scene],
        plan_index: int | None = None,
        instruction_ms: float = 0.0,
    ) -> None:
        super().__init__()
        self.plan_index = plan_index
        self.instruction_ms = instruction_ms
        self.controller = controller
        self.info = info
        self.view = view
        self.config = config
        self.practice = practice
        self.on_done = on_done
        self.make_pause = make_pause
        self.ctx: BlockContext | None = None
        self.runner: TrialRunner | None = None
        self.records: list[TrialRecord] = []
        self.result: BlockResult | None = None

    # -- lifecycle ------------------------------------------------------------------

    def enter(self, app) -> None:  # type: ignore[no-untyped-def]
        super().enter(app)
        if self.runner is not None:
            return
        # Block times come from the same clock as trial times, so a block's wall time
        # (from its start to its last trial) is exact even when it is rebuilt after a crash.
        self.ctx = self.controller.begin_block(
            self.info.rules,
            practice=self.practice,
            plan_index=self.plan_index,
            instruction_ms=self.instruction_ms,
            now=app.clock.to_utc(app.clock.now_ns()),
        )
        limits = RunnerLimits(
            max_trials=self.config.practice_trials if self.practice else self.config.max_trials,
            max_active_ms=self.config.max_active_ms,
        )
        common = dict(
            rng=self.ctx.rng,
            clock=app.clock,
            limits=limits,
            on_trial_end=self._trial_ended,
            practice=self.practice,
            on_new_trial=self.view.begin_trial,
        )
        if self.practice:
            self.runner = TrialRunner(self.info.rules, fixed_level=self.ctx.start_level, **common)
        else:
            self.runner = TrialRunner(self.info.rules, staircase=self.ctx.staircase, **common)

    def _trial_ended(self, record: TrialRecord, outcome: Outcome) -> None:
        assert self.ctx is not None
        self.controller.record_trial(self.ctx, record)
        self.records.append(record)

    def _finish(self, status: str, now_ns: int) -> BlockResult | None:
        if self.ctx is None or self.runner is None or self.ctx.ended:
            return self.result
        self.result = self.controller.finish_block(
            self.ctx,
            status=status,
            active_ms=self.runner.active_ms(now_ns),
            records=self.records,
            now=self.app.clock.to_utc(now_ns) if self.app is not None else None,
        )
        return self.result

    def end_early(self, now_ns: int) -> None:
        """The participant chose to end the session from the pause screen."""
        if self.runner is not None and self.runner.paused:
            paused = self.runner.resume(now_ns)
            if self.ctx is not None:
                self.controller.record_pause(self.ctx, paused)
        self._finish("ended_early", now_ns)

    # -- scene API ------------------------------------------------------------------

    def pause_scene(self) -> Scene:
        return self.make_pause()

    def on_pause(self, now_ns: int) -> None:
        if self.runner is not None:
            self.runner.pause(now_ns)

    def on_resume(self, now_ns: int) -> None:
        if self.runner is not None and self.ctx is not None:
            paused = self.runner.resume(now_ns)
            self.controller.record_pause(self.ctx, paused)

    def on_quit(self, now_ns: int) -> None:
        if self.runner is not None and self.runner.paused:
            self.runner.resume(now_ns)
        self._finish("closed", now_ns)

    def counter_text(self, trials_ended: int, in_feedback: bool) -> Msg:
        """ "Task 3 of 30" (or "Task 3" in a block that ends on time). During feedback it
        still names the task just answered, not the next one."""
        total = self.config.practice_trials if self.practice else self.config.max_trials
        shown = max(1, trials_ended if in_feedback else trials_ended + 1)
        if self.practice or self.config.show_trial_count:
            return _("Task {n} of {total}").format(n=number(min(shown, total)), total=number(total))
        return _("Task {n}").format(n=number(shown))

    def content_rect(self, surface: pygame.Surface) -> pygame.Rect:
        assert self.app is not None
        area = margins(surface, self.app.theme)
        return pygame.Rect(
            area.left,
            area.top + self.app.theme.px(60),
            area.width,
            area.height - self.app.theme.px(160),
        )

    def handle(self, ev: StampedEvent) -> None:
        runner = self.runner
        if runner is None or self.app is None or not runner.accepts_input_at(ev.t_ns):
            return
        surface = self.app.surface
        response = self.view.response_from_event(
            ev.event, runner.spec, self.content_rect(surface), self.app.theme
        )
        if response is not None:
            runner.respond(response, ev.t_ns)

    def update(self, now_ns: int) -> None:
        runner = self.runner
        if runner is None:
            return
        runner.update(now_ns)
        if runner.phase is Phase.DONE and self.result is None:
            result = self._finish("completed", now_ns)
            assert result is not None
            self.on_done(result)

    def draw(self, surface: pygame.Surface) -> None:
        runner = self.runner
        if runner is None or self.app is None:
            return
        theme = self.app.theme
        area = margins(surface, theme)
        header = _(self.info.title)
        if self.practice:
            header = _("{title} – practice round").format(title=header)
        draw_line(
            surface,
            theme,
            header,
            size=th.SIZE_SMALL,
            color=th.MUTED,
            topleft=(area.left, area.top - theme.px(20)),
        )
        progress = self.counter_text(runner.trial_index, runner.phase is Phase.FEEDBACK)
        p = theme.render(progress, th.SIZE_SMALL, color=th.MUTED)
        surface.blit(p, p.get_rect(topright=(area.right, area.top - theme.px(20))))
        content = self.content_rect(surface)
        if runner.phase is Phase.FEEDBACK:
            self._draw_feedback(surface, content, runner.last_outcome)
        elif runner.phase in (Phase.GAP, Phase.STIMULUS):
            show = runner.phase is Phase.STIMULUS
            # The frame drawn before onset is stamped (at its flip) is the onset frame:
            # 0 ms, not None, which views take to mean a still picture (an instruction
            # example: a stop sign already up, a parcel mid-belt, the answer grid).
            elapsed = (runner.elapsed_ms() or 0.0) if show else None
            self.view.draw_trial(
                surface, content, theme, runner.spec, show_stimulus=show, elapsed_ms=elapsed
            )
            if show:
                runner.stimulus_drawn(self.view.marks_in_frame(runner.spec, elapsed))
        draw_footer_hint(surface, theme, _("Press Esc to pause"))

    def _draw_feedback(
        self, surface: pygame.Surface, content: pygame.Rect, outcome: Outcome | None
    ) -> None:
        assert self.app is not None and self.runner is not None
        theme = self.app.theme
        if outcome is None:
            return
        if outcome.correct:
            text: Msg = _("Right")
            color = th.POSITIVE
        elif outcome.error_kind == "timeout":
            text = _("Time is up – try the next one")
            color = th.GENTLE
        else:
            text = _("Not quite – try the next one")
            color = th.GENTLE
        draw_line(
            surface,
            theme,
            text,
            size=th.SIZE_TITLE,
            bold=True,
            color=color,
            center=(content.centerx, content.centery - theme.px(30)),
        )
        if self.practice:
            hint = self.view.practice_hint(self.runner.spec, outcome)
            if hint is not None:
                draw_paragraph(
                    surface,
                    theme,
                    hint,
                    pygame.Rect(
                        content.left, content.centery + theme.px(30), content.width, theme.px(120)
                    ),
                )

    def on_flip(self, t_ns: int) -> None:
        if self.runner is not None:
            self.runner.on_flip(t_ns)
