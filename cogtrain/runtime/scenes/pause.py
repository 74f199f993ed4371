"""The pause screen (Esc): carry on, or end the session safely. Nothing is lost either way."""

from __future__ import annotations

from collections.abc import Callable

from cogtrain.i18n import _
from cogtrain.runtime.scenes.message import MessageScene
from cogtrain.runtime.widgets import Button


class PauseScene(MessageScene):
    def __init__(self, on_resume: Callable[[], None], on_end_session: Callable[[], None]) -> None:
        super().__init__(
            _("Pause"),
            [_("Take a break if you like."), _("Everything you have done so far is saved.")],
            [
                Button(_("Continue"), on_resume),
                Button(_("End the session"), on_end_session, primary=False),
            ],
        )
