"""Staff passwords and participant PINs: hashing, the rules for choosing them, lockout.

Hashing is argon2id (the OWASP recommendation) with argon2-cffi's RFC 9106 low-memory
profile (64 MiB, 3 passes, 4 lanes; the library default), salted per hash. The hasher
lives in one place, :data:`_hasher`; tests swap in cheap parameters with
:func:`use_hasher` so the suite stays fast. A stored hash carries its own parameters, so
hashes made with other parameters still verify, and :func:`needs_rehash` says when to
store a fresh one after a successful login.

Secrets are never put into a message: a message may be logged or shown over a shoulder.

Lockout is pure data (:class:`LoginState`, stored with the account or the participant):
:data:`MAX_FAILED_ATTEMPTS` wrong entries in a row lock for :data:`LOCKOUT`. When the
lock is set the counter goes back to 0, so after the lock ends there are again
:data:`MAX_FAILED_ATTEMPTS` tries before the next lock. The login screen checks
:func:`is_locked` first and does not check a secret while locked; a failure reported
while locked changes nothing (it neither counts nor makes the lock longer, so nobody can
keep an account locked for ever by hammering it). A success clears everything. "Now" is
an argument and must be timezone-aware, because a naive time read on a machine in
another zone (or across a daylight-saving change) would shift the lock.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from cogtrain.i18n import Msg, _

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MIN_PIN_DIGITS = 4
MAX_PIN_DIGITS = 8
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
STAFF_IDLE_LOGOUT = timedelta(minutes=10)
"""A staff screen left alone this long logs out (participant data must not stay open)."""

_hasher: PasswordHasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash with ``hasher`` from now on and return the one used until now.

    For tests (``PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)``), restoring
    the returned hasher afterwards. Only argon2id hashers are accepted.
    """
    global _hasher
    if not isinstance(hasher, PasswordHasher) or hasher.type is not Type.ID:
        raise ValueError(f"the hasher must be an argon2id PasswordHasher, not {hasher!r}")
    old, _hasher = _hasher, hasher
    return old


def _check_secret(secret: object) -> str:
    if not isinstance(secret, str):
        raise TypeError(f"a secret must be a str, not {type(secret).__name__}")
    if not secret:
        raise ValueError("refusing to hash an empty secret")
    if len(secret) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"refusing to hash a secret longer than {MAX_PASSWORD_LENGTH}")
    return secret


def hash_secret(secret: str) -> str:
    """A salted argon2id hash of a password or PIN, to store instead of the secret.

    Empty secrets and secrets longer than :data:`MAX_PASSWORD_LENGTH` are refused with
    :class:`ValueError`: the forms never let them through, so one here is a bug.
    """
    return _hasher.hash(_check_secret(secret))


def verify_secret(stored_hash: str, secret: str) -> bool:
    """Does ``secret`` match ``stored_hash``? Never raises for a wrong or odd input.

    ``False`` for a mismatch, a damaged or non-argon2 hash, and secrets that could never
    have been hashed (not a str, empty, too long: refused before any hashing work).
    """
    if not isinstance(stored_hash, str) or not isinstance(secret, str):
        return False
    if not secret or len(secret) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        # UnicodeEncodeError: a lone surrogate (a password piped in that was not UTF-8),
        # which no stored hash was ever made from.
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Was ``stored_hash`` made with other parameters than the current hasher's?

    Ask after a successful :func:`verify_secret`, then store ``hash_secret(secret)``. A
    hash that cannot be read also needs replacing (``True``).
    """
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError, TypeError):
        return True


# --- choosing a password or a PIN ------------------------------------------------------------


def password_problem(password: str, *, username: str) -> Msg | None:
    """Why ``password`` cannot be a staff password, or ``None`` when it can.

    Taken exactly as typed (spaces count): a long phrase is a good password. The username
    is compared without regard to case.
    """
    if not isinstance(password, str):
        raise TypeError(f"password must be a str, not {type(password).__name__}")
    if not isinstance(username, str):
        raise TypeError(f"username must be a str, not {type(username).__name__}")
    if not password:
        return _("Enter a password of at least {minimum} characters.").format(
            minimum=MIN_PASSWORD_LENGTH
        )
    if not password.strip():
        return _("The password is only spaces. Choose a password with letters or digits in it.")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in password):
        # Never typed at the log-in screen (so the account could not be used), and a
        # lone surrogate cannot even be hashed. Which character is not said: a secret.
        return _(
            "The password has a control character or a broken character in it, which "
            "cannot be typed when you log in. Type the password instead of pasting it."
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        return _(
            "The password is too short: use at least {minimum} characters. "
            "A few words in a row are easy to remember and hard to guess."
        ).format(minimum=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("The password is too long: use at most {maximum} characters.").format(
            maximum=MAX_PASSWORD_LENGTH
        )
    name = username.strip().casefold()
    if name and password.casefold() == name:
        return _("The password must not be the same as the username. Choose another password.")
    if name and name in password.casefold():
        return _("The password must not contain the username. Choose a password without it.")
    return None


_PIN = re.compile(r"[0-9]+")
_NUMBER_ROW = "01234567890"  # 0 follows 9 on the keyboard's number row: 7890 is a run


def pin_problem(pin: str) -> Msg | None:
    """Why ``pin`` cannot be a participant's PIN, or ``None`` when it can.

    4 to 8 digits 0-9, not all the same digit (1111) and not a straight run up or down
    the number row (1234, 4321, 123456, 7890): those are the first ones anyone tries.
    """
    if not isinstance(pin, str):
        raise TypeError(f"pin must be a str, not {type(pin).__name__}")
    if not pin:
        return _("Enter a PIN of {minimum} to {maximum} digits.").format(
            minimum=MIN_PIN_DIGITS, maximum=MAX_PIN_DIGITS
        )
    if not _PIN.fullmatch(pin):
        return _("The PIN can only have the digits 0 to 9. Remove letters, spaces and signs.")
    if not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        return _("The PIN has {count} digits. Use {minimum} to {maximum} digits.").format(
            count=len(pin), minimum=MIN_PIN_DIGITS, maximum=MAX_PIN_DIGITS
        )
    if len(set(pin)) == 1:
        return _("The PIN is the same digit repeated, which is easy to guess. Choose another.")
    if pin in _NUMBER_ROW or pin in _NUMBER_ROW[::-1]:
        return _(
            "The PIN is a straight run of digits (like 1234 or 4321), which is easy to "
            "guess. Choose another."
        )
    return None


# --- lockout ---------------------------------------------------------------------------------


def _check_now(now: datetime) -> None:
    if not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime, not {now!r}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware (for example UTC), not {now!r}")


@dataclass(frozen=True)
class LoginState:
    """Wrong entries in a row since the last success or lock, and the end of a lock."""

    failed_attempts: int = 0
    locked_until: datetime | None = None

    def __post_init__(self) -> None:
        n = self.failed_attempts
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"failed_attempts must be a whole number >= 0, not {n!r}")
        if self.locked_until is not None:
            _check_now(self.locked_until)


def is_locked(state: LoginState, now: datetime) -> bool:
    """Is the login locked at ``now``? (The lock ends exactly at ``locked_until``.)"""
    _check_now(now)
    return state.locked_until is not None and now < state.locked_until


def after_failure(state: LoginState, now: datetime) -> LoginState:
    """The state after a wrong password or PIN at ``now`` (see the module doc)."""
    _check_now(now)
    if is_locked(state, now):
        return state
    failed = (0 if state.locked_until is not None else state.failed_attempts) + 1
    if failed >= MAX_FAILED_ATTEMPTS:
        return LoginState(failed_attempts=0, locked_until=now + LOCKOUT)
    return LoginState(failed_attempts=failed)


def after_success(state: LoginState) -> LoginState:
    """The state after a right password or PIN: a clean slate.

    Only call it after :func:`is_locked` said no: a secret is not checked while locked.
    """
    return LoginState()


def attempts_left(state: LoginState, now: datetime) -> int:
    """Wrong entries still possible before the next lock (0 while locked)."""
    if is_locked(state, now):
        return 0
    used = 0 if state.locked_until is not None else state.failed_attempts
    return max(0, MAX_FAILED_ATTEMPTS - used)


def locked_message(state: LoginState, now: datetime) -> Msg | None:
    """What the staff login screen says while locked (``None`` when not locked)."""
    if not is_locked(state, now):
        return None
    assert state.locked_until is not None
    minutes = max(1, math.ceil((state.locked_until - now).total_seconds() / 60))
    return _(
        "Too many wrong attempts in a row, so logging in is paused for {minutes} min. "
        "Try again then, or ask an admin to unlock the account."
    ).format(minutes=minutes)
