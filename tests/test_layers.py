"""The layer table of DESIGN.md, enforced on the source (imports read with ast)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def files(*patterns: str) -> list[Path]:
    out: list[Path] = []
    for pat in patterns:
        out.extend(sorted(ROOT.glob(pat)))
    assert out, patterns
    return out


def top(name: str) -> str:
    return name.split(".")[0]


RULE_FILES = files(
    "cogtrain/training/**/*.py",
    "cogtrain/reports/*.py",
    "cogtrain/staff/*.py",
    "cogtrain/assessment/*.py",
    "exercises/*/rules.py",
    "exercises/*/__init__.py",
    "exercises/__init__.py",
)
# The staff rules are pure; the desk is the one staff module that talks to storage.
RULE_FILES = [p for p in RULE_FILES if (p.parent.name, p.name) != ("staff", "desk.py")]
STORAGE_FILES = files("cogtrain/storage/**/*.py")
RUNTIME_FILES = files("cogtrain/runtime/**/*.py", "exercises/*/view.py", "exercises/_shared/*.py")


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rules_import_no_pygame_no_sqlalchemy(path: Path) -> None:
    bad = {m for m in imports_of(path) if top(m) in {"pygame", "sqlalchemy", "alembic"}}
    bad |= {m for m in imports_of(path) if m.startswith(("cogtrain.runtime", "cogtrain.storage"))}
    assert not bad, f"{path} imports {bad}"


@pytest.mark.parametrize("path", STORAGE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_storage_imports_no_pygame(path: Path) -> None:
    bad = {m for m in imports_of(path) if top(m) == "pygame" or m.startswith("cogtrain.runtime")}
    assert not bad, f"{path} imports {bad}"


RAW_SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA)\b")


@pytest.mark.parametrize("path", RUNTIME_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_runtime_has_no_sqlalchemy_and_no_raw_sql(path: Path) -> None:
    bad = {m for m in imports_of(path) if top(m) in {"sqlalchemy", "alembic", "sqlite3"}}
    assert not bad, f"{path} imports {bad}"
    assert not RAW_SQL.search(path.read_text(encoding="utf-8")), f"raw SQL in {path}"


def test_pure_rules_import_cleanly_without_pygame() -> None:
    """Importing the rules in a fresh interpreter must not pull pygame or sqlalchemy in."""
    import subprocess
    import sys

    code = (
        "import sys, exercises, cogtrain.training.staircase, cogtrain.training.progress;"
        "bad=[m for m in ('pygame','sqlalchemy') if m in sys.modules]; print(bad);"
        "sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
