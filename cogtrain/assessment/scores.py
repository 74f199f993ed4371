"""Checking an assessment score as a neuropsychologist types it, before it is stored.

Like the staff forms (:mod:`cogtrain.staff.forms`, whose helpers are reused): a
:class:`ScoreDraft` holds the fields as typed, :func:`validate_score` returns a
:class:`CleanScore` or raises :class:`~cogtrain.staff.forms.FormErrors` with **every**
problem at once, each naming its field. The batteries and "today" are arguments: no
globals, no database, no clock.

A score is one measure of one instrument at one timepoint. It has a raw value (the test's
own score), a standardised one (T or z, when the measure has one), or both; raw values are
checked against the battery's entry limits, which catch typos but are not norms. Numbers
may be written with a decimal comma (12,5) or a point (12.5). The values are checked once
the battery, the instrument and the measure are known, since they say what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cogtrain.assessment.batteries import (
    BatterySet,
    Instrument,
    Measure,
    StandardKind,
    amount,
    show_number,
)
from cogtrain.i18n import N_, Msg, _, current_language
from cogtrain.staff.forms import (
    _ISO,
    _NORWEGIAN,
    COMMENT_MAX,
    FieldError,
    FormErrors,
    _check_text,
    _check_today,
    _choices,
    _Collector,
    parse_day,
    refuse_unstorable,
)

__all__ = [
    "TIMEPOINT_LABELS",
    "CleanScore",
    "FieldError",
    "FormErrors",
    "ScoreDraft",
    "Timepoint",
    "parse_number",
    "timepoint_label",
    "validate_score",
]


class Timepoint(StrEnum):
    """When an assessment was done, relative to the training (måletidspunkt)."""

    BASELINE = "baseline"
    """Before training (kartlegging før)."""
    POST = "post"
    """After training (kartlegging etter)."""
    FOLLOW_UP = "follow_up"
    """Some time after the training ended."""

    @property
    def label(self) -> Msg:
        return timepoint_label(self)


TIMEPOINT_LABELS: dict[str, str] = {
    Timepoint.BASELINE.value: N_("Before training"),
    Timepoint.POST.value: N_("After training"),
    Timepoint.FOLLOW_UP.value: N_("Follow-up"),
}
"""The timepoints' names (msgids), for the form's choices, tables and charts."""


def timepoint_label(timepoint: Timepoint | str) -> Msg:
    """A timepoint's name in the active language."""
    return _(TIMEPOINT_LABELS[Timepoint(timepoint).value])


@dataclass(frozen=True)
class ScoreDraft:
    """The score form as typed; ``raw``/``standard`` ``""`` when left empty."""

    battery_id: str
    instrument_id: str
    measure_id: str
    timepoint: str
    assessed_on: str
    raw: str = ""
    standard: str = ""
    comment: str = ""


@dataclass(frozen=True)
class CleanScore:
    """A checked score; field names as storage keeps them (``ScoreFields``).

    ``standard_kind`` is set exactly when ``standard_value`` is; ``comment`` is ``None``
    when none was written.
    """

    battery_id: str
    instrument_id: str
    measure_id: str
    timepoint: Timepoint
    assessed_on: date
    raw_value: float | None
    standard_value: float | None
    standard_kind: StandardKind | None
    comment: str | None


_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def parse_number(text: str) -> float:
    """A number typed the Norwegian way (12,5) or with a point (12.5); a minus sign (−)
    counts as ``-``. :class:`ValueError` for anything else (thousands separators too:
    no test score needs them, and "1.234" would be ambiguous)."""
    cleaned = text.strip().replace("\u2212", "-")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not a number")
    return float(cleaned.replace(",", "."))


def _field_text(name: str, raw: str) -> str:
    return _check_text(name, raw).strip()


def _lookup(
    errors: _Collector, draft: ScoreDraft, batteries: BatterySet
) -> tuple[Instrument | None, Measure | None]:
    """The instrument and measure named, or errors saying which exist."""
    battery_id = _field_text("battery_id", draft.battery_id)
    instrument_id = _field_text("instrument_id", draft.instrument_id)
    measure_id = _field_text("measure_id", draft.measure_id)
    lang = current_language()

    if not battery_id:
        errors.add(
            "battery_id",
            _("Choose the battery: {choices}.").format(choices=_choices(batteries.ids)),
        )
        return None, None
    if battery_id not in batteries.ids:
        errors.add(
            "battery_id",
            _('There is no battery called "{name}". Choose one of: {choices}.').format(
                name=battery_id, choices=_choices(batteries.ids)
            ),
        )
        return None, None
    battery = batteries.get(battery_id)

    if not instrument_id:
        errors.add(
            "instrument_id",
            _("Choose the test from the {battery}: {choices}.").format(
                battery=battery.name(lang), choices=_choices(battery.instrument_ids)
            ),
        )
        return None, None
    if instrument_id not in battery.instrument_ids:
        errors.add(
            "instrument_id",
            _('The {battery} has no test called "{name}". Choose one of: {choices}.').format(
                battery=battery.name(lang),
                name=instrument_id,
                choices=_choices(battery.instrument_ids),
            ),
        )
        return None, None
    instrument = battery.instrument(instrument_id)

    if not measure_id:
        errors.add(
            "measure_id",
            _("Choose what was measured on the {instrument}: {choices}.").format(
                instrument=instrument.short(lang), choices=_choices(instrument.measure_ids)
            ),
        )
        return instrument, None
    if measure_id not in instrument.measure_ids:
        errors.add(
            "measure_id",
            _('The {instrument} has no measure called "{name}". Choose one of: {choices}.').format(
                instrument=instrument.short(lang),
                name=measure_id,
                choices=_choices(instrument.measure_ids),
            ),
        )
        return instrument, None
    return instrument, instrument.measure(measure_id)


def _timepoint(errors: _Collector, raw: str) -> Timepoint | None:
    text = _field_text("timepoint", raw).lower().replace("-", "_")
    try:
        return Timepoint(text)
    except ValueError:
        errors.add(
            "timepoint",
            _("Choose the timepoint: before training, after training or follow-up."),
        )
        return None


def _assessed_on(errors: _Collector, raw: str, today: date) -> date | None:
    text = _field_text("assessed_on", raw)
    if not text:
        errors.add("assessed_on", _("Enter the assessment date, for example 05.01.2026."))
        return None
    written = bool(_ISO.fullmatch(text) or _NORWEGIAN.fullmatch(text))
    try:
        day = parse_day(text)
    except ValueError:
        if written:
            message = _("The assessment date {text} does not exist. Check the day and the month.")
        else:
            message = _(
                'The assessment date "{text}" is not written as a date. Write it as '
                "dd.mm.yyyy, for example 05.01.2026."
            )
        errors.add("assessed_on", message.format(text=text))
        return None
    if day > today:
        errors.add(
            "assessed_on",
            _("The assessment date {text} is after today. Enter the day the test was done.").format(
                text=text
            ),
        )
        return None
    return day


def _raw_value(
    errors: _Collector, text: str, instrument: Instrument, measure: Measure
) -> float | None:
    lang = current_language()
    names = {"instrument": instrument.short(lang), "measure": measure.name(lang)}
    if not measure.takes_raw:
        errors.add(
            "raw",
            _(
                "The {instrument} {measure} has no raw score. Leave the raw score empty and "
                "enter the {kind} score."
            ).format(kind=measure.standard, **names),
        )
        return None
    try:
        value = parse_number(text)
    except ValueError:
        errors.add(
            "raw",
            _(
                'The {instrument} {measure} "{text}" is not a number. Write digits, for example '
                "{example}."
            ).format(text=text, example=show_number(12.5), **names),
        )
        return None
    assert measure.unit is not None and measure.minimum is not None
    assert measure.maximum is not None
    if measure.integer and value != int(value):
        errors.add(
            "raw",
            _(
                "The {instrument} {measure} is a whole number, not {text}. Check the score sheet."
            ).format(text=text, **names),
        )
        return None
    if value > measure.maximum:
        errors.add(
            "raw",
            _(
                "The {instrument} {measure} {text} is above the highest possible {maximum}. "
                "Check the score sheet."
            ).format(text=text, maximum=amount(measure.unit, measure.maximum), **names),
        )
        return None
    if value < measure.minimum:
        errors.add(
            "raw",
            _(
                "The {instrument} {measure} {text} is below the lowest possible {minimum}. "
                "Check the score sheet."
            ).format(text=text, minimum=amount(measure.unit, measure.minimum), **names),
        )
        return None
    return value


def _standard_value(
    errors: _Collector, text: str, instrument: Instrument, measure: Measure
) -> float | None:
    lang = current_language()
    if measure.standard is None:
        errors.add(
            "standard",
            _(
                "The {instrument} {measure} has no standardised score. Leave the standard "
                "score empty."
            ).format(instrument=instrument.short(lang), measure=measure.name(lang)),
        )
        return None
    kind = measure.standard
    low, high = measure.standard_range or (0.0, 0.0)
    try:
        value = parse_number(text)
    except ValueError:
        errors.add(
            "standard",
            _(
                'The {kind} score "{text}" is not a number. Write digits, for example {example}.'
            ).format(
                kind=kind,
                text=text,
                example=show_number(45 if kind is StandardKind.T else -0.5),
            ),
        )
        return None
    if not low <= value <= high:
        errors.add(
            "standard",
            _(
                "The {kind} score {text} is outside {low} to {high}. Check that it is a {kind} "
                "score and not a raw score."
            ).format(kind=kind, text=text, low=show_number(low), high=show_number(high)),
        )
        return None
    return value


def validate_score(draft: ScoreDraft, batteries: BatterySet, today: date) -> CleanScore:
    """Check one score: the test and measure exist, the date is real and not in the
    future, and the values are numbers within the measure's limits."""
    _check_today(today)
    refuse_unstorable(draft, multiline=("comment",))
    errors = _Collector()
    instrument, measure = _lookup(errors, draft, batteries)
    timepoint = _timepoint(errors, draft.timepoint)
    assessed_on = _assessed_on(errors, draft.assessed_on, today)

    raw_text = _field_text("raw", draft.raw)
    standard_text = _field_text("standard", draft.standard)
    raw_value: float | None = None
    standard_value: float | None = None
    if instrument is not None and measure is not None:
        lang = current_language()
        names = {"instrument": instrument.short(lang), "measure": measure.name(lang)}
        if not raw_text and not standard_text:
            if not measure.takes_raw:
                errors.add(
                    "standard",
                    _("Enter the {kind} score for the {instrument} {measure}.").format(
                        kind=measure.standard, **names
                    ),
                )
            elif measure.standard is None:
                errors.add(
                    "raw",
                    _("Enter the raw score for the {instrument} {measure}.").format(**names),
                )
            else:
                errors.add(
                    "raw",
                    _(
                        "Enter the raw score for the {instrument} {measure}, its {kind} score, "
                        "or both."
                    ).format(kind=measure.standard, **names),
                )
        if raw_text:
            raw_value = _raw_value(errors, raw_text, instrument, measure)
        if standard_text:
            standard_value = _standard_value(errors, standard_text, instrument, measure)

    comment = _field_text("comment", draft.comment)
    if len(comment) > COMMENT_MAX:
        errors.add(
            "comment",
            _(
                "The comment has {length} characters; the most is {maximum}. Shorten it, or "
                "write the rest in a note."
            ).format(length=len(comment), maximum=COMMENT_MAX),
        )

    errors.raise_if_any()
    assert instrument is not None and measure is not None
    assert timepoint is not None and assessed_on is not None
    return CleanScore(
        battery_id=instrument.battery_id,
        instrument_id=instrument.instrument_id,
        measure_id=measure.measure_id,
        timepoint=timepoint,
        assessed_on=assessed_on,
        raw_value=raw_value,
        standard_value=standard_value,
        standard_kind=measure.standard if standard_value is not None else None,
        comment=comment or None,
    )
