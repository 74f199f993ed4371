"""What staff tests share: a settable wall clock for the desk, and cheap password hashes.

argon2id at its production cost takes tens of milliseconds a hash by design; the tests
hash hundreds of times, so they swap in the cheapest parameters (still argon2id) and put
the production ones back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher

from cogtrain.staff import passwords


class DeskClock:
    """The desk's wall clock: set by the test, moving on a microsecond per reading so the
    audit log's newest-first order is the order things happened in."""

    def __init__(self, start: datetime | None = None) -> None:
        self.t = start or datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.t += timedelta(microseconds=1)
        return self.t

    def advance(self, **kw: float) -> None:
        self.t += timedelta(**kw)


@contextmanager
def cheap_password_hashes() -> Iterator[None]:
    old = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        yield
    finally:
        passwords.use_hasher(old)
