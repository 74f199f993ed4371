"""Every string on screen comes from the catalogue, and nb has them all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from cogtrain import i18n
from cogtrain.i18n import Msg, _

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_msgids() -> set[str]:
    ids: set[str] = set()
    for folder in ("cogtrain", "exercises"):
        for _fn, _ln, msg, _c, _ctx in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            # A plural (ngettext) is one catalogue entry, looked up by its singular.
            ids.add(msg if isinstance(msg, str) else msg[0])
    return ids


def catalog(lang: str):  # type: ignore[no-untyped-def]
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "cogtrain.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_every_source_string_has_a_norwegian_translation() -> None:
    nb = catalog("nb")
    assert {"Right", "Symbol coding", "Pause"} <= source_msgids()  # extraction works

    def translated(m: str) -> bool:
        entry = nb.get(m)
        if entry is None or entry.fuzzy:
            return False
        return all(entry.string) if isinstance(entry.id, tuple) else bool(entry.string)

    missing = sorted(m for m in source_msgids() if not translated(m))
    assert not missing, "msgids without nb translation (run tools/update_catalogs.sh): " + repr(
        missing
    )


def test_english_catalogue_lists_every_string() -> None:
    en = catalog("en")
    missing = sorted(m for m in source_msgids() if en.get(m) is None)
    assert not missing, missing


def test_placeholders_survive_translation() -> None:
    import re

    nb = catalog("nb")
    for m in nb:
        if m.id and isinstance(m.id, str):
            assert set(re.findall(r"{\w+}", m.id)) == set(re.findall(r"{\w+}", m.string)), m.id


def test_language_switch() -> None:
    i18n.set_language("en")
    assert _("Right") == "Right"
    i18n.set_language("nb")
    assert _("Right") == "Riktig"
    assert _("End the session") == "Avslutt økta"


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(i18n.UnknownLanguageError) as err:
        i18n.set_language("sv")
    assert "'sv'" in err.value.message and "nb, en" in err.value.hint


def test_numbers_are_norwegian() -> None:
    assert i18n.number(1234.5, decimals=1) == "1\xa0234,5"
    i18n.set_language("en")
    assert i18n.number(1234.5, decimals=1) == "1,234.5"


def test_theme_refuses_plain_strings() -> None:
    import pygame

    from cogtrain.runtime.theme import Theme

    pygame.font.init()
    theme = Theme(768)
    with pytest.raises(TypeError, match="untranslated"):
        theme.render("Hei")  # type: ignore[arg-type]
    assert theme.render(_("Right")).get_width() > 0
    assert isinstance(_("Task {n} of {total}").format(n=1, total=2), Msg)


def test_no_string_literal_is_passed_to_the_text_helpers() -> None:
    """Static twin of the runtime check: draw helpers never get a literal."""
    drawers = {"draw_line", "draw_paragraph", "render", "wrap", "Button"}
    offenders = []
    for path in list((ROOT / "cogtrain").rglob("*.py")) + list((ROOT / "exercises").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in drawers:
                    for arg in node.args:
                        if (
                            isinstance(arg, ast.Constant)
                            and isinstance(arg.value, str)
                            or isinstance(arg, ast.JoinedStr)
                        ):
                            offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
