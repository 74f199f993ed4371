"""Participant codes (deltakerkoder): pseudonyms that must never identify the person.

Everything cogtrain stores about a participant is health data, filed under the code. A
code is therefore refused when it looks like something that points to the person: a
fødselsnummer or D-number (11 digits), a date of birth, an e-mail address. Names cannot
be recognised by a program; the messages always show the clinic's code form instead.
Codes are also kept to a plain alphabet (A-Z, 0-9, ``-``, ``_``) so that the same code is
typed the same way on every keyboard, sorts the same everywhere and survives exports.

Codes are compared normalised (:func:`normalise_code`: surrounding spaces removed,
uppercase), so ``jmo-014`` and ``JMO-014`` are the same participant.

The checks run in this order, and the first that fires is reported (:class:`CodeRule`):
empty; looks like an e-mail address; fødselsnummer/D-number; date of birth; too long;
too short; a character outside the alphabet. The identifying rules come first, because
the most important thing to tell staff is that the code would identify the person, and
because a date written 01.01.1990 would otherwise only be refused for its dots.

* E-mail: ``something@something.something``. Another ``@`` is refused by the character
  rule.
* Fødselsnummer/D-number: 11 or more digits in a row when spaces, ``.``, ``-`` and ``_``
  between them are ignored, anywhere in the code (a longer run contains 11 digits). The
  control digits are not checked: a mistyped number is just as identifying.
* Date of birth: a run of exactly 6 or exactly 8 digits (not part of a longer run) that
  is a real date as ddmmyy or ddmmyyyy (years 1900-2099); or a real date written d.m.yy,
  dd.mm.yyyy, dd/mm/yy (``.`` or ``/``); or dd-mm-yyyy, dd_mm_yyyy, dd mm yyyy (a
  four-digit year only). Ordinary numbering (``OSLO-2026-12``, ``P0007``, ``123456``: no
  month 34, ``JMO-01-02-03``) is not a date; the year-first order (``1990-01-01``) is not
  checked, so that site-year-number codes stay possible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cogtrain.i18n import Msg, _

MIN_CODE_LENGTH = 3
MAX_CODE_LENGTH = 32
EXAMPLE_CODE = "JMO-014"

_ALLOWED = re.compile(r"[A-Z0-9_-]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NATIONAL_ID = re.compile(r"[0-9](?:[ ._-]*[0-9]){10,}")
_DIGIT_RUN = re.compile(r"(?<![0-9])(?:[0-9]{8}|[0-9]{6})(?![0-9])")
_WRITTEN_DATES = (
    # 1.1.90, 01/01/1990: date punctuation, any year form
    re.compile(r"(?<![0-9])([0-9]{1,2})([./])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})(?![0-9])"),
    # 01-01-1990, 01 01 1990: ordinary separators, only with a four-digit year, so that
    # numbering like JMO-01-02-03 is not taken for a date
    re.compile(r"(?<![0-9])([0-9]{1,2})([-_ ])([0-9]{1,2})\2([0-9]{4})(?![0-9])"),
)


class CodeRule(StrEnum):
    EMPTY = "empty"
    EMAIL = "email"
    NATIONAL_ID = "national_id"
    BIRTH_DATE = "birth_date"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    CHARACTERS = "characters"


@dataclass(frozen=True)
class CodeProblem:
    """Which rule refused a code, and the translated message saying why and what to do."""

    rule: CodeRule
    message: Msg


def normalise_code(raw: str) -> str:
    """The code as stored and compared: surrounding spaces removed, uppercase."""
    if not isinstance(raw, str):
        raise TypeError(f"a participant code must be a str, not {type(raw).__name__}")
    return raw.strip().upper()


def _is_day(day: int, month: int, years: tuple[int, ...]) -> bool:
    for year in years:
        if 1900 <= year <= 2099:
            try:
                date(year, month, day)
            except ValueError:
                continue
            return True
    return False


def _looks_like_birth_date(code: str) -> bool:
    for m in _DIGIT_RUN.finditer(code):
        run = m.group()
        day, month, year = int(run[:2]), int(run[2:4]), int(run[4:])
        years = (year,) if len(run) == 8 else (1900 + year, 2000 + year)
        if _is_day(day, month, years):
            return True
    for pattern in _WRITTEN_DATES:
        for m in pattern.finditer(code):
            day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
            years = (year,) if len(m.group(4)) == 4 else (1900 + year, 2000 + year)
            if _is_day(day, month, years):
                return True
    return False


def check_code(raw: str) -> CodeProblem | None:
    """The first rule ``raw`` breaks (see the module doc), or ``None`` for a good code."""
    code = normalise_code(raw)
    if not code:
        return CodeProblem(
            CodeRule.EMPTY,
            _(
                "Enter a participant code in the clinic's code form, for example {example}. "
                "Never use the participant's name."
            ).format(example=EXAMPLE_CODE),
        )
    if _EMAIL.search(code):
        return CodeProblem(
            CodeRule.EMAIL,
            _(
                "The participant code looks like an e-mail address. The code is stored with "
                "health data, so it must not identify the participant. Use the clinic's code "
                "form, for example {example}."
            ).format(example=EXAMPLE_CODE),
        )
    if _NATIONAL_ID.search(code):
        return CodeProblem(
            CodeRule.NATIONAL_ID,
            _(
                "The participant code has 11 digits like a fødselsnummer or D-number. The code "
                "is stored with health data, so it must not identify the participant. Use the "
                "clinic's code form, for example {example}."
            ).format(example=EXAMPLE_CODE),
        )
    if _looks_like_birth_date(code):
        return CodeProblem(
            CodeRule.BIRTH_DATE,
            _(
                "The participant code has digits that look like a date of birth. The code is "
                "stored with health data, so it must not identify the participant. Use the "
                "clinic's code form, for example {example}."
            ).format(example=EXAMPLE_CODE),
        )
    if len(code) > MAX_CODE_LENGTH:
        return CodeProblem(
            CodeRule.TOO_LONG,
            _(
                "The participant code has {length} characters; the most is {maximum}. Use "
                "the clinic's short code form, for example {example}."
            ).format(length=len(code), maximum=MAX_CODE_LENGTH, example=EXAMPLE_CODE),
        )
    if len(code) < MIN_CODE_LENGTH:
        return CodeProblem(
            CodeRule.TOO_SHORT,
            _(
                "The participant code {code} is too short: use at least {minimum} "
                "characters, in the clinic's code form, for example {example}."
            ).format(code=code, minimum=MIN_CODE_LENGTH, example=EXAMPLE_CODE),
        )
    for position, char in enumerate(code, start=1):
        if _ALLOWED.fullmatch(char):
            continue
        if char.isspace():
            message = _(
                "The participant code has a space at position {position}. Use - or _ "
                "instead, for example {example}."
            ).format(position=position, example=EXAMPLE_CODE)
        else:
            shown = char if char.isprintable() else f"U+{ord(char):04X}"
            message = _(
                'The participant code has "{char}" at position {position}. Use only the '
                "letters A-Z (not Æ, Ø or Å), the digits 0-9, - and _, so the code is typed "
                "the same way on every keyboard. For example {example}."
            ).format(char=shown, position=position, example=EXAMPLE_CODE)
        return CodeProblem(CodeRule.CHARACTERS, message)
    return None


def code_problem(raw: str) -> Msg | None:
    """Why ``raw`` cannot be a participant code (translated), or ``None`` when it can."""
    problem = check_code(raw)
    return problem.message if problem else None
