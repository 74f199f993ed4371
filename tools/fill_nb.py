"""Fill empty nb msgstr entries from a JSON file of {msgid: translation}.

A plural entry is keyed ``"singular|plural"`` with a list ``[one, many]`` as its value.

Used after tools/update_catalogs.sh: the translator writes the new strings into a JSON
file (easier to review than a .po diff) and this merges them in, refusing a translation
whose {placeholders} differ from the msgid's.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "cogtrain/locale/nb/LC_MESSAGES/cogtrain.po"
FIELD = re.compile(r"\{(\w*)\}")


def main(path: str) -> int:
    new = json.loads(Path(path).read_text(encoding="utf-8"))
    with PO.open("rb") as fh:
        cat = read_po(fh, locale="nb", domain="cogtrain")

    def fields(v: str | list[str]) -> list[str]:
        return sorted(FIELD.findall(v if isinstance(v, str) else v[-1]))

    bad = [k for k, v in new.items() if fields(k.split("|")[-1]) != fields(v)]
    if bad:
        print("placeholders differ in:", *bad, sep="\n  ", file=sys.stderr)
        return 1
    filled = 0
    for msg in cat:
        if isinstance(msg.id, tuple):  # a plural: key "singular|plural", value [one, many]
            key = "|".join(msg.id)
            if key in new and not all(msg.string):
                msg.string = tuple(new[key])
                filled += 1
        elif msg.id and not msg.string and msg.id in new:
            msg.string = new[msg.id]
            filled += 1
    with PO.open("wb") as fh:
        write_po(fh, cat, width=100, no_location=True, sort_output=True)

    def done(m) -> bool:  # type: ignore[no-untyped-def]
        return all(m.string) if isinstance(m.id, tuple) else bool(m.string)

    left = [m.id for m in cat if m.id and not done(m)]
    print(f"filled {filled}; still empty: {len(left)}")
    for m in left:
        print("  ", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
