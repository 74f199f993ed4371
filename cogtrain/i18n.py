"""Translation layer: every user-facing string goes through here.

Catalogues are plain gettext ``.po`` files under ``cogtrain/locale/<lang>/LC_MESSAGES``.
They are compiled in memory with Babel when a language is activated, so there is no
build step that can be forgotten and no stale ``.mo`` file can disagree with the
``.po`` that reviewers read.

Strings meant for the screen are :class:`Msg` objects. The screen helpers refuse plain
``str`` so that an untranslated literal cannot be drawn by accident: a string becomes a
``Msg`` only by passing through :func:`_`, :func:`ngettext`, or one of the explicit
data wrappers (:func:`data`, :func:`number`, :func:`percent`) for values that are not
words (a participant code, a digit, a percentage).
"""

from __future__ import annotations

import gettext as _gettext
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel import Locale
from babel import dates as _dates
from babel import numbers as _numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from cogtrain.errors import CogtrainError

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "cogtrain"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("nb", "en")
DEFAULT_LANGUAGE = "nb"


class Msg(str):
    """A string that may be drawn on screen: translated text or explicitly marked data."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> Msg:  # type: ignore[override]
        return Msg(str.format(self, *args, **kwargs))

    def __add__(self, other: str) -> Msg:  # type: ignore[override]
        if not isinstance(other, Msg):
            raise TypeError("Only Msg can be joined to Msg; wrap data with i18n.data()")
        return Msg(str.__add__(self, other))


class UnknownLanguageError(CogtrainError):
    pass


@dataclass
class _Active:
    lang: str = DEFAULT_LANGUAGE
    translations: _gettext.NullTranslations = _gettext.NullTranslations()


_active = _Active()


def load_translations(lang: str) -> _gettext.GNUTranslations:
    """Compile the ``.po`` catalogue for ``lang`` in memory and return it."""
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def set_language(lang: str) -> None:
    """Activate ``lang`` for every later call of :func:`_`.

    Raises :class:`UnknownLanguageError` naming the supported languages when ``lang``
    has no catalogue, so a typo in ``--lang`` or the config file is never silent.
    """
    if lang not in SUPPORTED_LANGUAGES:
        raise UnknownLanguageError(
            f"Unknown language {lang!r}.",
            hint=f"Use one of: {', '.join(SUPPORTED_LANGUAGES)} (for example --lang nb).",
        )
    _active.lang = lang
    _active.translations = load_translations(lang)


def current_language() -> str:
    return _active.lang


def babel_locale() -> Locale:
    return Locale.parse(_active.lang)


def _(message: str) -> Msg:
    """Translate ``message`` into the active language."""
    return Msg(_active.translations.gettext(message))


def ngettext(singular: str, plural: str, n: int) -> Msg:
    return Msg(_active.translations.ngettext(singular, plural, n))


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (module-level tables)."""
    return message


def data(value: object) -> Msg:
    """Mark a value that is data, not words (a participant code), as drawable verbatim."""
    return Msg(str(value))


def number(value: float, *, decimals: int = 0) -> Msg:
    """Format a number the local way (1 234,5 in nb) via Babel."""
    if decimals == 0:
        return Msg(_numbers.format_decimal(round(value), locale=babel_locale()))
    fmt = "#,##0." + "0" * decimals
    return Msg(_numbers.format_decimal(value, format=fmt, locale=babel_locale()))


def percent(fraction: float) -> Msg:
    """Format a fraction (0.83) as a local percentage (83 %)."""
    return Msg(_numbers.format_percent(fraction, locale=babel_locale()))


def weekday_date(day: date) -> Msg:
    """A day the local way, with its weekday: "torsdag 3. desember" / "Thursday 3 December"."""
    pattern = "EEEE d. MMMM" if _active.lang == "nb" else "EEEE d MMMM"
    return Msg(_dates.format_date(day, format=pattern, locale=babel_locale()))
