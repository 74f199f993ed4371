"""The calm look, in one documented place: colours, type sizes, timings, spacing.

Colours meet WCAG AA contrast at least (body text on the background is about 15:1; the
button text on the accent about 8:1). There is no red anywhere: an answer that was not
right is shown in a quiet slate colour, never as an alarm. Type is Atkinson Hyperlegible,
designed for low-vision readers, scaled to the window so text stays large at 1024x768.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from cogtrain.i18n import Msg
from cogtrain.paths import FONTS_DIR

Color = tuple[int, int, int]

BACKGROUND: Color = (246, 244, 238)
PANEL: Color = (255, 255, 255)
PANEL_BORDER: Color = (196, 202, 212)
TEXT: Color = (26, 32, 44)
MUTED: Color = (70, 80, 98)
ACCENT: Color = (31, 78, 121)
ACCENT_TEXT: Color = (255, 255, 255)
FOCUS: Color = (26, 32, 44)
POSITIVE: Color = (27, 94, 32)
GENTLE: Color = (70, 80, 98)

FONT_REGULAR = FONTS_DIR / "AtkinsonHyperlegible-Regular.ttf"
FONT_BOLD = FONTS_DIR / "AtkinsonHyperlegible-Bold.ttf"

# Sizes in pixels at the reference height of 768; scaled with the window.
REFERENCE_HEIGHT = 768
SIZE_TITLE = 52
SIZE_BODY = 34
SIZE_SMALL = 26
SIZE_HUGE = 96
# Staff screens hold forms, tables and charts: smaller than the participant's screens,
# still large enough to read on a projector in a review meeting.
SIZE_STAFF_TITLE = 34
SIZE_STAFF_BODY = 22
SIZE_STAFF_SMALL = 18
STAFF_ROW = 44  # height of one form row (an entry or a button)

MIN_WINDOW = (1024, 768)
DEFAULT_WINDOW = (1280, 800)
FPS = 60

TEXT_CACHE_LIMIT = 512


@dataclass
class Theme:
    """Fonts and rendered text for one window size. Rebuilt when the window is resized."""

    height: int
    _fonts: dict[tuple[bool, int], pygame.font.Font] = field(default_factory=dict)
    _text_cache: dict[tuple[str, int, bool, Color], pygame.Surface] = field(default_factory=dict)

    @property
    def scale(self) -> float:
        return max(0.75, self.height / REFERENCE_HEIGHT)

    def px(self, size_at_reference: float) -> int:
        return max(1, round(size_at_reference * self.scale))

    def font(self, size: int, *, bold: bool = False) -> pygame.font.Font:
        px = self.px(size)
        key = (bold, px)
        f = self._fonts.get(key)
        if f is None:
            f = pygame.font.Font(FONT_BOLD if bold else FONT_REGULAR, px)
            self._fonts[key] = f
        return f

    def render(
        self, text: Msg, size: int = SIZE_BODY, *, color: Color = TEXT, bold: bool = False
    ) -> pygame.Surface:
        """Render one line of translated text (cached: text is drawn every frame)."""
        if not isinstance(text, Msg):
            raise TypeError(
                f"Refusing to draw untranslated text {str(text)[:40]!r}: pass it through "
                "i18n._() (or i18n.data() for data such as a participant code)."
            )
        key = (str(text), size, bold, color)
        surf = self._text_cache.get(key)
        if surf is None:
            if len(self._text_cache) >= TEXT_CACHE_LIMIT:
                self._text_cache.clear()
            surf = self.font(size, bold=bold).render(str(text), True, color)
            self._text_cache[key] = surf
        return surf
