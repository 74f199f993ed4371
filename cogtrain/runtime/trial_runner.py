"""The shared trial runner: the one place that times trials.

Each trial goes GAP (a short calm pause) → STIMULUS → FEEDBACK. Onset is stamped with
the monotonic clock right after the flip that first shows the stimulus; the response
time comes from the stamp of the input event that completed the response. Reaction
time is their difference in ms, kept with sub-millisecond precision. Where a trial has
a study phase (``input_after_ms``), input opens that long after onset and reaction time
and any time limit count from then. Time limits are enforced here too, so exercises
never time themselves; a view that animates (a sequence of lit squares) is told the
time since onset by the runner. Something that appears later in a trial and that a
response is timed from (a declared :class:`StimulusMark`: the parcel after its wait, a
stop sign after its delay) is stamped the same way, at the flip that first shows it,
and logged with the trial as ``shown_ms``; the view only says which marks the frame
it drew contains.

The runner is given a staircase for scored blocks (the level adapts after every trial)
or a fixed level for practice (no adaptation, nothing carried over).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

from cogtrain.runtime.clock import Clock, ms_between
from cogtrain.training.block import TrialRecord
from cogtrain.training.exercise import ExerciseRules, HistoryItem, Outcome, Response
from cogtrain.training.staircase import Staircase

NS_PER_MS = 1_000_000


class Phase(Enum):
    GAP = "gap"
    STIMULUS = "stimulus"
    FEEDBACK = "feedback"
    DONE = "done"


@dataclass(frozen=True)
class RunnerLimits:
    max_trials: int
    max_active_ms: float


def input_delay_ms(spec: Any) -> float:
    return float(getattr(spec, "input_after_ms", 0.0) or 0.0)


class TrialRunner:
    """Runs trials one after another and reports each ended one to ``on_trial_end``."""

    def __init__(
        self,
        rules: ExerciseRules,
        rng: np.random.Generator,
        clock: Clock,
        limits: RunnerLimits,
        on_trial_end: Callable[[TrialRecord, Outcome], None],
        *,
        staircase: Staircase | None = None,
        fixed_level: int | None = None,
        practice: bool = False,
        on_new_trial: Callable[[Any], None] | None = None,
    ) -> None:
        if (staircase is None) == (fixed_level is None):
            raise ValueError("give either a staircase (scored) or a fixed level (practice)")
        self.rules = rules
        self.timing = rules.timing
        self.rng = rng
        self.clock = clock
        self.limits = limits
        self.on_trial_end = on_trial_end
        self.staircase = staircase
        self.fixed_level = fixed_level
        self.practice = practice
        self.on_new_trial = on_new_trial
        self.phase = Phase.GAP
        self.phase_start_ns = clock.now_ns()
        self.now_ns = self.phase_start_ns
        self.spec: Any = None
        self.onset_ns: int | None = None
        self._stimulus_drawn = False
        self.marks_ns: dict[str, int] = {}
        self._marks_drawn: tuple[str, ...] = ()
        self._mark_names = frozenset(m.name for m in rules.marks)
        self.trial_index = 0
        self.n_correct = 0
        self.last_outcome: Outcome | None = None
        self.history: list[HistoryItem] = []
        self.paused_ns = 0
        self._pause_start: int | None = None
        self._start_ns = clock.now_ns()
        self._next_spec()

    # -- state ---------------------------------------------------------------------

    @property
    def level(self) -> int:
        if self.staircase is not None:
            return self.staircase.level
        assert self.fixed_level is not None
        return self.fixed_level

    def active_ms(self, now_ns: int) -> float:
        """Time spent in this block so far, pauses excluded."""
        return ms_between(self._start_ns, now_ns) - self.paused_ns / NS_PER_MS

    def _next_spec(self) -> None:
        self.spec = self.rules.new_trial(self.level, self.rng, self.history)
        self._forget_onsets()
        if self.on_new_trial is not None:
            self.on_new_trial(self.spec)

    def _forget_onsets(self) -> None:
        self.onset_ns = None
        self._stimulus_drawn = False
        self.marks_ns = {}
        self._marks_drawn = ()

    def _enter(self, phase: Phase, now_ns: int) -> None:
        self.phase = phase
        self.phase_start_ns = now_ns

    @property
    def input_open_ns(self) -> int | None:
        """When input opens for the current trial (onset plus any study phase)."""
        if self.onset_ns is None:
            return None
        return self.onset_ns + int(input_delay_ms(self.spec) * NS_PER_MS)

    def elapsed_ms(self) -> float | None:
        """Time since onset by the runner's clock (None before onset): for animated views."""
        if self.onset_ns is None:
            return None
        return ms_between(self.onset_ns, self.now_ns)

    # -- called by the block scene ---------------------------------------------------

    def stimulus_drawn(self, marks: Iterable[str] = ()) -> None:
        """The scene drew the stimulus into the back buffer; the next flip shows it,
        with the declared ``marks`` the view says this frame contains."""
        if self.phase is not Phase.STIMULUS:
            return
        if self.onset_ns is None:
            self._stimulus_drawn = True
        drawn = tuple(marks)
        unknown = set(drawn) - self._mark_names if drawn else None
        if unknown:
            raise ValueError(
                f"{self.rules.exercise_id}: the view drew marks {sorted(unknown)} that the "
                f"rules do not declare (declared: {sorted(self._mark_names)})"
            )
        self._marks_drawn = drawn

    def on_flip(self, t_ns: int) -> None:
        if self._stimulus_drawn and self.onset_ns is None:
            self.onset_ns = t_ns
        if self.onset_ns is not None:
            for name in self._marks_drawn:
                self.marks_ns.setdefault(name, t_ns)
        self._marks_drawn = ()
        self.now_ns = max(self.now_ns, t_ns)

    def shown_ms(self, t_ns: int) -> dict[str, float]:
        """The marks on screen by ``t_ns``, each as ms from onset to its first flip."""
        assert self.onset_ns is not None
        return {
            name: ms_between(self.onset_ns, at)
            for name, at in sorted(self.marks_ns.items())
            if at <= t_ns
        }

    def accepts_input_at(self, t_ns: int) -> bool:
        open_ns = self.input_open_ns
        return (
            self.phase is Phase.STIMULUS
            and not self.paused
            and open_ns is not None
            and t_ns >= open_ns
        )

    @property
    def accepting_input(self) -> bool:
        return self.accepts_input_at(self.clock.now_ns())

    def respond(self, response: Response, t_ns: int) -> Outcome | None:
        """A complete response arrived at ``t_ns``: score it, record it, show feedback."""
        if not self.accepts_input_at(t_ns):
            return None
        open_ns = self.input_open_ns
        assert self.onset_ns is not None and open_ns is not None
        rt_ms = None if response.timed_out else ms_between(open_ns, t_ns)
        outcome = self.rules.score(self.spec, response)
        before = self.staircase.value if self.staircase is not None else float(self.level)
        level = self.level
        if self.staircase is not None:
            self.staircase.update(outcome.correct)
        after = self.staircase.value if self.staircase is not None else before
        response_json = response.to_json()
        if outcome.details:
            response_json["outcome_details"] = dict(outcome.details)
        record = TrialRecord(
            index=self.trial_index,
            level=level,
            spec=self.spec.to_json(),
            response=response_json,
            correct=outcome.correct,
            error_kind=outcome.error_kind,
            rt_ms=rt_ms,
            onset_at=self.clock.to_utc(self.onset_ns),
            response_at=self.clock.to_utc(t_ns),
            staircase_before=before,
            staircase_after=after,
            shown_ms=self.shown_ms(t_ns) if self._mark_names else None,
        )
        self.on_trial_end(record, outcome)
        self.trial_index += 1
        self.n_correct += int(outcome.correct)
        self.last_outcome = outcome
        self.history.append(HistoryItem(self.spec, outcome))
        if self._shows_feedback(outcome):
            self._enter(Phase.FEEDBACK, t_ns)
        else:
            self._after_trial(t_ns)
        return outcome

    def _shows_feedback(self, outcome: Outcome) -> bool:
        if self.practice or self.timing.feedback == "always":
            return True
        return self.timing.feedback == "errors" and not outcome.correct

    def _after_trial(self, now_ns: int) -> None:
        if self._finished(now_ns):
            self._enter(Phase.DONE, now_ns)
        else:
            self._next_spec()
            self._enter(Phase.GAP, now_ns)

    def update(self, now_ns: int) -> None:
        self.now_ns = now_ns
        if self._pause_start is not None:
            return
        elapsed = ms_between(self.phase_start_ns, now_ns)
        if self.phase is Phase.GAP and elapsed >= self.timing.gap_ms:
            self._enter(Phase.STIMULUS, now_ns)
        elif self.phase is Phase.STIMULUS and self.onset_ns is not None:
            limit = self.spec.time_limit_ms
            open_ns = self.input_open_ns
            assert open_ns is not None
            if limit is not None and ms_between(open_ns, now_ns) >= limit:
                self.respond(Response.timeout(), open_ns + int(limit * NS_PER_MS))
        elif self.phase is Phase.FEEDBACK:
            wait = self.timing.practice_feedback_ms if self.practice else self.timing.feedback_ms
            if elapsed >= wait:
                self._after_trial(now_ns)

    def _finished(self, now_ns: int) -> bool:
        return (
            self.trial_index >= self.limits.max_trials
            or self.active_ms(now_ns) >= self.limits.max_active_ms
        )

    @property
    def paused(self) -> bool:
        return self._pause_start is not None

    def pause(self, now_ns: int) -> None:
        """Pause: an unanswered stimulus is withdrawn and shown afresh after the pause."""
        self._pause_start = now_ns
        if self.phase is Phase.STIMULUS:
            self._forget_onsets()
            if self.on_new_trial is not None:
                self.on_new_trial(self.spec)  # partial input is forgotten too
            self._enter(Phase.GAP, now_ns)

    def resume(self, now_ns: int) -> float:
        """Resume after a pause; returns the pause length in ms."""
        if self._pause_start is None:
            return 0.0
        paused = now_ns - self._pause_start
        self.paused_ns += paused
        self._pause_start = None
        self.phase_start_ns = now_ns
        return paused / NS_PER_MS
