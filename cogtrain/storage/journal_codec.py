"""Store-call arguments as JSON, for the training journal (:mod:`cogtrain.storage.journal`).

A journal row must say exactly what a :class:`~cogtrain.storage.store.Store` write was
given, read back byte for byte on another day by another process: UUIDs, aware
datetimes (to the microsecond), floats (Python's shortest round-trip text), JSON
values, and the few training dataclasses the writes take. Anything else is refused
when the row is written, never silently turned into something else later. No pickle:
a journal file copied between PCs must never be able to run code.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any

from cogtrain.storage.staff_records import AuditEntry
from cogtrain.training.block import TrialRecord
from cogtrain.training.checkin import CheckIn
from cogtrain.training.reflection import Reflection
from cogtrain.training.staircase import StaircaseState

DATACLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (TrialRecord, StaircaseState, CheckIn, Reflection, AuditEntry)
}
"""The dataclasses a journaled write may take, by name."""


class JournalCodecError(ValueError):
    """A value the journal cannot store or a stored value it cannot read."""


def encode(value: Any) -> Any:
    """``value`` as plain JSON data (dicts, lists, str, numbers, bool, None)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, uuid.UUID):
        return {"$uuid": value.hex}
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise JournalCodecError("a naive datetime cannot be journaled; use datetime.now(UTC)")
        return {"$datetime": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if DATACLASSES.get(name) is not type(value):
            raise JournalCodecError(f"{name} is not a type the journal stores")
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$type": name, "$fields": fields}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise JournalCodecError("only text keys can be journaled")
        if any(k.startswith("$") for k in value):
            return {"$dict": {k: encode(v) for k, v in value.items()}}
        return {k: encode(v) for k, v in value.items()}
    raise JournalCodecError(f"a {type(value).__name__} cannot be journaled")


def decode(data: Any) -> Any:
    """The value :func:`encode` was given."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) == 1:
        ((key, inner),) = data.items()
        if key == "$uuid":
            return uuid.UUID(hex=inner)
        if key == "$datetime":
            return datetime.fromisoformat(inner)
        if key == "$tuple":
            return tuple(decode(v) for v in inner)
        if key == "$dict":
            return {k: decode(v) for k, v in inner.items()}
    if set(data) == {"$type", "$fields"}:
        cls = DATACLASSES.get(data["$type"])
        if cls is None:
            raise JournalCodecError(f"unknown journaled type {data['$type']!r}")
        return cls(**{k: decode(v) for k, v in data["$fields"].items()})
    if any(k.startswith("$") for k in data):
        raise JournalCodecError(f"unreadable journal value with keys {sorted(data)}")
    return {k: decode(v) for k, v in data.items()}
