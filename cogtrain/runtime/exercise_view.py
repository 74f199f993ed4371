"""The drawing half of an exercise: turns a trial spec into pixels and input into a Response.

Views never time anything and never score: the shared :mod:`trial_runner` stamps onset
and response times, and the exercise's pure rules score the response.
"""

from __future__ import annotations

from typing import Any

import pygame

from cogtrain.i18n import Msg
from cogtrain.runtime.theme import Theme
from cogtrain.training.exercise import Outcome, Response


class ExerciseView:
    """Base class for exercise views; one instance lives for one block."""

    def begin_trial(self, spec: Any) -> None:
        """A new trial starts: forget any partial input from the last one."""

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: Theme,
        spec: Any,
        *,
        show_stimulus: bool,
    ) -> None:
        """Draw the task. ``show_stimulus`` is False in the gap between trials."""
        raise NotImplementedError

    def marks_in_frame(self, spec: Any, elapsed_ms: float | None) -> tuple[str, ...]:
        """The declared :class:`~cogtrain.training.exercise.StimulusMark` names that the
        frame drawn at ``elapsed_ms`` shows (the runner stamps each one's first flip).
        Most exercises declare none."""
        return ()

    def response_from_event(
        self, event: pygame.event.Event, spec: Any, rect: pygame.Rect, theme: Theme
    ) -> Response | None:
        """Turn one input event into a complete response, or ``None`` if not (yet) one."""
        raise NotImplementedError

    def events_for(
        self, response: Response, spec: Any, rect: pygame.Rect, theme: Theme
    ) -> list[pygame.event.Event]:
        """The input events that would make this view produce ``response``.

        Headless tests, the screenshot tool and benchmarks play exercises through the
        real loop with these. A timed-out response needs no events (return ``[]``).
        """
        raise NotImplementedError

    def practice_hint(self, spec: Any, outcome: Outcome) -> Msg | None:
        """Extra guidance shown after a practice trial that was not right."""
        return None

    def draw_example(
        self, surface: pygame.Surface, rect: pygame.Rect, theme: Theme, spec: Any, page: int
    ) -> None:
        """The picture of the task on instruction page ``page``."""
        self.draw_trial(surface, rect, theme, spec, show_stimulus=True, elapsed_ms=None)
