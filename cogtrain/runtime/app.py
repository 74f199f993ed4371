"""The window and the one loop that owns events, frames and the scene stack.

Per frame: take the input events that arrived since the last frame (each stamped with
the monotonic clock the moment it leaves the queue), hand them to the top scene, update,
draw, flip, and tell the scene the time right after the flip. Between frames the loop
waits *on the event queue* (``pygame.event.wait`` with a timeout) rather than sleeping,
so a key press is stamped when it arrives, not at the next frame.

Esc always pauses a pausable scene. Closing the window asks nothing: every scene gets
``on_quit`` (top first) to save what it holds, then the loop ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

from cogtrain.errors import CogtrainError
from cogtrain.runtime import theme as th
from cogtrain.runtime.clock import Clock, ManualClock
from cogtrain.runtime.scene import Scene, StampedEvent

INPUT_EVENTS = frozenset(
    {
        pygame.KEYDOWN,
        pygame.KEYUP,
        pygame.TEXTINPUT,
        pygame.MOUSEBUTTONDOWN,
        pygame.MOUSEBUTTONUP,
        pygame.MOUSEMOTION,
        pygame.MOUSEWHEEL,
        pygame.TEXTEDITING,
        pygame.FINGERDOWN,
        pygame.FINGERUP,
    }
)


@dataclass
class FrameStats:
    """Per-frame work in ns (events + update + draw), for the frame benchmark."""

    work_ns: list[int] = field(default_factory=list)
    enabled: bool = False


class App:
    """Owns the display surface, the theme and the scene stack."""

    def __init__(
        self,
        clock: Clock,
        *,
        surface: pygame.Surface | None = None,
        fps: int = th.FPS,
        title: str = "cogtrain",
    ) -> None:
        self.clock = clock
        self.fps = fps
        self.frame_ns = 1_000_000_000 // fps
        self.surface = surface if surface is not None else pygame.display.get_surface()
        if self.surface is None:
            raise RuntimeError("App needs a display surface (call pygame.display.set_mode)")
        self.theme = th.Theme(self.surface.get_height())
        self.stack: list[Scene] = []
        self.running = True
        self.stats = FrameStats()
        self.frames = 0
        # Run after the scenes' own on_quit, e.g. to close the training session.
        self.quit_hooks: list[Callable[[], None]] = []
        # Shows a CogtrainError (disk full, damaged level state...) instead of crashing.
        self.error_handler: Callable[[CogtrainError], None] | None = None

    # -- the scene stack ------------------------------------------------------------

    @property
    def top(self) -> Scene | None:
        return self.stack[-1] if self.stack else None

    def push(self, scene: Scene) -> None:
        self.stack.append(scene)
        scene.enter(self)

    def replace(self, scene: Scene) -> None:
        if self.stack:
            self.stack.pop()
        self.push(scene)

    def reset_to(self, scene: Scene) -> None:
        self.stack.clear()
        self.push(scene)

    def pop(self) -> Scene:
        return self.stack.pop()

    def pause(self) -> None:
        """Show the pause screen over the current scene (Esc, or a pause button)."""
        scene = self.top
        if scene is None or not scene.pausable:
            return
        pause_scene = scene.pause_scene()
        if pause_scene is None:
            return
        scene.on_pause(self.clock.now_ns())
        self.push(pause_scene)

    def resume(self) -> None:
        """Close the pause screen and let the paused scene carry on."""
        self.pop()
        if self.top is not None:
            self.top.on_resume(self.clock.now_ns())

    def quit(self) -> None:
        now = self.clock.now_ns()
        for scene in reversed(self.stack):
            scene.on_quit(now)
        for hook in list(self.quit_hooks):
            hook()
        self.running = False

    # -- the loop -------------------------------------------------------------------

    def _dispatch(self, ev: StampedEvent) -> None:
        e = ev.event
        if e.type == pygame.QUIT:
            self.quit()
            return
        if e.type == pygame.WINDOWSIZECHANGED or e.type == pygame.VIDEORESIZE:
            self.surface = pygame.display.get_surface() or self.surface
            self.theme = th.Theme(self.surface.get_height())
            return
        if e.type == pygame.KEYDOWN and e.key == pygame.K_ESCAPE:
            self.pause()
            return
        # User events are the staff forms' own (a list item picked, a drop-down opened):
        # the form library posts them and reads them back through the scene.
        if (e.type in INPUT_EVENTS or e.type >= pygame.USEREVENT) and self.top is not None:
            self.top.handle(ev)

    def _collect_realtime(self, deadline_ns: int) -> list[StampedEvent]:
        out: list[StampedEvent] = []
        while True:
            remaining_ms = (deadline_ns - self.clock.now_ns()) / 1_000_000
            if remaining_ms < 0.5:
                break
            e = pygame.event.wait(max(1, int(remaining_ms)))
            t = self.clock.now_ns()
            if e.type != pygame.NOEVENT:
                out.append(StampedEvent(e, t))
                if e.type == pygame.QUIT:
                    break
        for e in pygame.event.get():
            out.append(StampedEvent(e, self.clock.now_ns()))
        return out

    def _collect_immediate(self) -> list[StampedEvent]:
        return [StampedEvent(e, self.clock.now_ns()) for e in pygame.event.get()]

    def step(self, events: list[StampedEvent]) -> None:
        """One frame; a :class:`CogtrainError` goes to ``error_handler`` (a calm screen)."""
        try:
            self._step(events)
        except CogtrainError as exc:
            if self.error_handler is None:
                raise
            self.error_handler(exc)

    def _step(self, events: list[StampedEvent]) -> None:
        """One frame of work: events, update, draw, flip, post-flip stamp."""
        t0 = time.perf_counter_ns()
        for ev in events:
            self._dispatch(ev)
            if not self.running:
                return
        scene = self.top
        if scene is None:
            self.running = False
            return
        scene.update(self.clock.now_ns())
        scene = self.top
        if scene is None:
            self.running = False
            return
        self.surface.fill(th.BACKGROUND)
        scene.draw(self.surface)
        if self.stats.enabled:
            self.stats.work_ns.append(time.perf_counter_ns() - t0)
        pygame.display.flip()
        scene.on_flip(self.clock.now_ns())
        self.frames += 1

    def run(
        self, *, driver: Callable[[App], None] | None = None, max_frames: int | None = None
    ) -> None:
        """Run until the stack is empty, the window closes, or ``max_frames`` pass.

        With a :class:`ManualClock` the loop does not wait: each frame advances the clock
        by one frame period, which makes headless tests fast and exact.
        """
        manual = isinstance(self.clock, ManualClock)
        next_frame = self.clock.now_ns()
        while self.running and self.stack:
            if driver is not None:
                driver(self)
            if manual:
                events = self._collect_immediate()
            else:
                next_frame += self.frame_ns
                now = self.clock.now_ns()
                if next_frame < now - self.frame_ns:
                    next_frame = now  # fell behind (window dragged): don't race to catch up
                events = self._collect_realtime(next_frame)
            self.step(events)
            if manual:
                self.clock.advance_ms(1000 / self.fps)  # type: ignore[attr-defined]
            if max_frames is not None and self.frames >= max_frames:
                break
