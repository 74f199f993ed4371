"""A scripted participant for whole planned sessions, used in-process and as a child.

It answers every trial through the exercise view's own input events (three of four
right), presses the first button on calm screens, takes the offered breaks, and reports
what it saw, so tests can check the path a real participant would take.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pygame

from cogtrain.i18n import _
from cogtrain.runtime.app import App
from cogtrain.runtime.scenes.block import BlockScene
from cogtrain.runtime.scenes.block_end import BlockEndScene
from cogtrain.runtime.scenes.breaks import BreakScene
from cogtrain.runtime.scenes.checkin import ChoiceCardsScene
from cogtrain.runtime.scenes.instructions import InstructionsScene
from cogtrain.runtime.scenes.message import MessageScene
from cogtrain.runtime.scenes.reflection import StrategyScene, TransferScene
from cogtrain.runtime.scenes.start import StartScene
from cogtrain.training.plans import BreakRules, TrainingPlan, load_profiles

BREAK_FRAMES = 120  # two seconds of break on the manual clock


def key(k: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))


def short_plan(
    profile: str = "jmo-standard",
    *,
    exclude: tuple[str, ...] = (),
    session_minutes: int = 3,
    block_minutes: int = 1,
) -> TrainingPlan:
    """A real profile shrunk to a one-minute warm-up and ``block_minutes`` blocks (three
    one-minute blocks by default), a break offered after each but the last."""
    import exercises

    plans = load_profiles(known_exercise_ids=[e.exercise_id for e in exercises.EXERCISES])
    plan = plans.get(profile)
    return dataclasses.replace(
        plan,
        session_minutes=session_minutes,
        block_minutes=block_minutes,
        warm_up_minutes=1,
        breaks=BreakRules(offer_every_minutes=1, break_minutes=1),
        exclude=tuple(plan.exclude) + exclude,
    )


class SessionPlayer:
    def __init__(
        self,
        *,
        resume: bool | None = None,
        checkin: tuple[int, int] = (3, 1),
        note: str | None = None,
    ) -> None:
        self.resume = resume
        self.note = note
        self.checkin = checkin
        self.rng = np.random.default_rng(7)
        self.seen: list[str] = []
        self.titles: list[str] = []
        self.answered = 0
        self.last = None
        self.break_frames = 0
        self.checkins_given = 0
        self.finished_lines: list[str] | None = None

    def _see(self, name: str) -> None:
        if not self.seen or self.seen[-1] != name:
            self.seen.append(name)

    def __call__(self, app: App) -> None:
        top = app.top
        self._see(type(top).__name__)
        if isinstance(top, (StartScene, InstructionsScene, BlockEndScene)):
            key(pygame.K_RETURN)
        elif isinstance(top, ChoiceCardsScene):
            value = self.checkin[min(self.checkins_given, 1)]
            self.checkins_given += 1
            key(getattr(pygame, f"K_{value}"))
        elif isinstance(top, BreakScene):
            self.break_frames += 1
            if self.break_frames % BREAK_FRAMES == 0:
                key(pygame.K_RETURN)
        elif isinstance(top, StrategyScene):
            key(pygame.K_RETURN)  # "Say it aloud" (focused first)
            for _i in range(3):
                key(pygame.K_UP)  # wraps round to "Next"
            key(pygame.K_RETURN)
        elif isinstance(top, TransferScene):
            if self.note is not None:
                pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=self.note))
            key(pygame.K_TAB)  # leave the field; focus "Go on"
            key(pygame.K_RETURN)
        elif isinstance(top, MessageScene):
            title = str(top.title)
            if not self.titles or self.titles[-1] != title:
                self.titles.append(title)
            if title == _("The session is finished. Thank you for today!"):
                self.finished_lines = [str(p) for p in top.paragraphs]
                app.running = False
            elif title == _("Welcome back") and self.resume is False:
                key(pygame.K_RIGHT)  # "Start from the beginning"
                key(pygame.K_RETURN)
            else:
                key(pygame.K_RETURN)
        elif isinstance(top, BlockScene):
            runner = top.runner
            if runner is None or not runner.accepting_input or runner.spec is None:
                return
            marker = (id(top), runner.trial_index)
            if self.last == marker:
                return
            self.last = marker
            rules = top.info.rules
            ok = top.practice or self.answered % 4 != 3
            if not top.practice:
                self.answered += 1
            resp = (
                rules.correct_response(runner.spec)
                if ok
                else rules.error_response(runner.spec, self.rng)
            )
            rect = top.content_rect(app.surface)
            for e in top.view.events_for(resp, runner.spec, rect, app.theme):
                pygame.event.post(e)
