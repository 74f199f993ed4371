"""Participant codes: refused when they could identify the person, with the rule that fired."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cogtrain import i18n
from cogtrain.staff.codes import (
    MAX_CODE_LENGTH,
    MIN_CODE_LENGTH,
    CodeProblem,
    CodeRule,
    check_code,
    code_problem,
    normalise_code,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    i18n.set_language("en")
    yield


ACCEPTED = [
    "JMO-014",
    "DEMO-01",
    "P0007",
    "OSLO-2026-12",
    "jmo-014",  # normalised to JMO-014
    "  JMO-014  ",
    "ABC",
    "A_B",
    "X" * MAX_CODE_LENGTH,
    "123456",  # no month 34: not a date
    "P-12345678",  # 12.34.5678: not a date
    "JMO-290201",  # 29 February 1901 and 2001 did not exist
    "P-31129999",  # year 9999 is not a birth year
    "JMO-01-02-03",  # numbering with two-digit parts is not taken for a date
    "OSLO-2026-12-0014",  # 10 digits: not a fødselsnummer
    "JMO-2026-1231",  # four-digit runs are never dates
    "1234567890",
    "20261231",  # yyyymmdd is not checked: 20.26.1231 is no date
]


@pytest.mark.parametrize("raw", ACCEPTED)
def test_accepted_codes(raw: str) -> None:
    assert check_code(raw) is None
    assert code_problem(raw) is None


REFUSED = [
    ("", CodeRule.EMPTY),
    ("   ", CodeRule.EMPTY),
    ("ola.nordmann@nav.no", CodeRule.EMAIL),
    ("kari@example.com", CodeRule.EMAIL),
    ("JMO-014 kari@clinic.no", CodeRule.EMAIL),  # not "space at position 8"
    ("01019012345", CodeRule.NATIONAL_ID),
    ("010190 12345", CodeRule.NATIONAL_ID),
    ("010190-12345", CodeRule.NATIONAL_ID),
    ("01.01.90.123.45", CodeRule.NATIONAL_ID),
    ("010190_123_45", CodeRule.NATIONAL_ID),
    ("JMO-41019012345", CodeRule.NATIONAL_ID),  # D-number (day + 40), inside a code
    ("OSLO-2026-12-014-03", CodeRule.NATIONAL_ID),  # 11 digits with separators only
    ("123456789012", CodeRule.NATIONAL_ID),
    ("010190", CodeRule.BIRTH_DATE),
    ("JMO-010190", CodeRule.BIRTH_DATE),
    ("P311299X", CodeRule.BIRTH_DATE),
    ("01011990", CodeRule.BIRTH_DATE),
    ("JMO-29022000", CodeRule.BIRTH_DATE),
    ("JMO-290200", CodeRule.BIRTH_DATE),  # 29.02.2000 existed
    ("01.01.1990", CodeRule.BIRTH_DATE),
    ("1.1.90", CodeRule.BIRTH_DATE),
    ("JMO 01.01.90", CodeRule.BIRTH_DATE),  # the date, not the space
    ("01/01/1990", CodeRule.BIRTH_DATE),
    ("01-01-1990", CodeRule.BIRTH_DATE),
    ("01 01 1990", CodeRule.BIRTH_DATE),
    ("X" * (MAX_CODE_LENGTH + 1), CodeRule.TOO_LONG),
    ("AB", CodeRule.TOO_SHORT),
    ("7", CodeRule.TOO_SHORT),
    ("ÆSE-01", CodeRule.CHARACTERS),
    ("JMO-ØST", CodeRule.CHARACTERS),
    ("ÅS-001", CodeRule.CHARACTERS),
    ("JMO 014", CodeRule.CHARACTERS),
    ("JMO@14", CodeRule.CHARACTERS),  # an @ that is no e-mail address
    ("JMO/014", CodeRule.CHARACTERS),
    ("JMO.014", CodeRule.CHARACTERS),
    ("31.02.1990", CodeRule.CHARACTERS),  # no such day, so only the dots are wrong
    ("JMO\u200b014", CodeRule.CHARACTERS),
]


@pytest.mark.parametrize(("raw", "rule"), REFUSED)
def test_refused_codes_name_the_rule(raw: str, rule: CodeRule) -> None:
    problem = check_code(raw)
    assert problem is not None
    assert problem.rule is rule
    assert code_problem(raw) == problem.message


def test_every_rule_is_exercised() -> None:
    assert {rule for _raw, rule in REFUSED} == set(CodeRule)


def test_normalise_code() -> None:
    assert normalise_code("  jmo-014\t") == "JMO-014"
    assert normalise_code("ærlig") == "ÆRLIG"
    with pytest.raises(TypeError):
        normalise_code(14)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_code(None)  # type: ignore[arg-type]


def test_limits() -> None:
    assert (MIN_CODE_LENGTH, MAX_CODE_LENGTH) == (3, 32)


IDENTIFIES = (
    "The code is stored with health data, so it must not identify the participant. "
    "Use the clinic's code form, for example JMO-014."
)


def test_messages_say_why_and_what_to_do() -> None:
    assert check_code("") == CodeProblem(
        CodeRule.EMPTY,
        "Enter a participant code in the clinic's code form, for example JMO-014. "
        "Never use the participant's name.",
    )
    assert code_problem("kari@example.com") == (
        "The participant code looks like an e-mail address. " + IDENTIFIES
    )
    assert code_problem("01019012345") == (
        "The participant code has 11 digits like a fødselsnummer or D-number. " + IDENTIFIES
    )
    assert code_problem("JMO-010190") == (
        "The participant code has digits that look like a date of birth. " + IDENTIFIES
    )
    assert code_problem("X" * 40) == (
        "The participant code has 40 characters; the most is 32. "
        "Use the clinic's short code form, for example JMO-014."
    )
    assert code_problem(" ab ") == (
        "The participant code AB is too short: use at least 3 characters, "
        "in the clinic's code form, for example JMO-014."
    )


def test_identifying_data_is_never_repeated_in_the_message() -> None:
    for raw in ("01019012345", "JMO-010190", "kari@example.com"):
        message = code_problem(raw)
        assert message is not None
        assert "010190" not in message and "kari" not in message.lower()


@pytest.mark.parametrize(
    ("raw", "char", "position"),
    [("ÆSE-01", "Æ", 1), ("JMO-ØST", "Ø", 5), ("ås-001", "Å", 1), ("JMO/014", "/", 4)],
)
def test_character_message_names_the_character_and_its_position(
    raw: str, char: str, position: int
) -> None:
    assert code_problem(raw) == (
        f'The participant code has "{char}" at position {position}. Use only the letters '
        "A-Z (not Æ, Ø or Å), the digits 0-9, - and _, so the code is typed the same way on "
        "every keyboard. For example JMO-014."
    )


def test_spaces_and_invisible_characters_are_named_in_words() -> None:
    assert code_problem("JMO 014") == (
        "The participant code has a space at position 4. Use - or _ instead, for example JMO-014."
    )
    message = code_problem("JMO\u200b014")
    assert message is not None and '"U+200B" at position 4' in message
