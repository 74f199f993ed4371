"""The base of every staff screen: pygame_gui forms inside cogtrain's one loop.

Staff screens need real forms: text entry with editing, selection, copy/paste and
Norwegian letters, lists, drop-downs. pygame_gui (maintained, made for pygame-ce) does
that; this module themes it to the calm look (:mod:`cogtrain.runtime.theme`: Atkinson
Hyperlegible, the same colours) and fits it into the :class:`~cogtrain.runtime.app.App`
loop: the scene owns a ``UIManager``, passes it the events the app hands over, and draws
it over its own titles, labels and charts.

What a screen says still goes through the translation layer: labels, titles and errors
are drawn by cogtrain's text helpers (which refuse untranslated strings), and the text
handed to pygame_gui widgets comes from ``_()`` too.

Every staff screen logs out after :data:`~cogtrain.staff.passwords.STAFF_IDLE_LOGOUT`
without a key press or click, so a record is never left open on an unattended PC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UIDropDownMenu,
    UISelectionList,
    UITextEntryBox,
    UITextEntryLine,
)

import exercises
from cogtrain.errors import CogtrainError
from cogtrain.i18n import Msg, _, data
from cogtrain.runtime import theme as th
from cogtrain.runtime.scene import Scene, StampedEvent
from cogtrain.runtime.text import draw_line, draw_paragraph, wrap
from cogtrain.staff.forms import FormErrors
from cogtrain.staff.passwords import STAFF_IDLE_LOGOUT
from cogtrain.staff.roles import role_label

if TYPE_CHECKING:
    from cogtrain.runtime.staff.nav import StaffNav

T = TypeVar("T")

ERROR_BG: th.Color = (253, 246, 227)  # a soft cream panel, never red
ERROR_BORDER: th.Color = (181, 137, 0)


def _hex(c: th.Color) -> str:
    return "#{:02X}{:02X}{:02X}".format(*c)


def gui_theme(theme: th.Theme) -> dict[str, Any]:
    """The pygame_gui theme for this window size, built from cogtrain's theme constants."""
    font = {
        "name": "atkinson",
        "size": str(theme.px(th.SIZE_STAFF_BODY)),
        "regular_path": str(th.FONT_REGULAR),
        "bold_path": str(th.FONT_BOLD),
    }
    colours = {
        "normal_bg": _hex(th.PANEL),
        "hovered_bg": "#E8EEF5",
        "active_bg": "#D5E0EC",
        "selected_bg": _hex(th.ACCENT),
        "dark_bg": _hex(th.PANEL),
        "normal_text": _hex(th.TEXT),
        "hovered_text": _hex(th.TEXT),
        "active_text": _hex(th.TEXT),
        "selected_text": _hex(th.ACCENT_TEXT),
        "normal_border": _hex(th.PANEL_BORDER),
        "hovered_border": _hex(th.ACCENT),
        "active_border": _hex(th.FOCUS),
        "selected_border": _hex(th.FOCUS),
        "text_cursor": _hex(th.TEXT),
        "disabled_bg": "#EEEEEE",
        "disabled_text": _hex(th.MUTED),
        "disabled_border": _hex(th.PANEL_BORDER),
    }
    misc = {
        "shape": "rounded_rectangle",
        "shape_corner_radius": str(theme.px(8)),
        "border_width": str(max(2, theme.px(2))),
        "padding": f"{theme.px(10)},{theme.px(6)}",
    }
    out: dict[str, Any] = {"defaults": {"colours": colours}}
    for element in (
        "button",
        "label",
        "text_entry_line",
        "text_entry_box",
        "text_box",
        "drop_down_menu",
        "selection_list",
        "@selection_list_item",
        "selection_list.@selection_list_item",
        "drop_down_menu.#drop_down_options_list",
        "drop_down_menu.#drop_down_options_list.@selection_list_item",
    ):
        out[element] = {"font": dict(font), "misc": dict(misc), "colours": dict(colours)}
    out["selection_list"]["misc"]["list_item_height"] = str(theme.px(th.STAFF_ROW - 6))
    out["drop_down_menu.#drop_down_options_list"]["misc"]["list_item_height"] = str(
        theme.px(th.STAFF_ROW - 6)
    )
    primary = dict(colours)
    primary.update(
        normal_bg=_hex(th.ACCENT),
        hovered_bg="#2A639A",
        active_bg="#173B5C",
        normal_text=_hex(th.ACCENT_TEXT),
        hovered_text=_hex(th.ACCENT_TEXT),
        active_text=_hex(th.ACCENT_TEXT),
        normal_border=_hex(th.ACCENT),
    )
    bold = dict(font, bold="1")
    out["#primary"] = {"font": bold, "misc": dict(misc), "colours": primary}
    return out


class StaffScene(Scene):
    """A staff screen: a header (title, who is logged in, Log out), the form, messages.

    Subclasses set ``title`` and implement :meth:`build` (create widgets in ``self.ui``
    for the content area) and optionally :meth:`draw_content` (labels, charts, tables
    drawn under the widgets). Actions that save call :meth:`attempt`, which turns a
    refused or invalid action into the message panel instead of an exception.
    """

    title: Msg = Msg("")

    def __init__(self, nav: StaffNav) -> None:
        super().__init__()
        self.nav = nav
        self.ui: pygame_gui.UIManager | None = None
        self._built_for: tuple[int, int] | None = None
        self._last_ns: int | None = None
        self.messages: list[Msg] = []
        self.notice: Msg | None = None
        self.entries: list[UITextEntryLine | UITextEntryBox] = []
        # The buttons on screen by their label (tests and keyboard shortcuts find them).
        self.buttons: dict[str, UIButton] = {}
        self.theme: th.Theme | None = None

    # -- to implement ------------------------------------------------------------------

    def build(self, area: pygame.Rect) -> None:
        """Create this screen's widgets inside ``area`` (the content below the header).

        Button commands take no arguments: pygame_gui passes the click event to a command
        that accepts one, so ``lambda k=kind: ...`` gets the event, not ``kind``."""

    def draw_content(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        """Draw labels, tables and charts (under the widgets)."""

    def submit(self) -> None:
        """Enter in a one-line entry: the screen's main action (if it has one)."""

    # -- the frame -----------------------------------------------------------------------

    def _ensure_built(self, surface: pygame.Surface) -> None:
        size = surface.get_size()
        if self._built_for == size and self.ui is not None:
            return
        kept = [e.get_text() for e in self.entries]
        self.theme = th.Theme(size[1])
        self.ui = pygame_gui.UIManager(size, gui_theme(self.theme), enable_live_theme_updates=False)
        self.entries = []
        self.buttons = {}
        self._built_for = size
        self._header_buttons()
        self.build(self.content_area(surface))
        for entry, text in zip(self.entries, kept, strict=False):
            entry.set_text(text)

    def rebuild(self) -> None:
        """Build the widgets again on the next frame (typed text is kept)."""
        self._built_for = None

    def content_area(self, surface: pygame.Surface) -> pygame.Rect:
        theme = self.theme or th.Theme(surface.get_height())
        m = theme.px(28)
        top = theme.px(84)
        bottom = m + self.sync_strip_height(theme)
        return pygame.Rect(m, top, surface.get_width() - 2 * m, surface.get_height() - top - bottom)

    def sync_strip_height(self, theme: th.Theme) -> int:
        """The strip at the foot of every staff screen on a PC that trains against the
        clinic's shared server (0 elsewhere): always there, so the layout never jumps
        when the connection comes and goes."""
        if getattr(self.nav, "sync_status", None) is None:
            return 0
        return 2 * theme.font(th.SIZE_STAFF_SMALL).get_linesize() + theme.px(16)

    def _draw_sync(self, surface: pygame.Surface, theme: th.Theme) -> None:
        height = self.sync_strip_height(theme)
        if not height:
            return
        notice = self.nav.sync_notice()
        if notice is None:
            return
        strip = pygame.Rect(0, surface.get_height() - height, surface.get_width(), height)
        calm = notice.kind in ("ok", "sending")
        pygame.draw.rect(surface, th.PANEL if calm else ERROR_BG, strip)
        pygame.draw.line(
            surface,
            th.PANEL_BORDER if calm else ERROR_BORDER,
            strip.topleft,
            strip.topright,
            max(1, theme.px(2)),
        )
        draw_paragraph(
            surface,
            theme,
            notice.text,
            strip.inflate(-2 * theme.px(28), -theme.px(12)),
            size=th.SIZE_STAFF_SMALL,
            color=th.MUTED if calm else th.TEXT,
            align_center=False,
            line_gap=1.15,
        )

    def _header_buttons(self) -> None:
        if self.nav.session is None or self.ui is None or self.theme is None:
            return
        t = self.theme
        w = t.px(150)
        rect = pygame.Rect(self._built_for[0] - t.px(28) - w, t.px(18), w, t.px(th.STAFF_ROW))
        self.button(rect, _("Log out"), lambda: self.nav.logout(reason="user"))

    def handle(self, ev: StampedEvent) -> None:
        e = ev.event
        if e.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN, pygame.TEXTINPUT):
            self.nav.touch()
        if self.ui is None:
            return
        if e.type == pygame.KEYDOWN and e.key == pygame.K_TAB and self.entries:
            self._tab(backwards=bool(getattr(e, "mod", 0) & pygame.KMOD_SHIFT))
            return
        self.ui.process_events(e)
        if e.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            self.submit()
        else:
            self.on_ui_event(e)

    def on_ui_event(self, event: pygame.event.Event) -> None:
        """A pygame_gui event (a list item picked, a drop-down changed)."""

    def _tab(self, *, backwards: bool) -> None:
        focused = [i for i, e in enumerate(self.entries) if e.is_focused]
        i = focused[0] if focused else -1
        nxt = (i + (-1 if backwards else 1)) % len(self.entries)
        for e in self.entries:
            e.unfocus()
        self.entries[nxt].focus()
        if self.ui is not None:
            self.ui.set_focus_set(self.entries[nxt])

    def update(self, now_ns: int) -> None:
        if self.nav.session is not None and self.nav.idle_seconds() > (
            STAFF_IDLE_LOGOUT.total_seconds()
        ):
            self.nav.logout(reason="idle")
            return
        dt = 0.0 if self._last_ns is None else (now_ns - self._last_ns) / 1e9
        self._last_ns = now_ns
        if self.ui is not None:
            self.ui.update(min(max(dt, 0.0), 0.25))

    def draw(self, surface: pygame.Surface) -> None:
        self._ensure_built(surface)
        theme = self.theme
        assert theme is not None and self.ui is not None
        self._draw_header(surface, theme)
        area = self.content_area(surface)
        self.draw_content(surface, area)
        self.ui.draw_ui(surface)
        self._draw_sync(surface, theme)
        # Last, so a message is never hidden behind a list or an entry.
        self._draw_messages(surface, theme)

    def _draw_header(self, surface: pygame.Surface, theme: th.Theme) -> None:
        band = pygame.Rect(0, 0, surface.get_width(), theme.px(78))
        pygame.draw.rect(surface, th.PANEL, band)
        pygame.draw.line(
            surface, th.PANEL_BORDER, band.bottomleft, band.bottomright, max(1, theme.px(2))
        )
        session = self.nav.session
        if session is not None:
            who = _("{name} ({role})").format(
                name=session.user.display_name, role=role_label(session.user.role)
            )
            surf = theme.render(who, th.SIZE_STAFF_SMALL, color=th.MUTED)
            x = surface.get_width() - theme.px(28) - theme.px(150) - theme.px(16) - surf.get_width()
            surface.blit(surf, (x, theme.px(30)))
            right = x - theme.px(20)
        else:
            right = surface.get_width() - theme.px(28)
        # A long title (a participant code and a plan name) is cut to fit beside the name.
        title = fit(theme, self.title, right - theme.px(28), th.SIZE_STAFF_TITLE, bold=True)
        draw_line(
            surface,
            theme,
            title,
            size=th.SIZE_STAFF_TITLE,
            bold=True,
            topleft=(theme.px(28), theme.px(18)),
        )

    def message_panel(self, surface: pygame.Surface) -> tuple[pygame.Rect, Msg] | None:
        """Where the message (or notice) panel goes and its text; None when there is none.

        Screens with long lists end them above the panel's top."""
        theme = self.theme or th.Theme(surface.get_height())
        if not self.messages and self.notice is None:
            return None
        text = Msg("\n".join(self.messages)) if self.messages else (self.notice or Msg(""))
        width = min(surface.get_width() - theme.px(56), theme.px(900))
        pad = theme.px(14)
        n = len(wrap(theme, text, width - 2 * pad, th.SIZE_STAFF_BODY))
        height = n * round(theme.font(th.SIZE_STAFF_BODY).get_linesize() * 1.25) + 2 * pad
        rect = pygame.Rect(0, 0, width, height)
        rect.midbottom = (surface.get_width() // 2, surface.get_height() - theme.px(90))
        return rect, text

    def _draw_messages(self, surface: pygame.Surface, theme: th.Theme) -> None:
        panel = self.message_panel(surface)
        if panel is None:
            return
        rect, text = panel
        pad = theme.px(14)
        if self.messages:
            color_bg, color_border = ERROR_BG, ERROR_BORDER
        else:
            color_bg, color_border = (232, 245, 233), th.POSITIVE
        pygame.draw.rect(surface, color_bg, rect, border_radius=theme.px(10))
        pygame.draw.rect(surface, color_border, rect, width=theme.px(2), border_radius=theme.px(10))
        draw_paragraph(
            surface,
            theme,
            Msg(text),
            rect.inflate(-2 * pad, -2 * pad),
            size=th.SIZE_STAFF_BODY,
            align_center=False,
            line_gap=1.25,
        )

    # -- actions -------------------------------------------------------------------------

    def attempt(self, fn: Callable[[], T], *, done: Msg | None = None) -> T | bool | None:
        """Run a staff action; show why it was refused instead of raising.

        Returns the action's result (``True`` for an action that returns nothing), or
        ``None`` when it was refused or did not validate.

        Form problems are listed field by field; an access refusal or a storage problem
        shows its message and hint. Nothing has been stored in either case.
        """
        try:
            result = fn()
        except FormErrors as exc:
            self.messages = [Msg(str(e.message)) for e in exc.errors]
            self.notice = None
            return None
        except CogtrainError as exc:
            self.messages = [data(exc.message)] + ([data(exc.hint)] if exc.hint else [])
            self.notice = None
            return None
        self.messages = []
        self.notice = done
        return True if result is None else result

    # -- widget helpers ------------------------------------------------------------------

    def px(self, v: float) -> int:
        assert self.theme is not None
        return self.theme.px(v)

    def row_h(self) -> int:
        return self.px(th.STAFF_ROW)

    def button(
        self,
        rect: pygame.Rect,
        label: Msg,
        command: Callable[[], None],
        *,
        primary: bool = False,
    ) -> UIButton:
        _require_msg(label)
        b = UIButton(
            rect,
            str(label),
            self.ui,
            command=command,
            object_id="#primary" if primary else None,
        )
        self.buttons[str(label)] = b
        return b

    def entry(
        self,
        rect: pygame.Rect,
        text: str = "",
        *,
        hidden: bool = False,
        max_chars: int | None = None,
    ) -> UITextEntryLine:
        e = UITextEntryLine(rect, self.ui, initial_text=text)
        if hidden:
            e.set_text_hidden(True)
        if max_chars:
            e.set_text_length_limit(max_chars)
        self.entries.append(e)
        return e

    def text_box(self, rect: pygame.Rect, text: str = "") -> UITextEntryBox:
        e = UITextEntryBox(rect, initial_text=text, manager=self.ui)
        self.entries.append(e)
        return e

    def dropdown(
        self, rect: pygame.Rect, options: Sequence[tuple[Msg, str]], selected: str | None
    ) -> UIDropDownMenu:
        opts = [(str(label), value) for label, value in options]
        start = next((o for o in opts if o[1] == selected), opts[0])
        return UIDropDownMenu(opts, start, rect, self.ui)

    def selection_list(
        self, rect: pygame.Rect, items: Sequence[tuple[Msg, str]]
    ) -> UISelectionList:
        return UISelectionList(rect, [(str(label), value) for label, value in items], self.ui)

    def label(
        self,
        surface: pygame.Surface,
        text: Msg,
        topleft: tuple[int, int],
        *,
        muted: bool = False,
        bold: bool = False,
        size: int = th.SIZE_STAFF_BODY,
    ) -> pygame.Rect:
        assert self.theme is not None
        return draw_line(
            surface,
            self.theme,
            text,
            size=size,
            color=th.MUTED if muted else th.TEXT,
            bold=bold,
            topleft=topleft,
        )


def fit(theme: th.Theme, text: Msg, width: int, size: int, *, bold: bool = False) -> Msg:
    """``text`` cut with an ellipsis so that it is at most ``width`` pixels wide."""
    font = theme.font(size, bold=bold)
    if font.size(text)[0] <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font.size(text[:mid].rstrip() + "…")[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    return Msg(text[:lo].rstrip() + "…")


def fit_text(
    theme: th.Theme,
    text: Msg,
    size: int,
    width_px: int,
    *,
    color: th.Color = th.TEXT,
    bold: bool = False,
) -> pygame.Surface:
    """``text`` rendered to fit ``width_px``: a smaller size first, then cut with "…"."""
    if theme.font(size, bold=bold).size(text)[0] > width_px:
        size = min(size, th.SIZE_STAFF_SMALL)
    return theme.render(fit(theme, text, width_px, size, bold=bold), size, color=color, bold=bold)


def message_top(scene: StaffScene, surface: pygame.Surface) -> int | None:
    """The top of the scene's message panel, or None when none is shown."""
    panel = scene.message_panel(surface)
    return None if panel is None else panel[0].top


def notify(nav, notice: Msg) -> None:  # type: ignore[no-untyped-def]
    """Show ``notice`` on the screen the nav just opened."""
    top = nav.app.top
    if isinstance(top, StaffScene):
        top.notice = notice
        top.messages = []


def exercise_label(exercise_id: str) -> Msg:
    """An exercise's title in the active language, as the exercise itself shows it."""
    try:
        return _(exercises.get(exercise_id).title)
    except exercises.UnknownExerciseError:
        return data(exercise_id)


def dropdown_value(menu: UIDropDownMenu) -> str:
    """The value (not the label) of a drop-down's chosen option."""
    opt = menu.selected_option
    return opt[1] if isinstance(opt, tuple) else str(opt)


def _require_msg(text: object) -> None:
    if not isinstance(text, Msg):
        raise TypeError(f"Staff widget text {str(text)[:40]!r} must come from i18n._()")
