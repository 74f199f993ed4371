"""Hashing (argon2id), choosing passwords and PINs, and lockout as scripted sequences."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher, Type, profiles

from cogtrain import i18n
from cogtrain.staff import passwords
from cogtrain.staff.passwords import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    STAFF_IDLE_LOGOUT,
    LoginState,
    after_failure,
    after_success,
    attempts_left,
    hash_secret,
    is_locked,
    locked_message,
    needs_rehash,
    password_problem,
    pin_problem,
    use_hasher,
    verify_secret,
)

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)


@pytest.fixture(autouse=True)
def _cheap_hasher_and_english() -> Iterator[None]:
    i18n.set_language("en")
    old = use_hasher(CHEAP)
    yield
    use_hasher(old)


# --- hashing ---------------------------------------------------------------------------------


def test_production_hasher_is_argon2id_rfc_9106_low_memory() -> None:
    """Checked in a fresh interpreter: here the fixture has swapped in a cheap hasher."""
    code = (
        "from cogtrain.staff import passwords as p; h = p._hasher;"
        "print(h.type.name, h.memory_cost, h.time_cost, h.parallelism, h.hash_len, h.salt_len)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["ID", "65536", "3", "4", "32", "16"]


def test_round_trip_and_wrong_secret() -> None:
    stored = hash_secret("correct horse battery")
    assert verify_secret(stored, "correct horse battery") is True
    assert verify_secret(stored, "correct horse batterY") is False
    assert verify_secret(stored, "") is False


def test_hashes_are_argon2id_and_salted() -> None:
    a, b = hash_secret("2580"), hash_secret("2580")
    assert a.startswith("$argon2id$") and b.startswith("$argon2id$")
    assert a != b
    assert "2580" not in a


@pytest.mark.parametrize(
    "stored",
    ["", "garbage", "$argon2id$v=19$m=8,t=1,p=1$abc", "$2b$12$notargon", None, 42],
)
def test_unreadable_hashes_never_verify_and_never_raise(stored: object) -> None:
    assert verify_secret(stored, "whatever it is") is False  # type: ignore[arg-type]


def test_secrets_that_could_not_have_been_hashed_do_not_verify() -> None:
    stored = hash_secret("x" * MAX_PASSWORD_LENGTH)
    assert verify_secret(stored, "x" * MAX_PASSWORD_LENGTH) is True
    assert verify_secret(stored, "x" * (MAX_PASSWORD_LENGTH + 1)) is False
    assert verify_secret(stored, None) is False  # type: ignore[arg-type]


def test_hash_secret_refuses_what_no_form_lets_through() -> None:
    with pytest.raises(ValueError, match="empty"):
        hash_secret("")
    with pytest.raises(ValueError, match="longer than 200"):
        hash_secret("x" * 201)
    with pytest.raises(TypeError, match="str"):
        hash_secret(1234)  # type: ignore[arg-type]


def test_needs_rehash_after_the_parameters_change() -> None:
    stored = hash_secret("a long passphrase")
    assert needs_rehash(stored) is False
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1, hash_len=16)
    use_hasher(stronger)
    assert needs_rehash(stored) is True
    assert verify_secret(stored, "a long passphrase") is True  # old hashes still verify
    assert needs_rehash(hash_secret("a long passphrase")) is False
    assert needs_rehash("garbage") is True


def test_use_hasher_returns_the_old_one_and_accepts_only_argon2id() -> None:
    other = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1)
    assert use_hasher(other) is CHEAP
    assert use_hasher(CHEAP) is other
    with pytest.raises(ValueError, match="argon2id"):
        use_hasher(PasswordHasher(time_cost=1, memory_cost=16, parallelism=1, type=Type.I))
    with pytest.raises(ValueError, match="argon2id"):
        use_hasher("cheap")  # type: ignore[arg-type]
    assert passwords._hasher is CHEAP


# --- choosing a password ---------------------------------------------------------------------


def test_policy_constants() -> None:
    assert (MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, MAX_FAILED_ATTEMPTS) == (10, 200, 5)
    assert LOCKOUT.total_seconds() == 15 * 60
    assert STAFF_IDLE_LOGOUT.total_seconds() == 10 * 60


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("", "Enter a password of at least 10 characters."),
        (
            "          ",
            "The password is only spaces. Choose a password with letters or digits in it.",
        ),
        (
            "short1",
            "The password is too short: use at least 10 characters. "
            "A few words in a row are easy to remember and hard to guess.",
        ),
        ("x" * 201, "The password is too long: use at most 200 characters."),
        (
            "Kari.Nordmann",
            "The password must not be the same as the username. Choose another password.",
        ),
        (
            "kari.nordmann2026",
            "The password must not contain the username. Choose a password without it.",
        ),
        (
            "MyKARI.NORDMANNpass",
            "The password must not contain the username. Choose a password without it.",
        ),
    ],
)
def test_password_problems(password: str, expected: str) -> None:
    assert password_problem(password, username="kari.nordmann") == expected


@pytest.mark.parametrize(
    "password", ["ten chars!", "x" * 200, "blå hest på taket", "  padded passphrase  "]
)
def test_good_passwords(password: str) -> None:
    assert password_problem(password, username="kari.nordmann") is None


def test_an_empty_username_does_not_refuse_every_password() -> None:
    assert password_problem("a good long one", username="") is None
    assert password_problem("a good long one", username="   ") is None


# --- choosing a PIN --------------------------------------------------------------------------

SAME = "The PIN is the same digit repeated, which is easy to guess. Choose another."
RUN = (
    "The PIN is a straight run of digits (like 1234 or 4321), which is easy to guess. "
    "Choose another."
)
DIGITS_ONLY = "The PIN can only have the digits 0 to 9. Remove letters, spaces and signs."


@pytest.mark.parametrize(
    ("pin", "expected"),
    [
        ("", "Enter a PIN of 4 to 8 digits."),
        ("123", "The PIN has 3 digits. Use 4 to 8 digits."),
        ("258025802", "The PIN has 9 digits. Use 4 to 8 digits."),
        ("12a4", DIGITS_ONLY),
        (" 2580", DIGITS_ONLY),
        ("25-80", DIGITS_ONLY),
        ("\u0662\u0665\u0668\u0660", DIGITS_ONLY),  # Arabic-Indic digits are not 0-9
        ("0000", SAME),
        ("77777777", SAME),
        ("1234", RUN),
        ("4321", RUN),
        ("123456", RUN),
        ("12345678", RUN),
        ("0123", RUN),
        ("7890", RUN),
        ("09876543", RUN),
    ],
)
def test_pin_problems(pin: str, expected: str) -> None:
    assert pin_problem(pin) == expected


@pytest.mark.parametrize("pin", ["2580", "8901", "1357", "1123", "12344321", "90210"])
def test_good_pins(pin: str) -> None:
    assert pin_problem(pin) is None


def test_pin_must_be_text() -> None:
    with pytest.raises(TypeError):
        pin_problem(2580)  # type: ignore[arg-type]


# --- lockout ---------------------------------------------------------------------------------

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def test_five_failures_in_a_row_lock_for_fifteen_minutes() -> None:
    state = LoginState()
    seen = []
    for i in range(5):
        state = after_failure(state, minutes(i))
        seen.append(state)
    assert seen == [
        LoginState(1),
        LoginState(2),
        LoginState(3),
        LoginState(4),
        LoginState(0, minutes(4) + LOCKOUT),
    ]
    assert is_locked(state, minutes(4)) is True
    assert is_locked(state, minutes(19) - timedelta(seconds=1)) is True
    assert is_locked(state, minutes(19)) is False  # the lock ends exactly at locked_until


def test_failures_while_locked_change_nothing() -> None:
    locked = LoginState(0, minutes(15))
    assert after_failure(locked, minutes(5)) == locked
    assert after_failure(locked, minutes(14)) == locked


def test_after_the_lock_there_are_five_fresh_attempts() -> None:
    state = LoginState(0, minutes(15))
    assert attempts_left(state, minutes(15)) == 5
    for i, expected in enumerate([1, 2, 3, 4]):
        state = after_failure(state, minutes(20 + i))
        assert state == LoginState(expected)
    state = after_failure(state, minutes(30))
    assert state == LoginState(0, minutes(30) + LOCKOUT)


def test_a_success_clears_the_count() -> None:
    state = LoginState()
    for i in range(4):
        state = after_failure(state, minutes(i))
    assert state == LoginState(4)
    assert after_success(state) == LoginState()
    assert after_failure(after_success(state), minutes(5)) == LoginState(1)
    assert after_success(LoginState(0, minutes(-1))) == LoginState()


def test_attempts_left() -> None:
    assert attempts_left(LoginState(), T0) == 5
    assert attempts_left(LoginState(3), T0) == 2
    assert attempts_left(LoginState(0, minutes(1)), T0) == 0


def test_locked_message_rounds_minutes_up() -> None:
    state = LoginState(0, minutes(15))
    expected = (
        "Too many wrong attempts in a row, so logging in is paused for {n} min. "
        "Try again then, or ask an admin to unlock the account."
    )
    assert locked_message(state, T0) == expected.format(n=15)
    assert locked_message(state, minutes(14) + timedelta(seconds=1)) == expected.format(n=1)
    assert locked_message(state, minutes(15)) is None


def test_any_timezone_works_because_aware_times_compare_as_instants() -> None:
    oslo = T0.astimezone(ZoneInfo("Europe/Oslo"))
    state = after_failure(LoginState(4), oslo)
    assert state.locked_until == T0 + LOCKOUT
    assert is_locked(state, T0 + timedelta(minutes=10)) is True


def test_naive_times_are_refused() -> None:
    naive = datetime(2026, 1, 5, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_locked(LoginState(), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        after_failure(LoginState(), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        LoginState(0, naive)
    with pytest.raises(TypeError):
        is_locked(LoginState(), T0.date())  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, True, 1.0, "2"])
def test_failed_attempts_is_a_whole_number_at_least_zero(bad: object) -> None:
    with pytest.raises(ValueError, match="failed_attempts"):
        LoginState(bad)  # type: ignore[arg-type]
