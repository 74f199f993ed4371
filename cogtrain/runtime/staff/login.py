"""Staff log in, and on the first run, the first admin account."""

from __future__ import annotations

import pygame

from cogtrain.i18n import _
from cogtrain.runtime import theme as th
from cogtrain.runtime.staff.gui import StaffScene
from cogtrain.runtime.text import draw_paragraph
from cogtrain.staff.forms import StaffUserDraft
from cogtrain.staff.passwords import MIN_PASSWORD_LENGTH


def _column(area: pygame.Rect, scene: StaffScene) -> pygame.Rect:
    width = min(area.width, scene.px(620))
    return pygame.Rect(area.centerx - width // 2, area.top + scene.px(24), width, area.height)


class LoginScene(StaffScene):
    """User name and password; the desk counts failures and locks after five."""

    def __init__(self, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.title = _("Staff log in")

    def build(self, area: pygame.Rect) -> None:
        col = _column(area, self)
        h, gap = self.row_h(), self.px(44)
        y = col.top + self.px(90)
        self.username = self.entry(pygame.Rect(col.left, y, col.width, h), max_chars=32)
        y += h + gap
        self.password = self.entry(
            pygame.Rect(col.left, y, col.width, h), hidden=True, max_chars=200
        )
        y += h + self.px(30)
        half = (col.width - self.px(16)) // 2
        self.button(pygame.Rect(col.left, y, half, h), _("Back"), self.nav.leave)
        self.button(
            pygame.Rect(col.right - half, y, half, h), _("Log in"), self.submit, primary=True
        )
        self.username.focus()
        if self.ui is not None:
            self.ui.set_focus_set(self.username)
        self._labels = (
            (col.left, col.top + self.px(90) - self.px(30)),
            (col.left, col.top + self.px(90) + h + gap - self.px(30)),
        )

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        col = _column(area, self)
        assert self.theme is not None
        draw_paragraph(
            surface,
            self.theme,
            _(
                "Log in with your own staff account. Participants start their training "
                "from the start screen."
            ),
            pygame.Rect(col.left, col.top, col.width, self.px(60)),
            size=th.SIZE_STAFF_SMALL,
            color=th.MUTED,
            align_center=False,
        )
        self.label(surface, _("User name"), self._labels[0], bold=True)
        self.label(surface, _("Password"), self._labels[1], bold=True)

    def submit(self) -> None:
        session = self.attempt(
            lambda: self.nav.desk.login(self.username.get_text(), self.password.get_text())
        )
        self.password.set_text("")
        if session is not None:
            self.nav.logged_in(session)


class FirstAdminScene(StaffScene):
    """First run: the person setting cogtrain up creates the admin account."""

    def __init__(self, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(nav)
        self.title = _("Set up cogtrain: the first admin account")

    def build(self, area: pygame.Rect) -> None:
        col = _column(area, self)
        h, gap = self.row_h(), self.px(40)
        y = col.top + self.px(110)
        self._label_ys = []
        self.fields = []
        for hidden, limit in ((False, 32), (False, 80), (True, 200), (True, 200)):
            self._label_ys.append(y - self.px(28))
            self.fields.append(
                self.entry(pygame.Rect(col.left, y, col.width, h), hidden=hidden, max_chars=limit)
            )
            y += h + gap
        half = (col.width - self.px(16)) // 2
        y -= self.px(10)
        self.button(pygame.Rect(col.left, y, half, h), _("Back"), self.nav.leave)
        self.button(
            pygame.Rect(col.right - half, y, half, h),
            _("Create the account"),
            self.submit,
            primary=True,
        )
        self.fields[0].focus()
        if self.ui is not None:
            self.ui.set_focus_set(self.fields[0])

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        col = _column(area, self)
        assert self.theme is not None
        draw_paragraph(
            surface,
            self.theme,
            _(
                "There are no staff accounts yet. The admin creates the other staff "
                "accounts and assigns participants to their work consultants. The password "
                "needs at least {n} characters; a few words in a row are easy to remember."
            ).format(n=MIN_PASSWORD_LENGTH),
            pygame.Rect(col.left, col.top - self.px(8), col.width, self.px(80)),
            size=th.SIZE_STAFF_SMALL,
            color=th.MUTED,
            align_center=False,
            line_gap=1.2,
        )
        labels = (_("User name"), _("Your name"), _("Password"), _("The password again"))
        for text, y in zip(labels, self._label_ys, strict=True):
            self.label(surface, text, (col.left, y), bold=True)

    def submit(self) -> None:
        u, name, pw, pw2 = (f.get_text() for f in self.fields)
        draft = StaffUserDraft(u, name, "admin", pw, pw2)
        if self.attempt(lambda: self.nav.desk.create_first_admin(draft)) is None:
            return
        session = self.attempt(lambda: self.nav.desk.login(u, pw))
        if session is not None:
            self.nav.logged_in(session)
