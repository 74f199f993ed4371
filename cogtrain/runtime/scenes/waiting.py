"""A calm "one moment" screen while work that may wait on the network runs elsewhere.

The loop keeps drawing and taking events (so the window never freezes or is reported
as not responding); each frame the scene asks ``ready()`` and, once it is true, calls
``on_ready()`` once, which puts the next screen up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cogtrain.i18n import Msg
from cogtrain.runtime.scenes.message import MessageScene


class WaitingScene(MessageScene):
    def __init__(
        self,
        title: Msg,
        paragraphs: Sequence[Msg],
        *,
        ready: Callable[[], bool],
        on_ready: Callable[[], None],
    ) -> None:
        super().__init__(title, paragraphs, [])
        self.ready = ready
        self.on_ready = on_ready
        self._done = False

    def update(self, now_ns: int) -> None:
        if not self._done and self.ready():
            self._done = True
            self.on_ready()
