"""Near-valid inputs for the property tests: a valid data file, mutated a little.

Purely random bytes are refused at the first character and so never reach the checks
that matter (ranges, how values fit together, ids across files). These strategies start
from a real file's parsed TOML and change one to three things in it (a value replaced
by something odd, a key dropped, an unknown or misspelt key added), then write it back
as TOML, so the loader sees a file a person could have written by hand.

:func:`to_toml` is a small writer for the values ``tomllib`` produces (there is no TOML
writer in the standard library, and the tests should not need another dependency).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

Path_ = tuple[str | int, ...]

# Text anything can produce: typing, pasting, a mangled file. No lone surrogates: they
# cannot be written to a UTF-8 file (invalid bytes are tested separately).
UNICODE = st.characters(codec="utf-8", exclude_categories=("Cs",))
ODD_TEXT = st.one_of(
    st.text(UNICODE, max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\t\n",
            "\x1b[31m",
            "\u202e",
            "æøå ÆØÅ",
            "../../etc/passwd",
            "C:\\Users\\kari\\profil.toml",
            "monday",
            "attention",
            "symbol_coding",
            "T",
            "raw",
            "x" * 5000,
        ]
    ),
)
ODD_NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2, 3, 7, 8, 15, 90, 91, 200, 201, 10**30, -(10**400)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.5, 1e-300, 1e300, math.inf, -math.inf, math.nan]),
)
SCALAR = st.one_of(ODD_TEXT, ODD_NUMBER, st.booleans(), st.dates(), st.times())
ODD_VALUE = st.one_of(
    SCALAR,
    st.lists(SCALAR, max_size=5),
    st.dictionaries(st.text(UNICODE, min_size=1, max_size=12), SCALAR, max_size=3),
    # Fresh empty containers each time: a shared ``just({})`` would be filled in by one
    # example's "add" and turn up, grown (even inside itself), in the next.
    st.builds(list),
    st.builds(dict),
    st.lists(st.dictionaries(st.sampled_from(["id", "name", "x"]), SCALAR, max_size=2), max_size=2),
)


# -- writing TOML ----------------------------------------------------------------------


def _string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (dt.date, dt.time)):  # dates, times and datetimes: ISO is TOML
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_string(str(k))} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {value!r}")


def to_toml(data: Mapping[str, Any]) -> str:
    """``data`` as TOML text that ``tomllib`` reads back equal (NaN aside): one
    ``key = value`` line per top-level key, tables written inline."""
    return "".join(f"{_string(str(k))} = {_value(v)}\n" for k, v in data.items())


# -- mutating parsed data ----------------------------------------------------------------


def paths(data: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every place in ``data`` (keys of tables, positions in lists), parents first."""
    found: list[Path_] = []
    if isinstance(data, Mapping):
        for k, v in data.items():
            found.append((*prefix, k))
            found.extend(paths(v, (*prefix, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found.append((*prefix, i))
            found.extend(paths(v, (*prefix, i)))
    return found


def _parent(data: Any, path: Path_) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def mutated(draw: st.DrawFn, original: Mapping[str, Any], max_changes: int = 3) -> dict:
    """``original`` with one to ``max_changes`` changes: replace, drop, add or misspell."""
    data = copy.deepcopy(dict(original))
    for _ in range(draw(st.integers(1, max_changes))):
        places = paths(data)
        op = draw(st.sampled_from(["replace", "replace", "drop", "add", "misspell"]))
        if not places:
            op = "add"
        if op == "add":
            tables = [()] + [p for p in places if isinstance(_get(data, p), Mapping)]
            where = draw(st.sampled_from(tables))
            table = _get(data, where)
            key = draw(st.one_of(st.text(UNICODE, min_size=1, max_size=20), st.just("extra")))
            table[key] = draw(ODD_VALUE)
            continue
        path = draw(st.sampled_from(places))
        parent = _parent(data, path)
        last = path[-1]
        if op == "replace":
            parent[last] = draw(ODD_VALUE)
        elif op == "drop":
            del parent[last]
        elif isinstance(last, str) and len(last) > 1:  # misspell: drop a letter
            i = draw(st.integers(0, len(last) - 1))
            typo = last[:i] + last[i + 1 :]
            parent[typo] = parent.pop(last)
    return data


def _get(data: Any, path: Path_) -> Any:
    for step in path:
        data = data[step]
    return data


def invalid_utf8(text: str) -> st.SearchStrategy[bytes]:
    """``text``'s bytes with a byte sequence UTF-8 does not allow put in somewhere."""
    raw = text.encode("utf-8")
    return st.builds(
        lambda at, junk: raw[:at] + junk + raw[at:],
        st.integers(0, len(raw)),
        st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xfe\xff", b"\x80"]),
    )
