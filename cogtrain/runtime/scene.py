"""A scene is one screen: it takes stamped events, updates, and draws itself.

The :class:`~cogtrain.runtime.app.App` owns the loop and the scene stack; scenes never
call ``flip`` or read the event queue themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    from cogtrain.runtime.app import App


@dataclass(frozen=True)
class StampedEvent:
    """An input event and the monotonic time (ns) it was taken from the queue."""

    event: pygame.event.Event
    t_ns: int


class Scene:
    """Base class. ``pausable`` scenes get a pause screen on Esc."""

    pausable: bool = False

    def __init__(self) -> None:
        self.app: App | None = None

    def enter(self, app: App) -> None:
        """Called when the scene becomes part of the app."""
        self.app = app

    def handle(self, ev: StampedEvent) -> None:
        pass

    def update(self, now_ns: int) -> None:
        pass

    def draw(self, surface: pygame.Surface) -> None:
        pass

    def on_flip(self, t_ns: int) -> None:
        """Called right after the flip that showed what :meth:`draw` drew."""

    def pause_scene(self) -> Scene | None:
        """The pause screen to show over this scene (pausable scenes only)."""
        return None

    def on_pause(self, now_ns: int) -> None:
        pass

    def on_resume(self, now_ns: int) -> None:
        pass

    def on_quit(self, now_ns: int) -> None:
        """The window is closing: save what must be saved, ask nothing."""
