"""Errors a person can act on.

Every error cogtrain shows says what was wrong, where, and what to do. The message is
kept in English for logs and the terminal; screens show a translated summary plus
these details, so a consultant can pass them on to IT support verbatim.
"""

from __future__ import annotations


class CogtrainError(Exception):
    """Base error: ``message`` says what went wrong, ``hint`` says what to do about it."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class StoppedOnRequest(CogtrainError):
    """Work stopped because the person asked it to (Cancel), not because it failed.

    A :class:`CogtrainError`, so everything that cleans up after a failed action does
    so here too; audited as "stopped" rather than "failed" (see the desk's export)."""


class DataFileError(CogtrainError):
    """A data file staff edit (a training profile, an assessment battery) that cannot be
    used: names the file, the key, what is wrong and what is allowed. Subclasses say in
    ``HINT`` what happens to the other files."""

    HINT = "Correct this value and load again."

    def __init__(self, source: str, key: str, problem: str, allowed: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        self.allowed = allowed
        super().__init__(f"{source}: {key}: {problem}. Allowed: {allowed}.", hint=self.HINT)
