"""Dates and times on staff screens, the local way (via Babel), in one place."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from babel import dates as _dates

from cogtrain.i18n import Msg, babel_locale, current_language

LOCAL_TZ = ZoneInfo("Europe/Oslo")


def short_date(day: date) -> Msg:
    """03.12.2026 in nb, 3 Dec 2026 in en: short enough for a table cell."""
    if current_language() == "nb":
        return Msg(_dates.format_date(day, format="dd.MM.yyyy", locale=babel_locale()))
    return Msg(_dates.format_date(day, format="d MMM yyyy", locale=babel_locale()))


def long_date(day: date) -> Msg:
    """3. mars 2027 in nb, 3 March 2027 in en, with no-break spaces (never split)."""
    pattern = "d. MMMM y" if current_language() == "nb" else "d MMMM y"
    text = _dates.format_date(day, format=pattern, locale=babel_locale())
    return Msg(text.replace(" ", "\u00a0"))


def date_time(moment: datetime, tz: tzinfo = LOCAL_TZ) -> Msg:
    """A moment in local time: 03.12.2026 14:05."""
    local = moment.astimezone(tz)
    return Msg(f"{short_date(local.date())} {local:%H:%M}")


def form_date(day: date | None) -> str:
    """How a date is typed in a form field (dd.mm.yyyy), for filling a field in."""
    return "" if day is None else f"{day:%d.%m.%Y}"
