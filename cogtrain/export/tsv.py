"""Cells, files and syncing for the export's tab-separated tables.

One fixed format for every value (so the same database gives the same bytes), files
written through a large buffer, and durability bought once for the whole dataset at the
end (:func:`sync_tree`) instead of one ``fsync`` per file: a clinic's export has tens of
thousands of small trial files, and a sync each cost more than writing them.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cogtrain.export.dictionary import Table

NA = "n/a"
WRITE_BUFFER = 1 << 20


def fmt(value: Any) -> str:
    """One TSV cell: ``n/a`` for missing, 1/0 for true/false, numbers in a fixed format
    (never locale-dependent, never an exponent), text on one line (see :func:`escape`)."""
    if value is None:
        return NA
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return fmt_float(value)
    text = escape(str(value))
    return text if text else NA


def fmt_float(x: float, places: int = 6) -> str:
    """``x`` rounded to ``places`` decimals, trailing zeros dropped: 812.345, 3, 0.25.

    Python's shortest ``repr`` would switch to exponents (1e-07) and show binary noise
    of sums (0.30000000000000004); six decimals is a microsecond in ms and in seconds."""
    if not math.isfinite(x):
        return NA
    if places == 6:  # a literal format spec: a third faster than building one per call
        text = f"{x:.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{x:.{places}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def escape(text: str) -> str:
    """Free text on one TSV line: backslash, tab, CR and LF written as \\\\ \\t \\r \\n."""
    if not any(c in text for c in "\\\t\r\n"):
        return text
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


_COMPACT = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compact_json(value: Any) -> str:
    """JSON on one line with sorted keys, so the same record always gives the same text
    (JSON escapes tabs and line breaks itself).

    One encoder made once: ``json.dumps`` with options builds a new one per call, which
    is a quarter of the time for a trial's spec (what ``json.dumps`` gives is the same)."""
    return _COMPACT.encode(value)


class TsvFile:
    """A TSV file written line by line: UTF-8, LF, header first.

    Not synced on close: :func:`sync_tree` makes the finished dataset durable in one go
    before it is moved into place (and a zip is synced as one file)."""

    def __init__(self, path: Path, table: Table) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.n_columns = len(table.names)
        self._fh: IO[str] = path.open("w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER)
        self._fh.write("\t".join(table.names) + "\n")

    def row(self, cells: Sequence[str]) -> None:
        assert len(cells) == self.n_columns, (self.path, cells)
        self._fh.write("\t".join(cells) + "\n")

    def lines(self, lines: list[str]) -> None:
        """Many finished lines (each with its LF) in one write."""
        self._fh.write("".join(lines))

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()

    def __enter__(self) -> TsvFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def write_json(path: Path, value: Any) -> None:
    write_text(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def fsync_dir(path: Path) -> None:
    """Make a folder's entries durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_tree(root: Path) -> None:
    """Make every file and folder under ``root`` durable before it is published.

    POSIX: one ``sync()`` for the lot (the kernel writes the dirty pages in one sweep;
    it also flushes other programs' writes, which costs them nothing). Elsewhere: each
    file is reopened and synced, then each folder."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for folder, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            with open(os.path.join(folder, name), "ab") as fh:
                os.fsync(fh.fileno())
        fsync_dir(Path(folder))
